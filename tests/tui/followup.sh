#!/usr/bin/env bash
# followup.sh — after an end of follow-up the TUI no longer shows the hip as
# due: not in the Due view, not as the patient list's next due; the patient
# screen says when and why its follow-up ended. An observed hip is never
# due, and the patient screen labels it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

# Today 2026-06-15; day 0 2025-06-01: the 12-month visit is due.
for m in E1 E2; do
    bs patient add $m --name "Patient $m" --sex F --born 1970-01-01 &&
        bs hip add $m --side L --index-date 2025-06-01 &&
        bs record $m --form vas --hip L --date 2025-06-01 pain=5
done
bs hip add E1 --side R --observed --index-date 2025-06-01
expect_rc 0 "setup"

tui_bedside s 80 24
tui_expect s 'Patients: 2' "the list opens"
tui_screen s >/dev/null
grep -qE '^ E2 .*L 12m' "$T/screen" && ok || tui_fail "before: E2's next due is L 12m"
tui_keys s d
tui_expect s 'Due now or overdue: 2 hips' "before: both hips are due"
tui_keys s q
tui_stop

bs record E2 --form end_of_followup --hip L --date 2025-08-01 date=2025-08-01 reason=withdrawn
expect_rc 0 "E2's hip is withdrawn"

tui_bedside s 80 24
tui_expect s 'Patients: 2' "the list opens again"
tui_screen s >/dev/null
grep -qE '^ E1 .*L 12m' "$T/screen" && ok || tui_fail "E1 is still due at 12m"
grep -qE '^ E2 .*12m' "$T/screen" && tui_fail "E2 shows no next due any more" || ok
tui_keys s d
tui_expect s 'Due now or overdue: 1 hip' "the Due view lists one hip"
tui_expect_not s '^ E2 ' "E2 is not in the Due view"
tui_keys s d
tui_expect s 'Patients: 2' "back to the list"
tui_keys s /
tui_type s E2
tui_keys s Enter Enter
tui_expect s 'MRN E2' "E2's patient screen"
tui_expect s 'follow-up ended 2025-08-01' "the patient screen says follow-up ended"
tui_expect s 'Follow-up ended on 2025-08-01: withdrawn' "and why, from the form's summary"
tui_keys s q
tui_expect s 'Search: E2' "back on the list"
tui_keys s Escape /
tui_type s E1
tui_keys s Enter Enter
tui_expect s 'MRN E1' "E1's patient screen"
tui_keys s End
tui_expect s 'observed \(no index procedure\)' "the observed hip is labelled"
tui_keys s q q
tui_end
t_done
