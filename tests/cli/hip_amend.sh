#!/usr/bin/env bash
# hip_amend.sh — `bedside hip amend` corrects a hip's index date with a
# reason (issue 12, "Corrections"): accepted when every record of the hip,
# and every record about the patient, keeps its visit window under the new
# day 0; otherwise refused with each record in the way listed, exit 1 and
# the database unchanged. The change is in the history with old and new
# value, `check` stays clean, and a laptop copy made before the correction
# is refused by merge until the copy is corrected too.
. "$(dirname "$0")/../lib.sh"

sql() { sqlite3 -batch "$DB" "$@"; }
index_of() { sql "SELECT h.index_date FROM hips h JOIN patients p ON p.uuid = h.patient
                  WHERE p.mrn = '$1' AND h.side = '$2'"; }

# Today is 2026-06-15. Day 0 2026-01-15: baseline 2025-12-16..01-15,
# 3m (day 91) 2026-04-02..04-30.
bs patient add HA-1 --name "Hana Amend" --sex F --born 1960-01-01 &&
    bs hip add HA-1 --side L --index-date 2026-01-15 &&
    bs record HA-1 --form vas --hip L --timepoint baseline --date 2026-01-10 pain=6 &&
    bs record HA-1 --form vas --hip L --timepoint 3m --date 2026-04-16 pain=4
[ "$rc" = 0 ] && ok || fail "setup"
cp "$DB" "$T/laptop.db"

# --- usage and bad values -------------------------------------------------------
bs hip amend HA-1 --side L --index-date 2026-01-20
expect_rc 2 "no reason: a usage error"
expect_err "--reason are required" "names the missing option"
refused 1 "a blank reason" "--reason: say why" \
    hip amend HA-1 --side L --index-date 2026-01-20 --reason "  "
refused 1 "a bad date" "--index-date.*not a valid date" \
    hip amend HA-1 --side L --index-date 2026-02-30 --reason typo
refused 1 "the same date" "the index date is already 2026-01-15" \
    hip amend HA-1 --side L --index-date 2026-01-15 --reason typo
refused 1 "more than a year ahead" "index date 2027-07-01 is more than a year ahead of today \(2026-06-15\)" \
    hip amend HA-1 --side L --index-date 2027-07-01 --reason typo
refused 1 "before birth" "index date 1959-12-31 is before the patient's birth date 1960-01-01" \
    hip amend HA-1 --side L --index-date 1959-12-31 --reason typo
refused 1 "no right hip" "patient has no right hip" \
    hip amend HA-1 --side R --index-date 2026-01-20 --reason typo
refused 1 "unknown MRN" "no patient with MRN 'NOPE'" \
    hip amend NOPE --side L --index-date 2026-01-20 --reason typo

# --- records in the way -----------------------------------------------------------
# Day 0 2026-03-01: baseline 01-30..03-01 misses 01-10; 3m 05-17..06-14 misses 04-16.
refused 1 "records would leave their windows" \
    "2 records would break the visit rules with the index date moved from 2026-01-15 to 2026-03-01; amend or void them first" \
    hip amend HA-1 --side L --index-date 2026-03-01 --reason "wrong year"
expect_err "^  record [0-9a-f]{8} \(vas, baseline, 2026-01-10\): visit date 2026-01-10 is before the hip.s first visit window opens \(2026-01-30; index date 2026-03-01\)" "the baseline is listed"
expect_err "^  record [0-9a-f]{8} \(vas, 3m, 2026-04-16\): dated 2026-04-16, outside the window of '3m' \(2026-05-17 … 2026-06-14\)" "the 3-month visit is listed"
expect_same "$(index_of HA-1 L)" 2026-01-15 "the index date is unchanged"

# --- accepted ------------------------------------------------------------------------
# Day 0 2026-01-20: baseline 12-21..01-20 holds 01-10; 3m 04-07..05-05 holds 04-16.
bs hip amend HA-1 --side L --index-date 2026-01-20 --reason "date of surgery mistyped"
expect_rc 0 "a shift every record allows"
expect_out "index date of the left hip of patient HA-1 is now 2026-01-20" "said"
expect_same "$(index_of HA-1 L)" 2026-01-20 "stored"
bs history HA-1
expect_out "hip +L" "the history has the correction"
expect_out "reason: date of surgery mistyped" "with its reason"
expect_out "index_date: 2026-01-15 → 2026-01-20" "and the old and new value"
bs show HA-1
expect_out "Index date 2026-01-20" "show uses the new day 0"
bs check
expect_rc 0 "check is clean after the correction"

# --- a conversion before the new day 0 -----------------------------------------------
bs patient add HA-2 --name "Hugo Amend" --sex M --born 1955-05-05 &&
    bs hip add HA-2 --side R --index-date 2026-01-15 &&
    bs record HA-2 --form tha --hip R --date 2026-03-01 tha_date=2026-03-01 reason=pain
[ "$rc" = 0 ] && ok || fail "setup: a converted hip"
refused 1 "the conversion would precede day 0" "1 record would break" \
    hip amend HA-2 --side R --index-date 2026-03-10 --reason "wrong date"
expect_err "^  the hip: 2026-03-01 is before the hip's index date 2026-03-10" "the conversion is named"

# --- an offline copy made before the correction ------------------------------------
bs merge "$T/laptop.db"
expect_rc 1 "merge refuses a copy with the old index date"
expect_err "hip .* differs between here and" "and says which hip differs"
"$BEDSIDE" --db "$T/laptop.db" --today "$TODAY" hip amend HA-1 --side L --index-date 2026-01-20 \
    --reason "date of surgery mistyped" >/dev/null 2>&1 && ok || fail "the copy is corrected too"
bs merge "$T/laptop.db"
expect_rc 0 "then it merges"
bs check
expect_rc 0 "and check is clean"
t_done
