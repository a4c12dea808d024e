# tests/lib.sh — shared helpers for the shell test scripts.
# Source it; call t_done at the end. Each script runs in its own temp dir
# ($T) with a fresh database path ($DB), the in-tree forms and config, and
# "today" pinned to 2026-06-15 unless a test says otherwise.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BEDSIDE=${BEDSIDE:-$TOP/bedside}
T=$(mktemp -d "${TMPDIR:-/tmp}/bedside-test.XXXXXX")
DB=$T/test.db
export BEDSIDE_DB=$DB
export BEDSIDE_CONFIG=$TOP/config/bedside.yaml
export LC_ALL=C.UTF-8
# Checked forms are kept per test (src/form_cache.c), not in the user's cache:
# a test's first command loads the YAML, the next ones the kept copies.
export XDG_CACHE_HOME=$T/cache
TODAY=2026-06-15
# The schema version this tree's bedside makes (a migrated file must reach it).
SCHEMA_NOW=$(sed -n 's/^#define STORE_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$TOP/src/store.h")
t_pass=0
t_fail=0
# ncurses and the UI keep memory until exit; LeakSanitizer would flag it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

trap 't_cleanup' EXIT
t_cleanup() { rm -rf "$T"; }

# bs ARGS... — run bedside with today pinned; output in $T/out, $T/err, $rc.
bs() {
    "$BEDSIDE" --today "$TODAY" "$@" >"$T/out" 2>"$T/err"
    rc=$?
    return 0
}

ok() { t_pass=$((t_pass + 1)); }
fail() {
    t_fail=$((t_fail + 1))
    echo "FAIL ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: $*"
    if [ -s "$T/err" ]; then sed 's/^/     stderr: /' "$T/err" | head -5; fi
}

# expect_rc N DESCRIPTION — the last bs exited with N.
expect_rc() {
    if [ "$rc" = "$1" ]; then ok; else fail "$2: exit $rc, want $1"; fi
}
# expect_out PATTERN DESCRIPTION — stdout of the last bs matches (grep -E).
expect_out() {
    if grep -qE -- "$1" "$T/out"; then ok; else fail "$2: stdout lacks /$1/"; fi
}
expect_err() {
    if grep -qE -- "$1" "$T/err"; then ok; else fail "$2: stderr lacks /$1/"; fi
}
expect_no_out() {
    if grep -qE -- "$1" "$T/out"; then fail "$2: stdout has /$1/"; else ok; fi
}
# expect_same A B DESCRIPTION — two strings are equal.
expect_same() {
    if [ "$1" = "$2" ]; then ok; else fail "$3: got '$1', want '$2'"; fi
}
# refused RC WHAT PATTERN ARGS... — bedside ARGS exits RC with "bedside: ...PATTERN"
# on stderr and leaves the database exactly as it was.
refused() {
    local want=$1 what=$2 pat=$3
    shift 3
    local before
    before=$(db_sum)
    bs "$@" </dev/null
    expect_rc "$want" "$what"
    expect_err "^bedside: .*$pat" "$what: message"
    expect_same "$(db_sum)" "$before" "$what: database unchanged"
}
# db_sum — a fingerprint of the database content, to prove "nothing changed".
db_sum() {
    if [ -f "$DB" ]; then sqlite3 "$DB" .dump 2>/dev/null | md5sum | cut -d' ' -f1; else echo none; fi
}

# entered_sum — a fingerprint of what nurses entered (patients, hips,
# records, scores, audit), without the tables bedside derives and may
# rebuild on its own (the next-due table, the search index).
entered_sum() {
    sqlite3 "$DB" "SELECT * FROM patients; SELECT * FROM hips; SELECT * FROM records;
        SELECT * FROM scores; SELECT * FROM audit" | md5sum | cut -d' ' -f1
}

# not_json FILE MRN STATUS TIMEPOINT — a VAS record (STATUS final or draft)
# on TIMEPOINT of MRN's first hip whose answers are not JSON, put past the
# CHECK by another program, as a doctored copy could hold it.
not_json() {
    sqlite3 "$1" "PRAGMA ignore_check_constraints = 1; INSERT INTO records(uuid, patient, hip,
        timepoint, visit_date, form, form_version, status, answers, entered_by, entered_at)
        SELECT printf('00000000-0000-4000-8000-%012d', (SELECT count(*) + 1 FROM records)),
        h.patient, h.uuid, '$4', '2026-06-01', 'vas', 1, '$3', '{\"pain\": ', 'x',
        '2026-06-01T10:00:00Z' FROM hips h JOIN patients p ON p.uuid = h.patient
        WHERE p.mrn = '$2' ORDER BY h.side LIMIT 1"
}

# behind_back FILE SQL — run SQL on FILE with bedside's safeguard triggers
# dropped and then put back as they were: how someone with sqlite3 edits a
# final record of a copy, leaving a schema that bedside opens as its own.
behind_back() {
    local triggers drops
    triggers=$(sqlite3 "$1" "SELECT group_concat(sql, '; ') || ';' FROM sqlite_master WHERE type = 'trigger'")
    drops=$(sqlite3 "$1" "SELECT group_concat('DROP TRIGGER ' || name, '; ') || ';' FROM sqlite_master
        WHERE type = 'trigger'")
    sqlite3 -batch "$1" "BEGIN; $drops $2; $triggers COMMIT;"
}

# audit_without_action FILE ACTION — rebuild FILE's audit table as it was
# before a migration added ACTION to its CHECK (its entries dropped), the
# other rows, index and triggers the same: to make an older database.
audit_without_action() {
    local create rest
    create=$(sqlite3 "$1" "SELECT replace(sql, ',''$2''', '') FROM sqlite_master
        WHERE name = 'audit'")
    rest=$(sqlite3 "$1" "SELECT group_concat(sql, '; ') || ';' FROM sqlite_master
        WHERE tbl_name = 'audit' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
    sqlite3 "$1" "ALTER TABLE audit RENAME TO audit_new; $create;
        INSERT INTO audit SELECT * FROM audit_new WHERE action <> '$2';
        DROP TABLE audit_new; $rest"
}

# audit_before_merge_action FILE — the audit table as schemas 1 and 2 had
# it (no 'merge' action): undoes migration 3.
audit_before_merge_action() {
    audit_without_action "$1" merge
}

# audit_before_hash FILE — undo migrations 9 to 7: audit entries that name the
# record they wrote get its hip, form and timepoint back and lose their
# digest, so FILE looks like a schema-6 database. Only for making old files.
audit_before_hash() {
    local trig
    due_before_table "$1"
    trig=$(sqlite3 "$1" "SELECT sql FROM sqlite_master WHERE name = 'audit_no_update'")
    sqlite3 "$1" "DROP TRIGGER audit_no_update;
        UPDATE audit SET hip = r.hip, form = r.form, timepoint = r.timepoint FROM records r
        WHERE r.uuid = audit.record AND audit.hash IS NOT NULL;
        ALTER TABLE audit DROP COLUMN hash; $trig; PRAGMA user_version = 6;"
}

# audit_rehash FILE UUID — what someone who knows the digest's recipe
# (src/store_hash.c) does after changing record UUID behind bedside's back:
# write its audit entry's digest anew, so the file is consistent in itself.
audit_rehash() {
    python3 - "$1" "$2" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT r.uuid, (SELECT side FROM hips WHERE uuid = r.hip), r.timepoint, "
                 "r.visit_date, r.form, r.form_version, r.status, r.answers, r.entered_by, "
                 "r.entered_at, r.supersedes, r.reason, r.out_of_window FROM records r "
                 "WHERE r.uuid = ?", (sys.argv[2],)).fetchone()
h = hashlib.sha256()
for v in row:
    if v is None:
        h.update(b"N;")
    else:
        b = str(v).encode()
        h.update(b"T%d:" % len(b) + b)
trig = db.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_no_update'").fetchone()[0]
db.executescript("DROP TRIGGER audit_no_update")
db.execute("UPDATE audit SET hash = ? WHERE record = ? AND hash IS NOT NULL",
           (h.digest()[:16], sys.argv[2]))
db.executescript(trig + ";")
db.commit()
PY
}

# due_before_table FILE — undo migrations 9 and 8: the next-due table, its queue,
# its schedule and their triggers go, so FILE looks like a schema-7 database.
due_before_table() {
    search_before_index "$1"
    sqlite3 "$1" "DROP TRIGGER due_record; DROP TRIGGER due_record_status;
        DROP TRIGGER due_hip; DROP TRIGGER due_hip_change; DROP TABLE due;
        DROP TABLE due_pending; DROP TABLE due_schedule; PRAGMA user_version = 7;"
}

# grams_before_table FILE — undo migration 14: the search index's one- and
# two-character grams go (their triggers with them), so FILE looks like a
# schema-13 database.
grams_before_table() {
    sqlite3 "$1" "DROP TABLE patient_gram; DROP TRIGGER patient_gram_insert;
        DROP TRIGGER patient_gram_delete; DROP TRIGGER patient_gram_update;
        PRAGMA user_version = 13;"
}

# born_before_index FILE — undo migrations 14 and 13: the patients' birth-date
# index goes too, so FILE looks like a schema-12 database.
born_before_index() {
    grams_before_table "$1"
    sqlite3 "$1" "DROP INDEX patients_born; PRAGMA user_version = 12;"
}

# marks_before_table FILE — undo migrations 13 and 12: the validation marks
# go too, so FILE looks like a schema-11 database.
marks_before_table() {
    born_before_index "$1"
    sqlite3 "$1" "DROP TABLE valid_marks; PRAGMA user_version = 11;"
}

# audit_before_repair FILE — undo migration 11 (the 'repair' action), so
# FILE looks like a schema-10 database.
audit_before_repair() {
    audit_without_action "$1" repair
    sqlite3 "$1" "PRAGMA user_version = 10"
}

# search_before_index FILE — undo migrations 11 to 9: the search index goes
# (its folded-MRN index with it), so FILE looks like a schema-8 database.
search_before_index() {
    marks_before_table "$1"
    audit_before_repair "$1"
    sqlite3 "$1" "DROP TABLE patient_search; DROP TABLE patient_fold; PRAGMA user_version = 8;"
}

# hips_before_enrolment FILE — undo migrations 9 to 6: the hips table gets its
# detail columns back (as schemas 1 and 5 made it, empty) and the enrolment
# records go, so FILE looks like a schema-5 database. Only for making old files.
hips_before_enrolment() {
    local trig
    audit_before_hash "$1"
    trig=$(sqlite3 "$1" "SELECT sql FROM sqlite_master WHERE name = 'records_final_no_delete'")
    sqlite3 "$1" "DROP TRIGGER records_final_no_delete;
        DELETE FROM records WHERE timepoint = 'enrolment'; $trig;
        PRAGMA legacy_alter_table = ON; ALTER TABLE hips RENAME TO hips_v5;
        CREATE TABLE hips(  uuid TEXT PRIMARY KEY NOT NULL,  patient TEXT NOT NULL REFERENCES patients(uuid) DEFERRABLE INITIALLY DEFERRED,  side TEXT NOT NULL CHECK (side IN ('L','R')),  etiology TEXT, stage_system TEXT, stage TEXT,  involvement REAL CHECK (involvement IS NULL OR involvement BETWEEN 0 AND 100),  index_date TEXT NOT NULL,  created_by TEXT NOT NULL,  created_at TEXT NOT NULL,  UNIQUE(patient, side));
        ALTER TABLE hips ADD COLUMN observed INTEGER NOT NULL DEFAULT 0  CHECK (observed IN (0, 1));
        INSERT INTO hips(uuid, patient, side, index_date, created_by, created_at, observed)
        SELECT uuid, patient, side, index_date, created_by, created_at, observed FROM hips_v5;
        DROP TABLE hips_v5; PRAGMA user_version = 5;"
}

t_done() {
    echo "$t_pass passed, $t_fail failed"
    [ "$t_fail" = 0 ]
}
