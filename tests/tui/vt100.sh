#!/usr/bin/env bash
# TERM=vt100 (and any terminal whose terminfo names fewer keys than the
# emulator sends): PgUp/PgDn/Home/End arrive as VT220 sequences. They work as
# keys, and a sequence nobody knows is ignored with a message, never taken
# as Esc (which would leave the screen or ask to leave the form).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add VT-1 --name "Vic Tor" --sex M --born 1970-01-01
bs hip add VT-1 --side L --index-date 2026-05-15
bs hip add VT-1 --side R --index-date 2026-05-15
expect_rc 0 "setup"

TUI_ENV=(TERM=vt100)
tui_bedside v 80 24
tui_expect v 'Patients: 1' "list"
tui_keys v Enter
tui_expect v 'MRN VT-1' "patient screen"
tui_expect v 'lines 1-20 of' "the first page"
tui_keys v NPage
tui_expect v 'lines 2[0-9]-' "PgDn scrolls the patient screen"
tui_expect v 'MRN VT-1|RIGHT HIP' "and stays on it"
tui_keys v Home
tui_expect v 'lines 1-20 of' "Home goes back to the top"
tui_keys v End
tui_wait_gone v 'lines 1-20 of' && ok || tui_fail "End goes to the bottom"
tui_keys v PPage
tui_expect v 'lines [0-9]+-[0-9]+ of' "PgUp scrolls back"
# A sequence no terminal entry names: ignored, said, and not an Esc.
tui_type v $'\e[99~'
tui_expect v 'not known on this terminal' "an unknown key is reported"
tui_expect v 'lines [0-9]+-[0-9]+ of' "still on the patient screen"

# In a form: PgDn moves a section, it does not ask to leave.
tui_bedside f 80 24 enter VT-1 --form hhs --hip L
tui_expect f 'Harris Hip Score v1' "the form"
tui_keys f NPage
tui_expect f 'section 2 of 4' "PgDn: next section"
tui_expect_not f 'Leave the form' "not taken as Esc"
tui_keys f NPage NPage
tui_expect f 'Range of motion +section 4 of 4' "to the last section"
tui_type f 90
tui_keys f Home End BSpace
tui_type f 5
tui_expect f '>\*Flexion +95' "Home/End move in the typed value"
tui_type f $'\e[1;5Q'
tui_expect f 'not known on this terminal' "an unknown modified key is reported"
tui_expect_not f 'Leave the form' "and not taken as Esc"
tui_keys f Escape
tui_expect f 'typing abandoned' "a real Esc still works"
tui_end
t_done
