/* store_each.c — every hip with what has been done for it, for the schedule
 * (due lists, the dashboard). Two queries in MRN order, merged here: one over
 * hips, one over current final records; never a query per hip, so 12,500
 * hips and 300,000 records take one pass each. */
#include "store_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Both stay active while fn runs: fn may use the store, with other statements. */
static const char SQL_HIPS_ALL[] =
    "SELECT p.uuid, p.mrn, p.name, p.sex, p.born, " ST_HIP_COLS("h") " "
    "FROM patients p JOIN hips h ON h.patient = p.uuid WHERE h.observed = 0 "
    "ORDER BY p.mrn, h.side";
static const char SQL_HIPS_ONE[] =
    "SELECT p.uuid, p.mrn, p.name, p.sex, p.born, " ST_HIP_COLS("h") " "
    "FROM patients p JOIN hips h ON h.patient = p.uuid WHERE p.mrn = ?3 AND h.observed = 0 "
    "ORDER BY h.side";
/* Ordered by MRN only, and CROSS JOIN fixes the loop order: SQLite walks
 * patients by the MRN index and each patient's records by records_patient,
 * instead of sorting 300,000 rows. */
/* ?1: the forms that end follow-up, [[form, path], ...] (st_ends_json). */
#define DONE_SQL(where)                                                                       \
    "SELECT p.mrn, ifnull(r.hip, ''), r.timepoint, r.form, " ST_END_DATE("r", "?1") " "      \
    "FROM patients p CROSS JOIN records r ON r.patient = p.uuid "                             \
    "WHERE " where "r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n "              \
    "WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) ORDER BY p.mrn"
static const char SQL_DONE_ALL[] = DONE_SQL("");
static const char SQL_DONE_ONE[] = DONE_SQL("p.mrn = ?3 AND ");

/* The current finals of one patient: copied out of the cursor (store_each_hip),
 * or lent by the records already read (store_each_hip_in, which frees only
 * the arrays). */
typedef struct {
    char *mrn;
    char **hip, **tp, **form;
    int *end;
    int n, cap;
} pat_done;

static void pat_clear(pat_done *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->hip[i]);
        free(d->tp[i]);
        free(d->form[i]);
    }
    free(d->mrn);
    d->mrn = NULL;
    d->n = 0;
}

static void pat_add(pat_done *d, sqlite3_stmt *q)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->hip = xrealloc(d->hip, (size_t)d->cap * sizeof *d->hip);
        d->tp = xrealloc(d->tp, (size_t)d->cap * sizeof *d->tp);
        d->form = xrealloc(d->form, (size_t)d->cap * sizeof *d->form);
        d->end = xrealloc(d->end, (size_t)d->cap * sizeof *d->end);
    }
    d->hip[d->n] = st_col_strdup(q, 1);
    d->tp[d->n] = st_col_strdup(q, 2);
    d->form[d->n] = st_col_strdup(q, 3);
    d->end[d->n] = sqlite3_column_type(q, 4) == SQLITE_NULL ? -1 : st_col_date(q, 4);
    d->n++;
}

static const char SQL_OBSERVED[] =
    "SELECT p.uuid, p.mrn, p.name, p.sex, p.born, " ST_HIP_COLS("h") " "
    "FROM patients p JOIN hips h ON h.patient = p.uuid WHERE h.observed = 1 "
    "ORDER BY p.mrn, h.side";

int store_each_observed_hip(store *s, store_observed_fn fn, void *ctx)
{
    sqlite3_stmt *q = st_stmt(s, SQL_OBSERVED);
    if (!q)
        return -1;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        st_patient p;
        st_hip h;
        st_patient_from_row(q, 0, &p);
        st_hip_from_row(s, q, 5, &h);
        h.observed = 1;
        stop = fn(ctx, &p, &h);
        st_patient_free(&p);
        st_hip_free(&h);
    }
    sqlite3_reset(q);
    return st_walk_end(s, rc, stop);
}

/* The records of pd that count for hip: its own and the patient-scope ones,
 * into done (room for pd->n); returns the hip's end date or -1. */
static int hip_done(const pat_done *pd, const char *hip, st_done *done)
{
    done->n = 0;
    int end = -1;
    for (int i = 0; i < pd->n; i++) {
        int mine = strcmp(pd->hip[i], hip) == 0;
        if (!mine && pd->hip[i][0])
            continue;
        done->tp[done->n] = pd->tp[i];
        done->form[done->n] = pd->form[i];
        done->n++;
        /* A patient-scope ending ends every hip. */
        if (pd->end[i] >= 0 && (end < 0 || pd->end[i] < end))
            end = pd->end[i];
    }
    return end;
}

static void pat_free(pat_done *pd)
{
    pat_clear(pd);
    free(pd->hip);
    free(pd->tp);
    free(pd->form);
    free(pd->end);
}

int store_each_hip_in(const st_patient *p, const st_hip *hips, size_t n, const st_record *rec,
                      size_t n_rec, store_hip_fn fn, void *ctx)
{
    /* The records' own texts, lent: pd owns only its arrays here. */
    pat_done pd = {
        .hip = xcalloc(n_rec + 1, sizeof *pd.hip), .tp = xcalloc(n_rec + 1, sizeof *pd.tp),
        .form = xcalloc(n_rec + 1, sizeof *pd.form), .end = xcalloc(n_rec + 1, sizeof *pd.end),
    };
    for (size_t i = 0; i < n_rec; i++) {
        assert(rec[i].current && strcmp(rec[i].patient, p->uuid) == 0);
        pd.hip[pd.n] = (char *)rec[i].hip;
        pd.tp[pd.n] = rec[i].timepoint;
        pd.form[pd.n] = rec[i].form;
        pd.end[pd.n++] = rec[i].end_date;
    }
    st_done done = {.tp = xcalloc(n_rec + 1, sizeof *done.tp),
                    .form = xcalloc(n_rec + 1, sizeof *done.form)};
    int stop = 0;
    for (size_t i = 0; !stop && i < n; i++) {
        if (hips[i].observed)
            continue;
        assert(strcmp(hips[i].patient, p->uuid) == 0);
        int end = hip_done(&pd, hips[i].uuid, &done);
        stop = fn(ctx, p, &hips[i], &done, end);
    }
    free(done.tp);
    free(done.form);
    free(pd.hip);
    free(pd.tp);
    free(pd.form);
    free(pd.end);
    return stop;
}

int store_each_hip(store *s, const char *mrn, const st_ends *ends, store_hip_fn fn, void *ctx)
{
    /* Cached: the patient list and the record view call this once per
     * patient shown, and preparing the two statements cost more than
     * running them. A callback must therefore not call it again. */
    static int busy;
    assert(!busy);
    sqlite3_stmt *hq = st_stmt(s, mrn ? SQL_HIPS_ONE : SQL_HIPS_ALL);
    sqlite3_stmt *dq = st_stmt(s, mrn ? SQL_DONE_ONE : SQL_DONE_ALL);
    if (!hq || !dq)
        return -1;
    busy = 1;
    char *js = st_ends_json(ends, NULL);
    st_bind_text(dq, 1, js);
    if (mrn) {
        st_bind_text(hq, 3, mrn);
        st_bind_text(dq, 3, mrn);
    }
    pat_done pd = {0};
    st_done done = {0};
    int cap = 0, stop = 0, hrc = SQLITE_DONE, drc = sqlite3_step(dq);
    while (!stop && (hrc = sqlite3_step(hq)) == SQLITE_ROW) {
        st_patient p;
        st_hip h;
        st_patient_from_row(hq, 0, &p);
        st_hip_from_row(s, hq, 5, &h);
        if (!pd.mrn || strcmp(pd.mrn, p.mrn) != 0) {
            pat_clear(&pd);
            pd.mrn = xstrdup(p.mrn);
            /* Records of patients without hips sort in between: skip them. */
            while (drc == SQLITE_ROW &&
                   strcmp((const char *)sqlite3_column_text(dq, 0), p.mrn) < 0)
                drc = sqlite3_step(dq);
            while (drc == SQLITE_ROW &&
                   strcmp((const char *)sqlite3_column_text(dq, 0), p.mrn) == 0) {
                pat_add(&pd, dq);
                drc = sqlite3_step(dq);
            }
        }
        if (pd.n > cap) {
            cap = pd.n;
            done.tp = xrealloc(done.tp, (size_t)cap * sizeof *done.tp);
            done.form = xrealloc(done.form, (size_t)cap * sizeof *done.form);
        }
        int end = hip_done(&pd, h.uuid, &done);
        stop = fn(ctx, &p, &h, &done, end);
        st_patient_free(&p);
        st_hip_free(&h);
    }
    if (!stop && (hrc != SQLITE_DONE || (drc != SQLITE_ROW && drc != SQLITE_DONE))) {
        fprintf(stderr, "bedside: %s: %s\n", s->path, sqlite3_errmsg(s->db));
        stop = -1;
    }
    pat_free(&pd);
    free(done.tp);
    free(done.form);
    free(js);
    /* Reset now: a statement left part-way holds its read transaction. */
    sqlite3_reset(hq);
    sqlite3_reset(dq);
    busy = 0;
    return stop;
}

int st_done_has(void *done, const char *tp, const char *form)
{
    const st_done *d = done;
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->tp[i], tp) == 0 && strcmp(d->form[i], form) == 0)
            return 1;
    return 0;
}
