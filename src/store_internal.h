/* store_internal.h — what the store*.c files share and nobody else sees:
 * the connection, the prepared-statement cache, transactions, messages. */
#ifndef BEDSIDE_STORE_INTERNAL_H
#define BEDSIDE_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"
#include "util.h"

#define ST_CACHE 256   /* statement cache slots (a power of two) */

#define ST_BULK_MAX 8
struct store {
    sqlite3 *db;
    char *path;
    int readonly;      /* opened read-only, or the file has no write bit */
    int noinit;        /* STORE_NOINIT: an empty file is refused, not set up */
    int probe;         /* not STORE_NOPROBE: the tables' ends are read at open */
    int batch;         /* inside store_begin .. store_commit */
    int depth;         /* nesting of st_tx_begin */
    int reading;       /* inside store_read_begin .. store_read_end */
    int spoiled;       /* a write in the batch failed half-way: commit refuses */
    sqlite3_int64 batch_mark;   /* total changes when the current write began */
    store_derive_fn derive;     /* run before each commit (store_set_derive) */
    void *derive_ctx;
    int deriving;
    char *read_failed; /* st_read_fail: why the latest read of a list failed */
    struct st_form_digest *digest;   /* the forms' digests (store_mark.c) */
    int n_digest;
    char *bulk_name[ST_BULK_MAX], *bulk_sql[ST_BULK_MAX];   /* store_bulk.c: indexes */
    int bulk_n;                                              /* set aside, to build */
    int bulk;          /* store_bulk_start .. store_bulk_finish: no derive per batch */
    long bulk_cache;   /* KiB of page cache for the batches of a bulk fill (0: 256 MiB) */
    int bulk_off;      /* the fill's batches run unjournalled, unsynced (store_bulk.c) */
    int bulk_sync;     /* PRAGMA synchronous before them, to put back */
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[ST_CACHE];
};

/* The page cache of a batch: 256 MiB, or what a bulk fill asked for. */
#define ST_BATCH_CACHE_KIB 262144L
long st_bulk_cache_kib(int patients);
void st_batch_cache(store *s);
/* Commit the batch under way (store.c), its cache left as it is. */
int st_batch_commit(store *s, char **err);
/* Between two batches of a bulk fill: from the second on, unjournalled
 * (store_bulk.c). */
void st_bulk_next(store *s);
/* Back to WAL and synced after an unjournalled fill; -1 if it fails. */
int st_bulk_wal(store *s, char **err);
/* The indexes store_bulk_start set aside, forgotten (store_close). */
void st_bulk_free(store *s);
/* A cached prepared statement for a static SQL string (the cache is keyed by
 * the string's address), reset and unbound; NULL on a prepare error, which is
 * reported on stderr since it is a program bug, not bad input. */
sqlite3_stmt *st_stmt(store *s, const char *sql);
/* Set *err (if err) to a formatted message; always returns -1 (util.h). */
#define st_fail err_set
/* Reverse n elements of size bytes at base in place (a page read backwards
 * from a keyset key, given back in index order). */
void st_reverse(void *base, size_t n, size_t size);
/* The same, adding ": <sqlite message>" for the connection. */
int st_fail_db(store *s, char **err, const char *what);
/* What a walk over a statement's rows returns when it ends: the callback's
 * `stop` if it stopped the walk, else -1 with SQLite's message when the last
 * step `rc` was an error rather than the end of the rows, else 0. */
int st_walk_end(store *s, int rc, int stop);
/* A read of a list (hips, records, drafts, an audit trail, next-due rows)
 * failed part-way (a damaged page, an I/O error): keep SQLite's message (the
 * latest: what a caller reports) and return -1. Every later write of this
 * store refuses (st_tx_begin, st_tx_end): whatever a rule checked against
 * that read may have missed rows. */
int st_read_fail(store *s);

/* A write transaction: BEGIN IMMEDIATE, or nothing inside a batch (whose
 * transaction it joins). st_tx_end commits when ok != 0, else rolls back;
 * it returns 0 or -1 (with *err) if the commit failed. Inside a batch, a
 * write that fails after changing rows spoils the batch: store_commit then
 * rolls everything back. Writes therefore check before they write. */
int st_tx_begin(store *s, char **err);
int st_begin_immediate(store *s, char **err);   /* store_begin's */
int st_tx_end(store *s, int ok, char **err);
/* Before a commit: the registered derive function, once (not recursively). */
int st_derive(store *s, char **err);

/* Run the migration step from schema version `from` (store_schema.c); the
 * caller holds the write transaction. */
int st_schema_step(store *s, int from, char **err);
/* 0 if the database's schema is exactly the one the migration steps build
 * for `version` (tables, columns, constraints, indexes, triggers, views);
 * else -1: "not a bedside database or damaged". */
int st_schema_verify(store *s, int version, char **err);
/* The schema the steps build for `version`, as the text st_schema_verify
 * compares (tools/schema_held.c holds it in the program); NULL and *err if
 * it does not build. Caller frees. */
char *st_schema_text(int version, char **err);

/* Binding helpers: NULL text binds NULL; dates as YYYY-MM-DD text. */
void st_bind_text(sqlite3_stmt *q, int i, const char *v);
void st_bind_date(sqlite3_stmt *q, int i, int days);
int st_col_date(sqlite3_stmt *q, int i);            /* -1 if NULL or bad */
char *st_col_strdup(sqlite3_stmt *q, int i);        /* NULL if NULL */
void st_col_uuid(sqlite3_stmt *q, int i, char out[37]);

/* JSON text of a flat object of strings, properly escaped. */
void st_json_string(sbuf *b, const char *s);
char *st_answers_json(const st_record *r);
/* The JSON path $."field" for json_set/json_extract; NULL if the id cannot be
 * quoted (a double quote or backslash in it). Caller frees. */
char *st_json_path(const char *field);
/* The forms that end follow-up as a JSON array of [form, path] pairs for
 * json_each, leaving out skip_form (may be NULL) and fields that cannot be
 * quoted; "[]" for none. Caller frees. */
char *st_ends_json(const st_ends *ends, const char *skip_form);

/* Audit rows (store_audit.c). detail is a JSON object or NULL; a create has
 * none, its new values being the (immutable) record's own answers. */
int st_audit(store *s, const char *action, const char *patient, const char *hip,
             const char *record, const char *form, const char *tp, const char *detail,
             const char *reason, char **err);
/* Append "field": [old, new] to a JSON object being built ("{" already
 * added; *first tracks the commas). NULL old/new become JSON null. */
void st_detail_add(sbuf *b, int *first, const char *field, const char *old_v, const char *new_v);

/* A merge's audit entries (store_merge_audit.c): count what the merge is
 * about to take, by patient, before its inserts; write one 'merge' entry per
 * patient after them, in the same transaction. */
typedef struct st_merge_taken st_merge_taken;
st_merge_taken *st_merge_taken_count(store *s, char **err);
int st_merge_taken_audit(store *s, const char *file, const st_merge_taken *t, char **err);
void st_merge_taken_free(st_merge_taken *t);

/* A patient from 5 columns starting at c: uuid, mrn, name, sex, born. */
void st_patient_from_row(sqlite3_stmt *q, int c, st_patient *p);
/* The columns of hip alias h: uuid, patient, side, index_date, and its
 * enrolment answers as one JSON object (every current record of the hip at
 * the timepoint 'enrolment'; found through records_key), ST_HIP_NCOLS in all.
 * The records table itself, not the current_records view: the same plan,
 * and SQLite prepares it without expanding the view's every column. */
#define ST_HIP_COLS(h)                                                                        \
    h ".uuid, " h ".patient, " h ".side, " h ".index_date, "                                  \
    "(SELECT json_group_object(ea.key, ea.value) FROM records enr, "                          \
    "json_each(enr.answers) ea WHERE enr.hip = " h ".uuid AND enr.timepoint = 'enrolment' "    \
    "AND enr.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n "                       \
    "WHERE n.supersedes = enr.uuid AND n.status IN ('final','void')))"
#define ST_HIP_NCOLS 5
/* A hip from the ST_HIP_COLS columns starting at c (store_patient.c). */
void st_hip_from_row(store *s, sqlite3_stmt *q, int c, st_hip *h);

/* SQLite's allocator (store_mem.c): its methods, for the tests, and their
 * installation, before SQLite's first use (store_library_init). */
const sqlite3_mem_methods *st_mem_methods(void);
void st_mem_install(void);

/* The end of follow-up that current final record r gives: the earliest of
 * its dates in the ending forms' fields (param: [[form, path], ...], as
 * st_ends_json makes it), or NULL. The IN list is made once per statement
 * run, so a record of any other form (most of them) skips the subquery
 * that reads the list again with its answers. */
#define ST_END_DATE(r, param)                                                                 \
    "CASE WHEN " r ".form IN (SELECT json_extract(value, '$[0]') FROM json_each(" param      \
    ")) THEN (SELECT min(json_extract(" r ".answers, json_extract(e.value, '$[1]'))) "         \
    "FROM json_each(" param ") e WHERE json_extract(e.value, '$[0]') = " r ".form) END"

/* Records (store_record.c) shared with drafts. */
#define ST_REC_SELECT_AS(current)                                                           \
    "r.uuid, r.patient, ifnull(r.hip,''), h.side, r.timepoint, r.visit_date, r.form, "     \
    "r.form_version, r.status, r.entered_by, r.entered_at, ifnull(r.supersedes,''), "      \
    "r.reason, " current ", "                                                              \
    "(r.status = 'final' AND r.supersedes IS NOT NULL), r.answers, r.out_of_window "
#define ST_REC_SELECT                                                                       \
    ST_REC_SELECT_AS("(r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n "         \
                     "WHERE n.supersedes = r.uuid AND n.status IN ('final','void')))")
/* The same for a statement whose WHERE admits current final records only
 * (status 'final', no final or void record superseding it): the current
 * column is 1 without a second correlated subquery to compile (a sixth of
 * the records query's prepare). */
#define ST_REC_SELECT_CURRENT ST_REC_SELECT_AS("1")
#define ST_REC_NCOLS 17
#define ST_REC_FROM "FROM records r LEFT JOIN hips h ON h.uuid = r.hip "
#define ST_REC_COLS ST_REC_SELECT ST_REC_FROM
#define ST_REC_COLS_CURRENT ST_REC_SELECT_CURRENT ST_REC_FROM
/* Fill r from a row selected with ST_REC_COLS (answers and scores too): 0,
 * or -1 (st_read_fail) with r freed if its answers or scores could not be
 * read whole. */
int st_record_from_row(store *s, sqlite3_stmt *q, st_record *r);
/* Checks shared by a final record and a draft: the patient exists, the hip
 * (if any) is the patient's, and with dup != 0 no current final record has
 * the same key (unless unscheduled). Inside a write transaction. */
int st_record_check_key(store *s, const st_record *r, int dup, char **err);
int st_scores_insert(store *s, const char *uuid, const st_record *r, char **err);
/* Resolve a uuid or unique prefix (>= 8 characters) to a full uuid. */
int st_resolve(store *s, const char *id, char out[37], char **err);

/* Who and when for a new row: the login and now unless r says (demo). */
void st_fill_who(st_record *r);
/* Give r the patient, hip, timepoint and form of from: an amendment or a
 * finished draft keeps the key of the row it comes from. */
void st_take_key(st_record *r, const st_record *from);

/* Insert a records row ("draft", "final" or "void") with its answers JSON. */
int st_insert_record(store *s, const char *uuid, const st_record *r, const char *status,
                     const char *answers, const char *by, const char *at,
                     const char *supersedes, const char *reason, char **err);

/* Case-folded copy of text for searching (caller frees), and the SQL
 * function bedside_fold() that does the same inside queries. */
char *st_fold(const char *text);
/* st_fold's work, with plain = 1 if ASCII folds byte by byte here. */
char *st_fold_as(const char *text, int plain);
int st_register_functions(sqlite3 *db);

/* The digest an audit entry keeps of the record it wrote (store_hash.c),
 * over record alias r: every column as written except the patient and the
 * hip's uuid, which a merge may map to ours (the audit row keeps the patient;
 * the hip counts by its side). Fixed for good: schema step 7 and every
 * stored digest use it. */
#define ST_RECORD_HASH_BYTES 16
#define ST_RECORD_HASH(r)                                                                     \
    "bedside_record_hash(" r ".uuid, (SELECT side FROM hips WHERE uuid = " r ".hip), "         \
    r ".timepoint, " r ".visit_date, " r ".form, " r ".form_version, " r ".status, "          \
    r ".answers, " r ".entered_by, " r ".entered_at, " r ".supersedes, " r ".reason, "        \
    r ".out_of_window)"
int st_hash_register(sqlite3 *db);

/* A validation mark (store_mark.c): the digest of record alias r as its
 * validity depends on it (its form's digest, bedside_form_digest, then its
 * uuid, key, version, status, answers and scores, bedside_scores_digest:
 * each value's eight bytes, not its text), NULL digest when the form is
 * not known. */
#define ST_MARK_DIGEST(r)                                                                     \
    "bedside_record_hash(bedside_form_digest(" r ".form), " r ".uuid, " r ".timepoint, "      \
    r ".form, " r ".form_version, " r ".status, " r ".answers, (SELECT "                      \
    "bedside_scores_digest(ms.score, ms.value) FROM scores ms WHERE ms.record = " r ".uuid))"
/* The mark of r is there and holds its digest now. */
#define ST_MARKED(r)                                                                          \
    "EXISTS (SELECT 1 FROM valid_marks vm WHERE vm.record = " r ".uuid AND vm.digest = "    \
    ST_MARK_DIGEST(r) ")"
void st_mark_free(store *s);
/* Before a read of most of the file: memory-mapped pages (store_util.c). */
void st_bulk_reads(store *s);
/* In a write: the mark of record uuid just written from r, if r->validated. */
int st_mark_new(store *s, const st_record *r, const char *uuid, char **err);
/* In a write: record uuid is no longer current (amended or voided), and
 * only current records keep marks. */
int st_mark_drop(store *s, const char *uuid, char **err);

/* The search index (store_search.c): patient_fold holds each patient's MRN
 * and name folded as in a UTF-8 locale (bedside_search_fold()), its id in
 * MRN order; patient_search is the FTS5 trigram index over it. */
#define ST_SEARCH_SPACE "1099511627776"   /* 2^40 between neighbouring ids */
#define ST_SEARCH_FILL                                                                        \
    "INSERT INTO patient_fold(id, patient, mrn, name)"                                       \
    " SELECT (row_number() OVER (ORDER BY mrn)) * " ST_SEARCH_SPACE ", uuid,"                \
    " bedside_search_fold(mrn), bedside_search_fold(name) FROM patients;"
/* Migration 9, which the repair runs again after dropping its tables. */
#define ST_SEARCH_SCHEMA                                                                      \
    "CREATE TABLE patient_fold("                                                              \
    "  id INTEGER PRIMARY KEY,"                                                               \
    "  patient TEXT NOT NULL UNIQUE,"                                                         \
    "  mrn TEXT NOT NULL,"                                                                    \
    "  name TEXT NOT NULL);"                                                                  \
    "CREATE VIRTUAL TABLE patient_search USING fts5(mrn, name, content='patient_fold',"       \
    "  content_rowid='id', columnsize=0, tokenize='trigram case_sensitive 1');"               \
    "CREATE TRIGGER patient_fold_insert AFTER INSERT ON patient_fold BEGIN"                   \
    "  INSERT INTO patient_search(rowid, mrn, name) VALUES (NEW.id, NEW.mrn, NEW.name); END;" \
    "CREATE TRIGGER patient_fold_delete AFTER DELETE ON patient_fold BEGIN"                   \
    "  INSERT INTO patient_search(patient_search, rowid, mrn, name)"                          \
    "  VALUES ('delete', OLD.id, OLD.mrn, OLD.name); END;"                                    \
    "CREATE TRIGGER patient_fold_update AFTER UPDATE ON patient_fold BEGIN"                   \
    "  INSERT INTO patient_search(patient_search, rowid, mrn, name)"                          \
    "  VALUES ('delete', OLD.id, OLD.mrn, OLD.name);"                                         \
    "  INSERT INTO patient_search(rowid, mrn, name) VALUES (NEW.id, NEW.mrn, NEW.name); END;" \
    ST_SEARCH_FILL
/* Migration 10: patient_fold's MRNs indexed, so that looking an MRN up
 * case-folded (store_patient_get) reads one row, not every patient. The
 * repair makes it again with the tables. */
#define ST_SEARCH_MRN_INDEX "CREATE INDEX patient_fold_mrn ON patient_fold(mrn);"
/* Migration 14: every one- and two-character piece (gram) of each folded
 * MRN and name, under its patient's id, kept by triggers with the folded
 * rows, so that a search of one or two characters reads its matches in id
 * (MRN) order and stops at the page, like the trigram index. A folded text
 * that SQLite would split otherwise than into UTF-8 characters (invalid
 * UTF-8: char(unicode(c)) differs from c) adds the gram '' for its patient,
 * and while any patient has one, a search of one or two characters reads
 * the folded rows instead (st_search_short_way). ST_SEARCH_GRAMS_OF(texts):
 * the (gram, id) rows of a query of (id, text) rows, a gram repeated as often
 * as it occurs (INSERT OR IGNORE keeps one: cheaper than UNION's sort). */
#define ST_SEARCH_GRAMS_OF(texts)                                                             \
    "WITH RECURSIVE t(id, x) AS (" texts "),"                                                 \
    " c(id, x, i) AS (SELECT id, x, 1 FROM t WHERE length(x) > 0"                             \
    "  UNION ALL SELECT id, x, i + 1 FROM c WHERE i < length(x))"                             \
    " SELECT CASE WHEN char(unicode(substr(x, i, 1))) = substr(x, i, 1)"                      \
    "  THEN substr(x, i, 1) ELSE '' END AS gram, id FROM c"                                   \
    " UNION ALL SELECT substr(x, i, 2), id FROM c WHERE i < length(x)"
#define ST_SEARCH_GRAMS_DROP(row)                                                             \
    "  DELETE FROM patient_gram WHERE id = " row ".id AND gram IN (SELECT gram FROM ("        \
    ST_SEARCH_GRAMS_OF("VALUES (" row ".id, " row ".mrn), (" row ".id, " row ".name)") "));"
#define ST_SEARCH_GRAMS_ADD(row)                                                              \
    "  INSERT OR IGNORE INTO patient_gram(gram, id) "                                         \
    ST_SEARCH_GRAMS_OF("VALUES (" row ".id, " row ".mrn), (" row ".id, " row ".name)") ";"
#define ST_SEARCH_GRAM_TABLE                                                                  \
    "CREATE TABLE patient_gram("                                                              \
    "  gram TEXT NOT NULL,"                                                                   \
    "  id INTEGER NOT NULL,"                                                                  \
    "  PRIMARY KEY(gram, id)) WITHOUT ROWID;"                                                 \
    "CREATE TRIGGER patient_gram_insert AFTER INSERT ON patient_fold BEGIN"                   \
    ST_SEARCH_GRAMS_ADD("NEW") " END;"                                                        \
    "CREATE TRIGGER patient_gram_delete AFTER DELETE ON patient_fold BEGIN"                   \
    ST_SEARCH_GRAMS_DROP("OLD") " END;"                                                       \
    "CREATE TRIGGER patient_gram_update AFTER UPDATE ON patient_fold BEGIN"                   \
    ST_SEARCH_GRAMS_DROP("OLD") ST_SEARCH_GRAMS_ADD("NEW") " END;"                            \
    "INSERT OR IGNORE INTO patient_gram(gram, id) SELECT gram, id FROM ("                     \
    ST_SEARCH_GRAMS_OF("SELECT id, mrn FROM patient_fold UNION ALL"                           \
                       " SELECT id, name FROM patient_fold") ") ORDER BY gram, id;"
/* The index's folding: st_fold as a UTF-8 locale folds (caller frees). */
char *st_search_fold(const char *text);
/* How the index answers this search (as typed), if this process's locale
 * folds it as the index does: by its trigrams (3 characters or more folded),
 * by reading the folded rows (1 or 2); else the patients are scanned. */
enum { ST_SEARCH_SCAN, ST_SEARCH_FOLDED, ST_SEARCH_TRIGRAMS, ST_SEARCH_GRAMS };
int st_search_indexed(const char *search);
/* How a search of one or two characters is answered in this file: by the
 * grams (ST_SEARCH_GRAMS), or by reading the folded rows (ST_SEARCH_FOLDED)
 * while a folded text is not plain UTF-8; -1 on an error. */
int st_search_short_way(store *s);
/* Index a patient just inserted (in the caller's write transaction). */
int st_search_add(store *s, const char *uuid, char **err);
/* Problems of the index, as store_check reports them; returns how many. */
int st_search_check(store *s, void (*cb)(void *ctx, const char *problem), void *ctx);

/* Remove a draft row and its scores (finished elsewhere, or discarded). */
int st_draft_delete(store *s, const char *uuid, char **err);

#endif
