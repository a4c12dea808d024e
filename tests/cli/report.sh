#!/usr/bin/env bash
# report.sh — bedside report: usage, bad input, what it tabulates on a
# small demo cohort, --from/--to, --by, --markdown, --csv. The figures
# themselves are checked against R in tests/report/r_check.sh.
. "$(dirname "$0")/../lib.sh"

# --- usage and bad input ---
bs report --help
expect_rc 0 "report --help"
expect_out "--by FIELD" "help names --by"
[ ! -e "$DB" ] && ok || fail "--help created a database"
bs report
expect_rc 1 "no database"
[ ! -e "$DB" ] && ok || fail "report created a database"
bs report --by colour
expect_rc 2 "--by colour"
expect_err "--by: 'colour' is not a field" "message names the value"
expect_err "\(sex, side, etiology, stage_system, stage, location, treatment, smoking, alcohol, steroids\)" \
    "and lists every field it can group by, from the forms"
for f in bmi hhs.pain hip_enrolment.involvement patient_enrolment.colour .smoking smoking.; do
    bs report --by "$f"
    expect_rc 2 "--by $f: not a choice field of an enrolment form"
done
bs report --from 2026-13-01
expect_rc 2 "bad --from"
expect_err "--from" "message names --from"
bs report --from 2026-02-01 --to 2026-01-01
expect_rc 2 "--from after --to"
bs report --csv "$T/x" --markdown
expect_rc 2 "--csv with --markdown"
bs report extra
expect_rc 2 "stray argument"

bs demo --patients 40 --seed 3
expect_rc 0 "demo"
sum=$(db_sum)

# --- the text report ---
bs report
expect_rc 0 "report"
expect_out "^Baseline characteristics" "baseline table"
expect_out "^Patients +40$" "40 patients"
expect_out "^Harris Hip Score: HHS total by visit" "a table per trend score, from the forms"
expect_out "^VAS pain: VAS pain by visit" "VAS table"
expect_out "^24 months " "a row per scheduled timepoint"
expect_out "^MRI: last 'Overall, compared with the previous MRI' by stage" "outcome from the config"
expect_out "Improved +Stable +Progressed" "outcome columns are the field's options"
expect_out "^Time to Conversion to THA by stage: Kaplan" "time to the endpoint from the config"
expect_out "log-log scale" "says which CI transform"
expect_out "^Censoring: [0-9]+ hips with Conversion to THA; 0 censored at an end of" "says which censoring rule"
expect_out "^form's date, [0-9]+ at their last record, 0 at the study end" "and how many hips each rule censored"
expect_out "^Log-rank test across stage" "log-rank test"
expect_out "^Time to Conversion to THA, hip by hip" "per-hip listing"
expect_out "^D000001 " "listing by MRN"
wide=0
while IFS= read -r l; do
    case $l in *│*|*"|"*) [ ${#l} -le 80 ] || wide=1 ;; esac
done <"$T/out"
[ "$wide" = 0 ] && ok || fail "the plot is wider than 80 columns"
expect_same "$(db_sum)" "$sum" "report leaves the database unchanged"

# --- a config without a report: section has no outcome or endpoint tables ---
sed '/^report:/,$d' "$TOP/config/bedside.yaml" >"$T/plain.yaml"
sed -i "s|^forms: ../forms|forms: $TOP/forms|" "$T/plain.yaml"
bs --config "$T/plain.yaml" report
expect_rc 0 "report without report:"
expect_out "^VAS pain: VAS pain by visit" "scores still there"
expect_no_out "Kaplan" "no time to endpoint without report.endpoint"

# --- selection and strata ---
bs report --from 2030-01-01
expect_rc 0 "no hip in range"
expect_out "^0 hips" "caption says 0 hips"
bs report --by side
expect_rc 0 "--by side"
expect_out "^Baseline characteristics by side" "baseline stratified"
expect_out "^D000001 +[LR] .* [LR]$" "listing has the stratum"
bs report --markdown
expect_rc 0 "--markdown"
expect_out "^### Baseline characteristics" "markdown heading"
expect_out "^\| :-" "markdown alignment row"
expect_out "^\| Treatment arm +\| Core decompression with bone-marrow cells +\|" \
    "markdown: a long level whole on its row"

# --- the baseline's rows are the enrolment forms' fields ---
bs report
expect_out "^Etiology +Corticosteroid +[0-9]+ \(" "a hip choice field by its labels"
expect_out "^Involvement of the +[0-9]+ +[0-9.]+ ± [0-9.]+ \(" "a hip number field: mean ± SD"
expect_out "^Body-mass index +[0-9]+ +[0-9.]+ ± " "a patient number field, counted per hip"
expect_out "^Smoking +Never smoked +[0-9]+ \(" "a patient choice field"
expect_out "^Lesion location +not recorded +[0-9]+ \(100\.0\)" "a field nobody answered: not recorded"
expect_out "^Treatment arm +Core +[0-9]+ \(" "a long level wraps at words..."
expect_out "^ +decompression$" "...onto the next line"
w=$(sed -n '/^Baseline characteristics/,/^Patients are counted/p' "$T/out" | wc -L)
[ "$w" -le 80 ] && ok || fail "the baseline table is $w columns wide, more than 80"

# --- any choice field of an enrolment form, named by its labels ---
bs report --by smoking
expect_rc 0 "--by smoking (patient enrolment)"
expect_out "^Baseline characteristics by smoking" "baseline stratified by smoking"
expect_out "^Never smoked +Patients " "strata named by the options' labels"
expect_out "^Time to Conversion to THA by smoking: Kaplan" "every table stratified"
expect_no_out "^not recorded " "every patient of the demo has the answer: no such stratum"
bs report --by patient_enrolment.smoking --csv "$T/bysmoke"
expect_rc 0 "--by FORM.FIELD"
pat=$(sqlite3 "$DB" "SELECT json_extract(r.answers, '$.smoking') FROM current_records r
      JOIN patients p ON p.uuid = r.patient WHERE r.form = 'patient_enrolment' AND p.mrn = 'D000001'")
label=$(case $pat in never) echo "Never smoked" ;; former) echo "Former smoker" ;; *) echo "Current smoker" ;; esac)
grep -q "^D000001,.*,$label"$'\r'"\$" "$T/bysmoke/endpoints.csv" && ok ||
    fail "a hip is in its patient's smoking stratum ($label)"
bs report --by location
expect_rc 0 "--by location (hip enrolment, not filled by the demo)"
expect_out "^not recorded +Hips " "hips without an answer: a stratum 'not recorded', shown"
# A hip whose patient has no enrolment record, and one with the field empty.
bs patient add Z1 --name "Ada Nobody" --sex F --born 1970-01-01
bs hip add Z1 --side L --index-date 2025-01-01 etiology=idiopathic stage_system=steinberg stage=II
bs patient add Z2 --name "Bo Nobody" --sex M --born 1971-01-01 bmi=25
bs hip add Z2 --side R --index-date 2025-02-01 stage_system=arco stage=IIB
bs report --by smoking --csv "$T/bysmoke2"
expect_rc 0 "--by smoking with patients without the answer"
grep -q "^not recorded,2," "$T/bysmoke2/survival_summary.csv" && ok ||
    fail "both hips without a smoking answer are counted in 'not recorded'"
bs report --by etiology --csv "$T/byetio"
grep -q "^Z2,R,.*,not recorded"$'\r'"\$" "$T/byetio/endpoints.csv" && ok ||
    fail "a hip with etiology empty is 'not recorded'"
grep -q "^Idiopathic," "$T/byetio/survival_summary.csv" && ok || fail "etiology by its label"
# by: in the configuration takes the same fields.
sed -e "s|^forms: ../forms|forms: $TOP/forms|" -e 's/endpoint: {form: tha, by: stage}/endpoint: {form: tha, by: smoking}/' \
    "$TOP/config/bedside.yaml" >"$T/bysmoke.yaml"
grep -q "by: smoking" "$T/bysmoke.yaml" || fail "setup: config by: smoking"
bs --config "$T/bysmoke.yaml" report
expect_rc 0 "config by: smoking"
expect_out "^Time to Conversion to THA by smoking: Kaplan" "the config's by: a patient field"
sed -i 's/by: smoking/by: bmi/' "$T/bysmoke.yaml"
bs --config "$T/bysmoke.yaml" report
expect_rc 1 "config by: bmi"
expect_err "bysmoke.yaml:[0-9]+:[0-9]+: 'by: bmi' is not a field a report can group by \(sex, side, " \
    "the config's by: is checked against the forms, at its line"

# --- a site's choice field, no code change; a field id in two enrolment forms ---
cp -r "$TOP/forms" "$T/site"
cp "$DB" "$T/site.db"   # its records need the site's forms from now on
cat >>"$T/site/patient_enrolment.yaml" <<'EOF'
      - id: diabetes
        label: Diabetes
        type: choice
        options:
          - {code: no, label: No diabetes}
          - {code: t2, label: Type 2}
      - id: treatment
        label: Treatment before enrolment
        type: choice
        options:
          - {code: none, label: None}
          - {code: nsaid, label: NSAIDs}
      - id: sex
        label: Sex as the patient states it
        type: choice
        options:
          - {code: f, label: Female}
          - {code: m, label: Male}
EOF
bs --db "$T/site.db" --forms "$T/site" record Z1 --form patient_enrolment diabetes=t2
expect_rc 0 "site field recorded (patient enrolment record of Z1)"
bs --db "$T/site.db" --forms "$T/site" report --by diabetes --csv "$T/bydiab"
expect_rc 0 "--by a site's own field"
grep -q "^Z1,L,.*,Type 2"$'\r'"\$" "$T/bydiab/endpoints.csv" && ok || fail "Z1's hip in 'Type 2'"
grep -q "^not recorded," "$T/bydiab/survival_summary.csv" && ok || fail "the others: not recorded"
bs --db "$T/site.db" --forms "$T/site" report --by treatment
expect_rc 2 "--by treatment: two enrolment forms have it"
expect_err "hip_enrolment\.treatment, .*patient_enrolment\.treatment" "the list names both as FORM.FIELD"
bs --db "$T/site.db" --forms "$T/site" report --by patient_enrolment.treatment
expect_rc 0 "--by FORM.FIELD picks one"
expect_out "^Baseline characteristics by patient_enrolment.treatment" "titled as named"
bs --db "$T/site.db" --forms "$T/site" report --by sex --csv "$T/bysex"
expect_rc 0 "--by sex: the identity field"
grep -q "^F," "$T/bysex/survival_summary.csv" && ok || fail "sex as stored, not the form's field"
bs --db "$T/site.db" --forms "$T/site" report --by patient_enrolment.sex
expect_rc 0 "a form's field named sex, by FORM.FIELD"

# --- CSV ---
bs report --csv "$T/csv"
expect_rc 0 "--csv"
for f in baseline scores outcome survival survival_summary logrank endpoints; do
    [ -s "$T/csv/$f.csv" ] && ok || fail "$f.csv missing"
done
head -1 "$T/csv/scores.csv" | grep -q '^stratum,form,score,timepoint_id,timepoint,day,n,mean,sd,' \
    && ok || fail "scores.csv header"
grep -q $'\r$' "$T/csv/endpoints.csv" && ok || fail "CSV lines end in CRLF"
rows=$(($(wc -l <"$T/csv/endpoints.csv") - 1))
hips=$(sqlite3 "$DB" "SELECT count(*) FROM hips")
expect_same "$rows" "$hips" "one listing row per hip"
grep -qE '[0-9]e[-+]' "$T/csv/scores.csv" && fail "an exponent in scores.csv" || ok
touch "$T/file"
bs report --csv "$T/file/sub"
expect_rc 1 "--csv into a file's path"
expect_err "cannot create" "message says why"

# --- a hip whose stored index date is not a date is left out, not a crash ---
cp "$DB" "$T/bad.db"
sqlite3 "$T/bad.db" "PRAGMA ignore_check_constraints = ON; UPDATE hips SET index_date = 'soon'
  WHERE uuid = (SELECT uuid FROM hips ORDER BY uuid LIMIT 1)" 2>/dev/null
if [ "$(sqlite3 "$T/bad.db" "SELECT count(*) FROM hips WHERE index_date = 'soon'")" = 1 ]; then
    bs --db "$T/bad.db" report
    if [ "$rc" = 0 ]; then
        grep -q "1 more left out: no readable index date" "$T/out" && ok \
            || fail "the caption counts the hip left out"
    else
        # A schema check on open may refuse the file first: fine, no crash.
        [ "$rc" = 1 ] && ok || fail "report on a damaged hip: exit $rc"
    fi
fi

# --- the paper's cohort: demo --complete on 46 patients is seed 000 ---
DB=$T/paper.db
bs --db "$DB" demo --patients 46 --seed 1 --complete
expect_rc 0 "demo --complete"
expect_out "46 patients \(12 bilateral\), 58 hips" "the study's 46 patients, 58 hips, 12 bilateral"
expect_out " 6 hip replacements" "six conversions"
late=$(sqlite3 "$DB" "SELECT count(*) FROM hips WHERE index_date > date('$TODAY', '-761 days')")
expect_same "$late" 0 "every hip can have its 24-month visit"
bs --db "$DB" report --csv "$T/paper"
expect_rc 0 "report on the paper's cohort"
outcome=$(tr -d '\r' <"$T/paper/outcome.csv" | cut -d, -f1,2,3,5,7,11)
expect_same "$outcome" "stratum,hips,improved,stable,progressed,tha
I,14,10,4,0,0
II,29,16,7,6,0
III,15,3,6,6,6" "seed 000 Table 3: MRI outcome and THA by stage"
grep -q '^all,Sex,M,32,' "$T/paper/baseline.csv" && ok || fail "32 men"
sum=$(db_sum)
bs --db "$DB" demo --patients 5 --complete
expect_rc 1 "demo --complete on a database with patients"
expect_same "$(db_sum)" "$sum" "refused demo leaves it unchanged"

t_done
