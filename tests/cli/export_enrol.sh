#!/usr/bin/env bash
# export_enrol.sh — the enrolment answers on every row of `export csv`, as
# <form>_<field> columns: the hip's current enrolment record on each of its
# rows, the patient's on both hips' rows and its own, the latest amendment
# only, empty cells without a record; a site's own enrolment form appears
# with no code change (header, cells, de-identified dates, codebook); the
# file reads back in Python's csv module and in R where R is installed.
# export survival has the same columns after its own (hip and patient
# answers per hip, de-identified dates, the site form too).
. "$(dirname "$0")/../lib.sh"

csvtool() { python3 "$TOP/tests/cli/csvtool.py" "$@"; }
named() { csvtool cell "$T/out" "$1" "$2"; }
setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc: $(head -2 "$T/err")"; }
sql() { sqlite3 -batch "$DB" "$@"; }
# col NAME — a column of the last export, one cell a line.
col() { csvtool col "$T/out" "$1"; }
# rows_where COL VALUE — the row numbers whose COL is VALUE, space-separated.
rows_where() { col "$1" | grep -nx -- "$2" | cut -d: -f1 | tr '\n' ' '; }

setup patient add P1 --name "Enrol Ment" --sex M --born 1965-02-03 bmi=31.4 smoking=current
setup hip add P1 --side L --index-date 2026-01-10 etiology=alcohol stage_system=arco stage=IIB
setup hip add P1 --side R --index-date 2026-01-10 etiology=idiopathic stage_system=steinberg stage=IIIC
setup record P1 --form vas --hip L --date 2026-02-09 pain=6
setup record P1 --form vas --hip L --date 2026-04-10 pain=4
setup record P1 --form complications --hip L --date 2026-04-10 events=hematoma grade=i
setup record P1 --form vas --hip R --date 2026-02-09 pain=5
setup record P1 --form satisfaction rating=satisfied
# A second patient with no patient enrolment record and a hip without one.
setup patient add P2 --name "No Answers" --sex F --born 1980-07-07
setup hip add P2 --side R --index-date 2026-03-01
setup record P2 --form vas --hip R --date 2026-04-01 pain=2

bs export csv
expect_rc 0 "export csv"
valid_all() {
    if csvtool check "$T/out" "$@" >"$T/check"; then ok; else fail "read back: $(head -3 "$T/check")"; fi
}
valid_all record_id=uuid patient_enrolment_bmi=num
hdr=$(csvtool header "$T/out")
for c in hip_enrolment_etiology hip_enrolment_stage_system hip_enrolment_stage \
    hip_enrolment_involvement patient_enrolment_bmi patient_enrolment_smoking patient_enrolment_steroid_dose; do
    grep -qx "$c" <(tr , '\n' <<<"$hdr") && ok || fail "header lacks $c"
done
# In place of the old fixed copies, after age_at_index and before index_date.
case ,$hdr, in
*,age_at_index,hip_enrolment_etiology,*,patient_enrolment_steroid_dose,index_date,*) ok ;;
*) fail "enrolment columns between age_at_index and index_date: $hdr" ;;
esac
grep -qxE 'etiology|stage|stage_system|involvement' <(tr , '\n' <<<"$hdr") &&
    fail "an old copy column is still there" || ok

# Every row of the left hip carries its answers (codes), and the patient's.
left=$(sql "SELECT uuid FROM hips WHERE side = 'L' AND patient = (SELECT uuid FROM patients WHERE mrn = 'P1')")
lrows=$(rows_where hip_id "$left")
expect_same "$(wc -w <<<"$lrows")" 4 "four rows of the left hip (its enrolment, two VAS, a complication)"
for r in $lrows; do
    expect_same "$(named "$r" hip_enrolment_etiology),$(named "$r" hip_enrolment_stage_system),$(named "$r" hip_enrolment_stage),$(named "$r" patient_enrolment_bmi),$(named "$r" patient_enrolment_smoking)" \
        "alcohol,arco,iib,31.4,current" "left hip row $r: its enrolment and the patient's"
done
right=$(sql "SELECT uuid FROM hips WHERE side = 'R' AND patient = (SELECT uuid FROM patients WHERE mrn = 'P1')")
for r in $(rows_where hip_id "$right"); do
    expect_same "$(named "$r" hip_enrolment_stage),$(named "$r" patient_enrolment_bmi)" "iiic,31.4" \
        "right hip row $r: its own stage, the same patient answers"
done
# The patient's own rows (its enrolment, satisfaction): no hip, so no hip answers.
for r in $(rows_where form satisfaction) $(rows_where form patient_enrolment); do
    expect_same "$(named "$r" hip),$(named "$r" hip_enrolment_stage),$(named "$r" patient_enrolment_smoking)" \
        ",,current" "patient-scope row $r: the patient's answers, no hip's"
done
# No record: empty cells.
r=$(rows_where mrn P2)
expect_same "$(wc -w <<<"$r")" 1 "one row of P2"
expect_same "$(named $r hip_enrolment_etiology),$(named $r patient_enrolment_bmi),$(named $r patient_enrolment_smoking)" \
    ",," "without enrolment records the cells are empty"

# An amendment: every row shows the latest answers; superseded rows too.
eid=$(sql "SELECT substr(uuid, 1, 8) FROM current_records WHERE form = 'hip_enrolment' AND hip = '$left'")
setup amend "$eid" --reason "re-read MRI" stage=IIIA
pid=$(sql "SELECT substr(uuid, 1, 8) FROM current_records WHERE form = 'patient_enrolment'")
setup amend "$pid" --reason "weighed again" bmi=29.8
bs export csv --all-versions
expect_rc 0 "export csv --all-versions"
for r in $(rows_where hip_id "$left"); do
    expect_same "$(named "$r" hip_enrolment_stage),$(named "$r" patient_enrolment_bmi)" "iiia,29.8" \
        "row $r ($(named "$r" form), $(named "$r" status)): the amended answers"
done
expect_same "$(col hip_enrolment_stage | grep -c iib)" 0 "the superseded stage is in no enrolment column"
expect_same "$(col patient_enrolment_bmi | grep -c 31.4)" 0 "nor the superseded BMI"

# --labels: the option's words beside each coded enrolment column.
bs export csv --form vas --labels
expect_rc 0 "export --labels"
r=$(rows_where hip_id "$left" | cut -d' ' -f1)
expect_same "$(named "$r" patient_enrolment_smoking_label)" "Current smoker" "a patient answer's label"
grep -q ',patient_enrolment_bmi_label,' <<<"$(csvtool header "$T/out")," && fail "a label column for a number" || ok
# --long keeps one row per answer: no covariate columns, as before.
bs export csv --form vas --long
grep -q enrolment_ <<<"$(csvtool header "$T/out")" && fail "--long has enrolment columns" || ok

# The codebook lists them with label, type, unit, choices and their form.
bs export codebook
expect_rc 0 "export codebook"
expect_out $'^patient_enrolment_bmi,patient_enrolment,Body-mass index,decimal,kg/m2,12,70,1,,,,,\r$' \
    "a decimal enrolment column: label, unit, range, decimals"
expect_out $'^patient_enrolment_smoking,patient_enrolment,Smoking,choice,,,,,current,Current smoker,3,,\r$' \
    "a choice enrolment column: one row per option with its numeric code"
expect_out "^patient_enrolment_steroid_dose,patient_enrolment,.*,\"steroids IN \\('past', 'current'\\)\"," \
    "its show_if"
expect_out '^hip_enrolment_stage,hip_enrolment,' "the hip's stage"
bs export csv -o "$T/all.csv"
bs export codebook -o "$T/cb.csv"
missing=$(comm -23 <(csvtool header "$T/all.csv" | tr , '\n' | sort -u) <(csvtool col "$T/cb.csv" variable | sort -u))
expect_same "$missing" "" "every column of the export is in the codebook"

# export survival: the same columns after its own, one row per hip.
bs export survival
expect_rc 0 "export survival"
hdr=$(csvtool header "$T/out")
enrol=$(bs export csv >/dev/null; csvtool header "$T/out" | tr , '\n' | grep '_enrolment_' | tr '\n' , )
bs export survival
case $hdr, in
*,age_at_index,"$enrol") ok ;;
*) fail "survival: export csv's enrolment columns after age_at_index: $hdr" ;;
esac
grep -qxE 'etiology|stage|stage_system|involvement' <(tr , '\n' <<<"$hdr") &&
    fail "survival: an old fixed column is still there" || ok
surv_of() {   # HIP_UUID COLUMN...
    local h=$1 r; shift
    r=$(rows_where hip_id "$h")
    for c in "$@"; do printf '%s,' "$(named "$r" "$c")"; done
}
expect_same "$(surv_of "$left" hip_enrolment_etiology hip_enrolment_stage patient_enrolment_bmi patient_enrolment_smoking)" \
    "alcohol,iiia,29.8,current," "survival: the left hip's amended stage and its patient's answers"
expect_same "$(surv_of "$right" hip_enrolment_stage patient_enrolment_bmi)" "iiic,29.8," \
    "survival: the right hip, the same patient answers"
p2=$(sql "SELECT h.uuid FROM hips h JOIN patients p ON p.uuid = h.patient WHERE p.mrn = 'P2'")
expect_same "$(surv_of "$p2" hip_enrolment_etiology patient_enrolment_bmi)" ",," \
    "survival: no enrolment records, empty cells"
# --long and --form do not change the survival file: the codebook lists
# its enrolment columns whatever they say.
bs export survival --long --form hip_enrolment
expect_same "$(csvtool header "$T/out")" "$hdr" "survival ignores --long and --form"
bs export codebook --long
expect_out '^hip_enrolment_stage,hip_enrolment,' "codebook --long: the survival file's enrolment columns"

# R reads the enrolment columns with their types.
if command -v Rscript >/dev/null 2>&1; then
    Rscript -e '
        a <- read.csv(commandArgs(TRUE)[1])
        stopifnot(is.numeric(a$patient_enrolment_bmi), is.character(a$hip_enrolment_stage),
                  all(a$patient_enrolment_bmi[a$mrn == "P1"] == 29.8),
                  all(is.na(a$patient_enrolment_bmi[a$mrn == "P2"])))
        cat("R ok\n")' "$T/all.csv" >"$T/r.out" 2>&1
    grep -q "R ok" "$T/r.out" && ok || fail "R read.csv: $(tail -3 "$T/r.out")"
fi

# --- REDCap: the enrolment forms are instruments at each hip's enrolment event ---
rccheck() {
    if python3 "$TOP/tests/cli/redcapcheck.py" "$1" >"$T/check"; then ok; else fail "$2: $(head -5 "$T/check")"; fi
}
# rc_cell DIR RECORD_ID EVENT VAR — one cell of records.csv.
rc_cell() {
    python3 -c '
import csv, sys
d, rid, ev, var = sys.argv[1:]
rows = list(csv.reader(open(d + "/records.csv", newline="")))
i = rows[0].index(var)
print(",".join(r[i] for r in rows[1:] if r[0] == rid and r[1] == ev))' "$@"
}
# rc_code DIR VAR LABEL — the numeric code of a choice in the dictionary.
rc_code() {
    python3 -c '
import csv, sys
d, var, label = sys.argv[1:]
for r in csv.reader(open(d + "/data_dictionary.csv", newline="")):
    if r[0] == var:
        print([c.split(", ", 1)[0] for c in r[5].split(" | ") if c.split(", ", 1)[1] == label][0])' "$@"
}
setup patient add P3 --name "Only Enrolled" --sex F --born 1990-01-01
setup hip add P3 --side L --index-date 2026-05-01
mkdir "$T/rc"
bs export redcap "$T/rc"
expect_rc 0 "export redcap"
rccheck "$T/rc" "the project loads back"
dd=$T/rc/data_dictionary.csv
for v in etiology,hip_enrolment,radio stage_system,hip_enrolment,radio hip_enrolment_stage,hip_enrolment,radio \
    bmi,patient_enrolment,text smoking,patient_enrolment,radio; do
    IFS=, read -r name form type <<<"$v"
    grep -q "^$name,$form,[^,]*,$type," "$dd" && ok || fail "dictionary: $name of $form as $type: $(grep "^$name," "$dd")"
done
grep -q '^smoking,patient_enrolment,Exposures,radio,Smoking,"1, Never smoked | 2, Former smoker | 3, Current smoker"' "$dd" &&
    ok || fail "smoking's choices: $(grep '^smoking,' "$dd")"
grep -qE '^(etiology|stage|involvement|stage_system),hip,' "$dd" && fail "the hip instrument still copies enrolment fields" || ok
expect_same "$(grep -c ',enrolment_arm_1,hip_enrolment' "$T/rc/instrument_event_mapping.csv"),$(grep -c ',enrolment_arm_1,patient_enrolment' "$T/rc/instrument_event_mapping.csv")" \
    "1,1" "both enrolment instruments at the enrolment event"
grep -q 'enrolment,' "$T/rc/repeating_instruments.csv" && fail "an enrolment instrument repeats" || ok
hips=$(sql "SELECT count(*) FROM hips")
expect_same "$(grep -c ',enrolment_arm_1,' "$T/rc/records.csv")" "$hips" "one enrolment row per hip, a hip without records too"
iiia=$(rc_code "$T/rc" hip_enrolment_stage IIIA)
cur=$(rc_code "$T/rc" smoking "Current smoker")
expect_same "$(rc_cell "$T/rc" "$left" enrolment_arm_1 hip_enrolment_stage),$(rc_cell "$T/rc" "$left" enrolment_arm_1 smoking),$(rc_cell "$T/rc" "$left" enrolment_arm_1 bmi),$(rc_cell "$T/rc" "$left" enrolment_arm_1 hip_enrolment_complete)" \
    "$iiia,$cur,29.8,2" "the left hip: its amended stage and the patient's answers, as codes"
expect_same "$(rc_cell "$T/rc" "$right" enrolment_arm_1 smoking),$(rc_cell "$T/rc" "$right" enrolment_arm_1 bmi),$(rc_cell "$T/rc" "$right" enrolment_arm_1 patient_enrolment_complete)" \
    "$cur,29.8,2" "the right hip: the same patient answers"
p3=$(sql "SELECT h.uuid FROM hips h JOIN patients p ON p.uuid = h.patient WHERE p.mrn = 'P3'")
expect_same "$(rc_cell "$T/rc" "$p3" enrolment_arm_1 side),$(rc_cell "$T/rc" "$p3" enrolment_arm_1 hip_complete),$(rc_cell "$T/rc" "$p3" enrolment_arm_1 smoking)" \
    "L,2," "a hip without any record: its hip instrument, no enrolment answers"
mkdir "$T/rcvas"
bs export redcap "$T/rcvas" --form vas
expect_rc 0 "export redcap --form vas"
rccheck "$T/rcvas" "the one-form project loads back"
expect_same "$(rc_cell "$T/rcvas" "$left" enrolment_arm_1 smoking),$(grep -c '^hhs' "$T/rcvas/data_dictionary.csv")" "$cur,0" \
    "--form vas keeps the enrolment instruments, not the other forms"

# --- a site's own patient enrolment form: no code change -----------------------
mkdir "$T/forms"
cp "$TOP"/forms/*.yaml "$T/forms/"
rm "$T/forms/patient_enrolment.yaml"
cat >"$T/forms/site_body.yaml" <<'YAML'
id: site_body
title: Body at enrolment (site)
version: 1
scope: patient
enrolment: true
sections:
  - title: Body
    fields:
      - id: waist_cm
        label: Waist circumference
        type: integer
        min: 40
        max: 250
        unit: cm
      - id: diet
        label: Diet
        type: choice
        options:
          - {code: omni, label: Omnivore}
          - {code: veg, label: Vegetarian}
      - id: diagnosed
        label: Date of diagnosis
        type: date
      - id: remark
        label: Remark
        type: text
YAML
export BEDSIDE_DB=$T/site.db
site() { bs --forms "$T/forms" "$@"; }
site patient add S1 --name "Site Person" --sex F --born 1972-03-04 waist_cm=92 diet=veg diagnosed=2025-12-01 remark=tall
[ "$rc" = 0 ] && ok || fail "patient add with the site form: $(head -2 "$T/err")"
site hip add S1 --side L --index-date 2026-01-01 stage_system=arco stage=II
site hip add S1 --side R --index-date 2026-02-01
site record S1 --form vas --hip L --date 2026-01-31 pain=3
site record S1 --form vas --hip R --date 2026-03-03 pain=2
site export csv --form vas
expect_rc 0 "export with the site form"
expect_same "$(csvtool header "$T/out" | tr , '\n' | grep '^site_body_' | tr '\n' ' ')" \
    "site_body_waist_cm site_body_diet site_body_diagnosed site_body_remark " "the site form's columns, in its order"
csvtool header "$T/out" | grep -q patient_enrolment && fail "a form not loaded has columns" || ok
expect_same "$(named 1 site_body_waist_cm),$(named 1 site_body_diet),$(named 1 site_body_diagnosed),$(named 1 site_body_remark)" \
    "92,veg,2025-12-01,tall" "the left hip's row"
expect_same "$(named 2 hip),$(named 2 site_body_waist_cm),$(named 2 site_body_diet)" "R,92,veg" "the right hip's row"
site export csv --form vas --deidentify
expect_rc 0 "de-identified"
expect_same "$(named 1 site_body_diagnosed),$(named 2 site_body_diagnosed)" "-31,-62" \
    "a date answer becomes days from each hip's index date"
csvtool header "$T/out" | grep -q site_body_remark && fail "free text kept when de-identifying" || ok
expect_err "free text left out .*site_body.remark" "stderr names the enrolment free text it left out"
site export survival
expect_rc 0 "survival with the site form"
expect_same "$(csvtool header "$T/out" | tr , '\n' | grep '_enrolment_\|^site_body_' | tr '\n' ' ')" \
    "hip_enrolment_etiology hip_enrolment_stage_system hip_enrolment_stage hip_enrolment_involvement hip_enrolment_location hip_enrolment_treatment hip_enrolment_treatment_other site_body_waist_cm site_body_diet site_body_diagnosed site_body_remark " \
    "survival: the site form's columns, no code change"
expect_same "$(named 1 site_body_waist_cm),$(named 1 site_body_diagnosed),$(named 2 site_body_remark),$(named 1 hip_enrolment_stage)" \
    "92,2025-12-01,tall,ii" "survival: the site answers on both hips"
site export survival --deidentify
expect_rc 0 "survival de-identified with the site form"
expect_same "$(named 1 site_body_diagnosed),$(named 2 site_body_diagnosed)" "-31,-62" \
    "survival: a date answer becomes days from each hip's index date"
csvtool header "$T/out" | grep -q site_body_remark && fail "survival: free text kept when de-identifying" || ok
expect_err "free text left out .*site_body.remark" "survival: stderr names the enrolment free text"
grep -q "amendment reasons" "$T/err" && fail "survival: it has no amendment reasons to leave out" || ok
site export codebook
expect_out $'^site_body_waist_cm,site_body,Waist circumference,integer,cm,40,250,,,,,,\r$' "the site column in the codebook"
expect_out $'^site_body_diet,site_body,Diet,choice,,,,,veg,Vegetarian,2,,\r$' "its choices"
mkdir "$T/rcsite"
site export redcap "$T/rcsite" --deidentify
expect_rc 0 "REDCap with the site form"
rccheck "$T/rcsite" "the site project loads back"
grep -q '^waist_cm,site_body,Body,text,Waist circumference,,cm,integer,40,250,' "$T/rcsite/data_dictionary.csv" &&
    ok || fail "the site field in the REDCap dictionary: $(grep waist "$T/rcsite/data_dictionary.csv")"
expect_same "$(rc_cell "$T/rcsite" S0001-L enrolment_arm_1 waist_cm),$(rc_cell "$T/rcsite" S0001-R enrolment_arm_1 diet),$(rc_cell "$T/rcsite" S0001-R enrolment_arm_1 diagnosed)" \
    "92,2,-62" "its answers on both hips' rows (a date as days from each hip's index)"

t_done
