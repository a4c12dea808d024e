#!/usr/bin/env bash
# export_redcap.sh — `export redcap DIR` on a demo cohort, loaded back by
# redcapcheck.py (Python's csv module) as REDCap's importer would check it;
# branching logic, checkbox columns, one record per hip, de-identified, and
# wrong use refused.
. "$(dirname "$0")/../lib.sh"

check() {
    if python3 "$TOP/tests/cli/redcapcheck.py" "$1" >"$T/check"; then ok
    else fail "$2: $(head -5 "$T/check")"; fi
}

bs demo --patients 30 --seed 2
expect_rc 0 "demo cohort"
mkdir "$T/rc"
bs export redcap "$T/rc"
expect_rc 0 "export redcap"
check "$T/rc" "the project loads back"
for f in data_dictionary arms events instrument_event_mapping repeating_instruments records; do
    [ -s "$T/rc/$f.csv" ] && ok || fail "no $f.csv"
done
expect_err "unique event names: enrolment_arm_1 baseline_arm_1 1_month_arm_1 3_months_arm_1" \
    "the unique event names are printed"
hips=$(sqlite3 "$DB" "SELECT count(*) FROM hips")
expect_same "$(grep -c ',enrolment_arm_1,' "$T/rc/records.csv")" "$hips" "one REDCap record per hip"
# (reason is in tha and end_of_followup: the variable takes its form as prefix)
grep -q $'^reason_other,tha,.*,\\[tha_reason\\] = \'5\',y,' "$T/rc/data_dictionary.csv" && ok ||
    fail "show_if reason = 'other' becomes [tha_reason] = '5'"
grep -q '^other_text,.*"show_if not expressible as branching logic: selected(events' \
    "$T/rc/data_dictionary.csv" && ok || fail "an inexpressible show_if is noted"
grep -q '^hhs_pain,hhs,' "$T/rc/data_dictionary.csv" && grep -q '^vas_pain,vas,' "$T/rc/data_dictionary.csv" &&
    ok || fail "a field id two forms share takes its form as prefix"
grep -q '^total,hhs,.*,number_1dp,0,100,.*,"Score computed by bedside from pain_points,.* @READONLY"' "$T/rc/data_dictionary.csv" && ok ||
    fail "a score is a read-only text field: $(grep '^total,' "$T/rc/data_dictionary.csv")"
head -1 "$T/rc/records.csv" | grep -q ',events___1,events___2,' && ok || fail "checkbox columns"

# De-identified: study ids, no uuid, no date, no free text.
mkdir "$T/deid"
bs export redcap "$T/deid" --deidentify
expect_rc 0 "export redcap --deidentify"
check "$T/deid" "the de-identified project loads back"
grep -qE '[0-9a-f]{8}-[0-9a-f]{4}-|20[0-9][0-9]-[0-9][0-9]-|D0000' "$T/deid/records.csv" &&
    fail "a uuid, a date or an MRN in the de-identified records" || ok
grep -q '^S0001-[LR],enrolment_arm_1,' "$T/deid/records.csv" && ok || fail "records are study id and side"
grep -qE '^(index_date|other_text|comment|reason_other),' "$T/deid/data_dictionary.csv" &&
    fail "identifying or free-text fields in the de-identified dictionary" || ok
expect_err "free text left out" "what is removed is listed"

# Wrong use.
bs export redcap "$T/nowhere"
expect_rc 1 "a missing folder"
expect_err "is not a folder" "says so"
bs export redcap "$T/rc" -o x.csv
expect_rc 2 "-o with redcap"
bs export redcap
expect_rc 2 "redcap without a folder"

t_done
