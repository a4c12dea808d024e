#!/usr/bin/env bash
# A whole 1-month visit by keys only, from the list: find the patient, n
# (timepoint and date preselected), then VAS, HHS and complications one
# after another; the saved records and scores are checked with
# `bedside export csv`, and the trend view shows the new values.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add V-1 --name "Vera Lind" --sex F --born 1966-07-01
bs hip add V-1 --side L --index-date 2026-05-15 etiology=corticosteroid stage_system=steinberg stage=III
expect_rc 0 "setup"
me=$(id -un)

tui_bedside v 80 24
tui_expect v 'Patients: 1' "list"
tui_keys v / 
tui_type v v-1
tui_keys v Enter Enter
tui_expect v 'MRN V-1' "patient screen"
tui_keys v n
tui_expect v 'Date \(YYYY-MM-DD\): 2026-06-15' "n asks the date first, today by default"
tui_keys v Enter
tui_expect v 'Timepoint' "then the timepoint"
tui_expect v '1m +1 month +2026-06-14 +due' "1m is due"
tui_keys v Enter

# VAS first (the schedule's order for 1m: vas, hhs, complications).
tui_expect v 'VAS pain v1 +V-1 Vera Lind +Left hip +1m +2026-06-15' "the VAS form opens"
tui_type v 6.5
tui_keys v Enter
tui_expect v 'Last field' "accepted; the last field"
tui_expect v 'VAS pain +6\.5' "the live score"
tui_keys v C-s
tui_expect v 'Enter saves the final record' "review"
tui_keys v Enter

# HHS: a digit per choice, y per yes/no, degrees then Enter.
tui_expect v 'Harris Hip Score v1' "then the HHS"
tui_expect v 'Saved VAS pain 1m' "the VAS was saved"
for k in 2 1 2 2 2 1 1 1; do tui_type v "$k"; done
tui_expect v 'Fixed flexion contracture' "the choices moved on to the deformity section"
tui_expect v 'Function +38' "function score live"
for k in y y y y; do tui_type v "$k"; done
tui_expect v 'Range of motion +section 4 of 4' "then range of motion"
for deg in 90 10 10 10 5; do
    tui_type v "$deg"
    tui_keys v Enter
done
tui_expect v 'HHS total +86\.3' "total live: 86.3"
tui_expect v 'Answered 17 of 17' "every field answered"
tui_keys v C-s
tui_expect v 'Review: Harris Hip Score' "review page"
tui_expect v 'Stairs +Normally, using a( rail| +│)' "the review lists answers by label (a long one wraps)"
tui_expect v '^ +railing +│' "the rest of the answer under it"
tui_keys v Enter

# Complications: hematoma and other; other's text and the grade appear.
tui_expect v 'Complications v1' "then complications"
tui_type v 4
tui_type v c
tui_expect v 'Hematoma, Other|Hematoma.*Other' "two complications toggled"
tui_keys v Enter
tui_expect v '>\*Other complication' "the text field shown by show_if comes next"
tui_type v 'Bruise café'
tui_keys v Enter
tui_expect v '>\*Clavien-Dindo grade' "then the grade"
tui_type v 1
tui_expect v '>.*Action taken' "then the action"
tui_type v 'Ice; ürgent review'
tui_keys v Enter
tui_keys v C-s
tui_expect v 'All required answers present' "review without problems"
tui_keys v Enter
tui_expect v 'Saved Complications 1m' "saved; back on the patient screen"
tui_expect v 'MRN V-1' "patient screen"

bs export csv --form vas
expect_rc 0 "export vas"
expect_out "^V-1,L,1m,2026-06-15,vas,1,$me,[^,]+,6\\.5,6\\.5" "VAS record and score"
bs export csv --form hhs
expect_out "^V-1,L,1m,2026-06-15,hhs,1,$me,[^,]+,slight,none,cane_long_walks,six_blocks,railing,ease,ordinary_chair,able,yes,yes,yes,yes,90,10,10,10,5,40,38,4,4\\.3,86\\.3," \
    "HHS answers and scores"
bs export csv --form complications
expect_out "^V-1,L,1m,2026-06-15,complications,1,$me,[^,]+,\"hematoma,other\",Bruise café,i,Ice; ürgent review,2" \
    "complications with UTF-8 text"
bs drafts
expect_err 'no open drafts' "no draft left behind"

# The trend view on the patient screen: the new values with their band.
tui_expect v '1 month +2026-06-15 +6\.5 .*86\.3' "the trend table shows VAS and HHS"
tui_expect v '86\.3 Good' "the HHS band"
tui_keys v G
tui_expect v '[▁▂▃▄▅▆▇█]' "sparklines at the bottom of the view"

# o opens a record; it shows its answers.
tui_keys v o
tui_expect v 'Open a record' "record picker"
tui_expect v 'Harris Hip Score' "the HHS is listed"
tui_screen v >/dev/null
# The items are numbered in order: pick the HHS by its number.
num=$(grep -oE '[1-9] L +1m +2026-06-15 +Harris' "$T/screen" | head -1 | cut -c1)
tui_type v "${num:-1}"
tui_expect v 'final, entered by' "the record view"
tui_expect v 'HHS total +86\.3 +Good' "its scores"
tui_keys v q q q
if tui_wait_exit "$(tui_pid v)" 5; then ok; else tui_fail "q q q leaves"; fi
# 24 months: a form already final there is left out of the queue, and the
# patient-scope form (satisfaction) is entered for the patient, not a hip.
bs patient add V-2 --name "Walt Ng" --sex M --born 1950-02-02
bs hip add V-2 --side R --index-date 2024-06-15
bs record V-2 --form vas --hip R --timepoint 24m pain=2
bs record V-2 --form hhs --hip R --timepoint 24m pain=none limp=none support=none \
    distance=unlimited stairs=normal shoes_socks=ease sitting=ordinary_chair \
    public_transport=able flexion_contracture_lt30=yes adduction_lt10=yes \
    internal_rotation_lt10=yes limb_length_lt32=yes flexion=100 abduction=20 adduction=15 \
    external_rotation=15 internal_rotation=10
bs record V-2 --form complications --hip R --timepoint 24m events=none
bs record V-2 --form mri --hip R --timepoint 24m stage=ii involvement=20 edema=none \
    crescent_sign=no collapse_gt2mm=no judgement=stable
expect_rc 0 "setup: 24m recorded except satisfaction"
tui_bedside w 80 24
tui_expect w 'Patients: 2' "list"
tui_keys w /
tui_type w v-2
tui_keys w Enter Enter
tui_expect w 'MRN V-2' "patient"
tui_keys w n
tui_expect w 'Date \(YYYY-MM-DD\)' "the date first"
tui_keys w Enter
tui_expect w '24m +24 months +2026-06-15 +due' "24m is due (satisfaction missing)"
tui_keys w Enter
tui_expect w 'Satisfaction v1 +V-2 Walt Ng +patient +24m' "only the missing, patient-scope form opens"
tui_type w 5
tui_type w y
tui_keys w Enter C-s Enter
tui_expect w 'Saved Satisfaction 24m' "saved"
bs export csv --form satisfaction
expect_out '^V-2,,24m,2026-06-15,satisfaction,1,[^,]*,[^,]*,very_satisfied,yes,,5' \
    "a patient-scope record (no hip)"
tui_end
t_done
