/* store_record.c — reading records: building st_record values, lookups by
 * uuid or prefix, a patient's records and the streaming of current ones. */
#include "store_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void st_record_free(st_record *r)
{
    if (!r)
        return;
    free(r->timepoint);
    free(r->form);
    free(r->entered_by);
    free(r->entered_at);
    free(r->reason);
    for (int i = 0; i < r->n_ans; i++) {
        free(r->ans[i].key);
        free(r->ans[i].value);
    }
    free(r->ans);
    for (int i = 0; i < r->n_score; i++)
        free(r->score_id[i]);
    free(r->score_id);
    free(r->score_val);
    memset(r, 0, sizeof *r);
}

/* A record's answers and scores grow in powers of two from 8 (they have no
 * capacity of their own): room runs out when n is 0, 8, 16, 32, ... */
static int st_grows(int n)
{
    return n == 0 || (n >= 8 && (n & (n - 1)) == 0);
}

static size_t st_grown(int n)
{
    return n ? 2 * (size_t)n : 8;
}

void st_record_answer(st_record *r, const char *key, const char *value)
{
    for (int i = 0; i < r->n_ans; i++) {
        if (strcmp(r->ans[i].key, key) == 0) {   /* a second value replaces the first */
            free(r->ans[i].value);
            r->ans[i].value = xstrdup(value);
            return;
        }
    }
    if (st_grows(r->n_ans))
        r->ans = xrealloc(r->ans, st_grown(r->n_ans) * sizeof *r->ans);
    r->ans[r->n_ans].key = xstrdup(key);
    r->ans[r->n_ans].value = xstrdup(value);
    r->n_ans++;
}

void st_record_score(st_record *r, const char *id, double value)
{
    for (int i = 0; i < r->n_score; i++) {
        if (strcmp(r->score_id[i], id) == 0) {
            r->score_val[i] = value;
            return;
        }
    }
    if (st_grows(r->n_score)) {
        r->score_id = xrealloc(r->score_id, st_grown(r->n_score) * sizeof *r->score_id);
        r->score_val = xrealloc(r->score_val, st_grown(r->n_score) * sizeof *r->score_val);
    }
    r->score_id[r->n_score] = xstrdup(id);
    r->score_val[r->n_score] = value;
    r->n_score++;
}

const char *st_record_get(const st_record *r, const char *key)
{
    for (int i = 0; i < r->n_ans; i++)
        if (strcmp(r->ans[i].key, key) == 0)
            return r->ans[i].value;
    return NULL;
}

static const char SQL_ANSWERS[] = "SELECT key, value FROM json_each(?1)";
static const char SQL_SCORES[] = "SELECT score, value FROM scores WHERE record = ?1";

/* 0, or -1 (st_read_fail) when the rows could not all be read. */
static int load_answers(store *s, st_record *r, const char *json)
{
    sqlite3_stmt *q = st_stmt(s, SQL_ANSWERS);
    if (!q)
        return st_read_fail(s);
    st_bind_text(q, 1, json ? json : "{}");   /* the column is NOT NULL */
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(q, 0);
        const char *v = (const char *)sqlite3_column_text(q, 1);
        if (k && v)
            st_record_answer(r, k, v);
    }
    int bad = rc != SQLITE_DONE ? st_read_fail(s) : 0;
    sqlite3_reset(q);
    return bad;
}

static int load_scores(store *s, st_record *r)
{
    sqlite3_stmt *q = st_stmt(s, SQL_SCORES);
    if (!q)
        return st_read_fail(s);
    st_bind_text(q, 1, r->uuid);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        st_record_score(r, (const char *)sqlite3_column_text(q, 0), sqlite3_column_double(q, 1));
    int bad = rc != SQLITE_DONE ? st_read_fail(s) : 0;
    sqlite3_reset(q);
    return bad;
}

int st_record_from_row(store *s, sqlite3_stmt *q, st_record *r)
{
    memset(r, 0, sizeof *r);
    st_col_uuid(q, 0, r->uuid);
    st_col_uuid(q, 1, r->patient);
    st_col_uuid(q, 2, r->hip);
    const char *side = (const char *)sqlite3_column_text(q, 3);
    r->side = side ? side[0] : 0;
    r->timepoint = st_col_strdup(q, 4);
    r->visit_date = st_col_date(q, 5);
    r->form = st_col_strdup(q, 6);
    r->form_version = sqlite3_column_int(q, 7);
    const char *status = (const char *)sqlite3_column_text(q, 8);
    r->status = status ? status[0] : 'f';
    r->entered_by = st_col_strdup(q, 9);
    r->entered_at = st_col_strdup(q, 10);
    st_col_uuid(q, 11, r->supersedes);
    r->reason = st_col_strdup(q, 12);
    r->current = sqlite3_column_int(q, 13);
    r->amended = sqlite3_column_int(q, 14);
    r->out_of_window = sqlite3_column_int(q, 16) != 0;
    r->end_date = -1;
    if (load_answers(s, r, (const char *)sqlite3_column_text(q, 15)) < 0 ||
        load_scores(s, r) < 0) {
        st_record_free(r);
        return -1;
    }
    return 0;
}

static const char SQL_PREFIX[] =
    "SELECT uuid FROM records WHERE uuid BETWEEN ?1 AND ?1 || '~' ORDER BY uuid LIMIT 2";

int st_resolve(store *s, const char *id, char out[37], char **err)
{
    size_t len = id ? strlen(id) : 0;
    if (len < 8 || len > 36)
        return st_fail(err, "\"%s\" is not a record id (give at least 8 characters of it)",
                       id ? id : "");
    char low[37];
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c && !isxdigit(c) && c != '-')
            return st_fail(err, "\"%.36s\" is not a record id", id);
        low[i] = (char)tolower(c);
    }
    sqlite3_stmt *q = st_stmt(s, SQL_PREFIX);
    if (!q)
        return -1;
    st_bind_text(q, 1, low);
    int n = 0, rc;
    char first[37] = "";
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n++ == 0)
            st_col_uuid(q, 0, first);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return st_fail_db(s, err, "cannot look up the record");
    if (n == 0) {
        st_fail(err, "no record %s", low);
        return 1;
    }
    if (n > 1)
        return st_fail(err, "record id %s is ambiguous; give more of it", low);
    memcpy(out, first, 37);
    return 0;
}

static const char SQL_REC_BY_UUID[] = "SELECT " ST_REC_COLS "WHERE r.uuid = ?1";

int store_record_lookup(store *s, const char *id, st_record *r, char **err)
{
    char uuid[37];
    int rc = st_resolve(s, id, uuid, err);
    if (rc != 0)
        return rc;
    sqlite3_stmt *q = st_stmt(s, SQL_REC_BY_UUID);
    if (!q)
        return -1;
    st_bind_text(q, 1, uuid);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW && st_record_from_row(s, q, r) < 0) {
        sqlite3_reset(q);
        return st_fail(err, "cannot read record %s: %s", uuid, s->read_failed);
    }
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE) {
            st_read_fail(s);
            sqlite3_reset(q);
            return st_fail(err, "cannot read record %s: %s", uuid, s->read_failed);
        }
        sqlite3_reset(q);
        st_fail(err, "no record %s", uuid);
        return 1;
    }
    sqlite3_reset(q);
    return 0;
}

int store_record_get(store *s, const char *uuid, st_record *r)
{
    return store_record_lookup(s, uuid, r, NULL);
}

/* The key lookups: by the (hip, timepoint, form) index for a hip; by the
 * patient for patient scope (the unary + keeps SQLite off records_key, whose
 * NULL-hip entries span every patient). Only the first row is read; no
 * LIMIT, with which SQLite sorts in a temporary b-tree made at every call
 * (most of the cost of a lookup that finds nothing, as every save's does). */
static const char SQL_CURRENT_HIP[] =
    "SELECT " ST_REC_COLS_CURRENT "WHERE r.hip = ?2 AND r.timepoint = ?3 AND r.form = ?4 "
    "AND r.patient = ?1 AND r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n "
    "WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) "
    "ORDER BY r.visit_date DESC, r.entered_at DESC";
static const char SQL_CURRENT_PATIENT[] =
    "SELECT " ST_REC_COLS_CURRENT "WHERE r.patient = ?1 AND +r.hip IS NULL AND +r.timepoint = ?3 "
    "AND +r.form = ?4 AND r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n "
    "WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) "
    "ORDER BY r.visit_date DESC, r.entered_at DESC";

int store_record_current(store *s, const char *patient_uuid, const char *hip_uuid,
                         const char *tp, const char *form, st_record *r)
{
    int hip = hip_uuid && *hip_uuid;
    sqlite3_stmt *q = st_stmt(s, hip ? SQL_CURRENT_HIP : SQL_CURRENT_PATIENT);
    if (!q)
        return -1;
    st_bind_text(q, 1, patient_uuid);
    if (hip)
        st_bind_text(q, 2, hip_uuid);
    st_bind_text(q, 3, tp);
    st_bind_text(q, 4, form);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW ? st_record_from_row(s, q, r) < 0
                         : rc != SQLITE_DONE && st_read_fail(s) < 0)
        rc = SQLITE_ERROR;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static const char SQL_RECORDS_ALL[] =
    "SELECT " ST_REC_COLS "WHERE r.patient = ?1 "
    "ORDER BY ifnull(h.side, ''), r.visit_date, r.entered_at, r.uuid";
#define RECORDS_CURRENT(extra)                                                                \
    "SELECT " ST_REC_SELECT_CURRENT extra ST_REC_FROM "WHERE r.patient = ?1 AND "         \
    "r.status = 'final' "                                                                     \
    "AND NOT EXISTS (SELECT 1 FROM records n WHERE n.supersedes = r.uuid "                    \
    "AND n.status IN ('final','void')) "                                                      \
    "ORDER BY ifnull(h.side, ''), r.visit_date, r.entered_at, r.uuid"
static const char SQL_RECORDS_CURRENT[] = RECORDS_CURRENT("");
/* ?2: the ending forms, st_ends_json; the end date follows ST_REC_NCOLS. */
static const char SQL_RECORDS_ENDED[] = RECORDS_CURRENT(", " ST_END_DATE("r", "?2") " ");

/* The same, of the forms in ?2 (a JSON array of form ids) only. The unary
 * + keeps SQLite from driving the read by the form's index (every record of
 * those forms in the cohort) instead of the patient's. */
static const char SQL_RECORDS_ENDING[] =
    "SELECT " ST_REC_COLS_CURRENT "WHERE r.patient = ?1 AND r.status = 'final' "
    "AND +r.form IN (SELECT value FROM json_each(?2)) AND NOT EXISTS "
    "(SELECT 1 FROM records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) "
    "ORDER BY ifnull(h.side, ''), r.visit_date, r.entered_at, r.uuid";

/* The records sql selects for the patient (and ?2 = forms) into *out: 0, or
 * -1 (st_read_fail) when the read failed part-way; *out then holds the
 * records read before. A statement with a column after ST_REC_COLS gives
 * each record's end of follow-up there. */
static int records_of(store *s, const char *sql, const char *patient_uuid, const char *forms,
                      st_record **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, sql);
    if (!q)
        return st_read_fail(s);
    st_bind_text(q, 1, patient_uuid);
    if (forms)
        st_bind_text(q, 2, forms);
    int ended = sqlite3_column_count(q) > ST_REC_NCOLS;
    st_record *v = NULL;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            v = xrealloc(v, cap * sizeof *v);
        }
        if (st_record_from_row(s, q, &v[*n]) < 0)
            break;
        if (ended && sqlite3_column_type(q, ST_REC_NCOLS) != SQLITE_NULL)
            v[*n].end_date = st_col_date(q, ST_REC_NCOLS);
        (*n)++;
    }
    int bad = rc == SQLITE_DONE ? 0 : st_read_fail(s);
    sqlite3_reset(q);
    *out = v;
    return bad;
}

int store_records_of(store *s, const char *patient_uuid, int all, st_record **out, size_t *n)
{
    return records_of(s, all ? SQL_RECORDS_ALL : SQL_RECORDS_CURRENT, patient_uuid, NULL, out,
                      n);
}

int store_records_ended(store *s, const char *patient_uuid, const st_ends *ends,
                        st_record **out, size_t *n)
{
    char *js = st_ends_json(ends, NULL);
    int bad = records_of(s, SQL_RECORDS_ENDED, patient_uuid, js, out, n);
    free(js);
    return bad;
}

int store_records_ending(store *s, const char *patient_uuid, const st_ends *ends,
                         st_record **out, size_t *n)
{
    sbuf b = {0};
    sbuf_add(&b, "[");
    for (int i = 0; ends && i < ends->n; i++) {
        if (i)
            sbuf_add(&b, ",");
        st_json_string(&b, ends->v[i].form);
    }
    sbuf_add(&b, "]");
    int bad = records_of(s, SQL_RECORDS_ENDING, patient_uuid, b.s, out, n);
    sbuf_free(&b);
    return bad;
}

void store_records_free(st_record *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st_record_free(&r[i]);
    free(r);
}

/* Not cached: the statement stays active while fn runs, and fn may well
 * use the store (even this function) meanwhile. Patients drive the loop
 * (CROSS JOIN) so only one patient's records are sorted at a time. */
static const char SQL_EACH_CURRENT[] =
    "SELECT " ST_REC_SELECT_CURRENT ", p.mrn FROM patients p CROSS JOIN records r "
    "ON r.patient = p.uuid LEFT JOIN hips h ON h.uuid = r.hip "
    "WHERE r.status = 'final' AND (?1 IS NULL OR r.form = ?1) AND NOT EXISTS "
    "(SELECT 1 FROM records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) "
    "ORDER BY p.mrn, ifnull(h.side, ''), r.visit_date, r.entered_at, r.form, r.uuid";

/* The same without the records marked valid as they are now (ST_MARKED). */
static const char SQL_EACH_UNMARKED[] =
    "SELECT " ST_REC_SELECT_CURRENT ", p.mrn FROM patients p CROSS JOIN records r "
    "ON r.patient = p.uuid LEFT JOIN hips h ON h.uuid = r.hip "
    "WHERE r.status = 'final' AND ?1 IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) "
    "AND NOT " ST_MARKED("r") " "
    "ORDER BY p.mrn, ifnull(h.side, ''), r.visit_date, r.entered_at, r.form, r.uuid";

static int each(store *s, const char *sql, const char *form, store_record_fn fn, void *ctx)
{
    st_bulk_reads(s);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bedside: internal error preparing SQL: %s\n", sqlite3_errmsg(s->db));
        return -1;
    }
    st_bind_text(q, 1, form);
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        st_record r;
        if (st_record_from_row(s, q, &r) < 0) {
            fprintf(stderr, "bedside: %s\n", s->read_failed);
            stop = -1;
            break;
        }
        stop = fn(ctx, (const char *)sqlite3_column_text(q, ST_REC_NCOLS), &r);
        st_record_free(&r);
    }
    if (!stop && rc != SQLITE_DONE)
        st_read_fail(s);
    stop = st_walk_end(s, rc, stop);
    sqlite3_finalize(q);
    return stop;
}

int store_each_current(store *s, const char *form, store_record_fn fn, void *ctx)
{
    return each(s, SQL_EACH_CURRENT, form, fn, ctx);
}

int store_each_unmarked(store *s, store_record_fn fn, void *ctx)
{
    return each(s, SQL_EACH_UNMARKED, NULL, fn, ctx);
}
