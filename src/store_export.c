/* store_export.c — the reads behind the exports (store_export.h). Set-wise:
 * one statement yields every record with its patient, hip, version and
 * each answer and score as a row of its own, so nothing is asked per
 * record; the rows of one record come together and are gathered here. A
 * second statement walks the current enrolment answers in the same patient
 * order, so each patient's are gathered once, however many records. */
#include "store_export.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

/* version: how many final or void rows precede this one in its supersede
 * chain, plus one. A row whose chain is broken (bedside check reports it)
 * still comes out, as version 1, rather than being silently dropped. */
static const char SQL_EXPORT[] =
    "WITH RECURSIVE ver(uuid, n) AS ("
    "  SELECT uuid, 1 FROM records WHERE supersedes IS NULL AND status <> 'draft'"
    "  UNION ALL SELECT r.uuid, ver.n + 1 FROM ver JOIN records r ON r.supersedes = ver.uuid"
    "  WHERE r.status <> 'draft'),"
    "rec AS MATERIALIZED (SELECT * FROM (SELECT r.uuid, r.patient, r.hip, r.timepoint,"
    "  r.visit_date, r.form, r.form_version, r.status, r.entered_by, r.entered_at,"
    "  ifnull(r.supersedes, '') AS supersedes, r.reason, r.answers, r.out_of_window,"
    "  ifnull((SELECT n FROM ver WHERE ver.uuid = r.uuid), 1) AS version,"
    "  CASE WHEN r.status = 'void' THEN 'void' WHEN EXISTS (SELECT 1 FROM records n"
    "    WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) THEN 'superseded'"
    "    ELSE 'current' END AS state"
    "  FROM records r WHERE r.status <> 'draft' AND (?1 IS NULL OR r.form = ?1))"
    "  WHERE ?2 OR state = 'current'),"
    "item(rec, kind, key, value) AS ("
    "  SELECT rec.uuid, 0, j.key, j.value FROM rec, json_each(rec.answers) j"
    "  UNION ALL SELECT s.record, 1, s.score, s.value FROM rec JOIN scores s"
    "  ON s.record = rec.uuid) "
    "SELECT rec.uuid, rec.patient, ifnull(rec.hip, ''), h.side, rec.timepoint,"
    " rec.visit_date, rec.form, rec.form_version, rec.status, rec.entered_by,"
    " rec.entered_at, rec.supersedes, rec.reason, rec.version, rec.state,"
    " p.uuid, p.mrn, p.name, p.sex, p.born,"
    " h.uuid, h.patient, h.side, h.index_date, NULL, sid.study_id, item.kind, item.key,"
    " item.value, rec.out_of_window "
    "FROM rec JOIN patients p ON p.uuid = rec.patient LEFT JOIN hips h ON h.uuid = rec.hip"
    " LEFT JOIN study_ids sid ON sid.patient = p.uuid LEFT JOIN item ON item.rec = rec.uuid "
    "ORDER BY p.mrn, ifnull(h.side, ''), rec.visit_date, rec.entered_at, rec.form, rec.uuid,"
    " item.kind";

/* Every current enrolment answer, in the records' patient order (the MRN),
 * the latest entered record first: store_each_export walks it alongside. */
static const char SQL_ENROL[] =
    "SELECT p.mrn, enr.patient, ifnull(enr.hip, enr.patient), enr.form, ea.key, ea.value "
    "FROM current_records enr JOIN patients p ON p.uuid = enr.patient,"
    " json_each(enr.answers) ea "
    "WHERE enr.timepoint = 'enrolment' AND ea.value IS NOT NULL "
    "ORDER BY p.mrn, enr.patient, enr.entered_at DESC, enr.uuid";

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

enum { C_VERSION = 13, C_STATE, C_PATIENT, C_HIP = 20, C_STUDY = C_HIP + ST_HIP_NCOLS, C_KIND, C_KEY, C_VALUE,
       C_OOW };

typedef struct {
    st_patient p;
    st_hip h;
    st_record r;
    char state[12];
    char *study;
    int version, open;
} gathered;

static void gathered_clear(gathered *g)
{
    if (!g->open)
        return;
    st_patient_free(&g->p);
    st_hip_free(&g->h);
    st_record_free(&g->r);
    free(g->study);
    g->study = NULL;
    g->open = 0;
}

static void gathered_start(store *s, gathered *g, sqlite3_stmt *q)
{
    st_record *r = &g->r;
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
    g->open = 1;
}

static void gathered_item(gathered *g, sqlite3_stmt *q)
{
    const char *key = (const char *)sqlite3_column_text(q, C_KEY);
    if (!key || sqlite3_column_type(q, C_VALUE) == SQLITE_NULL)
        return;
    if (sqlite3_column_int(q, C_KIND) == 0)
        st_record_answer(&g->r, key, (const char *)sqlite3_column_text(q, C_VALUE));
    else
        st_record_score(&g->r, key, sqlite3_column_double(q, C_VALUE));
}

static int gathered_emit(gathered *g, enrol_walk *e, store_export_fn fn, void *ctx)
{
    if (enrol_move(e, &g->p) != SQLITE_OK) {
        gathered_clear(g);
        return -2;
    }
    st_export_row row = {&g->p, &g->h, &g->r, g->version, g->state, g->study, e->v, e->n};
    int stop = fn(ctx, &row);
    gathered_clear(g);
    return stop;
}

int store_each_export(store *s, const char *form, int all_versions, store_export_fn fn,
                      void *ctx)
{
    sqlite3_stmt *q = NULL;
    enrol_walk e = {0};
    if (sqlite3_prepare_v2(s->db, SQL_EXPORT, -1, &q, NULL) != SQLITE_OK ||
        enrol_open(s, &e) != 0) {
        fprintf(stderr, "bedside: internal error preparing SQL: %s\n", sqlite3_errmsg(s->db));
        sqlite3_finalize(q);
        enrol_close(&e);
        return -1;
    }
    st_bind_text(q, 1, form);
    sqlite3_bind_int(q, 2, all_versions != 0);
    gathered g = {0};
    int rc = SQLITE_DONE, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *uuid = (const char *)sqlite3_column_text(q, 0);
        if (g.open && (!uuid || strcmp(uuid, g.r.uuid) != 0))
            stop = gathered_emit(&g, &e, fn, ctx);
        if (stop)
            break;
        if (!g.open)
            gathered_start(s, &g, q);
        gathered_item(&g, q);
    }
    if (!stop && g.open)
        stop = gathered_emit(&g, &e, fn, ctx);
    gathered_clear(&g);
    if ((!stop && rc != SQLITE_DONE && rc != SQLITE_ROW) || stop == -2) {
        fprintf(stderr, "bedside: %s: %s\n", s->path, sqlite3_errmsg(s->db));
        stop = -1;
    }
    sqlite3_finalize(q);
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
