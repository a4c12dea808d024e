#!/usr/bin/env bash
# enrol_migrate.sh — schema 5: a database made by bedside before enrolment
# forms (fixtures/schema4-demo.db: `bedside demo --patients 5 --seed 3
# --today 2026-06-01`, then MIG1 with an ARCO IIIB hip of 33.5 % and a hip
# with no details; fixtures/schema4-demo-show.txt is that bedside's `show`
# of every patient). After the upgrade every hip's details are answers of
# its hip_enrolment record, nothing is lost, `check` is clean and `show`
# differs only in the hip-detail lines. Then a laptop copy holding an
# amended enrolment record merges like any record.
. "$(dirname "$0")/../lib.sh"
FX=$TOP/tests/cli/fixtures
TODAY=2026-06-01
cp "$FX/schema4-demo.db" "$DB"
expect_same "$(sqlite3 "$DB" 'PRAGMA user_version')" 4 "the fixture is schema 4"
old=$(sqlite3 -separator '|' "$DB" "SELECT p.mrn, h.side, ifnull(h.etiology, ''),
    ifnull(h.stage_system, ''), ifnull(lower(h.stage), ''),
    CASE WHEN h.involvement IS NULL THEN '' ELSE printf('%.1f', h.involvement) END,
    h.created_by, h.created_at
    FROM hips h JOIN patients p ON p.uuid = h.patient ORDER BY 1, 2")
n_with=$(sqlite3 "$DB" "SELECT count(*) FROM hips WHERE etiology IS NOT NULL
    OR stage IS NOT NULL OR stage_system IS NOT NULL OR involvement IS NOT NULL")
expect_same "$n_with" 7 "seven hips with details, one without"

bs check
expect_rc 0 "check after the upgrade"
expect_out "no problems found" "check is clean"
expect_same "$(sqlite3 "$DB" 'PRAGMA user_version')" "$SCHEMA_NOW" "upgraded to the current schema"
cols=$(sqlite3 "$DB" "SELECT group_concat(name, ',') FROM pragma_table_info('hips')")
expect_same "$cols" "uuid,patient,side,index_date,created_by,created_at,observed" \
    "the detail columns are gone from hips"

# Every hip's details, now its enrolment record's answers, entered by
# whoever added the hip, when; each with its 'create' audit row.
new=$(sqlite3 -separator '|' "$DB" "SELECT p.mrn, h.side,
    ifnull(json_extract(r.answers, '\$.etiology'), ''),
    ifnull(json_extract(r.answers, '\$.stage_system'), ''),
    ifnull(json_extract(r.answers, '\$.stage'), ''),
    ifnull(json_extract(r.answers, '\$.involvement'), ''), h.created_by, h.created_at
    FROM hips h JOIN patients p ON p.uuid = h.patient
    LEFT JOIN current_records r ON r.hip = h.uuid AND r.timepoint = 'enrolment'
    ORDER BY 1, 2")
expect_same "$new" "$old" "every hip's details are its enrolment answers"
same_who=$(sqlite3 "$DB" "SELECT count(*) FROM records r JOIN hips h ON h.uuid = r.hip
    JOIN audit a ON a.record = r.uuid AND a.action = 'create'
    WHERE r.timepoint = 'enrolment' AND r.form = 'hip_enrolment' AND r.status = 'final'
    AND r.entered_by = h.created_by AND r.entered_at = h.created_at
    AND r.visit_date = h.index_date AND a.who = h.created_by AND a.at = h.created_at")
expect_same "$same_who" 7 "records and audit rows by the hip's author, dated its index date"
nores=$(sqlite3 "$DB" "SELECT count(*) FROM hips h WHERE NOT EXISTS (SELECT 1 FROM records r
    WHERE r.hip = h.uuid AND r.timepoint = 'enrolment')")
expect_same "$nores" 1 "a hip without details gets no empty record"

# show: the same view, but for the hip-detail lines.
for m in D000001 D000002 D000003 D000004 D000005 MIG1; do
    "$BEDSIDE" --today "$TODAY" show "$m"
done >"$T/show.txt"
strip() { grep -vE '^(Etiology |Enrolment details|Staging system |Involvement of the femoral head )' "$1"; }
if diff <(strip "$FX/schema4-demo-show.txt") <(strip "$T/show.txt") >"$T/diff"; then ok; else
    fail "show changed beyond the hip details"; head -20 "$T/diff"; fi
bs show MIG1
expect_out "Etiology Trauma · Staging system ARCO · Stage IIIB" "MIG1's left hip in words"
expect_out "Involvement of the femoral head 33.5 %" "33.5 % kept to the decimal"
expect_out "Enrolment details not recorded" "the hip without details says so"
bs report --by stage
expect_rc 0 "report --by stage after the upgrade"
expect_out "^IIIB +Hips +1" "report strata by the enrolment stage"
bs export csv --form hip_enrolment
expect_out "^MIG1,L,enrolment,2026-01-02,hip_enrolment,1,.*,trauma,arco,iiib,33.5," \
    "export carries the enrolment answers"

# A laptop copy amends an enrolment record; the merge takes it like any
# record, and history shows the amendment.
cp "$DB" "$T/lap.db"
id=$(sqlite3 "$DB" "SELECT substr(r.uuid, 1, 8) FROM current_records r JOIN hips h
    ON h.uuid = r.hip JOIN patients p ON p.uuid = h.patient
    WHERE p.mrn = 'MIG1' AND r.timepoint = 'enrolment'")
bs --db "$T/lap.db" amend "$id" --reason "MRI reread" stage=IIIC
expect_rc 0 "amend the enrolment record on the laptop"
bs merge "$T/lap.db"
expect_rc 0 "merge the laptop copy"
bs show MIG1
expect_out "Stage IIIC" "the amended stage after the merge"
bs history MIG1
expect_out "MRI reread" "history shows the enrolment amendment"
bs check
expect_out "no problems found" "check clean after the merge"

t_done
