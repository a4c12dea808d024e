#!/usr/bin/env bash
# bad_config.sh — every file in tests/bad-config/ is refused by a real
# command: exit 1, no crash, the problem at FILE:LINE:COLUMN, no database.
. "$(dirname "$0")/../lib.sh"
DIR=$TOP/tests/bad-config

# err_has WHERE TEXT DESCRIPTION — a line of stderr starts with WHERE and
# holds TEXT (fixed strings).
err_has() {
    if grep -F -- "$1" "$T/err" | grep -qF -- "$2"; then ok; else fail "$3: stderr lacks '$1 ... $2'"; fi
}
no_crash() {
    if [ "$rc" -lt 128 ] && ! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T/err"
    then ok; else fail "$1: crashed (exit $rc)"; fi
}

n=0
while IFS=$'\t' read -r name pos fragment; do
    [ -n "$name" ] || continue
    n=$((n + 1))
    bs --config "$DIR/$name" patient list
    expect_rc 1 "$name"
    no_crash "$name"
    err_has "$DIR/$name:$pos: " "$fragment" "$name"
    expect_same "$(db_sum)" none "$name: no database created"
done <"$DIR/EXPECTED"
[ "$n" -ge 10 ] && ok || fail "EXPECTED lists only $n files"

# Every corpus file has an expectation, so none is silently skipped.
for f in "$DIR"/*.yaml; do
    if cut -f1 "$DIR/EXPECTED" | grep -qxF "${f##*/}"; then ok; else fail "${f##*/} not in EXPECTED"; fi
done

# Too large to be a configuration (generated: no point storing 1 MiB).
{
    echo "forms: ../forms"
    echo "schedule:"
    for i in $(seq 1 30000); do echo "  - {id: t$i, day: $i, forms: [vas]}"; done
} >"$T/huge.yaml"
bs --config "$T/huge.yaml" patient list
expect_rc 1 "huge file"
no_crash "huge file"
err_has "$T/huge.yaml:1:1: " "file is too large" "huge file"

# A missing file is named too.
bs --config "$T/nope.yaml" patient list
expect_rc 1 "missing file"
err_has "$T/nope.yaml" "cannot open" "missing file"

# The shipped configuration, for contrast, is accepted.
bs --config "$TOP/config/bedside.yaml" patient add D1 --name "Ana Silva" --sex F --born 1980-01-02
expect_rc 0 "shipped config: patient add"
bs --config "$TOP/config/bedside.yaml" patient list
expect_rc 0 "shipped config: patient list"
expect_out "D1" "shipped config: the patient is listed"

t_done
