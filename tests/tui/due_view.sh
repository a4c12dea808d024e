#!/usr/bin/env bash
# The Due view reads the next-due table: the hips due or overdue today,
# soonest first, a page at a time (paging down and up across a page boundary
# reads the next page that way, in the table's index order); a row taken out of the table behind bedside's back is gone
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

# --- paging: 40 rows are read at a time (80x24), then the next page -------------
DEMO=$T/demo.db
"$BEDSIDE" --today "$TODAY" --db "$DEMO" demo --patients 300 --seed 1 >/dev/null 2>&1 ||
    fail "setup: demo cohort"
# The rows the view must show, in the next-due table's index order (target,
# hip id, timepoint): due or overdue today (open <= today <= until).
sqlite3 -separator ' ' "$DEMO" "SELECT p.mrn, h.side, d.tp FROM due d JOIN hips h ON h.uuid = d.hip
    JOIN patients p ON p.uuid = h.patient WHERE d.open <= '$TODAY' AND d.until >= '$TODAY'
    ORDER BY d.target, d.hip, d.tp" >"$T/want"
N=$(wc -l <"$T/want")
[ "$N" -ge 46 ] && [ "$N" -le 80 ] && ok || fail "setup: 46 to 80 rows due (got $N)"
want_row() { sed -n "$(($1 + 1))p" "$T/want"; }
# screen_rows NAME — the Due view's rows on screen as "MRN SIDE TP".
screen_rows() {
    tui_screen "$1" >/dev/null
    sed -nE 's/^ (D[0-9]+) .* ([LR])  ([^ ]+) +[0-9]{4}-[0-9]{2}-[0-9]{2}  [0-9]{4}-.*/\1 \2 \3/p' "$T/screen"
}
# down NAME N / up NAME N — N presses of j / k.
press() { local i; for i in $(seq 1 "$3"); do tui_keys "$1" "$2"; done; }

tui_bedside p1 80 24 --db "$DEMO"
tui_expect p1 'Patients: 300' "the demo list opens"
tui_keys p1 d
tui_expect p1 'Due now or overdue: 40 shown, more below' "the first page: 40 rows, more below"
expect_same "$(screen_rows p1 | head -1)" "$(want_row 0)" "the first row is the table's first"
expect_same "$(screen_rows p1)" "$(head -n "$(screen_rows p1 | wc -l)" "$T/want")" \
    "the screen shows the first rows in index order"
# Down past row 40: the next page is read; the selection (the bottom row
# once the view scrolls) is row 45.
press p1 j 45
tui_expect p1 "Due now or overdue: $N hips" "past the page boundary the rest is read"
expect_same "$(screen_rows p1 | tail -1)" "$(want_row 45)" "row 45 is selected at the bottom"
expect_same "$(screen_rows p1)" "$(sed -n "$((45 - $(screen_rows p1 | wc -l) + 2)),46p" "$T/want")" \
    "the rows above it follow the table's order across the boundary"
tui_keys p1 Enter
tui_expect p1 "$(want_row 45 | cut -d' ' -f1) .* born " "Enter opens the selected patient"
tui_keys p1 q
tui_expect p1 "Due now or overdue: $N hips" "back in the Due view"
tui_keys p1 q
tui_wait_exit "$(tui_pid p1)" 5 || tui_fail "q quits"

# From the end (End reads the last page), up past its first row: the page
# before is read, and the selection is at the top.
tui_bedside p2 80 24 --db "$DEMO"
tui_expect p2 'Patients: 300' "the demo list opens again"
tui_keys p2 d
tui_expect p2 'Due now or overdue: 40 shown' "the first page"
tui_keys p2 End
tui_expect p2 'Due now or overdue: 40 shown, more above' "End: the last page, more above"
expect_same "$(screen_rows p2 | tail -1)" "$(want_row $((N - 1)))" "the last row is the table's last"
press p2 k 45
tui_expect p2 "Due now or overdue: $N hips" "up past the page boundary the page before is read"
expect_same "$(screen_rows p2 | head -1)" "$(want_row $((N - 46)))" "row N-46 is selected at the top"
expect_same "$(screen_rows p2 | head -3)" "$(sed -n "$((N - 45)),$((N - 43))p" "$T/want")" \
    "and the rows below follow in order"
tui_keys p2 PageUp PageUp PageUp Home
tui_expect p2 "Due now or overdue: $N hips" "Home"
expect_same "$(screen_rows p2 | head -1)" "$(want_row 0)" "Home: the first row again"
tui_keys p2 d
tui_expect p2 'Patients: 300' "d goes back to the patient list"
tui_keys p2 q
tui_wait_exit "$(tui_pid p2)" 5 || tui_fail "q quits"

tui_end
t_done
