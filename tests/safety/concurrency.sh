#!/usr/bin/env bash
# Several nurses write to one database at once (issue 6, "Concurrency"):
# 8 processes x 25 `bedside record` at once lose nothing and fail nothing;
# two TUI sessions on the same patient both save; a second final record for
# the same hip, timepoint and form is refused, naming the first, and amending
# that one works.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
. "$(dirname "$0")/../tui/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

# --- 8 writers x 25 records -------------------------------------------------
# Writer p owns patients W<p>-1..5 (hip L, day 0 on 2025-01-01) and records a
# VAS at five timepoints of each, so no two records share a key.
TPS=(baseline 1m 3m 6m 12m)
DATES=(2025-01-01 2025-01-31 2025-04-02 2025-07-02 2026-01-01)
for p in 1 2 3 4 5 6 7 8; do
    for k in 1 2 3 4 5; do
        mk_patient "W$p-$k" && mk_hip "W$p-$k" L 2025-01-01
    done
done

writer() {
    local p=$1 k t i=0 v st
    for k in 1 2 3 4 5; do
        for t in 0 1 2 3 4; do
            i=$((i + 1))
            v=$(( (p * 25 + i) % 100 ))
            v="$((v / 10)).$((v % 10))"
            "$BEDSIDE" --today "$TODAY" record "W$p-$k" --form vas --hip L \
                --timepoint "${TPS[t]}" --date "${DATES[t]}" "pain=$v" \
                >"$T/w$p.$i.out" 2>"$T/w$p.$i.err"
            st=$?
            [ "$st" = 0 ] || echo "W$p-$k ${TPS[t]}: exit $st: $(head -1 "$T/w$p.$i.err")" >>"$T/failures"
            echo "W$p-$k,${TPS[t]},$v" >>"$T/expected.$p"
        done
    done
}
: >"$T/failures"
pids=()
for p in 1 2 3 4 5 6 7 8; do
    writer "$p" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

if [ -s "$T/failures" ]; then
    fail "concurrent record: $(wc -l <"$T/failures") commands failed, e.g. $(head -3 "$T/failures")"
else
    ok
fi
n=$(csv_rows --form vas)
expect_same "$n" 200 "concurrent record: records in export csv"
# Every record carries the value its writer sent (nothing mixed up).
if [ -n "$(csv_col mrn)" ] && [ -n "$(csv_col timepoint)" ] && [ -n "$(csv_col pain)" ]; then
    awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" |
        awk -F'\t' -v m="$(csv_col mrn)" -v t="$(csv_col timepoint)" -v v="$(csv_col pain)" '
            $1 > 1 && $2 == m { mrn[$1] = $3 }
            $1 > 1 && $2 == t { tp[$1] = $3 }
            $1 > 1 && $2 == v { val[$1] = $3 }
            END { for (r in mrn) print mrn[r] "," tp[r] "," val[r] }' | sort >"$T/got"
    cat "$T/expected".* | sort >"$T/want"
    if cmp -s "$T/got" "$T/want"; then ok; else
        fail "concurrent record: exported values differ from those sent: $(diff "$T/want" "$T/got" | head -5 | tr '\n' ' ')"
    fi
else
    fail "export csv header lacks mrn/timepoint/pain: $(head -1 "$T/csv")"
fi
bs check
expect_rc 0 "bedside check after the concurrent writers"

# --- the same hip, timepoint and form twice as final -----------------------
mk_patient DUP-1 && mk_hip DUP-1 L 2025-01-01
bs record DUP-1 --form vas --hip L --timepoint baseline --date 2025-01-01 pain=6.5
expect_rc 0 "first VAS at baseline"
first=$(record_uuid DUP-1 vas)
before=$(db_sum)
bs record DUP-1 --form vas --hip L --timepoint baseline --date 2025-01-01 pain=2.0
expect_rc 1 "second final VAS for the same hip and timepoint"
if [ -n "$first" ] && grep -q -- "${first:0:8}" "$T/err"; then ok; else
    fail "refusal names the existing record ${first:-(uuid unknown)}: $(head -2 "$T/err")"
fi
expect_err "2025-01-01" "refusal gives the existing record's date"
expect_err "$(id -un)" "refusal says who entered the existing record"
expect_same "$(db_sum)" "$before" "refused duplicate leaves the database unchanged"
# The nurse amends the existing record instead.
bs amend "$first" --reason "pain re-measured" pain=2.0
expect_rc 0 "amend the existing record"
n=$(csv_rows --form vas)
expect_same "$n" 201 "amendment replaces, does not add, a current record"
row=$(awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" | awk -F'\t' -v c="$(csv_col mrn)" '$2 == c && $3 == "DUP-1" { print $1 }')
expect_same "$(csv_cell "${row:-0}" pain)" 2.0 "the export holds the amended value"

# --- two TUI sessions on the same patient at once ----------------------------
mk_patient DUO-1 "Two Sessions" && mk_hip DUO-1 L "$TODAY" && mk_hip DUO-1 R "$TODAY"
tui_enter nurseA DUO-1 hhs L baseline
tui_enter nurseB DUO-1 vas R baseline
tui_wait nurseA 'Harris Hip Score v1' 20 || tui_fail "nurse A: the HHS form did not open"
tui_wait nurseB 'VAS pain v1' 20 || tui_fail "nurse B: the VAS form did not open"
HHS_MRN=DUO-1
hhs_type nurseA 1 8
tui_type nurseB 3.5
tui_keys nurseB Enter
wait_draft DUO-1 vas 1 15 && ok || tui_fail "nurse B: the VAS answer was not stored while A typed"
hhs_type nurseA 9 17
tui_keys nurseB C-s
tui_keys nurseA C-s
tui_wait nurseB '[Rr]eview' 15 || tui_fail "nurse B: no review screen"
tui_wait nurseA '[Rr]eview' 15 || tui_fail "nurse A: no review screen"
# Both save within the same instant.
tui_keys nurseA Enter
tui_keys nurseB Enter
for ((i = 0; i < 100 * TUI_SLOW; i++)); do
    [ "$(draft_count DUO-1 hhs)$(draft_count DUO-1 vas)" = 00 ] &&
        [ -n "$(sql "SELECT 1 FROM records r JOIN patients p ON p.uuid = r.patient
                     WHERE p.mrn = 'DUO-1' AND r.form = 'vas' AND r.status = 'final'")" ] && break
    sleep 0.1
done
"$BEDSIDE" --today "$TODAY" export csv >"$T/all.csv" 2>"$T/err"
awk -f "$TOP/tests/safety/csvcells.awk" "$T/all.csv" >"$T/cells"
rows=$(awk -F'\t' '$2 == 1 && $3 == "DUO-1" { print $1 }' "$T/cells")
expect_same "$(echo $rows | wc -w)" 2 "both nurses' records saved (one HHS, one VAS)"
bs export csv --form hhs
grep -q 'DUO-1' "$T/out" && grep 'DUO-1' "$T/out" | grep -q "$HHS_FULL_TOTAL" && ok ||
    fail "nurse A's HHS is saved with total $HHS_FULL_TOTAL"
bs export csv --form vas
grep 'DUO-1' "$T/out" | grep -q ',R,' && grep 'DUO-1' "$T/out" | grep -q '3\.5' && ok ||
    fail "nurse B's VAS of the right hip is saved with 3.5"

# --- the same form open in two sessions; one nurse finishes it first --------
# The draft is shared (one per key). When nurse A saves it as final, nurse B
# is still in the form: an answer B then types must not be shown as saved and
# silently go nowhere. Either it lands in a (new) draft, or B is told plainly
# that it was not saved.
mk_patient SAME-1 "Same Form" && mk_hip SAME-1 L "$TODAY"
tui_enter sameA SAME-1 vas L baseline
tui_wait sameA 'VAS pain v1' 20 || tui_fail "nurse A: the VAS form did not open"
tui_type sameA 3
tui_keys sameA Enter
wait_draft SAME-1 vas 1 15 || tui_fail "nurse A: the answer was not stored"
tui_enter sameB SAME-1 vas L baseline
tui_wait sameB '[Rr]esume' 20 || tui_fail "nurse B: the open draft is offered"
tui_keys sameB r
tui_wait sameB 'VAS pain v1' 15 || tui_fail "nurse B: the form did not open"
tui_keys sameA C-s
tui_wait sameA 'Enter saves' 15 || tui_fail "nurse A: no review"
tui_keys sameA Enter
tui_wait sameA 'Saved VAS' 15 || tui_fail "nurse A: not saved"
# Nurse B corrects the value (the field holds 3.0) and presses Enter.
tui_keys sameB BSpace BSpace BSpace BSpace
tui_type sameB 7.5
tui_keys sameB Enter
for ((i = 0; i < 30 * TUI_SLOW; i++)); do
    draft_answers SAME-1 vas | grep -qx 'pain=7.5' && break
    sleep 0.1
done
tui_screen sameB >"$T/screenB"
pidB=$(tui_pid sameB)
kill -HUP "$pidB"
tui_wait_exit "$pidB" 10 || fail "nurse B: bedside still runs after SIGHUP"
if draft_answers SAME-1 vas | grep -qx 'pain=7.5'; then
    ok
elif grep -qiE 'not saved|no longer exists' "$T/screenB" && ! grep -q 'draft saved' "$T/screenB"; then
    ok
else
    fail "nurse B's answer 7.5 was accepted, is in no draft after nurse A finished the form, and the screen said: $(grep -E 'draft saved|NOT SAVED|Last field' "$T/screenB" | tr -s ' ' | tr '\n' '|')"
fi
bs export csv --form vas
grep '^SAME-1,' "$T/out" | grep -q ',3\.0' && ok || fail "nurse A's final record is kept: $(grep SAME-1 "$T/out")"

# --- the TUI on a visit already recorded: it names the record, offers amend --
mk_patient TWICE-1 "Twice Entered" && mk_hip TWICE-1 L "$TODAY"
bs record TWICE-1 --form vas --hip L --timepoint baseline pain=3.0
expect_rc 0 "the first VAS, from the command line"
old=$(record_uuid TWICE-1 vas)
tui_enter tw TWICE-1 vas L baseline
if tui_wait tw "${old:0:8}" 20; then ok; else tui_fail "enter on a recorded visit names the record ${old:0:8}"; fi
grep -q "$(id -un)" "$T/screen" && ok || tui_fail "the message says who entered it"
grep -qiE '\(a\)mend|amend' "$T/screen" && ok || tui_fail "amending is offered"
tui_keys tw a
tui_wait tw '[Rr]eason' 10 || tui_fail "amending asks for a reason"
tui_type tw "re-measured with the patient"
tui_keys tw Enter
tui_wait tw 'AMEND VAS pain' 10 || tui_fail "the amend form opens"
tui_keys tw BSpace BSpace BSpace BSpace
tui_type tw 4.5
tui_keys tw Enter C-s
tui_wait tw 'Enter saves' 10 || tui_fail "review of the amendment"
tui_keys tw Enter
for ((i = 0; i < 50 * TUI_SLOW; i++)); do
    [ -n "$(sql "SELECT 1 FROM records WHERE supersedes = '$old' AND status = 'final'")" ] && break
    sleep 0.1
done
bs export csv --form vas
grep '^TWICE-1,' "$T/out" | grep -q ',4\.5' && ok || fail "the amended value is current: $(grep TWICE-1 "$T/out")"
expect_same "$(grep -c '^TWICE-1,' "$T/out")" 1 "still one current record for the visit"
bs history TWICE-1
grep -q 're-measured with the patient' "$T/out" && grep -qE 'pain.*3\.0.*4\.5' "$T/out" && ok ||
    fail "history shows the TUI amendment with its reason and 3.0 -> 4.5"
tui_kill tw

# --- races on one visit: exactly one of eight wins ---------------------------
# The duplicate check and the supersede check must sit inside the write
# transaction; checked outside, two racing commands would both succeed.
mk_patient RACE-1 && mk_hip RACE-1 L 2025-01-01
race() {   # race ARGS... — 8 bedside ARGS at once (pain=<i>.0 appended); prints the successes
    local i pids=() won=0 p
    for i in 1 2 3 4 5 6 7 8; do
        "$BEDSIDE" --today "$TODAY" "$@" "pain=$i.0" >/dev/null 2>>"$T/race.err" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" && won=$((won + 1)); done
    echo "$won"
}
current_1m() { sql "SELECT count(*) FROM current_records c JOIN patients p ON p.uuid = c.patient
                    WHERE p.mrn = 'RACE-1' AND c.timepoint = '1m'"; }
expect_same "$(race record RACE-1 --form vas --hip L --timepoint 1m --date 2025-01-31)" 1 \
    "eight racing records of one visit: one saved"
expect_same "$(current_1m)" 1 "one current record after the race"
u=$(record_uuid RACE-1 vas)
expect_same "$(race amend "$u" --reason "racing correction")" 1 "eight racing amendments of one record: one saved"
expect_same "$(current_1m)" 1 "still one current record"
grep -q 'superseded\|already' "$T/race.err" && ok || fail "the losers are told why: $(head -2 "$T/race.err")"
bs check
expect_rc 0 "bedside check after the races"

t_done
