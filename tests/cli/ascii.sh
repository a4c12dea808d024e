#!/usr/bin/env bash
# Printer-safe text: `show --ascii` and `print --ascii` transliterate names
# (Zoë -> Zoe, Łukasz -> Lukasz), not only the glyphs, the same in the C and
# the UTF-8 locale; `print_ascii: true` in the configuration makes every
# print printer-safe; a bad value is refused naming the file and line.
. "$(dirname "$0")/../lib.sh"

bs patient add AS-1 --name "Zoë Łukasz-Dvořák" --sex F --born 1970-01-01
bs hip add AS-1 --side L --index-date 2026-05-15
bs record AS-1 --form vas --hip L --timepoint 1m pain=4
expect_rc 0 "setup"

non_ascii() { LC_ALL=C grep -c $'[\x80-\xff]' "$1"; }

bs show AS-1 --ascii
expect_rc 0 "show --ascii"
expect_out '^MRN AS-1 \| Zoe Lukasz-Dvorak$' "show --ascii transliterates the name"
expect_same "$(non_ascii "$T/out")" 0 "show --ascii: nothing but ASCII"
cp "$T/out" "$T/show-utf8-locale"
LC_ALL=C "$BEDSIDE" --today "$TODAY" show AS-1 --ascii >"$T/show-c-locale" 2>"$T/err"
cmp -s "$T/show-utf8-locale" "$T/show-c-locale" && ok || fail "show --ascii differs between C and C.UTF-8"
LC_ALL=C "$BEDSIDE" --today "$TODAY" show AS-1 >"$T/out" 2>"$T/err"
expect_out '^MRN AS-1 \| Zoe Lukasz-Dvorak$' "a non-UTF-8 locale shows ASCII too"
bs show AS-1
expect_out '^MRN AS-1 · Zoë Łukasz-Dvořák$' "without --ascii the name is as typed"

bs print AS-1 --ascii
expect_rc 0 "print --ascii"
expect_out '^MRN AS-1 \| born 1970-01-01 \| Zoe Lukasz-Dvorak' "print --ascii: the header"
expect_same "$(non_ascii "$T/out")" 0 "print --ascii: nothing but ASCII"
bs print AS-1
expect_out 'Zoë Łukasz-Dvořák' "print without --ascii keeps the name"

# The configuration's printer-safe option.
cfg=$T/bedside.yaml
sed "s|^print_command:.*|print_command: [lpr]\nprint_ascii: true|" "$BEDSIDE_CONFIG" >"$cfg"
sed -i "s|^# forms:.*|forms: $TOP/forms|" "$cfg"
BEDSIDE_CONFIG=$cfg bs print AS-1
expect_rc 0 "print with print_ascii: true"
expect_out 'Zoe Lukasz-Dvorak' "the config makes print ASCII"
expect_same "$(non_ascii "$T/out")" 0 "print_ascii: nothing but ASCII"
sed -i 's|^print_ascii: true|print_ascii: maybe|' "$cfg"
BEDSIDE_CONFIG=$cfg bs print AS-1
expect_rc 1 "a bad print_ascii is refused"
expect_err "bedside.yaml:[0-9]+:[0-9]+: .*print_ascii" "naming the file, line and key"
t_done
