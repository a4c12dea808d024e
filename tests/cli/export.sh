#!/usr/bin/env bash
# export.sh — `export csv`: RFC 4180 (CRLF, quoting, doubled quotes), the
# columns with and without --form, the covariates and bookkeeping columns,
# current records only (or every version), --long, --labels, formula cells
# neutralised while plain numbers stay numbers, -o FILE. Every export is read
# back with Python's csv module (csvtool.py).
. "$(dirname "$0")/../lib.sh"

csvtool() { python3 "$TOP/tests/cli/csvtool.py" "$@"; }
# named ROW COL — a cell of the last export by column name.
named() { csvtool cell "$T/out" "$1" "$2"; }
# valid WHAT COL=TYPE... — the last export reads back cleanly and typed.
valid() {
    local what=$1; shift
    if csvtool check "$T/out" "$@" >"$T/check"; then ok; else fail "$what: $(head -3 "$T/check")"; fi
}
# Today's eight columns first, then the form's, then the new ones: scripts
# that read older exports by position keep working.
HEAD=mrn,hip,timepoint,visit_date,form,form_version,entered_by,entered_at
# The enrolment forms' answers on every row, as <form>_<field> (export_enrol.sh).
ENROL=hip_enrolment_etiology,hip_enrolment_stage_system,hip_enrolment_stage,hip_enrolment_involvement,hip_enrolment_location,hip_enrolment_treatment,hip_enrolment_treatment_other,patient_enrolment_bmi,patient_enrolment_smoking,patient_enrolment_alcohol,patient_enrolment_steroids,patient_enrolment_steroid_dose
TAIL=record_id,patient_id,hip_id,sex,age_at_index,$ENROL,index_date,days_from_index,in_window,out_of_window,version,amended_reason
TYPED=(record_id=uuid patient_id=uuid visit_date=date index_date=date days_from_index=int
    in_window=bit out_of_window=bit version=int age_at_index=num form_version=int)

sql() { sqlite3 -batch "$DB" "$@"; }
setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc"; }
# cells — the last export as ROW<TAB>COL<TAB>CELL lines (quotes undone).
cells() { awk -f "$TOP/tests/safety/csvcells.awk" "$T/out"; }
cell() { cells | awk -F'\t' -v r="$1" -v c="$2" '$1 == r && $2 == c { print substr($0, length($1 $2) + 3) }'; }

setup patient add E1 --name "Ex Port" --sex F --born 1970-01-01
setup hip add E1 --side L --index-date 2026-03-02 etiology=corticosteroid stage_system=arco stage=II
setup hip add E1 --side R --index-date 2026-03-02
setup record E1 --form vas --hip L --date 2026-04-01 pain=6.5
setup record E1 --form vas --hip R --date 2026-04-01 pain=5.0
setup record E1 --form vas --hip L --date 2026-06-01 pain=3.0
setup record E1 --form complications --hip L --date 2026-04-01 \
    events=hematoma,other $'other_text=a, "quoted"\nsecond line' 'action==HYPERLINK("http://x")' grade=i
setup record E1 --form complications --hip R --date 2026-04-01 \
    events=other other_text=-3.5 action=@SUM grade=ii
setup record E1 --form satisfaction rating=satisfied comment=+1+1

bs export csv --form vas
expect_rc 0 "export csv --form vas"
head1=$(head -1 "$T/out")
expect_same "$head1" "$HEAD,pain,vas,$TAIL"$'\r' \
    "vas columns: today's eight, then fields and scores, then the new ones"
valid "vas export" "${TYPED[@]}" pain=num vas=num
expect_same "$(grep -c $'\r$' "$T/out")" "$(wc -l <"$T/out")" "every line ends in CRLF"
expect_same "$(wc -l <"$T/out")" 4 "a header and three VAS rows"
me=$(id -un)
expect_out $'^E1,L,1m,2026-04-01,vas,1,'"$me"$',20[0-9-]+T[0-9:]+Z,6\.5,6\.5,' "a VAS row"
expect_same "$(named 1 sex),$(named 1 age_at_index),$(named 1 hip_enrolment_etiology),$(named 1 hip_enrolment_stage_system),$(named 1 hip_enrolment_stage)" \
    "F,56.1,corticosteroid,arco,ii" "sex, age at index and the hip's enrolment fields (codes)"
expect_same "$(named 1 index_date),$(named 1 days_from_index),$(named 1 in_window),$(named 1 version)" \
    "2026-03-02,30,1,1" "index date, days from it, in window, version"
pid=$(sql "SELECT uuid FROM patients")
hid=$(sql "SELECT uuid FROM hips WHERE side = 'L'")
rid=$(sql "SELECT uuid FROM records WHERE form = 'vas' AND visit_date = '2026-04-01' AND hip = '$hid'")
expect_same "$(named 1 record_id),$(named 1 patient_id),$(named 1 hip_id)" "$rid,$pid,$hid" "the uuids"
expect_same "$(named 3 hip),$(named 3 hip_enrolment_stage)" "R," "the right hip has no stage"
expect_out $'^E1,R,1m,2026-04-01,vas,1,' "the right hip's row"

# Only current records: an amended record shows its new values, a void none.
id=$(sql "SELECT substr(uuid, 1, 8) FROM records WHERE form = 'vas' AND visit_date = '2026-06-01'")
setup amend "$id" --reason "misread" pain=2.5
rid=$(sql "SELECT substr(uuid, 1, 8) FROM records WHERE form = 'vas' AND hip = (SELECT uuid FROM hips WHERE side = 'R')")
setup void "$rid" --reason "wrong hip"
bs export csv --form vas
expect_same "$(wc -l <"$T/out")" 3 "the void record left the export"
expect_out $',3m,2026-06-01,vas,1,[^,]*,[^,]*,2\.5,2\.5,' "the amended value, once"
expect_no_out ',3\.0,3\.0' "the superseded value is gone"
expect_same "$(named 2 version),$(named 2 amended_reason)" "2,misread" "an amendment is version 2 with its reason"

# --all-versions: superseded and void rows too, with their status.
bs export csv --form vas --all-versions
expect_rc 0 "export --all-versions"
valid "--all-versions" "${TYPED[@]}" status=nonempty
expect_same "$(csvtool col "$T/out" status | sort | tr '\n' ' ')" "current current superseded superseded void " \
    "two current, the amended and the voided original, and the void"
expect_same "$(csvtool col "$T/out" version | sort | tr '\n' ' ')" "1 1 1 2 2 " "versions count the chain"

# An unscheduled visit is not in any window.
setup record E1 --form vas --hip L --date 2026-05-10 pain=4.0
bs export csv --form vas
row=$(csvtool col "$T/out" visit_date | grep -n 2026-05-10 | cut -d: -f1)
expect_same "$(named "$row" timepoint),$(named "$row" in_window),$(named "$row" days_from_index)" \
    "unscheduled,0,69" "unscheduled: out of window, days still counted"

# --long: one row per answer and score; --labels: the option's words.
bs export csv --form complications --long --labels
expect_rc 0 "export --long"
valid "--long" record_id=uuid days_from_index=int in_window=bit version=int field=nonempty
expect_same "$(head -1 "$T/out" | tr -d '\r')" \
    "mrn,hip,timepoint,visit_date,form,record_id,patient_id,hip_id,index_date,days_from_index,in_window,out_of_window,version,field,value,label" \
    "long columns"
expect_out $'^E1,L,.*,grade,i,"I: any deviation' "a choice answer with its label"
expect_out $'^E1,L,.*,events,"hematoma,other","Hematoma, Other' "a multi answer with its labels"
bs export csv --form complications --labels
expect_rc 0 "export --labels"
valid "--labels" grade=nonempty grade_label=nonempty
expect_same "$(head -1 "$T/out" | tr -d '\r' | sed 's/.*entered_at,//; s/,record_id.*//')" \
    "events,events_label,other_text,grade,grade_label,action,count" "a label column beside each coded field"

# Quoting, doubled quotes, line breaks inside a cell, formula cells.
bs export csv --form complications
expect_rc 0 "export complications"
head1=$(head -1 "$T/out" | tr -d '\r')
expect_same "$head1" "$HEAD,events,other_text,grade,action,count,$TAIL" "complications columns"
valid "complications export" "${TYPED[@]}"
expect_out '^E1,L,.*,"hematoma,other","a, ""quoted""' "comma and quote cells quoted, quotes doubled"
expect_same "$(cell 2 10)" 'a, "quoted"\nsecond line' "a line break stays inside its quoted cell"
expect_same "$(cell 2 12)" "'=HYPERLINK(\"http://x\")" "a formula cell gets a leading quote"
expect_same "$(cell 3 12)" "'@SUM" "an @ cell gets a leading quote"
expect_same "$(cell 3 10)" "-3.5" "a negative number stays a number"
expect_same "$(cell 2 13)" "2" "the score"

# No --form: every form's columns, named form.id; each row fills its own.
bs export csv
expect_rc 0 "export csv of every form"
hdr=$(head -1 "$T/out" | tr -d '\r')
case $hdr in
mrn,hip,timepoint,visit_date,form,form_version,entered_by,entered_at,*) ok ;;
*) fail "fixed columns first: $hdr" ;;
esac
for c in vas.pain vas.vas hhs.total complications.events satisfaction.rating satisfaction.satisfaction; do
    grep -q ",$c," <<<"$hdr,," && ok || fail "header lacks $c"
done
ncols=$(awk -F, '{print NF}' <<<"$hdr")
bad=$(cells | awk -F'\t' -v n="$ncols" '{ last[$1] = $2 } END { for (r in last) if (last[r] != n) print r }')
expect_same "$bad" "" "every row has as many cells as the header"
expect_same "$(wc -l < <(cells | awk -F'\t' '$2 == 1'))" 8 \
    "a header and seven current records (six visits, the hip's enrolment)"
valid "every form" "${TYPED[@]}"
satrow=$(cells | awk -F'\t' '$2 == 5 && $3 == "satisfaction" { print $1 }')
col=$(tr ',' '\n' <<<"$hdr" | grep -nx satisfaction.comment | cut -d: -f1)
expect_same "$(cell "$satrow" "$col")" "'+1+1" "a + cell gets a leading quote"
col=$(tr ',' '\n' <<<"$hdr" | grep -nx vas.pain | cut -d: -f1)
expect_same "$(cell "$satrow" "$col")" "" "another form's cells are empty"
expect_same "$(cell "$satrow" 2)" "" "a patient-scope record has an empty hip"

# -o FILE holds what stdout would.
cp "$T/out" "$T/stdout.csv"
bs export csv -o "$T/file.csv"
expect_rc 0 "export -o FILE"
cmp -s "$T/file.csv" "$T/stdout.csv" && ok || fail "-o FILE differs from stdout"
[ -s "$T/out" ] && fail "-o FILE also wrote stdout" || ok
bs export csv -o "$T/no/such/dir/x.csv"
expect_rc 1 "-o into a missing folder"
expect_err "^bedside: cannot write" "names the problem"

# --deidentify: study ids, no MRN or dates, free text dropped; stable ids.
setup patient add E2 --name "Second Person" --sex M --born 1960-05-05
setup hip add E2 --side R --index-date 2026-01-05
setup record E2 --form tha --hip R --date 2026-05-20 tha_date=2026-05-20 reason=collapse
bs export csv --deidentify
expect_rc 0 "export --deidentify"
valid "--deidentify" patient_id=sid hip_id=sid record_id=uuid days_from_index=int
hdr=$(head -1 "$T/out" | tr -d '\r')
for c in mrn visit_date index_date entered_by entered_at amended_reason complications.other_text \
    complications.action satisfaction.comment tha.reason_other; do
    grep -qx "$c" <(tr , '\n' <<<"$hdr") && fail "--deidentify kept column $c" || ok
done
grep -qE 'E1|E2|Ex Port|Second Person|1970-01-01|2026-0' "$T/out" && fail "identifying text or a date in the output" || ok
expect_same "$(csvtool col "$T/out" patient_id | sort -u | tr '\n' ' ')" "S0001 S0002 " "one study id per patient"
row=$(csvtool col "$T/out" form | grep -n '^tha$' | cut -d: -f1)
expect_same "$(named "$row" hip_id),$(named "$row" tha.tha_date),$(named "$row" days_from_index)" "S0002-R,135,135" \
    "a date answer becomes days from the index date"
expect_err "MRN, name and birth date left out" "stderr says what is removed"
expect_err "free text left out .*complications.other_text" "stderr lists the free-text fields"
cp "$T/out" "$T/deid1.csv"
setup patient add E0 --name "Registered Later" --sex F --born 1980-01-01
bs export csv --deidentify
sed 's/,S0003,.*//' "$T/out" | cmp -s - "$T/deid1.csv" && ok || fail "a second export gives the same study ids"
expect_same "$(sql "SELECT group_concat(study_id) FROM (SELECT study_id FROM study_ids ORDER BY 1)")" \
    "S0001,S0002,S0003" "ids are kept, a new patient gets the next one"
bs export csv --deidentify --keep-text --form complications
expect_same "$(named 1 other_text)" 'a, "quoted"
second line' "--keep-text keeps free text"
bs export csv --keep-text
expect_rc 2 "--keep-text alone"

# A database of schema 1 (before study ids and out-of-window marks) is
# upgraded when opened.
cp "$DB" "$T/v1.db"
hips_before_enrolment "$T/v1.db"
audit_before_merge_action "$T/v1.db"
sqlite3 "$T/v1.db" "DROP TRIGGER study_ids_no_update; DROP TRIGGER study_ids_no_delete;
    DROP TABLE study_ids; ALTER TABLE records DROP COLUMN out_of_window;
    ALTER TABLE hips DROP COLUMN observed;
    PRAGMA user_version = 1;"
bs --db "$T/v1.db" export csv --deidentify --form vas
expect_rc 0 "a schema-1 database exports de-identified"
expect_same "$(sqlite3 "$T/v1.db" "PRAGMA user_version; SELECT count(*) FROM study_ids" | tr '\n' ' ')" \
    "$SCHEMA_NOW 3 " "upgraded to the current schema, ids given"
# Study ids never change once given.
sqlite3 "$DB" "UPDATE study_ids SET study_id = 'S9999'" 2>/dev/null && fail "a study id was changed" || ok

bs export csv --form hhz
expect_rc 1 "unknown form"
expect_err "unknown form 'hhz'" "names the form"
bs export json
expect_rc 2 "only csv"
bs export
expect_rc 2 "export without a format"
bs export csv --help
expect_rc 0 "export --help"
expect_out "^usage: bedside export csv" "usage on stdout"

# --- the hip's enrolment form: its answers once, not again as enrolment columns -----
bs export csv --form hip_enrolment
expect_rc 0 "export csv --form hip_enrolment"
h=$(head -1 "$T/out" | tr -d '\r')
for c in etiology stage_system stage involvement; do
    expect_same "$(tr ',' '\n' <<<"$h" | grep -c "$c\$")" 1 "--form hip_enrolment: one $c column"
done
expect_same "$(named 1 stage)" "ii" "the stage is the form's own column"
grep -q ",patient_enrolment_bmi," <<<"$h" && ok || fail "the patient's enrolment columns stay"
bs export codebook --form hip_enrolment
expect_no_out "^etiology,,|^stage,,|^stage_system,,|^involvement,,|^(etiology|stage|stage_system|involvement),survival," \
    "the codebook lists no fixed copy of the form's own answers either"
# The survival file has its <form>_<field> columns whatever --form says: listed once.
expect_same "$(grep -c '^hip_enrolment_stage,' "$T/out")" "$(grep -c '^stage,hip_enrolment,' "$T/out")" \
    "the codebook lists the survival file's hip_enrolment_stage once, as the form's own stage"
bs export csv --form vas
expect_out "^mrn,.*,hip_enrolment_etiology,hip_enrolment_stage_system,hip_enrolment_stage,hip_enrolment_involvement," \
    "other forms have the enrolment columns"
expect_no_out "^mrn,.*,etiology,stage_system,stage,involvement," "and not the old copies"
t_done
