/* store_schema.c — the schema, as migration steps indexed by user_version.
 *
 * Step i turns a version-i database into version i+1 and runs inside one
 * BEGIN IMMEDIATE transaction together with the new user_version, so a crash
 * leaves either the old or the new schema. */
#include "store_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The audit table's columns after its action, as every version has them. */
#define AUDIT_COLUMNS                                                                         \
    "  patient TEXT,"                                                                         \
    "  hip TEXT,"                                                                             \
    "  record TEXT,"                                                                          \
    "  form TEXT,"                                                                            \
    "  timepoint TEXT,"                                                                       \
    "  detail TEXT CHECK (detail IS NULL OR json_valid(detail)),"

/* Version 0 -> 1: the first schema.
 *
 * UUID keys everywhere, so an offline copy merges as a plain union by uuid.
 * Foreign keys are DEFERRABLE INITIALLY DEFERRED: a merge (or a record and
 * its scores) may insert rows in any order inside one transaction. */
static const char SCHEMA_1[] =
    "CREATE TABLE patients("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  mrn TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  sex TEXT NOT NULL CHECK (sex IN ('F','M','X')),"
    "  born TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE hips("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  patient TEXT NOT NULL REFERENCES patients(uuid) DEFERRABLE INITIALLY DEFERRED,"
    "  side TEXT NOT NULL CHECK (side IN ('L','R')),"
    "  etiology TEXT, stage_system TEXT, stage TEXT,"
    "  involvement REAL CHECK (involvement IS NULL OR involvement BETWEEN 0 AND 100),"
    "  index_date TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(patient, side));"
    "CREATE TABLE records("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  patient TEXT NOT NULL REFERENCES patients(uuid) DEFERRABLE INITIALLY DEFERRED,"
    "  hip TEXT REFERENCES hips(uuid) DEFERRABLE INITIALLY DEFERRED,"
    "  timepoint TEXT NOT NULL,"
    "  visit_date TEXT NOT NULL,"
    "  form TEXT NOT NULL,"
    "  form_version INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('draft','final','void')),"
    "  answers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),"
    "  entered_by TEXT NOT NULL,"
    "  entered_at TEXT NOT NULL,"
    "  supersedes TEXT REFERENCES records(uuid) DEFERRABLE INITIALLY DEFERRED,"
    "  reason TEXT,"
    "  CHECK (supersedes IS NULL OR status = 'draft' OR length(reason) > 0),"
    "  CHECK (status <> 'void' OR supersedes IS NOT NULL));"
    "CREATE INDEX records_patient ON records(patient);"
    "CREATE INDEX records_key ON records(hip, timepoint, form);"
    /* Partial: most rows supersede nothing, and "supersedes = ?" still
     * uses it (it implies IS NOT NULL). */
    "CREATE INDEX records_supersedes ON records(supersedes) WHERE supersedes IS NOT NULL;"
    "CREATE INDEX records_form ON records(form);"
    "CREATE UNIQUE INDEX records_draft_key"
    "  ON records(patient, ifnull(hip,''), timepoint, form) WHERE status = 'draft';"
    "CREATE TABLE scores("
    "  record TEXT NOT NULL REFERENCES records(uuid) DEFERRABLE INITIALLY DEFERRED,"
    "  score TEXT NOT NULL,"
    "  value REAL NOT NULL,"
    "  PRIMARY KEY(record, score)) WITHOUT ROWID;"
    "CREATE INDEX scores_value ON scores(score, value);"
    /* hip, form and timepoint are kept in the audit row itself: a discarded
     * draft's record row is gone, its history entry must still say what it was. */
    "CREATE TABLE audit("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  at TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  action TEXT NOT NULL"
    "    CHECK (action IN ('patient','hip','create','amend','void','discard')),"
    AUDIT_COLUMNS
    "  reason TEXT);"
    "CREATE INDEX audit_patient ON audit(patient, at);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"
    /* INSERT OR REPLACE deletes the old row without firing delete
     * triggers; an existing audit row or final record is therefore never
     * replaced: inserting it again does nothing, so a merge of a copy is a
     * plain union. */
    "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit"
    "  WHEN EXISTS (SELECT 1 FROM audit WHERE uuid = NEW.uuid)"
    "  BEGIN SELECT RAISE(IGNORE); END;"
    "CREATE TRIGGER records_final_no_replace BEFORE INSERT ON records"
    "  WHEN EXISTS (SELECT 1 FROM records WHERE uuid = NEW.uuid AND status <> 'draft')"
    "  BEGIN SELECT RAISE(IGNORE); END;"
    "CREATE TRIGGER records_final_no_update BEFORE UPDATE ON records"
    "  WHEN OLD.status <> 'draft'"
    "  BEGIN SELECT RAISE(ABORT, 'final records are never updated in place'); END;"
    "CREATE TRIGGER records_final_no_delete BEFORE DELETE ON records"
    "  WHEN OLD.status <> 'draft'"
    "  BEGIN SELECT RAISE(ABORT, 'final records are never deleted'); END;"
    /* A score may be inserted before its record row exists (the deferred
     * foreign key makes sure it does by commit); that is how a new final
     * record gets its scores. Once the record is final or void, never. */
    "CREATE TRIGGER scores_final_no_insert BEFORE INSERT ON scores"
    "  WHEN (SELECT status FROM records WHERE uuid = NEW.record) IN ('final','void')"
    "  BEGIN SELECT RAISE(ABORT, 'scores of a final record are never changed'); END;"
    "CREATE TRIGGER scores_final_no_update BEFORE UPDATE ON scores"
    "  WHEN (SELECT status FROM records WHERE uuid = OLD.record) IS NOT 'draft'"
    "    OR (SELECT status FROM records WHERE uuid = NEW.record) IS NOT 'draft'"
    "  BEGIN SELECT RAISE(ABORT, 'scores of a final record are never changed'); END;"
    "CREATE TRIGGER scores_final_no_delete BEFORE DELETE ON scores"
    "  WHEN (SELECT status FROM records WHERE uuid = OLD.record) IN ('final','void')"
    "  BEGIN SELECT RAISE(ABORT, 'scores of a final record are never changed'); END;"
    /* Current = final and superseded by no final or void row. */
    "CREATE VIEW current_records AS"
    "  SELECT r.* FROM records r WHERE r.status = 'final' AND NOT EXISTS"
    "  (SELECT 1 FROM records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void'));";

/* Version 1 -> 2: stable study ids for de-identified exports. An id once
 * given never changes or moves to another patient, so two exports of one
 * database name the same patient alike. */
static const char SCHEMA_2[] =
    "CREATE TABLE study_ids("
    "  patient TEXT PRIMARY KEY NOT NULL"
    "    REFERENCES patients(uuid) DEFERRABLE INITIALLY DEFERRED,"
    "  study_id TEXT NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL);"
    "CREATE TRIGGER study_ids_no_update BEFORE UPDATE ON study_ids"
    "  BEGIN SELECT RAISE(ABORT, 'study ids never change'); END;"
    "CREATE TRIGGER study_ids_no_delete BEFORE DELETE ON study_ids"
    "  BEGIN SELECT RAISE(ABORT, 'study ids never change'); END;";

/* Version 2 -> 3: the audit trail gains the action 'merge' (who merged
 * which file, its SHA-256, and the rows taken). A CHECK constraint cannot be
 * altered, so the table is rebuilt under its own name, with its index and
 * safeguard triggers, and every row copied as it was. */
/* The audit table's index and safeguard triggers, as migration 3 made them
 * again after rebuilding the table (and migration 11 after it). */
#define AUDIT_GUARDS                                                                          \
    "CREATE INDEX audit_patient ON audit(patient, at);"                                       \
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"                                   \
    "  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"                         \
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"                                   \
    "  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"                         \
    "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit"                                  \
    "  WHEN EXISTS (SELECT 1 FROM audit WHERE uuid = NEW.uuid)"                               \
    "  BEGIN SELECT RAISE(IGNORE); END;"
static const char SCHEMA_3[] =
    "ALTER TABLE audit RENAME TO audit_v2;"
    "CREATE TABLE audit("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  at TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  action TEXT NOT NULL"
    "    CHECK (action IN ('patient','hip','create','amend','void','discard','merge')),"
    AUDIT_COLUMNS
    "  reason TEXT);"
    "INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint, detail,"
    "  reason) SELECT uuid, at, who, action, patient, hip, record, form, timepoint, detail,"
    "  reason FROM audit_v2 ORDER BY rowid;"
    "DROP TABLE audit_v2;"
    AUDIT_GUARDS;

/* Version 3 -> 4: a record dated in no visit window, kept for the timepoint
 * next to that date because the nurse confirmed it (entry.h), says so. Older
 * rows are 0; `bedside check` lists any whose date does not fit. */
static const char SCHEMA_4[] =
    "ALTER TABLE records ADD COLUMN out_of_window INTEGER NOT NULL DEFAULT 0"
    "  CHECK (out_of_window IN (0, 1));";

/* Version 4 -> 5: an observed hip (the untreated other hip, followed so
 * that a later conversion can be recorded) has no index procedure and no
 * schedule; its index_date is the day observation began. */
static const char SCHEMA_5[] =
    "ALTER TABLE hips ADD COLUMN observed INTEGER NOT NULL DEFAULT 0"
    "  CHECK (observed IN (0, 1));";

/* Version 5 -> 6: a hip's etiology, staging and involvement move from
 * columns of hips into a record of the enrolment form hip_enrolment
 * (form.h `enrolment`), at the timepoint 'enrolment' dated by the index
 * date, entered by whoever added the hip and when, with its 'create' audit
 * row; a hip with none of them gets no record. Stages become the form's
 * codes (lower case), involvement its canonical one-decimal text. Then the
 * columns go. UUIDs are version 4, made here as uuid_v4 makes them. */
#define SQL_UUID                                                                              \
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"                       \
    " substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1) ||"   \
    " substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
static const char SCHEMA_6[] =
    "CREATE TEMP TABLE enrol_v6(hip TEXT PRIMARY KEY, rec TEXT NOT NULL, aud TEXT NOT NULL);"
    "INSERT INTO temp.enrol_v6 SELECT uuid, " SQL_UUID ", " SQL_UUID " FROM hips"
    "  WHERE etiology IS NOT NULL OR stage_system IS NOT NULL OR stage IS NOT NULL"
    "  OR involvement IS NOT NULL;"
    "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, status,"
    "  answers, entered_by, entered_at)"
    "  SELECT m.rec, h.patient, h.uuid, 'enrolment', h.index_date, 'hip_enrolment', 1, 'final',"
    "  json_patch('{}', json_object('etiology', h.etiology, 'stage_system', h.stage_system,"
    "  'stage', lower(h.stage), 'involvement', CASE WHEN h.involvement IS NOT NULL"
    "  THEN printf('%.1f', h.involvement) END)), h.created_by, h.created_at"
    "  FROM hips h JOIN temp.enrol_v6 m ON m.hip = h.uuid ORDER BY h.rowid;"
    "INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint)"
    "  SELECT m.aud, h.created_at, h.created_by, 'create', h.patient, h.uuid, m.rec,"
    "  'hip_enrolment', 'enrolment' FROM hips h JOIN temp.enrol_v6 m ON m.hip = h.uuid"
    "  ORDER BY h.rowid;"
    "DROP TABLE temp.enrol_v6;"
    "ALTER TABLE hips DROP COLUMN etiology;"
    "ALTER TABLE hips DROP COLUMN stage_system;"
    "ALTER TABLE hips DROP COLUMN stage;"
    "ALTER TABLE hips DROP COLUMN involvement;";

/* Version 6 -> 7: an audit entry that created or amended a final record
 * names the record instead of copying its hip, form and timepoint (the
 * record never changes), and keeps a digest of the record as written
 * (ST_RECORD_HASH), which `bedside check` verifies. An existing entry is
 * converted only where its copy equals the record; any other keeps its copy,
 * which `check` then reports. The digest of a converted entry is of the
 * record as found at this upgrade. The safeguard trigger is lifted for this
 * one statement and put back as it was. */
#define AUDIT_NO_UPDATE                                                                       \
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"                                   \
    "  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"
static const char SCHEMA_7[] =
    "ALTER TABLE audit ADD COLUMN hash BLOB"
    "  CHECK (hash IS NULL OR length(hash) = 16);"
    "DROP TRIGGER audit_no_update;"
    "UPDATE audit SET hash = " ST_RECORD_HASH("r") ", hip = NULL, form = NULL, timepoint = NULL"
    "  FROM records r WHERE r.uuid = audit.record AND audit.action IN ('create', 'amend')"
    "  AND r.status = 'final' AND r.patient IS audit.patient AND r.hip IS audit.hip"
    "  AND r.form IS audit.form AND r.timepoint IS audit.timepoint;"
    AUDIT_NO_UPDATE;

/* Version 7 -> 8: the next-due table. due holds every open (incomplete)
 * timepoint of each scheduled hip whose follow-up has not ended: what does
 * not depend on today (sched_due.h), indexed by target date so that "who is
 * due between D1 and D2" is a range read. Any write of a final or void record
 * or of a hip queues its patient in due_pending (triggers below), and the
 * program recomputes the queued patients' rows before the same transaction
 * commits. due_schedule: the schedule (and the forms that end follow-up) the
 * rows were computed for, NULL until they are; a different one rebuilds all. */
static const char SCHEMA_8[] =
    "CREATE TABLE due("
    "  hip TEXT NOT NULL, tp TEXT NOT NULL, target TEXT NOT NULL, open TEXT NOT NULL,"
    "  close TEXT NOT NULL, until TEXT NOT NULL, missing TEXT NOT NULL,"
    "  PRIMARY KEY (hip, tp)) WITHOUT ROWID;"
    "CREATE INDEX due_target ON due(target);"
    "CREATE TABLE due_pending(patient TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TABLE due_schedule(id INTEGER PRIMARY KEY CHECK (id = 1), schedule TEXT);"
    "INSERT INTO due_schedule(id, schedule) VALUES (1, NULL);"
    "CREATE TRIGGER due_record AFTER INSERT ON records WHEN NEW.status <> 'draft'"
    "  BEGIN INSERT OR IGNORE INTO due_pending(patient) VALUES (NEW.patient); END;"
    "CREATE TRIGGER due_record_status AFTER UPDATE OF status ON records"
    "  BEGIN INSERT OR IGNORE INTO due_pending(patient) VALUES (NEW.patient); END;"
    "CREATE TRIGGER due_hip AFTER INSERT ON hips"
    "  BEGIN INSERT OR IGNORE INTO due_pending(patient) VALUES (NEW.patient); END;"
    "CREATE TRIGGER due_hip_change AFTER UPDATE OF patient, index_date, observed ON hips"
    "  BEGIN INSERT OR IGNORE INTO due_pending(patient) VALUES (NEW.patient), (OLD.patient);"
    "  END;";

/* Version 8 -> 9: the patient list's search index (store_search.c):
 * each patient's MRN and name as bedside folds them, under an id in MRN
 * order, and an FTS5 trigram index of them, which triggers keep with the
 * folded rows (an external-content index stores no text of its own). */
static const char SCHEMA_9[] = ST_SEARCH_SCHEMA;

/* Version 9 -> 10: the folded MRNs of the search index are indexed, for
 * looking a typed MRN up ignoring case (store_patient.c). */
static const char SCHEMA_10[] = ST_SEARCH_MRN_INDEX;

/* Version 10 -> 11: the audit trail gains the action 'repair' (who rebuilt
 * the derived tables with `check --repair-derived`, and when). Rebuilt as
 * migration 3 did, the table text as before but for the action; every row
 * copied as it was. */
static const char SCHEMA_11[] =
    "ALTER TABLE audit RENAME TO audit_v10;"
    "CREATE TABLE audit("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  at TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  action TEXT NOT NULL"
    "    CHECK (action IN ('patient','hip','create','amend','void','discard','merge','repair')),"
    AUDIT_COLUMNS
    "  reason TEXT, hash BLOB  CHECK (hash IS NULL OR length(hash) = 16));"
    "INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint, detail,"
    "  reason, hash) SELECT uuid, at, who, action, patient, hip, record, form, timepoint,"
    "  detail, reason, hash FROM audit_v10 ORDER BY rowid;"
    "DROP TABLE audit_v10;"
    AUDIT_GUARDS;

/* Version 11 -> 12: validation marks (store_mark.c). A row says that bedside
 * found the record valid, its digest (ST_MARK_DIGEST) covering the record,
 * its scores and its form's definition then; a read that finds the digest
 * unchanged need not validate the record again. Derived: check rebuilds it. */
static const char SCHEMA_12[] =
    "CREATE TABLE valid_marks("
    "  record TEXT PRIMARY KEY NOT NULL,"
    "  digest BLOB NOT NULL) WITHOUT ROWID;";

/* Version 12 -> 13: patients by birth date, for the duplicate check of
 * `patient add` (the same name and birth date, store_patient_same), which
 * read every patient without it. */
static const char SCHEMA_13[] = "CREATE INDEX patients_born ON patients(born);";

/* Version 13 -> 14: the one- and two-character grams of the search index
 * (store_search.c), so that a search that short reads its matches, not
 * every patient until a screen is full. Derived: the repair makes it again
 * with the index. */
static const char SCHEMA_14[] = ST_SEARCH_GRAM_TABLE;

static const char *const steps[] = {SCHEMA_1, SCHEMA_2, SCHEMA_3, SCHEMA_4, SCHEMA_5,
                                    SCHEMA_6, SCHEMA_7, SCHEMA_8, SCHEMA_9, SCHEMA_10,
                                    SCHEMA_11, SCHEMA_12, SCHEMA_13, SCHEMA_14};

/* One schema object: SQLite keeps every object's CREATE statement verbatim,
 * and that text is what it builds tables, constraints and triggers from, so
 * equal text means an equal object. */
typedef struct {
    char *type, *name, *sql;
} obj;

static int type_rank(const char *type)
{
    static const char *const order[] = {"table", "trigger", "view"};
    for (int i = 0; i < 3; i++)
        if (type && strcmp(type, order[i]) == 0)
            return i;
    return 3;
}

/* By type (tables, triggers, views, the rest), then name as SQLite's BINARY
 * collation orders it (bytes; a missing name first). */
static int by_type_name(const void *pa, const void *pb)
{
    const obj *a = pa, *b = pb;
    int ra = type_rank(a->type), rb = type_rank(b->type);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (!a->name || !b->name)
        return (a->name != NULL) - (b->name != NULL);
    return strcmp(a->name, b->name);
}

/* All objects of a database's main schema, by type and name; statistics
 * tables (ANALYZE) are not schema. Returns -1 if the schema cannot be read.
 * Sorted here rather than by an ORDER BY, which made SQLite copy every
 * CREATE statement through a sorter at every start. */
static int objects(sqlite3 *db, obj **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT type, name, sql FROM main.sqlite_schema "
                           "WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    int rc, cap = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        obj *o = &(*out)[(*n)++];
        o->type = st_col_strdup(q, 0);
        o->name = st_col_strdup(q, 1);
        o->sql = st_col_strdup(q, 2);
    }
    sqlite3_finalize(q);
    if (*n > 1)
        qsort(*out, (size_t)*n, sizeof **out, by_type_name);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void objects_free(obj *o, int n)
{
    for (int i = 0; i < n; i++) {
        free(o[i].type);
        free(o[i].name);
        free(o[i].sql);
    }
    free(o);
}

static int same(const char *a, const char *b)
{
    return a ? b && strcmp(a, b) == 0 : !b;
}

static const obj *find(const obj *o, int n, const obj *like)
{
    for (int i = 0; i < n; i++)
        if (same(o[i].type, like->type) && same(o[i].name, like->name))
            return &o[i];
    return NULL;
}

/* Every difference between the schema we build (want) and the file's, or
 * NULL if there is none. */
static char *difference(const obj *want, int nw, const obj *have, int nh)
{
    enum { SHOWN = 3 };
    sbuf b = {0};
    int n = 0;
    for (int i = 0; i < nw; i++) {
        const obj *h = find(have, nh, &want[i]);
        const char *what = strcmp(want[i].type, "trigger") == 0 ? "safeguard trigger"
                                                                 : want[i].type;
        if ((!h || !same(h->sql, want[i].sql)) && n++ < SHOWN)
            sbuf_printf(&b, "%sthe %s %s %s", b.len ? "; " : "", what, want[i].name,
                        h ? "is not bedside's" : "is missing");
    }
    for (int i = 0; i < nh; i++)
        if (!find(want, nw, &have[i]) && n++ < SHOWN) {
            /* The file's own names are untrusted text. */
            char *type = text_escape(have[i].type ? have[i].type : "?");
            char *name = text_escape(have[i].name ? have[i].name : "?");
            sbuf_printf(&b, "%sit holds a %s %s that bedside does not make", b.len ? "; " : "",
                        type, name);
            free(type);
            free(name);
        }
    if (n > SHOWN)
        sbuf_printf(&b, "; and %d more difference%s", n - SHOWN, n - SHOWN == 1 ? "" : "s");
    return b.s;
}

/* One line per object, each text as its length and bytes ("-" for NULL):
 * equal lines mean equal objects, whatever bytes a file's text holds. */
static char *serialize(const obj *o, int n)
{
    sbuf b = {0};
    sbuf_add(&b, "");
    for (int i = 0; i < n; i++) {
        const char *t[3] = {o[i].type, o[i].name, o[i].sql};
        /* Appended, not printf'd: 170 texts of up to 2 KB at every open. */
        for (int k = 0; k < 3; k++) {
            if (k)
                sbuf_addc(&b, ' ');
            if (!t[k]) {
                sbuf_addc(&b, '-');
                continue;
            }
            size_t len = strlen(t[k]), v = len;
            char num[24], *e = num + sizeof num, *q = e;
            do
                *--q = (char)('0' + v % 10);
            while (v /= 10);
            sbuf_addn(&b, q, (size_t)(e - q));
            sbuf_addc(&b, ':');
            sbuf_addn(&b, t[k], len);
        }
        sbuf_addc(&b, '\n');
    }
    return b.s;
}

/* Build schema `version` in memory by running the steps, and read it back. */
static int reference(int version, obj **want, int *nw, char **err)
{
    assert(version >= 1 && version <= (int)(sizeof steps / sizeof steps[0]));
    sqlite3 *ref = NULL;
    /* A step may use bedside's own functions. */
    if (sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        st_register_functions(ref) != SQLITE_OK) {
        sqlite3_close(ref);
        return st_fail(err, "out of memory");
    }
    int rc = 0;
    for (int i = 0; i < version && rc == 0; i++)
        if (sqlite3_exec(ref, steps[i], NULL, NULL, NULL) != SQLITE_OK)
            rc = st_fail(err, "bedside's own schema %d does not build: %s", i + 1,
                         sqlite3_errmsg(ref));
    if (rc == 0 && objects(ref, want, nw) < 0)
        rc = st_fail(err, "bedside's own schema cannot be read: %s", sqlite3_errmsg(ref));
    sqlite3_close(ref);
    return rc;
}

char *st_schema_text(int version, char **err)
{
    obj *want = NULL;
    int nw = 0;
    char *text = reference(version, &want, &nw, err) == 0 ? serialize(want, nw) : NULL;
    objects_free(want, nw);
    return text;
}

/* The program holds st_schema_text of every version, made when it was built
 * (tools/schema_held.c); building the reference instead costs most of a
 * short command's start-up. Programs linked without it (unit tests,
 * fuzzers) build the reference every time. */
extern const char *const st_schema_held[] __attribute__((weak));
extern const int st_schema_held_count __attribute__((weak));

static int held_equal(int version, const obj *have, int nh)
{
    if (!&st_schema_held_count || version > st_schema_held_count)
        return 0;
    char *text = serialize(have, nh);
    int eq = strcmp(text, st_schema_held[version - 1]) == 0;
    free(text);
    return eq;
}

int st_schema_verify(store *s, int version, char **err)
{
    obj *have = NULL;
    int nh = 0;
    if (objects(s->db, &have, &nh) < 0) {
        objects_free(have, nh);
        return st_fail(err, "%s is not a bedside database or damaged (its schema cannot be "
                            "read: %s)",
                       s->path, sqlite3_errmsg(s->db));
    }
    /* Equal to the held text: exactly what the reference would be. Any
     * other file is compared with the reference, which names what differs
     * (or finds nothing, if this SQLite writes schema text differently from
     * the one the program was built with). */
    if (held_equal(version, have, nh)) {
        objects_free(have, nh);
        return 0;
    }
    obj *want = NULL;
    int nw = 0;
    char *why = NULL;
    int rc = reference(version, &want, &nw, &why);
    if (rc < 0)
        st_fail(err, "%s: %s", s->path, why);
    free(why);
    char *diff = rc ? NULL : difference(want, nw, have, nh);
    if (diff)
        rc = st_fail(err, "%s is not a bedside database or damaged: %s (schema %d)", s->path,
                     diff, version);
    free(diff);
    objects_free(want, nw);
    objects_free(have, nh);
    return rc;
}

int st_schema_step(store *s, int from, char **err)
{
    if (from < 0 || from >= (int)(sizeof steps / sizeof steps[0]))
        return st_fail(err, "%s: no migration from schema %d", s->path, from);
    char *msg = NULL;
    if (sqlite3_exec(s->db, steps[from], NULL, NULL, &msg) != SQLITE_OK) {
        st_fail(err, "%s: cannot upgrade the schema from version %d: %s", s->path, from,
                msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}
