#!/usr/bin/env bash
# Text that fits 80 columns: the record view and the review wrap a long
# label (and a long answer) in its column instead of cutting it; the form's
# title line cuts the form title, never the patient, visit or date.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add WR-1 --name "Wren Ruiz" --sex F --born 1970-01-01
bs hip add WR-1 --side L --index-date 2026-05-15
bs record WR-1 --form rand36 --timepoint unscheduled q1=2 q2=2 q4=2 q5=2 q6=1
expect_rc 0 "setup: a partly answered RAND-36"

tui_bedside a 80 24
tui_expect a 'WR-1 +Wren Ruiz' "list"
tui_keys a Enter
tui_expect a 'MRN WR-1' "patient screen"
tui_keys a o
tui_expect a 'Open a record' "picker"
tui_keys a 1
tui_expect a 'RAND 36' "the RAND-36 record view"
tui_expect a '^  Compared to one year ago, how would +Somewhat better now than one year ago$' \
    "the record view: the label's first line beside its answer"
tui_expect a '^  you rate your health in general now\?$' "the rest of the label under it, not cut"
tui_expect a '^  In general, would you say your health +Very good$' "another long label"
tui_expect a '^  is$' "wrapped too"
tui_kill a

# The review wraps long labels in their column too.
tui_bedside b 80 24 enter WR-1 --form rand36 --timepoint unscheduled
tui_expect b 'RAND 36' "the form"
tui_expect b '^ RAND 36-Item Health Survey … +WR-1 Wren Ruiz +patient +unscheduled +2026-06-15 *$' \
    "the title line: the long form title gives way (marked), the visit date stays whole"
tui_keys b C-s
tui_expect b 'Review: RAND 36-Item Health Survey' "the review"
tui_expect b '^   Compared to one year +–' "the label's first line"
tui_expect b '^   ago, how would you ' "second"
tui_expect b '^   rate your health in ' "third"
tui_expect b '^   general now\? ' "the last, nothing cut"
tui_end
t_done
