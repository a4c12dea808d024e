#!/usr/bin/env bash
# followup.sh — the end of follow-up (issue 14, part 2; issue 15's censoring):
# the shipped end_of_followup form takes a hip out of `due`, refuses
# scheduled visits after its date (naming the date and the reason), still
# lets a later conversion to THA be recorded, and censors the hip at its
# date in `report` and `export survival`; `report --to` is the study end;
# a laptop copy holding an end of follow-up merges and stays clean. An
# observed hip (the untreated other hip) has no schedule, takes a THA, and
# is not in the cohort's Kaplan-Meier.
. "$(dirname "$0")/../lib.sh"

csvcol() { python3 "$TOP/tests/cli/csvtool.py" col "$1" "$2"; }
# row FILE MRN SIDE — the endpoints.csv row of a hip, as "days|event|why".
row() {
    python3 - "$1" "$2" "$3" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline='')):
    if r['mrn'] == sys.argv[2] and r['side'] == sys.argv[3]:
        print(f"{r['days']}|{r['event']}|{r['why']}")
EOF
}

# Today is 2026-06-15. Both hips: day 0 2025-06-01 (12m window 2026-05-02 ..
# 2026-07-01: due today).
bs patient add F1 --name "Fay Low" --sex F --born 1970-01-01 &&
    bs hip add F1 --side L --index-date 2025-06-01 stage_system=steinberg stage=II &&
    bs hip add F1 --side R --index-date 2025-06-01 stage_system=steinberg stage=II &&
    bs record F1 --form vas --hip L --date 2025-06-01 pain=5 &&
    bs record F1 --form vas --hip L --timepoint 1m --date 2025-07-01 pain=4 &&
    bs record F1 --form vas --hip R --date 2025-06-01 pain=6 &&
    bs record F1 --form vas --hip R --timepoint 3m --date 2025-09-01 pain=3
[ "$rc" = 0 ] && ok || fail "setup"
cp "$DB" "$T/laptop.db"

bs due
expect_out "^F1 .* L +12m " "before: the left hip is due"

# --- the form and its refusals -----------------------------------------------------
bs forms list
expect_out "end_of_followup" "end_of_followup is shipped"
refused 1 "an end of follow-up in the future" "end_of_followup\.date: 2026-07-01 is in the future" \
    record F1 --form end_of_followup --hip L date=2026-07-01 reason=lost
refused 1 "an end of follow-up before day 0" "before the hip's index date 2025-06-01" \
    record F1 --form end_of_followup --hip L date=2025-05-01 reason=lost
refused 1 "an unknown reason" "end_of_followup\.reason" \
    record F1 --form end_of_followup --hip L date=2025-08-01 reason=bored
bs record F1 --form end_of_followup --hip L --date 2025-08-01 date=2025-08-01 reason=lost
expect_rc 0 "the left hip is lost to follow-up on 2025-08-01"
refused 1 "a second end of follow-up for the hip" \
    "the left hip already has 'End of follow-up' dated 2025-08-01" \
    record F1 --form end_of_followup --hip L date=2025-09-01 reason=withdrawn
# An end dated before a scheduled visit already recorded for the hip is
# refused, naming that record and its date (check lists such a pair in a
# database written before this rule: one rule, entry_check_record).
refused 1 "an end of follow-up before a recorded visit of the hip" \
    "end_of_followup\.date: 2025-08-15 is before record [0-9a-f]{8} \(vas, 3m, dated 2025-09-01\) of the right hip" \
    record F1 --form end_of_followup --hip R date=2025-08-15 reason=lost
refused 1 "a conversion before a recorded visit of the hip" \
    "tha\.tha_date: 2025-08-20 is before record [0-9a-f]{8} \(vas, 3m, dated 2025-09-01\) of the right hip" \
    record F1 --form tha --hip R --date 2025-08-20 tha_date=2025-08-20 reason=pain
eof=$(sqlite3 "$DB" "SELECT uuid FROM current_records WHERE form = 'end_of_followup'")
refused 1 "an amendment moving the end before a recorded visit" \
    "end_of_followup\.date: 2025-06-20 is before record [0-9a-f]{8} \(vas, 1m, dated 2025-07-01\) of the left hip" \
    amend "$eof" --reason "date mistyped" date=2025-06-20

# --- no longer due; the other hip is ------------------------------------------------
bs due
expect_rc 0 "due"
expect_no_out "^F1 .* L +12m" "the ended hip is no longer due"
expect_out "^F1 .* R +12m " "the other hip still is"

# --- scheduled visits after it are refused, naming the date and why ------------------
refused 1 "a scheduled visit after the end" \
    "left hip's follow-up ended on 2025-08-01 \(End of follow-up: Lost to follow-up\): no scheduled visit \('12 months'\)" \
    record F1 --form vas --hip L --timepoint 12m pain=2
bs record F1 --form vas --hip L --date 2026-06-01 pain=2
expect_rc 0 "an unscheduled visit after the end"
expect_err "timepoint unscheduled" "is kept as unscheduled"
# A THA recorded later on a lost hip is a real event: accepted.
bs record F1 --form tha --hip L --date 2026-01-10 tha_date=2026-01-10 reason=pain
expect_rc 0 "a conversion to THA after the end of follow-up is recorded"

bs show F1 --ascii
expect_out "follow-up ended 2025-08-01" "show: the hip's follow-up ended"
expect_out "Follow-up ended on 2025-08-01: lost to follow-up" "show: the form's summary says why"
bs check
expect_rc 0 "check is clean"

# --- survival: censored at the end of follow-up, not at the later THA ----------------
bs report --csv "$T/rep"
expect_rc 0 "report --csv"
expect_same "$(row "$T/rep/endpoints.csv" F1 L)" "61|0|end of follow-up form" \
    "left hip: censored at its end of follow-up (day 61), the later THA not counted"
expect_same "$(row "$T/rep/endpoints.csv" F1 R)" "92|0|last record" \
    "right hip: censored at its last record"
bs report
expect_out "^Censoring: 0 hips with Conversion to THA; 1 censored at an end of" \
    "the line under the Kaplan-Meier table counts each rule"
expect_out "^form's date, 1 at their last record, 0 at the study end" "and the others"
bs export survival
expect_same "$(csvcol "$T/out" censor_reason | tr '\n' ',')" "end of follow-up form,last record," \
    "export survival says which rule each hip used"
expect_same "$(csvcol "$T/out" time_days | tr '\n' ',')" "61,92," "export survival: the same times"

# --- report --to: the study's end -----------------------------------------------------
bs report --csv "$T/to" --to 2025-07-15
expect_rc 0 "report --to"
expect_same "$(row "$T/to/endpoints.csv" F1 L)" "44|0|study end" "left hip: censored at the study end"
expect_same "$(row "$T/to/endpoints.csv" F1 R)" "44|0|study end" "right hip: followed past it, censored there"
bs report --to 2025-07-15
expect_out "2025-07-15 \(the study end\)" "the caption says --to is the study end"
bs report --csv "$T/to2" --to 2026-03-01
expect_same "$(row "$T/to2/endpoints.csv" F1 L)" "61|0|end of follow-up form" \
    "an end of follow-up before the study end still censors"

# --- a laptop copy holding an end of follow-up -----------------------------------------
"$BEDSIDE" --today "$TODAY" --db "$T/laptop.db" record F1 --form end_of_followup --hip R \
    --date 2025-10-01 date=2025-10-01 reason=completed note="moved away" >/dev/null 2>&1 &&
    ok || fail "the laptop records an end of follow-up for the right hip"
bs merge "$T/laptop.db"
expect_rc 0 "merge the laptop's copy"
bs due
expect_no_out "^F1 " "after the merge neither hip is due"
bs check
expect_rc 0 "check is clean after the merge"
bs export survival
expect_same "$(csvcol "$T/out" censor_reason | tr '\n' ',')" "end of follow-up form,end of follow-up form," \
    "the merged end of follow-up censors the right hip"
expect_same "$(csvcol "$T/out" time_days | tr '\n' ',')" "61,122," "at its date"

# --- an observed hip: no index procedure, no schedule, a THA all the same ------------
bs patient add P7 --name "Pat Seven" --sex M --born 1970-01-01 &&
    bs hip add P7 --side L --index-date 2025-06-01 stage_system=arco stage=II &&
    bs record P7 --form vas --hip L --date 2025-06-01 pain=7
[ "$rc" = 0 ] && ok || fail "setup: P7's treated hip"
refused 2 "an observed hip with a stage" "an --observed hip has no index procedure" \
    hip add P7 --side R --observed stage_system=arco stage=II
refused 1 "an observed hip from a future day" "in the future" \
    hip add P7 --side R --observed --index-date 2026-07-01
bs hip add P7 --side R --observed --index-date 2025-06-01
expect_rc 0 "hip add --observed"
expect_out "^added right hip of patient P7, observed \(no index procedure\)$" "says so"
expect_same "$(sqlite3 "$DB" "SELECT observed FROM hips h JOIN patients p ON p.uuid = h.patient
    WHERE p.mrn = 'P7' ORDER BY side" | tr '\n' ,)" "0,1," "stored as observed, the other hip not"
bs due
expect_out "^P7 .* L +12m " "the treated hip is due"
expect_no_out "^P7 .* R " "the observed hip is never due"
refused 1 "a scheduled visit on the observed hip" \
    "the right hip is observed \(no index procedure\): it has no scheduled visits \('6 months'\); record it as unscheduled" \
    record P7 --form vas --hip R --timepoint 6m --date 2025-12-01 pain=3
refused 1 "a record before its observation began" \
    "visit date 2025-05-01 is before the observed hip's observation began \(2025-06-01\)" \
    record P7 --form vas --hip R --date 2025-05-01 pain=3
bs record P7 --form vas --hip R --date 2025-12-01 pain=3
expect_rc 0 "an unscheduled record on the observed hip"
bs record P7 --form tha --hip R --date 2026-02-01 tha_date=2026-02-01 reason=collapse
expect_rc 0 "a THA on the observed hip"
bs show P7 --ascii
expect_out "^observed \(no index procedure\) \| since 2025-06-01, no schedule$" "show labels it"
expect_out "Converted to THA on 2026-02-01" "show: its THA"
bs print P7
expect_out "observed \(no index procedure\)" "print labels it"
bs check
expect_rc 0 "check is clean with an observed hip"
bs report --csv "$T/obs"
expect_same "$(row "$T/obs/endpoints.csv" P7 R)" "" "the observed hip is not in the Kaplan-Meier"
expect_same "$(row "$T/obs/endpoints.csv" P7 L)" "0|0|last record" "its treated hip is"
bs report
expect_out "1 observed hip, with no index procedure, not in these" "the report says it left it out"
bs export survival
expect_same "$(grep -c ',R,' "$T/out")" 1 "export survival: only F1's right hip has side R"
# A laptop registers another observed hip; it merges as observed.
cp "$DB" "$T/laptop2.db"
"$BEDSIDE" --today "$TODAY" --db "$T/laptop2.db" patient add P8 --name "Pat Eight" --sex F \
    --born 1971-01-01 >/dev/null 2>&1 &&
    "$BEDSIDE" --today "$TODAY" --db "$T/laptop2.db" hip add P8 --side L --observed >/dev/null 2>&1 &&
    ok || fail "the laptop registers an observed hip"
bs merge "$T/laptop2.db"
expect_rc 0 "merge a copy with an observed hip"
expect_same "$(sqlite3 "$DB" "SELECT h.observed || h.index_date FROM hips h JOIN patients p
    ON p.uuid = h.patient WHERE p.mrn = 'P8'")" "1$TODAY" "merged as observed, from today"
bs check
expect_rc 0 "check is clean after that merge"

t_done
