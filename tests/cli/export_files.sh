#!/usr/bin/env bash
# export_files.sh — `export codebook` and `export survival`, read back with
# Python's csv module: headers, types, stable numeric codes (position or
# value:), every analysis column described, the survival file agreeing with
# `bedside report`'s per-hip listing hip by hip, and --deidentify on both;
# read.csv in R where R is installed.
. "$(dirname "$0")/../lib.sh"

csvtool() { python3 "$TOP/tests/cli/csvtool.py" "$@"; }
valid() {
    local what=$1 file=$2; shift 2
    if csvtool check "$file" "$@" >"$T/check"; then ok; else fail "$what: $(head -3 "$T/check")"; fi
}

bs demo --patients 40 --seed 3
expect_rc 0 "demo cohort"

# --- codebook ---
bs export codebook
expect_rc 0 "export codebook"
cp "$T/out" "$T/codebook.csv"
expect_same "$(head -1 "$T/out" | tr -d '\r')" \
    "variable,form,label,type,unit,min,max,decimals,code,value_label,numeric_code,show_if,derived_from" \
    "codebook columns"
valid "codebook" "$T/out" variable=nonempty type=nonempty numeric_code=int
# Every column of the analysis file and of the survival file is described.
bs export csv -o "$T/all.csv"
missing=$(comm -23 <(csvtool header "$T/all.csv" | tr , '\n' | sort -u) \
    <(csvtool col "$T/codebook.csv" variable | sort -u))
expect_same "$missing" "" "every analysis column is in the codebook"
bs export survival -o "$T/surv.csv"
missing=$(comm -23 <(csvtool header "$T/surv.csv" | tr , '\n' | sort -u) \
    <(csvtool col "$T/codebook.csv" variable | sort -u))
expect_same "$missing" "" "every survival column is in the codebook"
# A choice: one row per option, numbered by position.
grep -q $'^hhs.limp,hhs,Limp,choice,,,,,slight,Slight,2,,\r$' "$T/codebook.csv" && ok ||
    fail "hhs.limp 'slight' is code 2: $(grep '^hhs.limp,' "$T/codebook.csv" | head -2)"
grep -q $'^vas.pain,vas,.*,decimal,cm,0,10,1,,,,,\r$' "$T/codebook.csv" && ok || fail "a decimal's unit, range, decimals"
grep -q $'^tha.reason_other,tha,.*,text,.*,reason = \'other\',\r$' "$T/codebook.csv" && ok || fail "show_if as written"
grep -q $'^vas.vas,vas,VAS pain,score,,0,10,1,,,,,pain\r$' "$T/codebook.csv" && ok || fail "a score derived from its field"
# value: fixes the numeric code, whatever the order.
mkdir "$T/forms"
cp "$TOP"/forms/*.yaml "$T/forms/"
sed -i '/id: limp/,/id: support/ { s/- {code: none, label: None, points: 11}/- {code: none, label: None, points: 11, value: 10}/;
        s/- {code: slight, label: Slight, points: 8}/- {code: slight, label: Slight, points: 8, value: 20}/;
        s/- {code: moderate, label: Moderate, points: 5}/- {code: moderate, label: Moderate, points: 5, value: 30}/;
        s/- {code: severe, label: Severe, points: 0}/- {code: severe, label: Severe, points: 0, value: 40}/; }' "$T/forms/hhs.yaml"
bs --forms "$T/forms" export codebook --form hhs
expect_rc 0 "codebook with value:"
expect_out $'^limp,hhs,Limp,choice,,,,,slight,Slight,20,,\r$' "value: gives the numeric code"
# --deidentify: no MRN or dates in the codebook either, free text gone.
bs export codebook --deidentify
expect_no_out '^(mrn|visit_date|index_date|entered_by|entered_at|amended_reason|tha.reason_other),' \
    "de-identified codebook lacks identifying and free-text variables"
expect_out $'^tha.tha_date,tha,.*,integer,days from the index date,' "a date becomes days"
expect_err "free text left out" "what is removed is listed"

# --- survival ---
valid "survival" "$T/surv.csv" hip_id=uuid patient_id=uuid index_date=date event=bit time_days=int \
    end_date=date age_at_index=num
expect_same "$(csvtool header "$T/surv.csv")" \
    "hip_id,patient_id,side,index_date,event,time_days,censor_reason,end_date,sex,age_at_index,$(bs export csv >/dev/null; csvtool header "$T/out" | tr , '\n' | grep _enrolment_ | paste -sd,)" \
    "survival columns"
expect_same "$(csvtool rows "$T/surv.csv")" "$(sqlite3 "$DB" "SELECT count(*) FROM hips")" "one row per hip"
expect_same "$(csvtool col "$T/surv.csv" event | grep -c 1)" \
    "$(sqlite3 "$DB" "SELECT count(DISTINCT hip) FROM current_records WHERE form = 'tha'")" "an event per converted hip"
bad=$(paste -d' ' <(csvtool col "$T/surv.csv" event) <(csvtool col "$T/surv.csv" censor_reason) |
    awk '($1 == 1) != ($2 == "")' | head -1)
expect_same "$bad" "" "a censoring reason exactly for hips without the event"
# The same hips, times, events and reasons as report's per-hip listing.
mkdir "$T/rep"
bs report --csv "$T/rep"
expect_rc 0 "report --csv"
if [ -f "$T/rep/endpoints.csv" ]; then
    a=$(paste -d, <(csvtool col "$T/surv.csv" side) <(csvtool col "$T/surv.csv" index_date) \
        <(csvtool col "$T/surv.csv" time_days) <(csvtool col "$T/surv.csv" event))
    b=$(paste -d, <(csvtool col "$T/rep/endpoints.csv" side) <(csvtool col "$T/rep/endpoints.csv" index_date) \
        <(csvtool col "$T/rep/endpoints.csv" days) <(csvtool col "$T/rep/endpoints.csv" event))
    expect_same "$a" "$b" "export survival agrees with report, hip by hip"
else
    fail "report --csv wrote no endpoints.csv"
fi
bs export survival --deidentify
expect_rc 0 "survival --deidentify"
valid "survival --deidentify" "$T/out" hip_id=sid patient_id=sid time_days=int
expect_no_out 'D0000|20[0-9][0-9]-' "no MRN and no date"

# --- R reads them with the expected columns and types ---
if command -v Rscript >/dev/null 2>&1; then
    Rscript -e '
        s <- read.csv(commandArgs(TRUE)[1]); c <- read.csv(commandArgs(TRUE)[2])
        a <- read.csv(commandArgs(TRUE)[3])
        stopifnot(is.integer(s$event), is.integer(s$time_days), is.numeric(s$age_at_index),
                  is.character(s$hip_id), all(s$event %in% 0:1),
                  is.integer(c$numeric_code), ncol(c) == 13,
                  is.integer(a$days_from_index), is.integer(a$in_window), is.integer(a$version),
                  is.numeric(a$vas.pain), is.numeric(a$hhs.total), is.character(a$hhs.limp))
        cat("R ok\n")' "$T/surv.csv" "$T/codebook.csv" "$T/all.csv" >"$T/r.out" 2>&1
    grep -q "R ok" "$T/r.out" && ok || fail "R read.csv: $(tail -3 "$T/r.out")"
fi

bs export survival --form hhs --long
expect_rc 0 "survival ignores table-only options"
bs export nonsense
expect_rc 2 "unknown export"
expect_err "unknown export 'nonsense'" "names it"

t_done
