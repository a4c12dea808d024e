#!/usr/bin/env bash
# visit_rules.sh — every record lands on the right visit (issue 12): each
# refusal of `record` and `amend` with its message, exit 1 and the database
# unchanged; out-of-window records kept only with --out-of-window and marked
# in show, print and export; hip replacement ending a hip.
. "$(dirname "$0")/../lib.sh"

saved_id() { sed -nE 's/^bedside: (saved|amended as) record ([0-9a-f]{8}).*/\2/p' "$T/err" | tail -1; }
sql() { sqlite3 -batch "$DB" "$@"; }

# Today is 2026-06-15 (lib.sh). Left hip: day 0 2026-01-10, so baseline
# 2025-12-11..2026-01-10, 1m 2026-02-02..02-16, 3m 03-28..04-25, 6m
# 06-20..08-01. Right hip: day 0 2026-03-01 (1m 03-24..04-07).
bs patient add V1 --name "Vi Rules" --sex F --born 1970-01-01 &&
    bs hip add V1 --side L --index-date 2026-01-10 &&
    bs hip add V1 --side R --index-date 2026-03-01
[ "$rc" = 0 ] && ok || fail "setup"

# --- the issue's case: a VAS dated today is not the baseline ------------------
refused 1 "baseline dated months later" \
    "visit date 2026-06-15 is far from the window of 'baseline' for the left hip \(2025-12-11 … 2026-01-10\): record it as unscheduled" \
    record V1 --form vas --hip L --timepoint baseline pain=6.5
refused 1 "a date in another timepoint's window" \
    "visit date 2026-04-01 is in the window of '3 months' for the left hip, not 'baseline' \(2025-12-11 … 2026-01-10\)$" \
    record V1 --form vas --hip L --timepoint baseline --date 2026-04-01 pain=6.5
refused 1 "MRI at 12m two months after day 0" "in the window of '1 month' for the left hip, not '12m'" \
    record V1 --form mri --hip L --timepoint 12m --date 2026-02-10 stage=ii involvement=20 \
    edema=none crescent_sign=no collapse_gt2mm=no judgement=stable
refused 1 "the other hip's window does not count for a hip-scope form" "for the right hip, not '3m'" \
    record V1 --form vas --hip R --timepoint 3m --date 2026-03-30 pain=3
refused 1 "before the first window" "before the hip's first visit window opens \(2025-12-11; index date 2026-01-10\)" \
    record V1 --form vas --hip L --date 2025-12-10 pain=3

# --- in window; the timepoint said when inferred --------------------------------
bs record V1 --form vas --hip L --date 2025-12-20 pain=7.5
expect_rc 0 "a pre-operative baseline"
expect_err "^bedside: dated 2025-12-20: timepoint baseline$" "the inferred timepoint is said"

# --- out of window: only confirmed, then marked -------------------------------------
refused 1 "a late 1m visit without --out-of-window" \
    "outside the window of '1m' for the left hip \(2026-02-02 … 2026-02-16\).*\(--out-of-window\)" \
    record V1 --form vas --hip L --timepoint 1m --date 2026-02-25 pain=5
bs record V1 --form vas --hip L --timepoint 1m --date 2026-02-25 --out-of-window pain=5
expect_rc 0 "a late 1m visit, confirmed"
late=$(saved_id)
expect_err "1m out of window" "said to be out of window"
expect_same "$(sql "SELECT out_of_window FROM records WHERE uuid LIKE '$late%'")" 1 "stored marked"
bs export csv --form vas
pairs=$(paste -d: <(python3 "$TOP/tests/cli/csvtool.py" col "$T/out" visit_date) \
    <(python3 "$TOP/tests/cli/csvtool.py" col "$T/out" in_window) \
    <(python3 "$TOP/tests/cli/csvtool.py" col "$T/out" out_of_window) | tr '\n' ' ')
expect_same "$pairs" "2025-12-20:1:0 2026-02-25:0:1 " \
    "export marks it (out_of_window, not in_window), and not the one in window"
bs show V1 --ascii
expect_out "!2026-02-25" "show marks the date"
expect_out "! out of window" "and says what the mark means"
bs print V1 --ascii
expect_out "VAS pain \(vas, version 1\).*out of window" "print marks the record"
refused 1 "--out-of-window does not stretch to a far timepoint" "record it as unscheduled" \
    record V1 --form vas --hip L --timepoint 6m --date 2026-02-25 --out-of-window pain=5

# --- amend moves the visit, with every rule checked again -------------------------
refused 1 "amend into another window" "in the window of '3 months' for the left hip, not '1m'" \
    amend "$late" --reason "date typo" --date 2026-04-01
bs amend "$late" --reason "date typo" --date 2026-02-14
expect_rc 0 "amend the date into the window"
moved=$(saved_id)
expect_same "$(sql "SELECT timepoint || '|' || visit_date || '|' || out_of_window FROM records WHERE uuid LIKE '$moved%'")" \
    "1m|2026-02-14|0" "the new version is in window, no longer marked"
bs amend "$moved" --reason "it was the 3-month visit" --timepoint 3m --date 2026-04-01
expect_rc 0 "amend the timepoint and date"
bs history V1
expect_out "timepoint.*1m.*3m" "the history shows the timepoint change"

# --- hip replacement ends a hip ---------------------------------------------------------
refused 1 "THA in the future" "tha\.tha_date: 2026-06-20 is in the future" \
    record V1 --form tha --hip R --timepoint unscheduled tha_date=2026-06-20 reason=pain
refused 1 "THA before day 0" "tha\.tha_date: 2026-02-01 is before the hip's index date 2026-03-01" \
    record V1 --form tha --hip R --timepoint unscheduled tha_date=2026-02-01 reason=pain
bs record V1 --form tha --hip R --timepoint unscheduled --date 2026-05-02 tha_date=2026-05-02 reason=collapse
expect_rc 0 "THA"
refused 1 "a second THA for the hip" "the right hip already has 'Conversion to THA' dated 2026-05-02" \
    record V1 --form tha --hip R --timepoint unscheduled tha_date=2026-05-03 reason=pain
refused 1 "scheduled follow-up after the THA" "right hip's follow-up ended on 2026-05-02 \\(Conversion to THA\\): no scheduled visit \\('3 months'\\)" \
    record V1 --form vas --hip R --timepoint 3m --date 2026-05-25 pain=2
bs record V1 --form complications --hip R --timepoint unscheduled --date 2026-06-01 events=none
expect_rc 0 "an unscheduled complication after the THA"
bs record V1 --form vas --hip R --date 2026-05-25 pain=2
expect_rc 0 "without a timepoint: unscheduled after the THA"
expect_err "timepoint unscheduled" "said so"

# --- patient scope: any hip's window ------------------------------------------------------
bs record V1 --form satisfaction --timepoint 1m --date 2026-03-30 rating=satisfied
expect_rc 0 "satisfaction in the right hip's 1m window (not the left's)"

# --- bedside check: stored records against the same rules ----------------------------
bs check
expect_rc 0 "check: the database made through record is clean"
# tampered COPY SQL — a copy of the database with one row written behind
# bedside's back (new uuid, same audit trail), for check to find.
tampered() {
    cp "$DB" "$T/$1.db"
    sqlite3 -batch "$T/$1.db" "PRAGMA foreign_keys = OFF;
        CREATE TEMP TABLE x AS SELECT * FROM records WHERE uuid LIKE '$2%';
        UPDATE x SET uuid = '$3', supersedes = NULL, reason = NULL, $4;
        INSERT INTO records SELECT * FROM x;" 2>"$T/sqlerr" || fail "setup $1: $(cat "$T/sqlerr")"
}
check_finds() {
    "$BEDSIDE" --today "$TODAY" --db "$T/$1.db" check >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 1 "check on $2"
    if grep -qE -- "$3" "$T/out" "$T/err"; then ok; else
        fail "check on $2: no /$3/ in: $(head -5 "$T/out" "$T/err")"
    fi
}
base=$(sql "SELECT substr(uuid,1,8) FROM records WHERE form = 'vas' AND timepoint = 'baseline'")
tha=$(sql "SELECT substr(uuid,1,8) FROM records WHERE form = 'tha'")
rhip=$(sql "SELECT uuid FROM hips WHERE side = 'R'")
tampered wrongtp "$base" 11111111-1111-4111-8111-111111111111 "timepoint = '6m'"
check_finds wrongtp "a baseline-dated record stored as 6m" "record 11111111 \(vas, 6m\): .*window"
tampered afttha "$base" 22222222-2222-4222-8222-222222222222 \
    "hip = '$rhip', timepoint = '3m', visit_date = '2026-05-25'"
check_finds afttha "a scheduled record after the THA" "record 22222222 \(vas, 3m\): .*follow-up ended"
tampered twotha "$tha" 33333333-3333-4333-8333-333333333333 "visit_date = '2026-05-20'"
check_finds twotha "a hip with two THAs" "right hip has 2 records of tha, which ends follow-up"
tampered inmark "$base" 44444444-4444-4444-8444-444444444444 "out_of_window = 1"
check_finds inmark "an in-window record marked out of window" \
    "record 44444444 \(vas, baseline\): marked out of window, but dated 2025-12-20 inside the window of 'baseline'"

# --- a mark gone stale: the hip's index date moved under a confirmed late visit --------
# The mark records a confirmation, not a rule, so the move is not refused;
# check names the record, and amending it (the same date) recomputes the mark.
bs patient add V2 --name "Vo Mark" --sex M --born 1970-01-01 &&
    bs hip add V2 --side L --index-date 2026-01-10 &&
    bs record V2 --form vas --hip L --timepoint 1m --date 2026-02-25 --out-of-window pain=4
[ "$rc" = 0 ] && ok || fail "setup V2"
stale=$(saved_id)
bs hip amend V2 --side L --index-date 2026-01-25 --reason "date of surgery mistyped"
expect_rc 0 "the index date moves; the late visit is now inside the 1m window"
bs check
expect_rc 1 "check finds the stale mark"
expect_out "record $stale \(vas, 1m\): marked out of window, but dated 2026-02-25 inside the window of '1m'" \
    "naming the record, its date and timepoint"
bs amend "$stale" --reason "pain was 4.5 on the paper form" pain=4.5
expect_rc 0 "amend an answer (the date unchanged)"
fresh=$(saved_id)
expect_same "$(sql "SELECT out_of_window FROM records WHERE uuid LIKE '$fresh%'")" 0 \
    "the new version is not marked"
bs check
expect_rc 0 "check: clean again"

t_done
