#!/usr/bin/env bash
# The manual pages are clean for mandoc's linter at warning level: a broken
# macro, a misplaced section or a bad cross-reference order fails here.
. "$(dirname "$0")/../lib.sh"

if ! command -v mandoc >/dev/null 2>&1; then
    fail "mandoc is not installed (make test-deps installs it)"
    t_done
    exit
fi
pages=("$TOP"/man/*.[1-9])
[ ${#pages[@]} -ge 3 ] && ok || fail "found ${#pages[@]} manual pages in man/"
for page in "${pages[@]}"; do
    mandoc -Tlint -Wwarning "$page" >"$T/out" 2>&1
    rc=$?
    if [ "$rc" = 0 ] && [ ! -s "$T/out" ]; then
        ok
    else
        fail "mandoc -Tlint -Wwarning ${page#"$TOP"/} (exit $rc):"
        sed 's/^/     /' "$T/out" | head -20
    fi
done
# The linter itself catches what it should (else a clean run proves nothing).
printf '.Dd May 1, 2026\n.Dt X 5\n.Os\n.Sh NAME\n.Nm x\n.Nd y\n.Sh ERRORS\nz\n' >"$T/bad.5"
mandoc -Tlint -Wwarning "$T/bad.5" >"$T/out" 2>&1
rc=$?
expect_rc 2 "mandoc flags a page with a misplaced section"
t_done
