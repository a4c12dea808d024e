# loose_schema.sh — a file that only looks like bedside's is refused before a
# query runs, and no NULL a file may hold crashes a reader:
#  - bedside's application_id and user_version over tables without their
#    constraints (a NULL score form) is refused by every command, merge too;
#  - an empty file is refused by the commands that only read, and left empty;
#  - a real database with each nullable column set to NULL in turn is read
#    by every command without a crash or sanitizer report.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/safety/lib_safety.sh"

# no_crash WHAT — the last bs did not die on a signal or a sanitizer report.
no_crash() {
    if [ "$rc" -ge 128 ]; then
        fail "$1: died with exit $rc"
    elif grep -qE 'Sanitizer|runtime error:' "$T/err"; then
        fail "$1: sanitizer report"
    else
        ok
    fi
}

# Every command that reads the database, as a nurse or admin would run it.
READERS=("show H1" "print H1" "due" "patient list" "export csv" "check" "history H1"
    "drafts")

mk_patient H1
mk_hip H1 L 2026-01-10
bs record H1 --form vas --hip L pain=5
bs record H1 --form vas --hip L --timepoint 1m --date 2026-02-09 pain=4
first=$(sql "SELECT uuid FROM records WHERE timepoint = '1m'")
bs amend "$first" --reason typo pain=3
expect_rc 0 "setup: an amendment"
GOOD=$T/good.db
cp "$DB" "$GOOD"

# --- loose tables with bedside's marks -------------------------------------------
LOOSE=$T/loose.db
sqlite3 "$LOOSE" "PRAGMA application_id = $(sql 'PRAGMA application_id');
    PRAGMA user_version = $(sql 'PRAGMA user_version');
    CREATE TABLE patients(uuid, mrn, name, sex, born, created_by, created_at);
    CREATE TABLE hips(uuid, patient, side, etiology, stage_system, stage, involvement,
        index_date, created_by, created_at);
    CREATE TABLE records(uuid, patient, hip, timepoint, visit_date, form, form_version,
        status, answers, entered_by, entered_at, supersedes, reason);
    CREATE TABLE scores(record, score, value);
    CREATE TABLE audit(uuid, at, who, action, patient, hip, record, form, timepoint,
        detail, reason);
    INSERT INTO patients VALUES ('p', NULL, NULL, NULL, NULL, NULL, NULL);
    INSERT INTO records VALUES ('r', 'p', NULL, NULL, NULL, NULL, NULL, 'final', NULL,
        NULL, NULL, NULL, NULL);
    INSERT INTO scores VALUES ('r', NULL, NULL);"
before=$(md5sum <"$LOOSE")
for cmd in "${READERS[@]}"; do
    # shellcheck disable=SC2086
    bs --db "$LOOSE" $cmd
    expect_rc 1 "$cmd on loose tables"
    no_crash "$cmd on loose tables"
    expect_err "loose\.db is not a bedside database or damaged: the table audit is not bedside's" \
        "$cmd on loose tables: the reason"
done
bs merge "$LOOSE"
expect_rc 1 "merge of loose tables"
no_crash "merge of loose tables"
expect_err "not a bedside database or damaged" "merge of loose tables: the reason"
bs record H1 --form vas --hip L --timepoint 3m pain=2 --db "$LOOSE"
bs --db "$LOOSE" record H1 --form vas --hip L --timepoint 3m pain=2
expect_rc 1 "record into loose tables"
expect_same "$(md5sum <"$LOOSE")" "$before" "the loose file is left as it was"

# An extra object, or a constraint loosened in place, is refused too.
cp "$GOOD" "$T/extra.db"
sqlite3 "$T/extra.db" "CREATE TABLE notes(x)"
bs --db "$T/extra.db" show H1
expect_rc 1 "an extra table"
expect_err "holds a table notes that bedside does not make" "an extra table: named"
cp "$GOOD" "$T/view.db"
sqlite3 "$T/view.db" "DROP VIEW current_records;
    CREATE VIEW current_records AS SELECT * FROM records"
bs --db "$T/view.db" export csv
expect_rc 1 "a rewritten view"
expect_err "the view current_records is not bedside's" "a rewritten view: named"

# --- an empty file is not a database to read ---------------------------------------
: >"$T/empty.db"
chmod 644 "$T/empty.db"
for cmd in "${READERS[@]}"; do
    # shellcheck disable=SC2086
    bs --db "$T/empty.db" $cmd
    expect_rc 1 "$cmd on an empty file"
    expect_err "empty\.db is empty, not a bedside database" "$cmd on an empty file: the reason"
done
expect_same "$(stat -c %s "$T/empty.db")" 0 "the empty file stays empty"
if [ -e "$T/empty.db-wal" ] || [ -e "$T/empty.db-shm" ]; then
    fail "a read-only command made -wal/-shm files"
else ok; fi

# --- every nullable column NULL in turn ------------------------------------------------
# The safeguard triggers are dropped for the edit and put back from their own
# text, so the file still has bedside's exact schema.
nullable=$(sqlite3 "$GOOD" "SELECT m.name || '.' || p.name FROM sqlite_master m,
    pragma_table_info(m.name) p WHERE m.type = 'table' AND p.\"notnull\" = 0 AND p.pk = 0
    ORDER BY 1")
n=0
for col in $nullable; do
    n=$((n + 1))
    tbl=${col%%.*}
    c=${col#*.}
    cp "$GOOD" "$T/null.db"
    triggers=$(sqlite3 "$T/null.db" "SELECT group_concat(sql, '; ') || ';' FROM sqlite_master
        WHERE type = 'trigger'")
    drops=$(sqlite3 "$T/null.db" "SELECT group_concat('DROP TRIGGER ' || name, '; ') || ';'
        FROM sqlite_master WHERE type = 'trigger'")
    if ! sqlite3 "$T/null.db" "PRAGMA foreign_keys = OFF; $drops UPDATE $tbl SET $c = NULL;
            $triggers" 2>"$T/sqlerr"; then
        # A CHECK constraint may forbid it (a void without supersedes): fine.
        grep -q "CHECK constraint failed" "$T/sqlerr" && continue
        fail "setup: NULL into $col: $(cat "$T/sqlerr")"
        continue
    fi
    for cmd in "${READERS[@]}"; do
        # shellcheck disable=SC2086
        bs --db "$T/null.db" $cmd
        no_crash "$cmd with $col NULL"
    done
    bs --db "$T/null.db" merge "$GOOD" --dry-run
    no_crash "merge into a file with $col NULL"
    bs --db "$GOOD" merge "$T/null.db" --dry-run
    no_crash "merge from a file with $col NULL"
done
if [ "$n" -ge 10 ]; then ok; else fail "only $n nullable columns found"; fi

t_done
