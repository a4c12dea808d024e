#!/usr/bin/env bash
# The drafts screen: r on the patient list shows every unfinished draft,
# newest first, with the patient, hip, form, timepoint, who and when; Enter
# resumes one straight away (at its own visit date), x discards one after a
# confirmation (n keeps it). The patient screen says how many drafts the
# patient has, and r there lists only theirs. A draft finished elsewhere
# meanwhile is said to be gone, not silently started afresh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add DS-1 --name "Dana Sill" --sex F --born 1970-01-01
bs hip add DS-1 --side L --index-date 2026-05-15
bs patient add DS-2 --name "Dirk Sand" --sex M --born 1971-01-01
bs hip add DS-2 --side R --index-date 2026-05-15
expect_rc 0 "setup"
me=$(id -un)

# A draft: one VAS answer, then the connection drops.
make_draft() {   # NAME MRN SIDE VALUE [FORM TITLE]
    tui_bedside "$1" 80 24 enter "$2" --form "${5:-vas}" --hip "$3" --timepoint 1m
    tui_expect "$1" "${6:-VAS pain} v1" "the form for $2"
    tui_type "$1" "$4"
    tui_keys "$1" Enter
    tui_expect "$1" 'draft saved' "a draft for $2"
    tui_kill "$1"
}
make_draft k1 DS-1 L 6
make_draft k2 DS-2 R 3
# DS-1's draft was saved a day earlier: DS-2's is the newest.
sqlite3 "$DB" "UPDATE records SET entered_at = '2026-06-14T08:00:00Z' WHERE status = 'draft'
    AND patient = (SELECT uuid FROM patients WHERE mrn = 'DS-1')"

tui_bedside a 80 24
tui_expect a 'r drafts' "the list's keys name r"
tui_keys a r
tui_expect a 'Drafts: 2, newest first' "the drafts screen"
tui_expect a 'MRN +Name +Hip +Form +Timepoint +By +Saved' "its columns"
tui_screen a >/dev/null
first=$(grep -nE 'DS-2 +Dirk Sand +R +VAS pain +1m +'"$me"' +2026-' "$T/screen" | cut -d: -f1)
second=$(grep -nE 'DS-1 +Dana Sill +L +VAS pain +1m +'"$me"' +2026-06-14 ' "$T/screen" | cut -d: -f1)
if [ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ]; then ok
else tui_fail "DS-2's draft (newest) above DS-1's, each with hip, form, timepoint, who, when"; fi
tui_expect a '1 answer saved; Enter resumes, x discards' "the selected draft's answers"

# The view's keys move the selection: G/End to the last draft, g/Home to
# the first (x names the selected one; n keeps it).
for keys in "G:DS-1 Dana Sill" "g:DS-2 Dirk Sand" "End:DS-1 Dana Sill" "Home:DS-2 Dirk Sand"; do
    tui_keys a "${keys%%:*}" x
    tui_expect a "VAS pain for ${keys#*:}, " "${keys%%:*} selects ${keys#*:}'s draft"
    tui_keys a n
    tui_expect a 'Nothing discarded' "n after ${keys%%:*}"
done

# x, then n: nothing discarded.
tui_keys a Down x
tui_expect a 'VAS pain for DS-1 Dana Sill, left hip, 1m\.' "the confirmation names the draft"
tui_expect a 'Throw away the 1 answer of this draft for good\?' "and asks"
tui_keys a n
tui_expect a 'Nothing discarded' "n keeps it"
bs drafts
expect_out '^DS-1 ' "DS-1's draft is still there"

# Enter on DS-2's: the form, resumed without a question.
tui_keys a Up Enter
tui_expect a 'VAS pain v1 +DS-2 Dirk Sand +Right hip +1m' "Enter opens the form"
tui_expect a 'Answered 1 of 1' "with the draft's answer"
tui_expect_not a 'Resume draft' "without asking again"
tui_keys a C-s
tui_expect a 'Enter saves' "review"
tui_keys a Enter
tui_expect a 'Saved VAS pain 1m' "saved"
tui_expect a 'MRN DS-2' "on DS-2's patient screen"
bs export csv --form vas
expect_out '^DS-2,R,1m,2026-06-15,vas,1,[^,]*,[^,]*,3\.0' "the resumed answer is in the final record"
tui_keys a q
tui_expect a 'Drafts: 1, newest first' "back on the drafts screen, one left"

# x, y: discarded.
tui_keys a x
tui_expect a 'Throw away the 1 answer' "confirm"
tui_keys a y
tui_expect a 'Draft discarded' "discarded"
tui_expect a 'No open drafts' "none left"
bs drafts
expect_err 'no open drafts' "none in the database"
bs history DS-1
expect_out 'discard' "the discard is in the history"
tui_keys a q
tui_expect a 'Patients: 2' "back on the list"

# The patient screen says how many drafts; r lists only the patient's.
make_draft k3 DS-1 L 7
make_draft k4 DS-2 R 1 complications Complications
tui_keys a Escape        # the list reloads when shown again
tui_keys a /
tui_type a DS-1
tui_keys a Enter Enter
tui_expect a 'MRN DS-1' "DS-1's patient screen"
tui_expect a '1 draft: r' "the title marks the draft"
tui_keys a r
tui_expect a 'Drafts of DS-1: 1, newest first' "only DS-1's drafts"
tui_expect_not a 'DS-2' "not DS-2's"
# Finished elsewhere meanwhile: said so, nothing started afresh.
bs record DS-1 --form vas --hip L --timepoint 1m pain=7
expect_rc 0 "another nurse records DS-1's 1-month VAS (it consumes the draft)"
tui_keys a Enter
tui_expect a 'A final VAS pain record for 1m already exists' "the visit is recorded now"
tui_keys a c
tui_expect a 'MRN DS-1' "back on the patient screen"
tui_expect_not a 'draft: r' "no draft mark any more"
tui_end
t_done
