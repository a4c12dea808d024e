#!/usr/bin/env bash
# The binary under test is hardened (lib_hardening.sh), and `make install` /
# `make uninstall` put and remove exactly the installed files, without
# compiling, keeping an edited configuration; the installed binary finds its
# forms and configuration where it was put.
. "$(dirname "$0")/../lib.sh"

# --- Hardening -------------------------------------------------------------
. "$TOP/tests/install/lib_hardening.sh"
check_hardening "$BEDSIDE"
# The checks can fail: a program built without the flags fails each of them
# but the text-relocation one.
printf '#include <stdio.h>\n#include <string.h>\nint main(int c, char **v)\n%s\n' \
    '{ char b[64]; strcpy(b, v[0]); printf("%s\n", b); return c; }' >"$T/plain.c"
if cc -O2 -U_FORTIFY_SOURCE -fno-stack-protector -no-pie -Wl,-z,norelro -Wl,-z,lazy \
    -o "$T/plain" "$T/plain.c" 2>"$T/err"; then
    n=$(ok() { :; }; fail() { echo x; }; check_hardening "$T/plain" | wc -l)
    expect_same "$n" 5 "an unhardened program fails five of the hardening checks"
else
    fail "cannot compile an unhardened program to test the checks"
fi

# make check tests a binary of its own, built with -Werror (the flags each
# build folder was compiled with are in its flags file).
if [ -n "${BUILD:-}" ] && [ "$BEDSIDE" = "$TOP/$BUILD/bedside" ]; then
    grep -q -- ' -Werror ' "$TOP/$BUILD/flags" && ok || fail "$BUILD/bedside was built without -Werror"
fi

# The caller's flags come after the Makefile's own (so they win), and a
# _FORTIFY_SOURCE of the caller's (dpkg-buildflags) replaces ours.
flags() { make -s --no-print-directory -C "$TOP" "$@"; }
f=$(flags print-ALL_CPPFLAGS CPPFLAGS=-DX_FROM_CALLER=1)
case $f in *"-D_FORTIFY_SOURCE=2 -DX_FROM_CALLER=1"*) ok ;; *) fail "CPPFLAGS after ours: $f" ;; esac
f=$(flags print-ALL_CPPFLAGS CPPFLAGS=-D_FORTIFY_SOURCE=3)
case $f in *"=2"*) fail "a caller's _FORTIFY_SOURCE=3 is doubled with ours: $f" ;; *=3*) ok ;;
*) fail "a caller's _FORTIFY_SOURCE=3 is dropped: $f" ;; esac
f=$(flags print-ALL_CPPFLAGS "CFLAGS=-O0 -g")
case $f in *_FORTIFY_SOURCE*) fail "fortified without optimisation (glibc warns): $f" ;; *) ok ;; esac
f=$(flags print-ALL_CFLAGS CFLAGS=-fno-stack-protector)
case $f in *"-fstack-protector-strong -fPIE "*"-fno-stack-protector") ok ;; *) fail "CFLAGS: $f" ;; esac
f=$(flags print-ALL_LDFLAGS LDFLAGS=-Wl,--as-needed)
case $f in *"-Wl,-z,now "*"-Wl,--as-needed") ok ;; *) fail "LDFLAGS: $f" ;; esac

# --- make install / uninstall ------------------------------------------------
# mk ARGS... — make in the source tree, installing the binary under test.
mk() { make -s -C "$TOP" BIN="$BEDSIDE" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
R=$T/root
touch "$T/before"
sleep 1
mk install DESTDIR="$R" PREFIX=/usr
expect_rc 0 "make install DESTDIR PREFIX=/usr"
changed=$(find "$TOP" -path "$TOP/.git" -prune -o -newer "$T/before" -print | head -3)
expect_same "$changed" "" "make install changed nothing in the source tree (built nothing)"
for f in usr/bin/bedside usr/share/bedside/config/bedside.yaml usr/share/bedside/forms/hhs.yaml \
    usr/share/man/man1/bedside.1 usr/share/man/man5/bedside.yaml.5 \
    usr/share/man/man5/bedside-forms.5 usr/share/doc/bedside/README.md \
    usr/share/bash-completion/completions/bedside etc/bedside/bedside.yaml; do
    [ -f "$R/$f" ] && ok || fail "make install put /$f"
done
expect_same "$(stat -c %a "$R/usr/bin/bedside")" 755 "the binary's mode"
expect_same "$(stat -c %a "$R/etc/bedside/bedside.yaml")" 644 "the configuration's mode"
expect_same "$(ls "$R/usr/share/bedside/forms" | wc -l)" "$(ls "$TOP"/forms/*.yaml | wc -l)" \
    "every shipped form is installed"
cmp -s "$R/usr/bin/bedside" "$BEDSIDE" && ok || fail "the installed binary is the one built"

# The installed binary uses the installed forms, not the source tree's.
env BEDSIDE_CONFIG="$R/etc/bedside/bedside.yaml" "$R/usr/bin/bedside" forms check >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "the installed binary checks its installed forms"
"$R/usr/bin/bedside" --config "$R/usr/share/doc/bedside/examples/trial-003.yaml" forms check \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "the installed trial-003 example uses the installed forms"
expect_out "^$(ls "$TOP"/forms/*.yaml | wc -l) forms OK$" "the installed trial-003 example uses the installed forms"
printf 'id: broken\ntitle: [unclosed\n' >"$R/usr/share/bedside/forms/zz.yaml"
env BEDSIDE_CONFIG="$R/etc/bedside/bedside.yaml" "$R/usr/bin/bedside" forms check >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "a broken installed form"
expect_err "^$R/usr/share/bedside/forms/zz\.yaml:" "is found in PREFIX/share/bedside/forms"
rm "$R/usr/share/bedside/forms/zz.yaml"
env BEDSIDE_CONFIG="$R/etc/bedside/bedside.yaml" BEDSIDE_DB="$T/inst.db" "$R/usr/bin/bedside" \
    --today "$TODAY" demo --patients 3 --seed 2 >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "the installed binary makes a demo database"

# A stale binary is refused, and nothing is built for it.
cp "$BEDSIDE" "$T/old-bedside"
touch -d 2000-01-01 "$T/old-bedside"
make -s -C "$TOP" BIN="$T/old-bedside" install DESTDIR="$T/root2" PREFIX=/usr >"$T/out" 2>"$T/err"
rc=$?
expect_rc 2 "make install of a binary older than its sources"
expect_err "older than src/" "says the binary is out of date"
[ -e "$T/root2" ] && fail "a stale install put files" || ok
make -s -C "$TOP" BIN="$T/none" install DESTDIR="$T/root2" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 2 "make install with nothing built"
expect_err "run make first" "says to run make"

# An edited configuration survives install and uninstall.
echo "# ward 3" >>"$R/etc/bedside/bedside.yaml"
cp "$R/etc/bedside/bedside.yaml" "$T/edited.yaml"
mk install DESTDIR="$R" PREFIX=/usr
expect_rc 0 "make install over an earlier install"
cmp -s "$R/etc/bedside/bedside.yaml" "$T/edited.yaml" && ok || fail "install kept the edited config"
expect_out "kept the edited" "install says it kept it"
mk uninstall DESTDIR="$R" PREFIX=/usr
expect_rc 0 "make uninstall"
expect_same "$(cd "$R" && find . -type f | sort | tr '\n' ' ')" "./etc/bedside/bedside.yaml " \
    "uninstall removes every installed file but the edited configuration"
[ -d "$R/usr/share/bedside" ] && fail "uninstall left /usr/share/bedside" || ok

# Unedited, the configuration goes too.
mk install DESTDIR="$T/root3"
expect_rc 0 "make install with the default prefix"
[ -x "$T/root3/usr/local/bin/bedside" ] && [ -f "$T/root3/etc/bedside/bedside.yaml" ] && ok \
    || fail "PREFIX defaults to /usr/local, the configuration goes to /etc"
mk uninstall DESTDIR="$T/root3"
expect_same "$(cd "$T/root3" && find . -type f | wc -l)" 0 "uninstall leaves no file"
[ -d "$T/root3/etc/bedside" ] && fail "uninstall left /etc/bedside" || ok

t_done
