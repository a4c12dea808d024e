#!/usr/bin/env bash
# A non-UTF-8 locale (LANG=C): a typed character the locale cannot decode is
# refused with a message, never dropped in silence; stored names are shown
# with their accents taken off, the same on screen and in print --ascii
# (Tomás Dvořák -> Tomas Dvorak), never as "Tom?s Dvo??k".
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add LC-1 --name "Tomás Dvořák" --sex M --born 1970-01-01
bs patient add LC-2 --name "Björn Ångström" --sex M --born 1971-01-01
expect_rc 0 "setup"

TUI_ENV=(LC_ALL=C LANG=C)
tui_bedside c 80 24
tui_expect c 'Patients: 2' "list"
tui_expect c 'LC-1 +Tomas Dvorak ' "a stored name transliterated on the list"
tui_expect c 'LC-2 +Bjorn Angstrom ' "and the other"
tui_expect_not c 'Tom\?s|Dvo\?\?k|Bj\?rn' "never as question marks"
tui_keys c Enter
tui_expect c 'LC-1 +Tomas Dvorak' "the patient screen the same"
tui_keys c q
tui_expect c 'Patients: 2' "back"
tui_keys c a
tui_expect c 'Add patient' "add patient"
tui_type c LC-3
tui_keys c Tab
tui_type c "Zoë"
tui_expect c 'non-ASCII character was refused: the locale is not UTF-8' "the byte is refused aloud"
tui_expect c 'Name +Zo ' "only what could be typed"
tui_end

bs print LC-1 --ascii
expect_out 'Tomas Dvorak' "print --ascii transliterates the name the same way"
LC_ALL=C.UTF-8 bs print LC-1
expect_out 'Tomás Dvořák' "print without --ascii keeps it"
t_done
