#!/usr/bin/env bash
# The cohort screen: `c` from the patient list shows the tables of
# `bedside report` (the same figures), scrolls, follows new data, `s`
# groups it by any field `report --by` takes (the same list), and `q` goes
# back to the list.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs demo --patients 46 --seed 1 --complete
expect_rc 0 "setup: the paper's cohort"
bs report
expect_rc 0 "setup: report"
cp "$T/out" "$T/report.txt"
vas24=$(grep -m1 -A12 '^VAS pain: VAS pain by visit' "$T/report.txt" | grep '^24 months')
bs report --by smoking
expect_rc 0 "setup: report --by smoking"
never=$(grep -m1 '^Never smoked  *Patients' "$T/out")
[ -n "$never" ] || fail "setup: report --by smoking has a 'Never smoked' stratum"

tui_bedside s 80 24
tui_expect s 'Patients: 46' "the list opens"
tui_keys s c
tui_expect s 'Cohort report' "c opens the cohort screen"
tui_expect s '^Baseline characteristics' "first table on screen"
tui_expect s '^Patients +46' "46 patients"
tui_expect s 'lines 1-[0-9]+ of [0-9]+' "the help line counts the lines"
tui_expect_not s '^VAS pain' "the VAS table is further down"
# Page down until the VAS table's last row is on screen; it is the CLI's row.
for _ in $(seq 1 12); do
    tui_screen s >/dev/null
    grep -qF -- "$vas24" "$T/screen" && break
    tui_keys s NPage
    sleep 0.2
done
grep -qF -- "$vas24" "$T/screen" && ok || tui_fail "the VAS 24-month row as in bedside report"
tui_keys s G
tui_expect s 'D000046' "G reaches the per-hip listing"
tui_keys s g
tui_expect s '^Baseline characteristics' "g goes back to the top"
tui_keys s j
tui_expect s 'lines 2-' "j scrolls one line"
# s: group by another field, from the same list as report --by.
tui_keys s s
tui_expect s 'Group the cohort by' "s asks what to group by"
tui_expect s '9 smoking' "the patient enrolment's choice fields are offered"
tui_expect s 'as configured' "and the configuration's grouping"
tui_expect_not s 'bmi' "a decimal field is not"
tui_keys s 9
tui_expect s 'report --by smoking' "the title says the grouping"
tui_expect s '^Baseline characteristics by smoking' "the tables are regrouped"
grep -qF -- "$never" "$T/screen" && ok || tui_fail "the 'Never smoked' row as in report --by smoking"
tui_keys s s
tui_expect s 'Group the cohort by' "s again"
tui_keys s Escape
tui_expect s 'report --by smoking' "Esc keeps the grouping"
tui_keys s s
tui_keys s 1
tui_expect s '^Baseline characteristics *$' "as configured again: one stratum"
tui_expect_not s 'report --by' "the title says no --by"
tui_keys s '?'
tui_expect s 'back to the list' "? shows the screen's keys"
tui_expect s 'group by another field' "? names s"
tui_keys s Escape
tui_keys s q
tui_expect s 'Patients: 46' "q goes back to the list"
tui_keys s c
tui_expect s 'Cohort report' "c again"
tui_keys s C-x
tui_expect s 'Patients: 46' "Ctrl-X goes back too, as on every screen"
# A new patient shows in the cohort screen when it is opened again.
bs patient add Z900 --name "New Person" --sex F --born 1980-01-01
bs hip add Z900 --side L --index-date 2026-06-01 etiology=idiopathic stage_system=steinberg stage=I
tui_keys s c
tui_expect s '^Patients +47' "the report is rebuilt from the data"
tui_keys s q
# Data edited behind bedside's back feed no table, as with `bedside report`:
# the screen says why and names the record.
bad=$(sqlite3 "$DB" "SELECT r.uuid FROM records r JOIN scores s ON s.record = r.uuid
    WHERE r.form = 'vas' AND r.status = 'final' LIMIT 1")
behind_back "$DB" "UPDATE scores SET value = value + 1 WHERE record = '$bad'" || fail "setup: tampering"
tui_keys s c
tui_expect s 'The cohort report is refused: 1 problem in the stored data' \
    "tampered data: the cohort screen refuses"
tui_expect s "${bad:0:8}" "and names the record"
tui_expect_not s '^Patients +47' "no table is shown"
tui_keys s q
# Many bad records: the first 20 are shown, then how many more, as the CLI.
behind_back "$DB" "UPDATE scores SET value = value + 1
    WHERE record IN (SELECT uuid FROM records WHERE form = 'vas')" || fail "setup: tampering"
bs report
n=$(sed -nE 's/^bedside: report refused: ([0-9]+) problems in the stored data.*/\1/p' "$T/err")
[ "${n:-0}" -gt 40 ] && ok || fail "setup: report counts every tampered record ('$n')"
tui_keys s c
tui_expect s "The cohort report is refused: $n problems in the stored data" \
    "many problems: the screen counts them all"
tui_keys s G
tui_expect s "^\.\.\. and $((${n:-0} - 20)) more" "the first 20 are shown, then how many more"
tui_keys s q
tui_keys s q
tui_stop
tui_stderr_clean
t_done
