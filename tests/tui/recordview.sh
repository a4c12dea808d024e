#!/usr/bin/env bash
# The record view scrolls like the patient and cohort screens (ui_doc_scroll):
# a Harris Hip Score record is longer than a 24-line terminal; j/Down and
# k/Up move a line, PgDn/space and PgUp/b a page, G/End and g/Home go to the
# last and first rows, and the more-marks say which way there is more.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add RV-1 --name "Rita Vogel" --sex F --born 1970-01-01
bs hip add RV-1 --side L --index-date 2026-05-15
bs record RV-1 --form hhs --hip L --timepoint 1m pain=slight limp=none support=cane_long_walks \
    distance=six_blocks stairs=railing shoes_socks=ease sitting=ordinary_chair \
    public_transport=able flexion_contracture_lt30=yes adduction_lt10=yes \
    internal_rotation_lt10=yes limb_length_lt32=yes flexion=90 abduction=10 adduction=10 \
    external_rotation=10 internal_rotation=5
expect_rc 0 "setup: a complete Harris Hip Score"
rid=$(sqlite3 "$DB" "SELECT uuid FROM records WHERE form = 'hhs'")

tui_bedside a 80 24
tui_expect a 'RV-1 +Rita Vogel' "list"
tui_keys a Enter
tui_expect a 'MRN RV-1' "patient screen"
tui_keys a o
tui_expect a 'Open a record' "the record picker"
tui_type a 1
tui_expect a "Record ${rid:0:8}, final" "the record view opens at its first row"
tui_expect_not a '▲' "nothing above the first row"
tui_expect a '▼' "more below"
top="Record ${rid:0:8}, final"
last='Internal rotation +5 deg'
tui_expect_not a "$last" "the last answer is further down"
tui_keys a G
tui_expect a "$last" "G shows the last row"
tui_expect_not a "$top" "and not the first"
tui_expect a '▲' "more above"
tui_expect_not a '▼' "nothing below the last row"
tui_keys a G
tui_expect a "$last" "G again stays at the last row"
tui_keys a g
tui_expect a "$top" "g goes back to the first row"
tui_expect_not a "$last" "away from the last"
tui_keys a j
# " Scores" is on screen before j too: wait for the first row to go instead
# (under load the redraw can come after a check that does not wait).
tui_wait_gone a "$top" && ok || tui_fail "j: the first row scrolled away"
tui_expect a '^ Scores' "j moves one line"
tui_expect a '▲' "more above, after j"
tui_keys a k
tui_expect a "$top" "k moves back one line"
tui_keys a Down
tui_wait_gone a "$top" && ok || tui_fail "Down moves one line"
tui_keys a Up
tui_expect a "$top" "Up moves back"
tui_keys a End
tui_expect a "$last" "End shows the last row"
tui_keys a Home
tui_expect a "$top" "Home shows the first row"
tui_keys a NPage
tui_expect a "$last" "PgDn: a page down (the record is a page and a half)"
tui_keys a PPage
tui_expect a "$top" "PgUp: a page up"
tui_keys a Space
tui_expect a "$last" "space pages down"
tui_keys a b
tui_expect a "$top" "b pages up"
# The help screen names the keys.
tui_keys a '?'
tui_expect a 'Home/End +scroll' "? lists the scrolling keys"
tui_keys a Escape
tui_expect a "$top" "back on the record"
# q leaves from a scrolled view.
tui_keys a G
tui_expect a "$last" "scrolled down again"
tui_keys a q
tui_expect a 'MRN RV-1' "q goes back to the patient"
tui_stop
tui_stderr_clean
t_done
