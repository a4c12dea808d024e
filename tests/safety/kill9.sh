#!/usr/bin/env bash
# kill -9 of bedside in the middle of a form loses at most the field being
# typed (issue 6): every answer accepted before is in the draft, with its
# value; the half-typed one is not; the database stays sound and the draft
# can be resumed and finished.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
. "$(dirname "$0")/../tui/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

HHS_MRN=K9-1
mk_patient K9-1 && mk_hip K9-1 L "$TODAY"
tui_enter k1 K9-1 hhs L baseline
tui_wait k1 'Harris Hip Score v1' 20 || { tui_fail "the HHS form did not open"; t_done; exit; }
pid=$(tui_pid k1)
hhs_type k1 1 13
# abduction half typed: "1" of "10", no Enter.
tui_type k1 1
sleep 0.3
kill -9 "$pid"
tui_wait_exit "$pid" 5 && ok || fail "bedside survived kill -9?"
expect_same "$(draft_answers K9-1 hhs)" "$(want_answers 13 "${HHS_FULL[@]}")" \
    "draft after kill -9: every accepted answer, not the half-typed one"
draft_answers K9-1 hhs | grep -q '^abduction=' && fail "the half-typed abduction was stored" || ok
expect_same "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity after kill -9"
bs check
expect_rc 0 "bedside check after kill -9"

# kill -9 right after an answer is accepted (no pause): it is there too.
tui_enter k2 K9-1 hhs L baseline
tui_wait k2 '[Rr]esume' 20 || tui_fail "the draft is offered for resuming after kill -9"
tui_type k2 r
tui_wait k2 'Harris Hip Score v1' 15 || tui_fail "the form did not open after resuming"
pid=$(tui_pid k2)
hhs_type k2 14 14 && kill -9 "$pid"
tui_wait_exit "$pid" 5
expect_same "$(draft_answers K9-1 hhs)" "$(want_answers 14 "${HHS_FULL[@]}")" \
    "draft after a kill -9 right after Enter"

# kill -9 in a free-text field half typed (complications.action).
mk_hip K9-1 R 2026-05-16
tui_enter k3 K9-1 complications R 1m
tui_wait k3 '[Ee]vents|[Hh]ematoma' 20 || tui_fail "the complications form did not open"
pid=$(tui_pid k3)
tui_type k3 1
HHS_MRN=K9-1
for ((i = 0; i < 100 * TUI_SLOW; i++)); do
    [ "$(draft_count K9-1 complications)" -ge 1 ] && break
    sleep 0.1
done
n=$(draft_count K9-1 complications)
[ "$n" -ge 1 ] && ok || tui_fail "complications: choosing 'none' was not stored at once"
tui_type k3 "half typed acti"
sleep 0.3
kill -9 "$pid"
tui_wait_exit "$pid" 5
expect_same "$(draft_count K9-1 complications)" "$n" "complications draft after kill -9 mid-text"
draft_answers K9-1 complications | grep -q 'half typed' && fail "half-typed text was stored" || ok

# --- kill -9 of command-line writers at random moments --------------------------
# Each write is one transaction: a killed command leaves its record whole
# (answers, scores, audit row) or absent, never half.
for k in 1 2 3 4 5 6; do mk_patient "KC-$k" && mk_hip "KC-$k" L 2025-01-01; done
TPS=(baseline 1m 3m 6m 12m)
DATES=(2025-01-01 2025-01-31 2025-04-02 2025-07-02 2026-01-01)
for k in 1 2 3 4 5 6; do
    for t in 0 1 2 3 4; do
        "$BEDSIDE" --today "$TODAY" record "KC-$k" --form hhs --hip L --timepoint "${TPS[t]}" \
            --date "${DATES[t]}" "${HHS_FULL[@]}" >/dev/null 2>&1 &
        victim=$!
        sleep "$(printf "0.%03d" $((RANDOM % 40 * TUI_SLOW)))"
        kill -9 "$victim" 2>/dev/null
        wait "$victim" 2>/dev/null
    done
done
expect_same "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok "integrity after killed writers"
bs check
expect_rc 0 "bedside check after killed writers"
n=$(sql "SELECT count(*) FROM records WHERE form = 'hhs' AND status = 'final'
         AND patient IN (SELECT uuid FROM patients WHERE mrn LIKE 'KC-%')")
a=$(sql "SELECT count(*) FROM audit a JOIN records r ON r.uuid = a.record
         WHERE a.action = 'create' AND r.form = 'hhs'
         AND a.patient IN (SELECT uuid FROM patients WHERE mrn LIKE 'KC-%')")
s=$(sql "SELECT count(*) FROM scores WHERE score = 'total' AND record IN
         (SELECT uuid FROM records WHERE form = 'hhs' AND status = 'final')")
echo "killed writers: $n of 30 records completed"
expect_same "$a" "$n" "one audit create per record that survived"
expect_same "$s" "$n" "a total score per final HHS record"

# A demo cohort killed half way is all or nothing, so it can simply be rerun.
DB=$T/demo.db
"$BEDSIDE" --today "$TODAY" --db "$DB" demo --patients 400 --seed 3 >/dev/null 2>&1 &
victim=$!
for ((i = 0; i < 100; i++)); do [ -e "$DB-wal" ] || [ -e "$DB-journal" ] && break; sleep 0.01; done
sleep 0.2
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
n=$(sqlite3 "$DB" "SELECT count(*) FROM patients" 2>/dev/null || echo 0)
case $n in 0|400) ok ;; *) fail "a killed demo left $n of 400 patients" ;; esac
bs --db "$DB" check
expect_rc 0 "bedside check after a killed demo"

# Killed after some batches were saved: what is left is whole batches of a
# cohort, and every open of the file says it is an incomplete demo, not a
# database (nothing else marks it: the batches are whole and pass SQLite's
# checks).
DB=$T/demo-batches.db
"$BEDSIDE" --today "$TODAY" --db "$DB" demo --patients 5000 --seed 3 --batch 20 >/dev/null 2>&1 &
victim=$!
for ((i = 0; i < 600; i++)); do
    n=$(sqlite3 "$DB" "SELECT count(*) FROM patients" 2>/dev/null)
    [ "${n:-0}" -ge 40 ] && break
    sleep 0.05
done
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
n=$(sqlite3 "$DB" "SELECT count(*) FROM patients" 2>/dev/null || echo 0)
[ "$n" -ge 40 ] && [ "$n" -lt 5000 ] && [ $((n % 20)) = 0 ] && ok ||
    fail "the kill left whole batches of 20 and not the whole cohort: $n of 5000 patients"
before=$(sqlite3 "$DB" "SELECT count(*) FROM patients; SELECT count(*) FROM records; PRAGMA application_id")
for cmd in "check" "patient list" "due" "export csv" "demo --patients 5"; do
    # shellcheck disable=SC2086
    bs --db "$DB" $cmd
    expect_rc 1 "$cmd on a killed demo's file"
    expect_err "demo-batches.db holds an incomplete demo cohort: .*delete it and run demo again" \
        "$cmd says it is an incomplete demo"
done
after=$(sqlite3 "$DB" "SELECT count(*) FROM patients; SELECT count(*) FROM records; PRAGMA application_id")
expect_same "$after" "$before" "the killed demo's file unchanged by the refusals"

t_done
