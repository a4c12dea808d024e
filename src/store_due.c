/* store_due.c — the next-due table (schema 8): each scheduled hip's open
 * timepoints, kept by sched_due.c through the derive hook that runs before
 * every commit, and read as a range of target dates in date order. */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static const char SQL_SCHEDULE[] = "SELECT schedule FROM due_schedule WHERE id = 1";
static const char SQL_SET_SCHEDULE[] = "UPDATE due_schedule SET schedule = ?1 WHERE id = 1";
/* CROSS JOIN: the queue (a few patients) drives; with a plain JOIN SQLite
 * walked every patient in MRN order to meet them, at every commit. */
static const char SQL_PENDING[] =
    "SELECT p.mrn FROM due_pending q CROSS JOIN patients p ON p.uuid = q.patient ORDER BY p.mrn";
static const char SQL_PENDING_COUNT[] = "SELECT count(*) FROM due_pending";
static const char SQL_FORGET[] =
    "DELETE FROM due WHERE hip IN (SELECT h.uuid FROM patients p JOIN hips h "
    "ON h.patient = p.uuid WHERE p.mrn = ?1)";
static const char SQL_CLEAR[] = "DELETE FROM due";
static const char SQL_CLEAR_PENDING[] = "DELETE FROM due_pending";
static const char SQL_PUT[] =
    "INSERT INTO due(hip, tp, target, open, close, until, missing) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_OF_HIP[] =
    "SELECT hip, tp, target, open, close, until, missing FROM due WHERE hip = ?1 "
    "ORDER BY target, tp";
static const char SQL_ORPHANS[] =
    "SELECT DISTINCT d.hip FROM due d WHERE NOT EXISTS (SELECT 1 FROM hips h "
    "WHERE h.uuid = d.hip AND h.observed = 0) ORDER BY d.hip";
/* CROSS JOIN keeps the loop on due_target: rows come in target order and
 * only the few of one target day are sorted by MRN and side. */
#define DUE_WHERE                                                                             \
    "WHERE d.target BETWEEN ?1 AND ?2 AND d.open <= ?3 AND d.until >= ?4"
static const char SQL_EACH[] =
    "SELECT p.mrn, p.name, h.side, d.hip, d.tp, d.target, d.open, d.close, d.until, "
    "d.missing FROM due d CROSS JOIN hips h ON h.uuid = d.hip CROSS JOIN patients p "
    "ON p.uuid = h.patient " DUE_WHERE " ORDER BY d.target, p.mrn, h.side";
/* A page for the Due view: a keyset on due_target, whose entries are
 * (target, hip, tp) (a WITHOUT ROWID table's index ends with its key), so
 * the rows come in index order with no sort and a page reads only as far
 * as it needs. ?5..?7 the key, ?8 the limit. */
#define DUE_PAGE_COLS                                                                         \
    "SELECT p.mrn, p.name, h.side, d.hip, d.tp, d.target, d.open, d.close, d.until, "        \
    "d.missing FROM due d CROSS JOIN hips h ON h.uuid = d.hip CROSS JOIN patients p "        \
    "ON p.uuid = h.patient "
static const char SQL_PAGE_AFTER[] = DUE_PAGE_COLS
    "WHERE (d.target, d.hip, d.tp) > (?5, ?6, ?7) AND d.target <= ?2 AND d.open <= ?3 "
    "AND d.until >= ?4 ORDER BY d.target, d.hip, d.tp LIMIT ?8";
static const char SQL_PAGE_BEFORE[] = DUE_PAGE_COLS
    "WHERE (d.target, d.hip, d.tp) < (?5, ?6, ?7) AND d.target >= ?1 AND d.open <= ?3 "
    "AND d.until >= ?4 ORDER BY d.target DESC, d.hip DESC, d.tp DESC LIMIT ?8";
static const char SQL_OF_PATIENT[] =
    "SELECT p.mrn, p.name, h.side, d.hip, d.tp, d.target, d.open, d.close, d.until, "
    "d.missing FROM patients p CROSS JOIN hips h ON h.patient = p.uuid CROSS JOIN due d "
    "ON d.hip = h.uuid WHERE p.mrn = ?1 AND d.until >= ?2 ORDER BY h.side, d.target";

void store_set_derive(store *s, store_derive_fn fn, void *ctx)
{
    s->derive = fn;
    s->derive_ctx = ctx;
}

int st_derive(store *s, char **err)
{
    if (!s->derive || s->deriving)
        return 0;
    s->deriving = 1;
    int rc = s->derive(s->derive_ctx, s, err);
    s->deriving = 0;
    return rc;
}

/* Run one statement that returns no rows; -1 with *err on failure. */
static int run(store *s, const char *sql, const char *arg, const char *what, char **err)
{
    sqlite3_stmt *q = st_stmt(s, sql);
    if (!q)
        return st_fail(err, "%s: internal error", s->path);
    if (arg)
        st_bind_text(q, 1, arg);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, what);
}

int store_due_schedule(store *s, char **schedule)
{
    *schedule = NULL;
    sqlite3_stmt *q = st_stmt(s, SQL_SCHEDULE);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *schedule = st_col_strdup(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int store_due_set_schedule(store *s, const char *schedule, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_SET_SCHEDULE);
    if (!q)
        return st_fail(err, "%s: internal error", s->path);
    st_bind_text(q, 1, schedule);
    int rc = sqlite3_step(q);
    int changed = sqlite3_changes(s->db);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return st_fail_db(s, err, "cannot save the next-due table");
    /* The row is made by the migration; its absence is damage. */
    return changed == 1 ? 0 : st_fail(err, "%s: the table due_schedule has no row", s->path);
}

char **store_due_pending(store *s, size_t *n)
{
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, SQL_PENDING);
    if (!q)
        return NULL;
    char **v = xcalloc(1, sizeof *v);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        v = xrealloc(v, (*n + 2) * sizeof *v);
        v[(*n)++] = st_col_strdup(q, 0);
        v[*n] = NULL;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        for (size_t i = 0; i < *n; i++)
            free(v[i]);
        free(v);
        *n = 0;
        return NULL;
    }
    return v;
}

long store_due_pending_count(store *s)
{
    sqlite3_stmt *q = st_stmt(s, SQL_PENDING_COUNT);
    if (!q)
        return -1;
    long n = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : -1;
    sqlite3_reset(q);
    return n;
}

int store_due_forget(store *s, const char *mrn, char **err)
{
    return run(s, SQL_FORGET, mrn, "cannot update the next-due table", err);
}

int store_due_clear(store *s, char **err)
{
    if (run(s, SQL_CLEAR, NULL, "cannot clear the next-due table", err) < 0)
        return -1;
    return store_due_clear_pending(s, err);
}

int store_due_clear_pending(store *s, char **err)
{
    return run(s, SQL_CLEAR_PENDING, NULL, "cannot update the next-due table", err);
}

int store_due_put(store *s, const st_due *d, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_PUT);
    if (!q)
        return st_fail(err, "%s: internal error", s->path);
    st_bind_text(q, 1, d->hip);
    st_bind_text(q, 2, d->tp);
    st_bind_date(q, 3, d->target);
    st_bind_date(q, 4, d->open);
    st_bind_date(q, 5, d->close);
    st_bind_date(q, 6, d->until);
    st_bind_text(q, 7, d->missing);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot update the next-due table");
}

/* A row from hip, tp, target, open, close, until, missing at column c. */
static void due_from_row(sqlite3_stmt *q, int c, st_due *d)
{
    st_col_uuid(q, c, d->hip);
    d->tp = st_col_strdup(q, c + 1);
    d->target = st_col_date(q, c + 2);
    d->open = st_col_date(q, c + 3);
    d->close = st_col_date(q, c + 4);
    d->until = st_col_date(q, c + 5);
    d->missing = st_col_strdup(q, c + 6);
    if (!d->tp)
        d->tp = xstrdup("");
    if (!d->missing)
        d->missing = xstrdup("");
}

int store_due_of_hip(store *s, const char *hip_uuid, st_due **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, SQL_OF_HIP);
    if (!q)
        return st_read_fail(s);
    st_bind_text(q, 1, hip_uuid);
    st_due *v = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        v = xrealloc(v, (*n + 1) * sizeof *v);
        due_from_row(q, 0, &v[(*n)++]);
    }
    int bad = rc == SQLITE_DONE ? 0 : st_read_fail(s);
    sqlite3_reset(q);
    *out = v;
    return bad;
}

void store_due_free(st_due *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].tp);
        free(d[i].missing);
    }
    free(d);
}

int store_due_orphans(store *s, void (*fn)(void *ctx, const char *hip), void *ctx)
{
    sqlite3_stmt *q = st_stmt(s, SQL_ORPHANS);
    if (!q)
        return -1;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(q, 0);
        fn(ctx, h ? h : "");
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_range(sqlite3_stmt *q, int lo, int hi, int soon, int today)
{
    st_bind_date(q, 1, lo);
    st_bind_date(q, 2, hi);
    st_bind_date(q, 3, soon);
    st_bind_date(q, 4, today);
}

/* Rows of q to fn until it stops; finalizes q. */
static int each_row(store *s, sqlite3_stmt *q, store_due_fn fn, void *ctx)
{
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *mrn = (const char *)sqlite3_column_text(q, 0);
        const char *name = (const char *)sqlite3_column_text(q, 1);
        const char *side = (const char *)sqlite3_column_text(q, 2);
        st_due d;
        due_from_row(q, 3, &d);
        stop = fn(ctx, mrn ? mrn : "", name ? name : "", side ? side[0] : '?', &d);
        free(d.tp);
        free(d.missing);
    }
    stop = st_walk_end(s, rc, stop);
    sqlite3_finalize(q);
    return stop;
}

/* Not cached: fn may read the store while the cursor is open. */
static sqlite3_stmt *prepare(store *s, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bedside: internal error preparing SQL: %s\n", sqlite3_errmsg(s->db));
        sqlite3_finalize(q);
        return NULL;
    }
    return q;
}

int store_each_due(store *s, int lo, int hi, int soon, int today, store_due_fn fn, void *ctx)
{
    sqlite3_stmt *q = prepare(s, SQL_EACH);
    if (!q)
        return -1;
    bind_range(q, lo, hi, soon, today);
    return each_row(s, q, fn, ctx);
}

int store_each_due_of(store *s, const char *mrn, int today, store_due_fn fn, void *ctx)
{
    sqlite3_stmt *q = prepare(s, SQL_OF_PATIENT);
    if (!q)
        return -1;
    st_bind_text(q, 1, mrn);
    st_bind_date(q, 2, today);
    return each_row(s, q, fn, ctx);
}

st_due_row *store_due_page(store *s, int lo, int hi, int soon, int today, const st_due *key,
                           int dir, size_t limit, size_t *n)
{
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, dir >= 0 ? SQL_PAGE_AFTER : SQL_PAGE_BEFORE);
    if (!q)
        return NULL;
    bind_range(q, lo, hi, soon, today);
    /* No key: from just before the range's first day (an empty hip id sorts
     * before every other) or just after its last. */
    st_bind_date(q, 5, key ? key->target : dir >= 0 ? lo : hi + 1);
    st_bind_text(q, 6, key ? key->hip : "");
    st_bind_text(q, 7, key ? key->tp : "");
    sqlite3_bind_int64(q, 8, (sqlite3_int64)limit);
    st_due_row *v = NULL;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xrealloc(v, cap * sizeof *v);
        }
        st_due_row *r = &v[(*n)++];
        const char *side = (const char *)sqlite3_column_text(q, 2);
        const char *mrn = (const char *)sqlite3_column_text(q, 0);
        const char *name = (const char *)sqlite3_column_text(q, 1);
        r->mrn = xstrdup(mrn ? mrn : "");
        r->name = xstrdup(name ? name : "");
        r->side = side ? side[0] : '?';
        due_from_row(q, 3, &r->d);
    }
    if (rc != SQLITE_DONE)
        fprintf(stderr, "bedside: %s: %s\n", s->path, sqlite3_errmsg(s->db));
    sqlite3_reset(q);
    if (dir < 0)   /* read backwards from the key: give them in index order */
        st_reverse(v, *n, sizeof *v);
    return v;
}

void store_due_rows_free(st_due_row *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].mrn);
        free(r[i].name);
        free(r[i].d.tp);
        free(r[i].d.missing);
    }
    free(r);
}
