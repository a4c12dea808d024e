#!/usr/bin/env bash
# debian/ agrees with the rest of the tree: the package builds with the
# libraries the Makefile builds with (BUILD_DEBS = Build-Depends, apart from
# the compiler and make, which build-essential brings), its version is the
# program's, and it uses debhelper compat 13 through dh. (Building, linting
# and installing the package is `make deb-check`.)
. "$(dirname "$0")/../lib.sh"

D=$TOP/debian
build_debs=$(make -s --no-print-directory -C "$TOP" print-BUILD_DEBS)
[ -n "$build_debs" ] && ok || fail "make print-BUILD_DEBS printed nothing"
# Build-Depends, one package name per line, without versions or arch lists.
awk '/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, ""); print; next }
     on && /^[ \t]/ { print; next } { on = 0 }' "$D/control" |
    tr ',' '\n' | sed -E 's/[(\[<].*//; s/^[[:space:]]+//; s/[[:space:]]+$//' |
    grep -v '^$' | sort -u >"$T/bdeps"
grep -qx 'debhelper-compat' "$T/bdeps" && grep -q 'debhelper-compat (= 13)' "$D/control" && ok \
    || fail "Build-Depends has debhelper-compat (= 13)"
for p in $build_debs; do
    case $p in gcc | make) continue ;; esac
    grep -qxF "$p" "$T/bdeps" && ok || fail "BUILD_DEBS has $p; debian/control's Build-Depends lacks it"
done
for p in $(grep -vx debhelper-compat "$T/bdeps"); do
    case " $build_debs " in
    *" $p "*) ok ;;
    *) fail "debian/control Build-Depends has $p; the Makefile's BUILD_DEBS lacks it" ;;
    esac
done

# A library bedside opens at run time (dlopen) is no link-time dependency
# dpkg-shlibdeps could find: the package that ships it must be in Depends.
awk '/^Depends:/ { on = 1; sub(/^Depends:/, ""); print; next }
     on && /^[ \t]/ { print; next } { on = 0 }' "$D/control" | tr ',' '\n' |
    sed -E 's/[(\[<].*//; s/^[[:space:]]+//; s/[[:space:]]+$//' | grep -v '^$' >"$T/deps"
# Named in src/ (cairo's) or read by the Makefile from the libraries built
# against (GSL's, whose sonames change with its releases).
sonames=$({ grep -ohE '"lib[a-z0-9]+\.so\.[0-9]+"' "$TOP"/src/*.c | tr -d '"'
            make -s --no-print-directory -C "$TOP" print-DLOPEN_SONAMES | tr ' ' '\n'; } |
          grep -v '^$' | sort -u)
[ -n "$sonames" ] && ok || fail "no library opened at run time found in src/"
case " $(echo $sonames) " in *" libgsl.so."*) ok ;; *) fail "the Makefile names no GSL soname" ;; esac
# ... and is not linked: a start would load it again (and the libraries it
# brings) for every command.
objdump -p "$BEDSIDE" | awk '$1 == "NEEDED" { print $2 }' >"$T/needed"
[ -s "$T/needed" ] && ok || fail "objdump found no NEEDED entry in $BEDSIDE"
for so in $sonames; do
    grep -qxF "$so" "$T/needed" && fail "bedside links $so, which it opens at run time" || ok
    pkg=$(dpkg -S "*/$so" 2>/dev/null | head -1 | cut -d: -f1)
    if [ -z "$pkg" ]; then
        fail "$so (opened at run time) is not installed"
    else
        grep -qxF "$pkg" "$T/deps" && ok || fail "bedside opens $so at run time; debian/control's Depends lacks $pkg"
    fi
done

bs --version
expect_same "$(cat "$T/out")" "bedside $(sed -nE '1s/^bedside \(([^)]+)\).*/\1/p' "$D/changelog")" \
    "debian/changelog's version is bedside --version"
[ -x "$D/rules" ] && grep -qE '^[[:space:]]+dh \$@' "$D/rules" && ok || fail "debian/rules is executable and runs dh"
expect_same "$(cat "$D/source/format")" "3.0 (native)" "a native source package"
t_done
