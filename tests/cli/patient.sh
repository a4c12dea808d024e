#!/usr/bin/env bash
# patient.sh — `patient add`, `patient list` and `hip add`: what they store,
# how they print, and every bad input refused with a message, a non-zero
# exit and the database unchanged.
. "$(dirname "$0")/../lib.sh"


# --- a read-only command never creates the database ---------------------
bs patient list
expect_rc 1 "patient list without a database"
expect_err "no such database" "patient list names the missing database"
expect_err "$DB" "the message names the path"
expect_same "$(db_sum)" none "patient list created no database"

# --- patient add ------------------------------------------------------------
bs patient add 1001 --name "Zoë Martin" --sex F --born 1980-04-02
expect_rc 0 "patient add"
expect_out "1001" "patient add says which patient"
[ -f "$DB" ] && ok || fail "patient add created the database"
bs patient add P-2_b --name "José Ángel" --sex m --born 1966-12-31
expect_rc 0 "patient add, lower-case sex and a dash and underscore in the MRN"

refused 1 "duplicate MRN" "1001.*already exists" \
    patient add 1001 --name "Other Person" --sex M --born 1970-01-01
# The same name (any case) and birth date: refused naming the existing MRN,
# unless --allow-duplicate says it is another person.
refused 1 "duplicate name and birth date" "Zoë Martin born 1980-04-02 is already recorded as MRN 1001.*--allow-duplicate" \
    patient add 1013 --name "zoë martin" --sex F --born 1980-04-02
bs patient add 1013 --name "Zoë Martin" --sex F --born 1980-04-02 --allow-duplicate
expect_rc 0 "--allow-duplicate adds the second Zoë Martin"
bs patient add 1014 --name "Zoë Martin" --sex F --born 1980-04-03
expect_rc 0 "another birth date is not a duplicate"
# A schema-12 file (no index on birth dates, so the duplicate check read every
# patient) gets it when opened, and the check holds the same.
born_before_index "$DB"
bs patient add 1015 --name " ZOË MARTIN " --sex F --born 1980-04-03
expect_rc 1 "duplicate name and birth date on an upgraded schema-12 file"
expect_err "Zoë Martin born 1980-04-03 is already recorded as MRN 1014" "naming the MRN"
expect_same "$(sqlite3 "$DB" "SELECT count(*) FROM patients WHERE mrn = '1015'")" 0 \
    "the duplicate is not added"
expect_same "$(sqlite3 "$DB" "PRAGMA user_version;
    SELECT name FROM sqlite_master WHERE name = 'patients_born'" | tr '\n' ' ')" \
    "$SCHEMA_NOW patients_born " "the upgrade made the birth-date index"
# MRNs are stored as typed and found ignoring case, on every command.
bs patient add h900123 --name "Hal Case" --sex M --born 1970-01-01
bs patient add H900123 --name "Other Case" --sex M --born 1971-01-01
expect_rc 1 "an MRN differing only in case is the same MRN"
expect_err "MRN 'h900123' already exists" "naming the stored one"
bs show H900123
expect_rc 0 "show finds h900123 as H900123"
expect_out "MRN h900123" "stored as typed"
bs print H900123
expect_rc 0 "print too"
refused 1 "future birth date" "in the future" \
    patient add 1002 --name "Future Kid" --sex F --born 2026-06-16
refused 1 "bad birth date" "2026-02-30.*not a valid date" \
    patient add 1002 --name "Bad Date" --sex F --born 2026-02-30
refused 1 "birth date before 1900" "not a valid date" \
    patient add 1002 --name "Old" --sex F --born 1899-12-31
refused 1 "birth date not ISO" "not a valid date" \
    patient add 1002 --name "Slashes" --sex F --born 02/04/1980
refused 1 "bad sex" "--sex.*'Q'" patient add 1002 --name "A" --sex Q --born 1980-01-01
refused 1 "MRN with a space" "MRN 'a b'" patient add "a b" --name "A" --sex F --born 1980-01-01
refused 1 "MRN too long" "1 to 32" \
    patient add 123456789012345678901234567890123 --name "A" --sex F --born 1980-01-01
refused 1 "empty name" "name is empty" patient add 1002 --name "  " --sex F --born 1980-01-01
refused 1 "invalid UTF-8 name" "not valid UTF-8" \
    patient add 1002 --name $'Bad\xff' --sex F --born 1980-01-01
refused 2 "missing --born" "required" patient add 1002 --name "A" --sex F
refused 2 "unknown option" "unknown option '--colour'" \
    patient add 1002 --name "A" --sex F --born 1980-01-01 --colour red
expect_err "^usage: bedside patient" "unknown option prints the usage"
refused 2 "no MRN" "one MRN" patient add --name "A" --sex F --born 1980-01-01
refused 2 "unknown action" "unknown action 'remove'" patient remove 1001

# --- hip add: identity, then the hip_enrolment form's answers -----------------
bs hip add 1001 --side L --index-date 2026-03-02 etiology=corticosteroid stage_system=steinberg \
    stage=iiic involvement=30
expect_rc 0 "hip add left, Steinberg IIIC"
expect_err "saved record [0-9a-f]{8} \(hip_enrolment, enrolment\)" "says which record it saved"
enr() { sqlite3 "$DB" "SELECT h.side || ':' || r.visit_date || ':' || r.answers FROM hips h
    JOIN current_records r ON r.hip = h.uuid AND r.timepoint = 'enrolment' ORDER BY h.side"; }
expect_same "$(enr)" \
    'L:2026-03-02:{"etiology":"corticosteroid","stage_system":"steinberg","stage":"iiic","involvement":"30.0"}' \
    "the answers are the hip's enrolment record, dated by its index date"
bs hip add 1001 --side r --index-date 2026-05-01 stage_system=ARCO stage=IIb
expect_rc 0 "hip add right, ARCO IIB (seed 003), any case"
bs show 1001
expect_out "Staging system Steinberg · Stage IIIC" "show words the left hip"
expect_out "Staging system ARCO · Stage IIB" "and the right"
bs record 1001 --form hip_enrolment --hip L stage_system=arco stage=I
expect_rc 1 "a second enrolment record for a hip"
expect_err "already recorded.*amend it" "is refused: amend the first"
bs record 1001 --form hip_enrolment --hip L --timepoint 3m stage_system=arco stage=I
expect_rc 1 "an enrolment form at a timepoint"
expect_err "enrolment form: it has no timepoint" "is refused, naming why"
bs record 1001 --form vas --hip L --timepoint enrolment pain=3
expect_rc 1 "the enrolment timepoint for a visit form"
expect_err "reserved for enrolment forms" "is refused"

refused 1 "second left hip" "already has a left hip" hip add 1001 --side L --index-date 2026-04-01
refused 1 "hip of an unknown MRN" "no patient with MRN '9999'" \
    hip add 9999 --side L --index-date 2026-04-01
refused 1 "bad side" "--side.*'X'" hip add P-2_b --side X --index-date 2026-04-01
refused 1 "bad index date" "not a valid date" hip add P-2_b --side L --index-date 2026-13-01
refused 1 "index date before birth" "before the patient's birth date" \
    hip add P-2_b --side L --index-date 1960-01-01
refused 1 "index date far ahead" "more than a year ahead" \
    hip add P-2_b --side L --index-date 2027-07-01
refused 1 "unknown etiology" "hip_enrolment.etiology: unknown option 'steroids'" \
    hip add P-2_b --side L --index-date 2026-04-01 etiology=steroids
refused 1 "Steinberg stage VII" "hip_enrolment.stage: unknown option 'VII'" \
    hip add P-2_b --side L --index-date 2026-04-01 stage_system=steinberg stage=VII
refused 1 "Steinberg VI has no subclass" "hip_enrolment.stage: unknown option 'VIA'" \
    hip add P-2_b --side L --index-date 2026-04-01 stage_system=steinberg stage=VIA
refused 1 "ARCO stage VI" "hip_enrolment.stage: is not a stage of the staging system.*\('VI'\)" \
    hip add P-2_b --side L --index-date 2026-04-01 stage_system=arco stage=VI
refused 1 "ARCO IV has no subclass" "hip_enrolment.stage: .*\('IVA'\)" \
    hip add P-2_b --side L --index-date 2026-04-01 stage_system=arco stage=IVA
refused 1 "a stage without its system" "give stage_system first" \
    hip add P-2_b --side L --index-date 2026-04-01 stage=II
refused 1 "unknown stage system" "hip_enrolment.stage_system: unknown option 'ficat'" \
    hip add P-2_b --side L --index-date 2026-04-01 stage_system=ficat
refused 1 "involvement over 100" "hip_enrolment.involvement" \
    hip add P-2_b --side L --index-date 2026-04-01 involvement=101
refused 1 "involvement not a number" "hip_enrolment.involvement" \
    hip add P-2_b --side L --index-date 2026-04-01 involvement=30%
refused 1 "an unknown field" "hip_enrolment.bmi: unknown field" \
    hip add P-2_b --side L --index-date 2026-04-01 bmi=27
refused 2 "not FIELD=VALUE" "expected FIELD=VALUE" \
    hip add P-2_b --side L --index-date 2026-04-01 arco
refused 2 "the old option" "unknown option '--stage'" \
    hip add P-2_b --side L --index-date 2026-04-01 --stage II
refused 2 "hip add without --side" "required" hip add P-2_b --index-date 2026-04-01
bs hip add P-2_b --side L --index-date 2027-06-01 stage_system=arco stage=I
expect_rc 0 "index date within a year ahead (a planned procedure)"
n=$(sqlite3 "$DB" "SELECT count(*) FROM records WHERE visit_date = '2027-06-01'")
expect_same "$n" 1 "its enrolment record is dated by that index date"
bs check
expect_out "no problems found" "check accepts the planned hip's enrolment record"

# --- the shipped patient_enrolment form: BMI and exposures ----------------------
bs patient add E-1 --name "Enrol One" --sex M --born 1975-03-01 bmi=27.1 smoking=never \
    alcohol=heavy steroids=past steroid_dose=3.5
expect_rc 0 "patient add with the patient's enrolment answers"
expect_err "saved record [0-9a-f]{8} \(patient_enrolment, enrolment\)" "says which record it saved"
pe=$(sqlite3 "$DB" "SELECT r.visit_date || ':' || r.answers FROM current_records r JOIN patients p
    ON p.uuid = r.patient WHERE p.mrn = 'E-1' AND r.timepoint = 'enrolment' AND r.hip IS NULL")
expect_same "$pe" "$TODAY:{\"bmi\":\"27.1\",\"smoking\":\"never\",\"alcohol\":\"heavy\",\"steroids\":\"past\",\"steroid_dose\":\"3.5\"}" \
    "the answers are the patient's enrolment record, dated today, in one with the patient"
bs patient add E-2 --name "Enrol Two" --sex F --born 1975-03-01
expect_rc 0 "every patient_enrolment field is optional: a patient without any"
expect_same "$(sqlite3 "$DB" "SELECT count(*) FROM records r JOIN patients p ON p.uuid = r.patient
    WHERE p.mrn = 'E-2'")" 0 "and then no empty record"
sum=$(db_sum)
refused 1 "a BMI out of range" "patient_enrolment\.bmi" \
    patient add E-3 --name "Enrol Three" --sex F --born 1975-03-01 bmi=7
refused 1 "an unknown smoking status" "patient_enrolment\.smoking: unknown option 'sometimes'" \
    patient add E-3 --name "Enrol Three" --sex F --born 1975-03-01 smoking=sometimes
expect_same "$(db_sum)" "$sum" "no patient without its refused enrolment answers"
# The dose is asked only after past or current exposure (show_if): as with
# `record`, an answer to a hidden field is not stored.
bs patient add E-3 --name "Enrol Three" --sex F --born 1975-03-01 steroids=none steroid_dose=2
expect_rc 0 "no steroids, a dose given anyway"
expect_same "$(sqlite3 "$DB" "SELECT r.answers FROM records r JOIN patients p ON p.uuid = r.patient
    WHERE p.mrn = 'E-3'")" '{"steroids":"none"}' "the hidden dose is dropped"
# show and print give the patient's enrolment answers with their labels, under
# the name, as they give a hip's; a patient without any gets no such line.
bs show E-1
expect_same "$(sed -n 3,4p "$T/out")" "Body-mass index 27.1 kg/m2 · Smoking Never smoked
Alcohol Heavy (400 mL or more of ethanol a week) · Corticosteroid exposure Past" \
    "show: the patient's enrolment answers, labelled, under the name"
expect_out "^Cumulative corticosteroid dose \(prednisolone equivalent\) 3\.5" "show: the dose too"
bs print E-1 --ascii
expect_out "^Body-mass index 27\.1 kg/m2 \| Smoking Never smoked" "print: the same answers"
bs show E-2
expect_no_out "Body-mass index|Smoking" "show: nothing for a patient without answers"
pe=$(sqlite3 "$DB" "SELECT r.uuid FROM current_records r JOIN patients p ON p.uuid = r.patient
    WHERE p.mrn = 'E-1' AND r.timepoint = 'enrolment'")
bs amend "$pe" --reason "weighed again" bmi=28.4
expect_rc 0 "amend the patient's enrolment record"
bs show E-1
expect_out "^Body-mass index 28\.4 kg/m2 · Smoking Never smoked" "show: the amended answer"

# A hip with no enrolment answers, and an observed hip (which never has them):
# the shipped forms require no answer, so neither is a problem for check.
bs hip add 1013 --side L --index-date 2026-04-01
expect_rc 0 "a hip without enrolment answers"
bs hip add 1014 --side R --observed
expect_rc 0 "an observed hip"
bs check
expect_out "no problems found" "check: the shipped enrolment forms require no record"

# --- a site's own enrolment form: no code change ------------------------------
cp -r "$TOP/forms" "$T/forms"
# The site's patient form replaces the shipped one (one enrolment form a scope).
rm "$T/forms/patient_enrolment.yaml"
cat >"$T/forms/site_patient.yaml" <<'YAML'
id: site_patient
title: Patient at enrolment (site)
version: 1
scope: patient
enrolment: true
sections:
  - title: Patient
    fields:
      - {id: bmi, label: Body-mass index, type: decimal, min: 10, max: 80, decimals: 1,
         unit: "kg/m²", required: true}
YAML
# A required field on the hip form: no hip without it.
sed -i 's/^      - id: etiology$/      - id: etiology\n        required: true/' "$T/forms/hip_enrolment.yaml"
refused 1 "a patient without the site's required BMI" "site_patient.bmi: an answer is required" \
    --forms "$T/forms" patient add S-1 --name "Site Person" --sex F --born 1970-01-01
bs --forms "$T/forms" patient add S-1 --name "Site Person" --sex F --born 1970-01-01 bmi=27.5
expect_rc 0 "a patient with the site's BMI"
bmi=$(sqlite3 "$DB" "SELECT r.visit_date || ':' || r.answers FROM records r JOIN patients p
    ON p.uuid = r.patient WHERE p.mrn = 'S-1' AND r.timepoint = 'enrolment' AND r.hip IS NULL")
expect_same "$bmi" "$TODAY:{\"bmi\":\"27.5\"}" "the BMI is the patient's enrolment record"
refused 1 "a hip without the required etiology" "hip_enrolment.etiology: an answer is required" \
    --forms "$T/forms" hip add S-1 --side L --index-date 2026-04-01
bs --forms "$T/forms" hip add S-1 --side L --index-date 2026-04-01 etiology=alcohol
expect_rc 0 "a hip with it"
bs --forms "$T/forms" check
expect_rc 1 "check with the site's stricter hip form"
expect_same "$(grep -c 'hip_enrolment.etiology: an answer is required' "$T/out")" 2 \
    "names the two older hips without an etiology, and nothing else"
expect_no_out "S-1|bmi" "the site's own records are clean"
# A form with a required field needs its record: check lists each treated hip
# and each patient without one, naming the form (the observed hip is not one).
expect_out "^patient 1013: the left hip has no hip_enrolment record \(hip_enrolment requires answers\)$" \
    "check lists the hip without a hip_enrolment record"
expect_same "$(grep -c 'has no hip_enrolment record' "$T/out")" 1 "and no other hip (not the observed one)"
expect_out "^patient 1001: the patient has no site_patient record" \
    "check lists a patient without the site's required patient record"
expect_no_out "patient S-1: the patient has no" "not the patient who has it"
rm "$T/forms/site_patient.yaml"
refused 2 "answers without a patient enrolment form" "no enrolment form of a patient" \
    --forms "$T/forms" patient add S-2 --name "No Form" --sex F --born 1970-01-01 bmi=27.5

# --- patient list -------------------------------------------------------------
refused 1 "a name with control characters" "contains control characters" \
    patient add 1003 --name $'Evil\e[2J\x07Name' --sex X --born 2000-06-15
# A merged copy could still hold one: stored behind bedside's back, it is
# listed escaped.
bs patient add 1003 --name "Plain" --sex X --born 2000-06-15
expect_rc 0 "patient add 1003"
sqlite3 "$DB" "UPDATE patients SET name = 'Evil' || char(27) || '[2J' || char(7) || 'Name'
    WHERE mrn = '1003'"
bs patient list
expect_rc 0 "patient list"
expect_out "^MRN +NAME +AGE +SEX +HIPS$" "header"
expect_out "^1001 +Zoë Martin +46 +F +L\+R$" "a bilateral patient, age on the pinned day"
expect_out "^P-2_b +José Ángel +59 +M +L$" "one hip"
expect_out '^1003 +Evil\^\[\[2J\^GName +26 +X +-$' "control characters escaped, age on the birthday"
[ "$(grep -c $'\e' "$T/out")" = 0 ] && ok || fail "patient list printed a raw ESC"
# The columns line up: SEX starts at the same character on every line.
cols=$(sed 's/ [FMX] .*//' "$T/out" | tail -n +2 | while IFS= read -r l; do echo "${#l}"; done | sort -u | wc -l)
expect_same "$cols" 1 "columns aligned by characters, not bytes"
bs patient list zoë
expect_rc 0 "patient list SEARCH"
expect_out "^1001 " "search by name"
expect_no_out "^P-2_b" "search leaves others out"
bs patient list 'ZOË'
expect_out "^1001 " "search ignores case beyond ASCII (ZOË finds Zoë)"
bs patient list 'ángel'
expect_out "^P-2_b " "search ignores case of accented letters (ángel finds Ángel)"
bs patient list 'OË MAR'
expect_out "^1001 " "ASCII and accented capitals in one search fold alike (OË MAR finds Zoë Martin)"
LC_ALL=C bs patient list 'MARTIN'
expect_out "^1001 " "in the C locale ASCII still folds (MARTIN finds Zoë Martin)"
bs patient list 'p-2_B'
expect_out "^P-2_b " "search by MRN ignores case; _ is a plain character"
bs patient list '%'
expect_no_out "^1001 " "% is a plain character, not a wildcard"
bs patient list nobody
expect_rc 0 "a search with no match is not an error"
expect_err "no patient matches 'nobody'" "says nothing matched"

# --- help ---------------------------------------------------------------------
for cmd in "patient --help" "patient add --help" "patient list --help" "hip --help" "hip add --help"; do
    rm -f "$T/none.db"
    "$BEDSIDE" --db "$T/none.db" $cmd >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 0 "$cmd"
    expect_out "^usage: bedside (patient|hip)" "$cmd prints the usage on stdout"
    [ ! -e "$T/none.db" ] && ok || fail "$cmd created a database"
done

t_done
