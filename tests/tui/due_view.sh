#!/usr/bin/env bash
# The Due view reads the next-due table: the hips due or overdue today,
# soonest first; a row taken out of the table behind bedside's back is gone
# from the view until `check --repair-derived` rebuilds it; a save in the TUI
# updates it at once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc"; }
setup patient add D1 --name "Due Today" --sex F --born 1970-01-01
setup patient add D2 --name "Due Window" --sex M --born 1971-01-01
setup patient add D3 --name "Over Due" --sex F --born 1972-01-01
setup patient add D4 --name "Converted" --sex M --born 1973-01-01
# D1 L baseline due today; D2 L 3m due (last day); D3 R 3m overdue; D4 ended.
setup hip add D1 --side L --index-date 2026-06-15
setup hip add D2 --side L --index-date 2026-03-02
setup hip add D3 --side R --index-date 2026-02-10
setup hip add D4 --side L --index-date 2026-03-02
setup record D4 --form tha --hip L --date 2026-05-01 --timepoint unscheduled tha_date=2026-05-01 reason=collapse

due_rows() { tui_screen "$1" >/dev/null; grep -E '^ D[0-9] ' "$T/screen" | awk '{print $1}' | tr '\n' ' '; }

tui_bedside s1 80 24
tui_expect s1 'Patients: 4' "the list opens"
tui_keys s1 d
tui_expect s1 'Due now or overdue: 3 hips' "three hips due or overdue"
expect_same "$(due_rows s1)" "D3 D2 D1 " "soonest first; the converted hip is not due"
grep -qE '^ D3 .*overdue' "$T/screen" && ok || tui_fail "D3 is overdue"
grep -qE '^ D2 .*3m +2026-06-01 +2026-06-15 +due' "$T/screen" && ok || tui_fail "D2: 3m, target, closes, due"
tui_keys s1 q
tui_wait_exit "$(tui_pid s1)" 5 || tui_fail "q quits"

# Behind bedside's back: D3's row goes; the view reads the table, not a
# recomputation.
sqlite3 "$DB" "DELETE FROM due WHERE hip = (SELECT h.uuid FROM hips h JOIN patients p
    ON p.uuid = h.patient WHERE p.mrn = 'D3') AND tp = '3m'"
tui_bedside s2 80 24
tui_expect s2 'Patients: 4' "the list opens again"
tui_keys s2 d
tui_expect s2 'Due now or overdue: 2 hips' "the view lists what the table holds"
expect_same "$(due_rows s2)" "D2 D1 " "D3 is not listed"
tui_keys s2 q
tui_wait_exit "$(tui_pid s2)" 5 || tui_fail "q quits"
bs check --repair-derived
expect_rc 0 "--repair-derived"
tui_bedside s3 80 24
tui_expect s3 'Patients: 4' "and again"
tui_keys s3 d
tui_expect s3 'Due now or overdue: 3 hips' "rebuilt: D3 is back"
tui_keys s3 q
tui_wait_exit "$(tui_pid s3)" 5 || tui_fail "q quits"
# A visit completed elsewhere while the TUI is open: a write (here the CLI)
# queues and recomputes D2 in its transaction; the view shows it when the
# data is read again (leaving and reopening the view after a TUI save does
# the same through the save).
bs record D2 --form vas --hip L --timepoint 3m --date 2026-06-01 pain=2
expect_same "$(sqlite3 "$DB" "SELECT missing FROM due WHERE tp = '3m' AND hip = (SELECT h.uuid
    FROM hips h JOIN patients p ON p.uuid = h.patient WHERE p.mrn = 'D2')")" \
    "hhs,complications,procedure" "the write updated D2's row"
tui_end
t_done
