#!/usr/bin/env bash
# Which configuration file bedside reads: --config, $BEDSIDE_CONFIG,
# $XDG_CONFIG_HOME/bedside/bedside.yaml, each $XDG_CONFIG_DIRS/bedside/
# bedside.yaml, /etc/bedside/bedside.yaml, then the shipped default found
# beside the binary. Each candidate here is broken in its own way, so the
# error message names the file that was read. (/etc and /etc/xdg are tried
# by tests/deb/check, which installs the package and may write there.)
. "$(dirname "$0")/../lib.sh"

# broken FILE — a configuration that is refused with FILE:LINE:COL.
broken() { mkdir -p "$(dirname "$1")"; printf 'schedule: []\nbogus: 1\n' >"$1"; }
# read_by WANT DESCRIPTION [VAR=VALUE...] [-- BEDSIDE-OPTIONS...] — run
# `forms check` with only the given configuration variables set (HOME is
# $T/home) and expect WANT to be the file named in the error.
read_by() {
    local want=$1 what=$2 vars=() opts=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
    [ $# -gt 0 ] && shift && opts=("$@")
    env -u BEDSIDE_CONFIG -u XDG_CONFIG_HOME -u XDG_CONFIG_DIRS HOME="$T/home" "${vars[@]}" \
        "$BEDSIDE" "${opts[@]}" forms check >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    expect_rc 1 "$what"
    expect_err "^$want:[0-9]+:[0-9]+: " "$what: reads $want"
}

broken "$T/opt.yaml"
broken "$T/env.yaml"
broken "$T/xdg-home/bedside/bedside.yaml"
broken "$T/home/.config/bedside/bedside.yaml"
broken "$T/dirs1/bedside/bedside.yaml"
broken "$T/dirs2/bedside/bedside.yaml"
mkdir -p "$T/dirs0" "$T/empty-home"
all=(XDG_CONFIG_HOME="$T/xdg-home" XDG_CONFIG_DIRS="$T/dirs1")

read_by "$T/opt.yaml" "--config before everything" BEDSIDE_CONFIG="$T/env.yaml" "${all[@]}" \
    -- --config "$T/opt.yaml"
read_by "$T/env.yaml" "\$BEDSIDE_CONFIG next" BEDSIDE_CONFIG="$T/env.yaml" "${all[@]}"
read_by "$T/xdg-home/bedside/bedside.yaml" "then \$XDG_CONFIG_HOME" "${all[@]}"
read_by "$T/home/.config/bedside/bedside.yaml" "~/.config when \$XDG_CONFIG_HOME is unset" \
    XDG_CONFIG_DIRS="$T/dirs1"
read_by "$T/home/.config/bedside/bedside.yaml" "a relative \$XDG_CONFIG_HOME is ignored" \
    XDG_CONFIG_HOME=xdg-home XDG_CONFIG_DIRS="$T/dirs1"
read_by "$T/dirs1/bedside/bedside.yaml" "then \$XDG_CONFIG_DIRS" \
    XDG_CONFIG_HOME="$T/nowhere" XDG_CONFIG_DIRS="$T/dirs1:$T/dirs2"
read_by "$T/dirs2/bedside/bedside.yaml" "\$XDG_CONFIG_DIRS in order, skipping folders without one" \
    XDG_CONFIG_HOME="$T/nowhere" XDG_CONFIG_DIRS="$T/dirs0::$T/dirs2:$T/dirs1"
cd "$T" || exit 1   # so that the relative entry names a folder that exists
read_by "$T/dirs2/bedside/bedside.yaml" "relative \$XDG_CONFIG_DIRS entries are ignored" \
    XDG_CONFIG_HOME="$T/nowhere" XDG_CONFIG_DIRS="dirs1:$T/dirs2"
cd "$TOP" || exit 1

# Last, the shipped default: found beside the binary, here a copy of it in an
# installed-looking tree (PREFIX/bin and PREFIX/share/bedside).
mkdir -p "$T/prefix/bin" "$T/prefix/share/bedside/forms"
cp "$BEDSIDE" "$T/prefix/bin/bedside"
cp "$TOP"/forms/*.yaml "$T/prefix/share/bedside/forms/"
broken "$T/prefix/share/bedside/config/bedside.yaml"
if [ -e /etc/bedside/bedside.yaml ]; then
    echo "note: /etc/bedside/bedside.yaml exists here, so the shipped default is not reached"
else
    BEDSIDE=$T/prefix/bin/bedside read_by "$T/prefix/share/bedside/config/bedside.yaml" \
        "then the default shipped beside the binary" XDG_CONFIG_HOME="$T/nowhere" \
        XDG_CONFIG_DIRS="$T/dirs0"
fi

# A configuration without 'forms' uses the forms shipped beside the binary:
# a form broken there is what forms check reports.
printf 'id: broken\ntitle: [unclosed\n' >"$T/prefix/share/bedside/forms/zz.yaml"
sed '/^forms:/d' "$TOP/config/bedside.yaml" >"$T/noforms.yaml"
env BEDSIDE_CONFIG="$T/noforms.yaml" "$T/prefix/bin/bedside" forms check >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "forms check of the shipped forms"
expect_err "^$T/prefix/share/bedside/forms/zz\.yaml:[0-9]+:[0-9]+: " \
    "the forms beside the binary are the default"
rm "$T/prefix/share/bedside/forms/zz.yaml"
env BEDSIDE_CONFIG="$T/noforms.yaml" "$T/prefix/bin/bedside" forms check >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "the shipped forms pass forms check"

# A binary with no data folder beside it falls back to the compiled DATADIR.
datadir=$(make -s --no-print-directory -C "$TOP" print-DATADIR)
mkdir -p "$T/alone"
cp "$BEDSIDE" "$T/alone/bedside"
if [ -d "$datadir/forms" ]; then
    echo "note: $datadir/forms exists here, so the compiled fallback is not tested"
else
    env BEDSIDE_CONFIG="$T/noforms.yaml" "$T/alone/bedside" forms check >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 1 "a lone binary with no forms where it was built to look"
    expect_err "^$datadir/forms:1:1: cannot open the forms folder" "names the compiled $datadir/forms"
fi

t_done
