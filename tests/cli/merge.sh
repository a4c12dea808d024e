#!/usr/bin/env bash
# merge.sh — `merge FILE`: a laptop's copy (made with `backup`) gets records
# on both sides, then comes back. Everything typed on either side is there
# afterwards, amendments and voids apply, visits recorded on both sides are
# reported (by merge and by check), a second merge adds nothing, and
# conflicts or foreign files are refused with the database unchanged.
. "$(dirname "$0")/../lib.sh"

LAP=$T/laptop.db
sql() { sqlite3 -batch "$DB" "$@"; }
setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc"; }
# lap ARGS... — bedside on the laptop's copy.
lap() { setup --db "$LAP" "$@"; }
saved_id() { sed -nE 's/^bedside: (saved|amended as) record ([0-9a-f]{8}).*/\2/p' "$T/err" | tail -1; }
# refused WHAT PATTERN ARGS... — exit 1, the message on stderr, $DB unchanged.
refused() {
    local what=$1 pat=$2 before
    shift 2
    before=$(db_sum)
    bs "$@"
    expect_rc 1 "$what"
    expect_err "^bedside: .*$pat" "$what: message"
    expect_same "$(db_sum)" "$before" "$what: database unchanged"
}
# csv_rows — the current vas records as CSV without who entered them when,
# the uuids and the covariates, which differ between runs; sorted, in $T/out.
csv_rows() {
    bs export csv --form vas
    # shellcheck disable=SC2046 # the enrolment forms' columns, one word each
    python3 "$TOP/tests/cli/csvtool.py" drop "$T/out" entered_by entered_at record_id patient_id \
        hip_id sex age_at_index $(python3 "$TOP/tests/cli/csvtool.py" header "$T/out" |
            tr -d '\r' | tr , '\n' | grep -E '^(hip|patient)_enrolment_') index_date \
        days_from_index in_window out_of_window version amended_reason | tr -d "\r" | sort >"$T/rows"
    mv "$T/rows" "$T/out"
}

# --- the shared start: one patient, baseline recorded, copied to the laptop --
setup patient add 100 --name "Ann Lee" --sex F --born 1960-02-03
setup hip add 100 --side L --index-date 2026-01-05
setup record 100 --form vas --hip L --date 2026-01-05 pain=8
base=$(saved_id)
setup record 100 --form vas --hip L --date 2026-01-06 --timepoint unscheduled pain=7
unsched=$(saved_id)
setup backup "$LAP"

# --- the server goes on ---------------------------------------------------------
setup record 100 --form vas --hip L --date 2026-02-04 pain=6          # 1m, server
srv_1m=$(saved_id)
setup patient add 200 --name "Bob Ng" --sex M --born 1955-07-08
setup hip add 200 --side R --index-date 2026-03-01

# --- the laptop goes on offline ---------------------------------------------------
lap record 100 --form vas --hip L --date 2026-02-05 pain=5            # 1m again: a double
lap_1m=$(saved_id)
lap record 100 --form vas --hip L --date 2026-04-06 pain=4            # 3m
lap amend "$base" --reason "patient re-asked" pain=7.5
lap void "$unsched" --reason "entered for the wrong patient"
# 200 registered on the laptop too, identically, with the same hip.
lap patient add 200 --name "Bob Ng" --sex M --born 1955-07-08
lap hip add 200 --side R --index-date 2026-03-01
lap record 200 --form vas --hip R --date 2026-03-01 pain=9
lap patient add 300 --name "Cy Oh" --sex X --born 1990-12-31
lap hip add 300 --side L --index-date 2026-02-01
lap record 300 --form vas --hip L --date 2026-02-01 pain=3
lap_sum=$(md5sum <"$LAP")
lap_records=$(sqlite3 "$LAP" "SELECT count(*) FROM records WHERE status <> 'draft'")

# --- a dry run reports and changes nothing -----------------------------------------
before=$(db_sum)
bs merge "$LAP" --dry-run
expect_rc 0 "dry run"
expect_out "^dry run: .*nothing was saved" "says it is a dry run"
expect_out "^  patients +1 to add, 2 already here \(1 registered on both sides" \
    "counts the new patient and the one registered on both sides"
expect_out "^  hips +1 to add, 2 already here \(1 registered on both sides" "counts the hips"
expect_out "^  records +6 to add, [0-9]+ already here" "six records: 1m, 3m, amendment, void, 200, 300"
expect_out "^  scores +5 to add" "a void has no scores"
expect_out "recorded twice" "the double 1m visit is announced"
expect_same "$(db_sum)" "$before" "dry run: database unchanged"
expect_same "$(md5sum <"$LAP")" "$lap_sum" "dry run: the laptop file unchanged"

# --- the merge -----------------------------------------------------------------------
bs merge "$LAP"
expect_rc 0 "merge"
expect_out "^merged .*laptop\.db into " "says what went where"
expect_out "^  patients +1 added, 2 already here" "one patient added"
expect_out "^  records +6 added" "six records added"
expect_out "^  audit entries +[1-9][0-9]* added" "the laptop's audit entries added"
expect_out "^1 visit to review" "one visit to review"
expect_out "^  MRN 100, left hip, vas at 1m is recorded twice: ${srv_1m} \(2026-02-04, by [^)]+\) and ${lap_1m} \(2026-02-05|^  MRN 100, left hip, vas at 1m is recorded twice: ${lap_1m} \(2026-02-05, by [^)]+\) and ${srv_1m}" \
    "names the visit and both records"
expect_same "$(md5sum <"$LAP")" "$lap_sum" "the laptop file is only read"
expect_same "$(sql "SELECT count(*) FROM patients WHERE mrn = '200'")" 1 "MRN 200 once"
expect_same "$(sql "SELECT count(*) FROM hips h JOIN patients p ON p.uuid = h.patient
    WHERE p.mrn = '200'")" 1 "its hip once"
expect_same "$(sql "SELECT count(*) FROM records r JOIN hips h ON h.uuid = r.hip
    JOIN patients p ON p.uuid = h.patient AND p.uuid = r.patient WHERE p.mrn = '200'")" 1 \
    "the laptop's record of 200 hangs on the server's patient and hip"
expect_same "$(sql "SELECT count(*) FROM records r WHERE status <> 'draft' AND uuid IN
    (SELECT uuid FROM records)")" "$(( $(sqlite3 "$LAP" "SELECT count(*) FROM records WHERE status <> 'draft'") + 1 ))" \
    "every final record of the laptop is here, plus the server's 1m"
[ "$lap_records" -gt 0 ] && ok || fail "setup: the laptop has records"

csv_rows
grep -q '^100,L,baseline,2026-01-05,vas,1,7\.5,7\.5$' "$T/out" && ok || fail "the laptop's amendment applies"
grep -q '^100,L,baseline,.*,8\.0,' "$T/out" && fail "the amended value is gone from the export" || ok
grep -q '^100,L,unscheduled,' "$T/out" && fail "the laptop's void applies" || ok
grep -q '^100,L,1m,2026-02-04,vas,1,6\.0,6\.0$' "$T/out" && ok || fail "the server's 1m"
grep -q '^100,L,1m,2026-02-05,vas,1,5\.0,5\.0$' "$T/out" && ok || fail "the laptop's 1m, kept too"
grep -q '^100,L,3m,2026-04-06,vas,1,4\.0,4\.0$' "$T/out" && ok || fail "the laptop's 3m"
grep -q '^200,R,baseline,2026-03-01,vas,1,9\.0,9\.0$' "$T/out" && ok || fail "the record of 200"
grep -q '^300,L,baseline,2026-02-01,vas,1,3\.0,3\.0$' "$T/out" && ok || fail "the new patient 300"
[ "$(wc -l <"$T/out")" = 7 ] && ok || fail "seven current vas rows with the header: $(cat "$T/out")"

bs history 100
expect_rc 0 "history after the merge"
expect_out "patient re-asked" "history shows the laptop's amendment"
expect_out "entered for the wrong patient" "and its void"
bs history 300
expect_out "create" "the new patient's history came along"

bs check
expect_rc 1 "check after the merge"
expect_out "all current vas at 1m \(the same visit recorded twice" "check reports the double visit too"

# --- idempotent: the same file again adds nothing ------------------------------------
before=$(db_sum)
bs merge "$LAP"
expect_rc 0 "second merge"
for k in patients hips records scores "audit entries"; do
    expect_out "^  $k +0 added" "second merge: no $k added"
done
expect_out "recorded twice" "the double visit is still to review"
expect_same "$(db_sum)" "$before" "second merge: database unchanged"

# Resolving the double on the server, then merging again, keeps it resolved.
setup void "$lap_1m" --reason "duplicate of the server's 1m visit"
bs merge "$LAP"
expect_rc 0 "merge after the double was voided"
expect_out "^no visit recorded on both sides$" "nothing left to review"
bs check
expect_rc 0 "check is clean again"

# --- conflicts: refused, listed, nothing changed -------------------------------------
LAP2=$T/laptop2.db
setup backup "$LAP2"
setup patient add 400 --name "Dee Poe" --sex F --born 1970-01-01
setup hip add 100 --side R --index-date 2026-05-01
setup --db "$LAP2" patient add 400 --name "Dora Poe" --sex F --born 1970-01-01
setup --db "$LAP2" hip add 100 --side R --index-date 2026-05-02
setup --db "$LAP2" patient add 500 --name "Eve Qi" --sex F --born 1980-01-01
refused "conflicting registrations" "2 conflicts" merge "$LAP2"
expect_err "^bedside: conflict: MRN 400 is Dee Poe \(F, born 1970-01-01\) here but Dora Poe \(F, born 1970-01-01\) in .*laptop2\.db" \
    "names the MRN and both names"
expect_err "^bedside: conflict: MRN 100, right hip: index date 2026-05-01 here but 2026-05-02" \
    "names the hip and both index dates"
expect_same "$(sql "SELECT count(*) FROM patients WHERE mrn = '500'")" 0 "nothing of that file came in"
refused "a dry run reports conflicts too" "conflict" merge "$LAP2" --dry-run

# MRNs that differ only in case are one MRN (patient add refuses the
# second): one here and one in the file, or two new ones in the file.
LAPC=$T/laptop-case.db
setup backup "$LAPC"
cp "$LAPC" "$T/laptop-case2.db"
setup patient add C-7 --name "Cee Seven" --sex F --born 1970-01-01
setup --db "$LAPC" patient add c-7 --name "Cee Seven" --sex F --born 1970-01-01
refused "an MRN here and one in the file differing only in case" \
    "conflict: MRN C-7 here and MRN c-7 in .*laptop-case\.db differ only in case" merge "$LAPC"
expect_same "$(sql "SELECT count(*) FROM patients WHERE mrn LIKE 'c-7'")" 1 "one C-7 only"
setup --db "$T/laptop-case2.db" patient add d-8 --name "Dee Eight" --sex F --born 1971-01-01
setup --db "$T/laptop-case2.db" patient add D-9 --name "Dee Nine" --sex F --born 1972-01-01
sqlite3 "$T/laptop-case2.db" "UPDATE patients SET mrn = 'D-8' WHERE mrn = 'D-9'"
bs --db "$T/laptop-case2.db" check --repair-derived
expect_rc 1 "check names two MRNs of one file that differ only in case"
expect_out "^patients D-8 and d-8: MRNs that differ only in case, which bedside takes for one MRN" \
    "both named"
refused "two new MRNs in the file differing only in case" \
    "laptop-case2\.db: patients D-8 and d-8: MRNs that differ only in case" merge "$T/laptop-case2.db"

# The same uuid with other content (answer and score changed together):
# planted behind bedside's back. The copy's audit entry no longer matches
# the record, so the copy's own check refuses it.
LAP3=$T/laptop3.db
setup backup "$LAP3"
sqlite3 "$LAP3" "DROP TRIGGER records_final_no_update; DROP TRIGGER scores_final_no_update;
    UPDATE records SET answers = json_set(answers, '\$.pain', '1.0') WHERE uuid LIKE '$srv_1m%';
    UPDATE scores SET value = 1.0 WHERE record LIKE '$srv_1m%'"
sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_master WHERE name IN
    ('records_final_no_update', 'scores_final_no_update')" | sqlite3 "$LAP3"
refused "a record changed under the same uuid" "nothing was merged" merge "$LAP3"
expect_err "record ${srv_1m}[0-9a-f-]* is not what its audit entry [0-9a-f-]+ says was written" \
    "the copy's check names the changed record"
# With the audit entry's digest written anew too, the copy is consistent in
# itself (its check finds nothing): only the merge's own comparison sees it.
audit_rehash "$LAP3" "$(sqlite3 "$LAP3" "SELECT uuid FROM records WHERE uuid LIKE '$srv_1m%'")"
refused "a record and its entry changed under the same uuids" "should never happen" merge "$LAP3"
expect_err "conflict: record ${srv_1m}[0-9a-f-]* \(MRN 100, left hip, vas at 1m\) differs" \
    "names the record"
expect_err "conflict: audit entry [0-9a-f-]+ \(create, [0-9T:Z-]+\) differs" \
    "and its audit entry"

# A damaged copy: a record whose hip is missing (planted with the foreign
# keys off). A dry run must find it as the real merge would.
LAP5=$T/laptop5.db
setup backup "$LAP5"
p1=$(sql "SELECT uuid FROM patients WHERE mrn = '100'")
sqlite3 "$LAP5" "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form,
    form_version, status, answers, entered_by, entered_at)
    VALUES ('55555555-5555-4555-8555-555555555555', '$p1', '66666666-6666-4666-8666-666666666666',
    'unscheduled', '2026-07-01', 'vas', 1, 'final', '{\"pain\":\"2\"}', 'eve',
    '2026-07-01T10:00:00Z')"
# The same checks as `bedside check` run on the copy first and refuse it.
refused "a copy with an orphan record (dry run)" "nothing was merged" merge "$LAP5" --dry-run
expect_err "laptop5\.db: record 55555555-[0-9a-f-]* belongs to a missing hip 66666666" \
    "names the record and the missing hip"
refused "a copy with an orphan record" "nothing was merged" merge "$LAP5"

# --- drafts stay on the laptop -----------------------------------------------------------
LAP4=$T/laptop4.db
setup backup "$LAP4"
p=$(sql "SELECT uuid FROM patients WHERE mrn = '100'")
h=$(sql "SELECT uuid FROM hips WHERE patient = '$p' AND side = 'L'")
sqlite3 "$LAP4" "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form,
    form_version, status, answers, entered_by, entered_at)
    VALUES ('77777777-7777-4777-8777-777777777777', '$p', '$h', '6m', '2026-07-06', 'vas', 1,
    'draft', '{\"pain\":\"2\"}', 'nurse', '2026-07-06T10:00:00Z')"
setup --db "$LAP4" record 300 --form vas --hip L --date 2026-03-03 pain=2
refused "a file with an unfinished draft" "unfinished draft.*--skip-drafts" merge "$LAP4"
expect_err "^bedside: unfinished draft: MRN 100, left hip, vas at 6m, saved by nurse" \
    "lists the draft"
bs merge "$LAP4" --skip-drafts
expect_rc 0 "--skip-drafts merges"
expect_out "^  records +1 added" "the final record came in"
expect_out "1 draft left in .*laptop4\.db" "the draft is reported as left behind"
expect_same "$(sql "SELECT count(*) FROM records WHERE status = 'draft'")" 0 "no draft was merged"

# --- files that are not a copy to merge -----------------------------------------------
sqlite3 "$T/foreign.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1)"
refused "a foreign SQLite file" "not a bedside database" merge "$T/foreign.db"
echo "hello" >"$T/text.db"
refused "a text file" "not a bedside database" merge "$T/text.db"
refused "a missing file" "cannot open .*nothere\.db" merge "$T/nothere.db"
refused "the database itself" "is this database itself" merge "$DB"
ln -s "$DB" "$T/alias.db"
refused "the database itself under another name" "is this database itself" merge "$T/alias.db"
setup backup "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 99"
refused "a file from a newer bedside" "newer bedside" merge "$T/newer.db"
head -c 8192 "$LAP" >"$T/cut.db"
refused "a truncated copy" "damaged|not a bedside" merge "$T/cut.db"

# --- usage ------------------------------------------------------------------------------
bs merge
expect_rc 2 "merge without a file"
bs merge a b
expect_rc 2 "merge with two files"
bs merge --frobnicate "$LAP"
expect_rc 2 "an unknown option"
bs merge --help
expect_rc 0 "--help"
expect_out "^usage: bedside merge FILE" "--help prints the usage"
bs --db "$T/none.db" merge --help
[ ! -e "$T/none.db" ] && ok || fail "merge --help made a database"
bs --db "$T/none.db" merge "$LAP"
expect_rc 1 "merge into a missing database"
expect_err "none\.db: no such database" "names the missing database"
[ ! -e "$T/none.db" ] && ok || fail "merge made a database"
bs --help
expect_out "^  merge +merge an offline copy" "bedside --help lists merge"

t_done
