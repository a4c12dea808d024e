/* store_export.c — the reads behind the exports (store_export.h). Set-wise:
 * one statement yields every record with its patient, hip, version and
 * each answer as a row of its own, so nothing is asked per record; the
 * rows of one record come together and are gathered here. A second
 * statement yields the scores of the same records in the same order, and a
 * third walks the current enrolment answers in the same patient order, so
 * each patient's are gathered once, however many records. All three are
 * driven by the patients' MRN index and sort one patient's rows at a time. */
#include "store_export.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* The records exported: patients drive the walk in MRN order (CROSS JOIN,
 * on their MRN index), each patient's records through records_patient, so
 * nothing is sorted in SQL (a sort of every answer row cost more than the
 * reads); store_each_export puts each patient's records in order. ?1: one
 * form or NULL; ?2: superseded and void rows too. state is 'current',
 * 'superseded' or 'void'. */
#define EXPORT_STATE                                                                          \
    "CASE WHEN r.status = 'void' THEN 'void' WHEN EXISTS (SELECT 1 FROM records n"            \
    " WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) THEN 'superseded'"       \
    " ELSE 'current' END"
#define EXPORT_FROM "FROM patients p CROSS JOIN records r ON r.patient = p.uuid "
#define EXPORT_WHERE                                                                          \
    "WHERE r.status <> 'draft' AND (?1 IS NULL OR r.form = ?1)"                               \
    " AND (?2 OR " EXPORT_STATE " = 'current') ORDER BY p.mrn"

/* A row per answer (one with a NULL key for a record without any), a
 * record's rows together. version: how many final or void rows precede
 * this one in its supersede chain, plus one, found by walking up from the
 * row itself (only an amendment has a chain); a row whose chain is broken
 * (bedside check reports it) or loops still comes out, as version 1,
 * rather than being silently dropped. */
static const char SQL_EXPORT[] =
    "SELECT r.uuid, r.patient, ifnull(r.hip, ''), h.side, r.timepoint,"
    " r.visit_date, r.form, r.form_version, r.status, r.entered_by,"
    " r.entered_at, ifnull(r.supersedes, ''), r.reason,"
    " CASE WHEN r.supersedes IS NULL THEN 1 ELSE ifnull((WITH RECURSIVE"
    "  up(u, n) AS (SELECT r.supersedes, 1 UNION ALL SELECT x.supersedes, up.n + 1 FROM up"
    "  JOIN records x ON x.uuid = up.u AND x.status <> 'draft' WHERE up.n < 100000)"
    "  SELECT n FROM up WHERE u IS NULL), 1) END, " EXPORT_STATE ","
    " p.uuid, p.mrn, p.name, p.sex, p.born,"
    " h.uuid, h.patient, h.side, h.index_date, NULL, sid.study_id, j.key,"
    " j.value, r.out_of_window "
    EXPORT_FROM "LEFT JOIN hips h ON h.uuid = r.hip LEFT JOIN study_ids sid ON sid.patient = p.uuid"
    " LEFT JOIN json_each(r.answers) j " EXPORT_WHERE;

/* The scores of the same records, a patient's together. */
static const char SQL_EXPORT_SCORES[] =
    "SELECT p.mrn, p.uuid, r.uuid, s.score, s.value " EXPORT_FROM
    "JOIN scores s ON s.record = r.uuid " EXPORT_WHERE;

/* Every current enrolment answer, in the records' patient order (the MRN),
 * the latest entered record first: store_each_export walks it alongside.
 * Patients drive it too, so only one patient's answers are sorted at a
 * time. */
static const char SQL_ENROL[] =
    "SELECT p.mrn, enr.patient, ifnull(enr.hip, enr.patient), enr.form, ea.key, ea.value "
    "FROM patients p CROSS JOIN records enr ON enr.patient = p.uuid,"
    " json_each(enr.answers) ea "
    "WHERE enr.timepoint = 'enrolment' AND enr.status = 'final' AND NOT EXISTS (SELECT 1"
    " FROM records n WHERE n.supersedes = enr.uuid AND n.status IN ('final','void'))"
    " AND ea.value IS NOT NULL "
    "ORDER BY p.mrn, enr.entered_at DESC, enr.uuid";

/* The enrolment answers of the patient being walked to: q is one row ahead
 * (row is SQLITE_ROW while it holds one). */
struct st_enrol_walk {
    sqlite3_stmt *q;
    int row;
    char patient[37];
    st_enrol_answer *v;
    size_t n, cap;
};
typedef struct st_enrol_walk enrol_walk;

static void enrol_clear(enrol_walk *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].form);
        free(e->v[i].field);
        free(e->v[i].value);
    }
    e->n = 0;
    e->patient[0] = '\0';
}

/* Gather patient p's answers: skip those of patients before it (by MRN,
 * as both statements order), take its own. Returns the step's code. */
static int enrol_move(enrol_walk *e, const st_patient *p)
{
    if (strcmp(e->patient, p->uuid) == 0)
        return SQLITE_OK;
    enrol_clear(e);
    memcpy(e->patient, p->uuid, sizeof e->patient);
    for (; e->row == SQLITE_ROW; e->row = sqlite3_step(e->q)) {
        const char *mrn = (const char *)sqlite3_column_text(e->q, 0);
        const char *who = (const char *)sqlite3_column_text(e->q, 1);
        int c = strcmp(mrn ? mrn : "", p->mrn ? p->mrn : "");
        if (c > 0 || (c == 0 && strcmp(who ? who : "", p->uuid) > 0))
            break;
        if (c < 0 || strcmp(who ? who : "", p->uuid) != 0)
            continue;
        if (e->n == e->cap) {
            e->cap = e->cap ? e->cap * 2 : 32;
            e->v = xrealloc(e->v, e->cap * sizeof *e->v);
        }
        st_enrol_answer *a = &e->v[e->n++];
        st_col_uuid(e->q, 2, a->owner);
        a->form = st_col_strdup(e->q, 3);
        a->field = st_col_strdup(e->q, 4);
        a->value = st_col_strdup(e->q, 5);
    }
    return e->row == SQLITE_ROW || e->row == SQLITE_DONE ? SQLITE_OK : e->row;
}

static int enrol_open(store *s, enrol_walk *e)
{
    memset(e, 0, sizeof *e);
    if (sqlite3_prepare_v2(s->db, SQL_ENROL, -1, &e->q, NULL) != SQLITE_OK)
        return -1;
    e->row = sqlite3_step(e->q);
    return 0;
}

static void enrol_close(enrol_walk *e)
{
    sqlite3_finalize(e->q);
    enrol_clear(e);
    free(e->v);
}

st_enrol_walk *store_enrol_walk(store *s)
{
    enrol_walk *e = xmalloc(sizeof *e);
    if (enrol_open(s, e) != 0) {
        fprintf(stderr, "bedside: internal error preparing SQL: %s\n", sqlite3_errmsg(s->db));
        enrol_close(e);
        free(e);
        return NULL;
    }
    return e;
}

int st_enrol_walk_to(st_enrol_walk *e, const st_patient *p, const st_enrol_answer **v,
                     size_t *n)
{
    int rc = enrol_move(e, p);
    *v = e->v;
    *n = e->n;
    return rc == SQLITE_OK ? 0 : -1;
}

void st_enrol_walk_free(st_enrol_walk *e)
{
    if (!e)
        return;
    enrol_close(e);
    free(e);
}

const char *st_enrol_find(const st_enrol_answer *v, size_t n, const st_patient *p,
                          const st_hip *h, const char *form, const char *field)
{
    for (size_t i = 0; i < n; i++) {
        const st_enrol_answer *a = &v[i];
        int mine = strcmp(a->owner, p->uuid) == 0 ||
                   (h && h->uuid[0] && strcmp(a->owner, h->uuid) == 0);
        if (mine && strcmp(a->form, form) == 0 && strcmp(a->field, field) == 0)
            return a->value;
    }
    return NULL;
}

const char *st_export_enrol(const st_export_row *x, const char *form, const char *field)
{
    return st_enrol_find(x->enrol, x->n_enrol, x->p, x->h, form, field);
}

enum { C_VERSION = 13, C_STATE, C_PATIENT, C_HIP = 20, C_STUDY = C_HIP + ST_HIP_NCOLS, C_KEY, C_VALUE,
       C_OOW };

typedef struct {
    st_patient p;
    st_hip h;
    st_record r;
    char state[12];
    char *study;
    char *visit_date;   /* as stored: the order's key */
    int version;
} gathered;

static void gathered_free(gathered *g)
{
    st_patient_free(&g->p);
    st_hip_free(&g->h);
    st_record_free(&g->r);
    free(g->study);
    free(g->visit_date);
}

static void gathered_start(store *s, gathered *g, sqlite3_stmt *q)
{
    memset(g, 0, sizeof *g);
    st_record *r = &g->r;
    st_col_uuid(q, 0, r->uuid);
    st_col_uuid(q, 1, r->patient);
    st_col_uuid(q, 2, r->hip);
    const char *side = (const char *)sqlite3_column_text(q, 3);
    r->side = side ? side[0] : 0;
    r->timepoint = st_col_strdup(q, 4);
    r->visit_date = st_col_date(q, 5);
    g->visit_date = st_col_strdup(q, 5);
    r->form = st_col_strdup(q, 6);
    r->form_version = sqlite3_column_int(q, 7);
    const char *status = (const char *)sqlite3_column_text(q, 8);
    r->status = status ? status[0] : 'f';
    r->entered_by = st_col_strdup(q, 9);
    r->entered_at = st_col_strdup(q, 10);
    st_col_uuid(q, 11, r->supersedes);
    r->reason = st_col_strdup(q, 12);
    r->out_of_window = sqlite3_column_int(q, C_OOW) != 0;
    g->version = sqlite3_column_int(q, C_VERSION);
    const char *state = (const char *)sqlite3_column_text(q, C_STATE);
    snprintf(g->state, sizeof g->state, "%s", state ? state : "current");
    r->current = strcmp(g->state, "current") == 0;
    r->amended = r->supersedes[0] && r->status == 'f';
    st_patient_from_row(q, C_PATIENT, &g->p);
    if (sqlite3_column_type(q, C_HIP) == SQLITE_NULL)
        memset(&g->h, 0, sizeof g->h);
    else
        st_hip_from_row(s, q, C_HIP, &g->h);
    g->study = st_col_strdup(q, C_STUDY);
}

static void gathered_item(gathered *g, sqlite3_stmt *q)
{
    const char *key = (const char *)sqlite3_column_text(q, C_KEY);
    if (!key || sqlite3_column_type(q, C_VALUE) == SQLITE_NULL)
        return;
    st_record_answer(&g->r, key, (const char *)sqlite3_column_text(q, C_VALUE));
}

/* One patient's records, gathered before they are put in order. */
typedef struct {
    gathered *v;
    size_t n, cap;
} patient_rows;

static gathered *rows_find(patient_rows *b, const char *uuid)
{
    for (size_t i = b->n; i-- > 0;)   /* a record's rows come together: the last first */
        if (strcmp(b->v[i].r.uuid, uuid) == 0)
            return &b->v[i];
    return NULL;
}

static void rows_clear(patient_rows *b)
{
    for (size_t i = 0; i < b->n; i++)
        gathered_free(&b->v[i]);
    b->n = 0;
}

static int text_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* The export's order within a patient, as SQL's BINARY collation gives it:
 * side (none first), visit date, entered_at, form, uuid. */
static int gathered_cmp(const void *pa, const void *pb)
{
    const gathered *a = pa, *b = pb;
    int c = (unsigned char)a->h.side - (unsigned char)b->h.side;
    if (!c)
        c = text_cmp(a->visit_date, b->visit_date);
    if (!c)
        c = text_cmp(a->r.entered_at, b->r.entered_at);
    if (!c)
        c = text_cmp(a->r.form, b->r.form);
    if (!c)
        c = strcmp(a->r.uuid, b->r.uuid);
    return c;
}

/* The scores of the patient gathered in b: sq is one row ahead (row is
 * SQLITE_ROW while it holds one), in the same patient order; rows of
 * patients before it (by MRN) are skipped. Returns the step's code. */
static int scores_take(patient_rows *b, sqlite3_stmt *sq, int *row)
{
    const st_patient *p = &b->v[0].p;
    for (; *row == SQLITE_ROW; *row = sqlite3_step(sq)) {
        const char *mrn = (const char *)sqlite3_column_text(sq, 0);
        const char *who = (const char *)sqlite3_column_text(sq, 1);
        int c = text_cmp(mrn, p->mrn);
        if (c > 0 || (c == 0 && text_cmp(who, p->uuid) > 0))
            break;
        const char *uuid = (const char *)sqlite3_column_text(sq, 2);
        gathered *g = c == 0 && uuid ? rows_find(b, uuid) : NULL;
        if (g && sqlite3_column_type(sq, 4) != SQLITE_NULL)
            st_record_score(&g->r, (const char *)sqlite3_column_text(sq, 3),
                            sqlite3_column_double(sq, 4));
    }
    return *row == SQLITE_ROW || *row == SQLITE_DONE ? SQLITE_OK : *row;
}

/* The patient gathered in b, scores added, in order through fn. */
static int rows_emit(patient_rows *b, enrol_walk *e, sqlite3_stmt *sq, int *srow,
                     store_export_fn fn, void *ctx)
{
    int stop = 0;
    if (b->n == 0)
        return 0;
    if (enrol_move(e, &b->v[0].p) != SQLITE_OK || scores_take(b, sq, srow) != SQLITE_OK)
        stop = -2;
    if (!stop)
        qsort(b->v, b->n, sizeof *b->v, gathered_cmp);
    for (size_t i = 0; !stop && i < b->n; i++) {
        gathered *g = &b->v[i];
        st_export_row row = {&g->p, &g->h, &g->r, g->version, g->state, g->study, e->v, e->n};
        stop = fn(ctx, &row);
    }
    rows_clear(b);
    return stop;
}

int store_each_export(store *s, const char *form, int all_versions, store_export_fn fn,
                      void *ctx)
{
    st_bulk_reads(s);
    sqlite3_stmt *q = NULL, *sq = NULL;
    enrol_walk e = {0};
    if (sqlite3_prepare_v2(s->db, SQL_EXPORT, -1, &q, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, SQL_EXPORT_SCORES, -1, &sq, NULL) != SQLITE_OK ||
        enrol_open(s, &e) != 0) {
        fprintf(stderr, "bedside: internal error preparing SQL: %s\n", sqlite3_errmsg(s->db));
        sqlite3_finalize(q);
        sqlite3_finalize(sq);
        enrol_close(&e);
        return -1;
    }
    st_bind_text(q, 1, form);
    sqlite3_bind_int(q, 2, all_versions != 0);
    st_bind_text(sq, 1, form);
    sqlite3_bind_int(sq, 2, all_versions != 0);
    int srow = sqlite3_step(sq);
    patient_rows b = {0};
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *uuid = (const char *)sqlite3_column_text(q, 0);
        const char *who = (const char *)sqlite3_column_text(q, C_PATIENT);
        if (b.n && text_cmp(who, b.v[0].p.uuid) != 0)
            stop = rows_emit(&b, &e, sq, &srow, fn, ctx);
        if (stop)
            break;
        gathered *g = uuid ? rows_find(&b, uuid) : NULL;
        if (!g) {
            if (b.n == b.cap) {
                b.cap = b.cap ? b.cap * 2 : 64;
                b.v = xrealloc(b.v, b.cap * sizeof *b.v);
            }
            g = &b.v[b.n++];
            gathered_start(s, g, q);
        }
        gathered_item(g, q);
    }
    if (!stop)
        stop = rows_emit(&b, &e, sq, &srow, fn, ctx);
    rows_clear(&b);
    free(b.v);
    if ((!stop && rc != SQLITE_DONE && rc != SQLITE_ROW) || stop == -2) {
        fprintf(stderr, "bedside: %s: %s\n", s->path, sqlite3_errmsg(s->db));
        stop = -1;
    }
    sqlite3_finalize(q);
    sqlite3_finalize(sq);
    enrol_close(&e);
    return stop;
}

static const char SQL_ID_MAP[] = "SELECT patient, study_id FROM study_ids ORDER BY patient";

int store_study_id_map(store *s, st_study_ids *m)
{
    memset(m, 0, sizeof *m);
    sqlite3_stmt *q = st_stmt(s, SQL_ID_MAP);
    if (!q)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (m->n == cap) {
            cap = cap ? cap * 2 : 256;
            m->patient = xrealloc(m->patient, cap * sizeof *m->patient);
            m->id = xrealloc(m->id, cap * sizeof *m->id);
        }
        st_col_uuid(q, 0, m->patient[m->n]);
        m->id[m->n++] = st_col_strdup(q, 1);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "bedside: %s: %s\n", s->path, sqlite3_errmsg(s->db));
        st_study_ids_free(m);
        return -1;
    }
    return 0;
}

const char *st_study_id(const st_study_ids *m, const char *patient_uuid)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {   /* the rows came sorted by patient uuid */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(m->patient[mid], patient_uuid);
        if (c == 0)
            return m->id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void st_study_ids_free(st_study_ids *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->id[i]);
    free(m->patient);
    free(m->id);
    memset(m, 0, sizeof *m);
}

static const char SQL_IDS_MISSING[] =
    "SELECT count(*) FROM patients WHERE uuid NOT IN (SELECT patient FROM study_ids)";
/* Numbered after the highest id given so far, in registration order. */
static const char SQL_IDS_GIVE[] =
    "INSERT INTO study_ids(patient, study_id, created_at) "
    "SELECT uuid, printf('S%04d', (SELECT count(*) FROM study_ids) + row_number() "
    "  OVER (ORDER BY created_at, mrn, uuid)), ?1 "
    "FROM patients WHERE uuid NOT IN (SELECT patient FROM study_ids)";

int store_study_ids(store *s, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_IDS_MISSING);
    if (!q)
        return st_fail(err, "internal error");
    int missing = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_reset(q);
    if (missing < 0)
        return st_fail_db(s, err, "cannot read the study ids");
    if (missing == 0)
        return 0;
    if (s->readonly)
        return st_fail(err, "%s: %d patient%s no study id yet, and the database is read-only",
                       s->path, missing, missing == 1 ? " has" : "s have");
    if (st_tx_begin(s, err) < 0)
        return -1;
    q = st_stmt(s, SQL_IDS_GIVE);
    char now[21];
    util_timestamp(now);
    int ok = 0;
    if (q) {
        st_bind_text(q, 1, now);
        ok = sqlite3_step(q) == SQLITE_DONE;
        if (!ok)
            st_fail_db(s, err, "cannot give study ids");
        sqlite3_reset(q);
    }
    if (st_tx_end(s, ok, err) < 0 || !ok)
        return -1;
    return missing;
}
