/* store_bulk.c — filling an empty database in batches (the demo cohort):
 * the file is marked incomplete until the last batch, and the indexes that
 * no write reads are built once at the end instead of row by row.
 *
 * The mark is the application id in SQLite's file header (STORE_BULK_ID in
 * place of STORE_APPLICATION_ID), written in the first batch's transaction
 * and put back in the last one's: a run killed (kill -9, a power cut) or
 * stopped between the two leaves whole batches behind, and every open of
 * the file then refuses it as an incomplete demo instead of taking part of
 * a cohort for a good database. No table is needed for it, so the schema is
 * the same before, during and after.
 *
 * The deferred indexes are read from the schema itself (their CREATE text,
 * kept verbatim by SQLite), dropped in the first batch and created with
 * that same text in the last, as `sqlite3 new.db < dump.sql` builds them:
 * one sort instead of an insert at a random place per row. Only indexes
 * that no statement of a write reads are deferred (test_store_plans checks
 * that a save's statements do not read them); the schema the file ends with
 * is the one every open verifies.
 *
 * The derived tables (the next-due rows, store_set_derive) are brought up to
 * date once, in the last batch, before the indexes are built: the commits
 * between batches leave the patients queued (due_pending), as the file is
 * refused until then anyway. Derived at every commit, a batch of more than
 * the 500 patients above which sched_due.c then took one pass over every hip
 * recomputed every hip of the file so far, so
 * the demo's cost grew with the square of its size (10 batches at 10,000
 * patients: the rows of 55,000 patients computed, 100 at 100,000: of 5
 * million).
 *
 * From the second batch on, the batches run unjournalled: journal_mode OFF,
 * synchronous OFF, cache_spill OFF. A batch's pages are then written once,
 * into the file, at its commit, instead of into the WAL and again into the
 * file by the checkpoint, and never synced. That is safe only because of
 * the mark: the first batch, in WAL and synced, writes it, and every later
 * version of page 1 carries it, so a run killed while a commit writes (a
 * torn file, some pages new and some old) or a power cut (unsynced pages
 * lost) leaves a file every open refuses (store.c's check_header reads the
 * mark itself, as a torn file may not parse). With cache_spill OFF nothing
 * of a batch reaches the file before its commit, so a rollback (Ctrl-C)
 * only drops the cache and the batches before stay whole; a failed write
 * spoils the batch (st_tx_end), as a statement cannot be undone without a
 * journal. The last batch commits the same way; then back to WAL with the
 * synchronous setting of before, the switch being a commit of the header
 * that syncs the file, unsynced batches included; and what makes the file
 * complete (the derived rows, the indexes, the mark put back) is one WAL
 * transaction, whole or absent. A fill of one batch stays in WAL, all or
 * nothing, as it was. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

/* Indexes only reads use: the records of a form, the scores by value
 * (report), a patient's audit entries (history), the next-due rows by date
 * (due, the Due view). */
static const char SQL_DEFERRED[] =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND name IN "
    "('records_form', 'scores_value', 'audit_patient', 'due_target') ORDER BY name";

#define STORE_BULK_ID_SQL "PRAGMA application_id = 1111835728"   /* STORE_BULK_ID */
#define STORE_DONE_ID_SQL "PRAGMA application_id = 1111835731"   /* STORE_APPLICATION_ID */
_Static_assert(STORE_BULK_ID == 1111835728 && STORE_APPLICATION_ID == 1111835731,
               "the PRAGMA texts above spell the ids");

/* The batches' page cache, in KiB, for a fill of `patients`: 1.5 GiB for
 * 100,000 (15.7 KiB a patient), at least the 256 MiB of any batch (up to
 * 16,666 patients), at most 2 GiB (from 133,334). Each saved
 * record goes into b-trees keyed by a random UUID (the records' and the
 * audit trail's UUID indexes, the scores, the validation marks; the hips'
 * and patients' keys by patient), about 12 KiB a patient in all (dbstat,
 * 10,000 patients): every insert lands on a random page of them. When the
 * cache holds them, an insert finds its page in memory; when it does not
 * (100,000 patients: 1.1 GB of them against 256 MiB), most inserts read
 * their page back and push a dirty one out to the WAL, and each commit
 * writes and checkpoints again pages the batch before wrote. */
long st_bulk_cache_kib(int patients)
{
    long kib = (long)((long long)(patients > 0 ? patients : 0) * 1572864 / 100000);
    return kib < ST_BATCH_CACHE_KIB ? ST_BATCH_CACHE_KIB : kib > 2097152L ? 2097152L : kib;
}

/* From the second batch on, journal_mode OFF and synchronous OFF (the
 * setting before is kept to put back). Best effort: when another connection
 * has the file open, SQLite cannot leave WAL, and the fill goes on in it. */
void st_bulk_next(store *s)
{
    if (!s->bulk || s->bulk_off)
        return;
    sqlite3_stmt *q = NULL;
    int off = 0;
    s->bulk_sync = 2;   /* FULL, SQLite's default, unless it says otherwise */
    if (sqlite3_prepare_v2(s->db, "PRAGMA synchronous", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        s->bulk_sync = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = OFF", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        off = sqlite3_stricmp((const char *)sqlite3_column_text(q, 0), "off") == 0;
    sqlite3_finalize(q);
    if (!off)
        return;
    s->bulk_off = 1;
    sqlite3_exec(s->db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
}

int st_bulk_wal(store *s, char **err)
{
    s->bulk_off = 0;
    char *sql = sqlite3_mprintf("PRAGMA synchronous = %d; PRAGMA cache_spill = ON",
                                s->bulk_sync);
    if (sql)
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    for (int tries = 0; tries < 5; tries++) {
        sqlite3_stmt *q = NULL;
        int wal = 0;
        if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            wal = sqlite3_stricmp((const char *)sqlite3_column_text(q, 0), "wal") == 0;
        sqlite3_finalize(q);
        if (wal)
            return 0;
        sqlite3_sleep(200);
    }
    return st_fail(err, "%s: cannot switch back to WAL mode (%s)", s->path,
                   sqlite3_errmsg(s->db));
}

int store_bulk_start(store *s, int patients, char **err)
{
    if (!s->batch || s->bulk_n)
        return st_fail(err, "%s: internal error: a bulk fill starts in a batch, once", s->path);
    if (sqlite3_exec(s->db, STORE_BULK_ID_SQL, NULL, NULL, NULL) != SQLITE_OK)
        return st_fail_db(s, err, "cannot mark the file as being filled");
    s->bulk = 1;
    s->bulk_cache = st_bulk_cache_kib(patients);
    st_batch_cache(s);
    sqlite3_stmt *q = st_stmt(s, SQL_DEFERRED);
    if (!q)
        return -1;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && s->bulk_n < ST_BULK_MAX) {
        s->bulk_name[s->bulk_n] = st_col_strdup(q, 0);
        s->bulk_sql[s->bulk_n++] = st_col_strdup(q, 1);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return st_fail_db(s, err, "cannot read the schema");
    for (int i = 0; i < s->bulk_n; i++) {
        char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", s->bulk_name[i]);
        int ok = drop && sqlite3_exec(s->db, drop, NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_free(drop);
        if (!ok)
            return st_fail_db(s, err, "cannot set the indexes aside");
    }
    return 0;
}

int store_bulk_finish(store *s, int *last_saved, char **err)
{
    *last_saved = 0;
    if (!s->batch)
        return st_fail(err, "%s: internal error: a bulk fill ends in a batch", s->path);
    /* Unjournalled, the last batch commits as the others, still marked
     * incomplete; then back to WAL, a commit of the header made with the
     * synchronous setting put back, which syncs every unsynced batch
     * before it; and what makes the file complete (the derived rows, the
     * indexes, the mark) is one WAL transaction, whole or absent. */
    if (s->bulk_off) {
        s->bulk_off = 0;
        if (st_batch_commit(s, err) < 0) {
            st_bulk_wal(s, NULL);
            return -1;
        }
        *last_saved = 1;
        if (st_bulk_wal(s, err) < 0 || store_begin(s, err) < 0)
            return -1;
    }
    s->bulk = 0;
    int rc = st_derive(s, err);
    for (int i = 0; i < s->bulk_n && rc == 0; i++)
        if (sqlite3_exec(s->db, s->bulk_sql[i], NULL, NULL, NULL) != SQLITE_OK)
            rc = st_fail_db(s, err, "cannot build the indexes");
    if (rc == 0 && sqlite3_exec(s->db, STORE_DONE_ID_SQL, NULL, NULL, NULL) != SQLITE_OK)
        rc = st_fail_db(s, err, "cannot mark the file as complete");
    st_bulk_free(s);
    return rc;
}

void st_bulk_free(store *s)
{
    for (int i = 0; i < s->bulk_n; i++) {
        free(s->bulk_name[i]);
        free(s->bulk_sql[i]);
    }
    s->bulk_n = 0;
    s->bulk = 0;
    s->bulk_cache = 0;
}
