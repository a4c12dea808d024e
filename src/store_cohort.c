/* store_cohort.c — the cohort as a whole, for `report` and exports: hips
 * with their endpoint and last record, every score, every answer to one
 * field. Each is one statement walked once. */
#include "store_internal.h"

#include <stdlib.h>

#define NOT_SUPERSEDED                                                                       \
    "NOT EXISTS (SELECT 1 FROM records n "                                                   \
    "WHERE n.supersedes = r.uuid AND n.status IN ('final','void'))"
#define CURRENT_HIP_RECORD "r.status = 'final' AND r.hip IS NOT NULL AND " NOT_SUPERSEDED
#define CURRENT_PATIENT_RECORD "r.status = 'final' AND r.hip IS NULL AND " NOT_SUPERSEDED

/* ?1, ?2: the event's form and path; ?5: the other forms that end follow-up
 * ([[form, path], ...]); the bare end_form comes from the row holding the
 * minimum (SQLite's rule for min()). fin holds the end of each hip (who: its
 * uuid) and of each patient (a patient-scope form's, which ends every hip:
 * who is the patient's uuid); a hip ends at the earlier of the two. */
#define PATIENT_END_FIRST "(g.end_date IS NOT NULL AND (f.end_date IS NULL OR g.end_date < f.end_date))"
static const char SQL_COHORT[] =
    "WITH cur AS (SELECT r.hip AS hip, max(r.visit_date) AS last_date, "
    "min(CASE WHEN r.form = ?1 THEN json_extract(r.answers, ?2) END) AS event_date "
    "FROM records r WHERE " CURRENT_HIP_RECORD " GROUP BY r.hip), "
    "fin AS (SELECT ifnull(r.hip, r.patient) AS who, "
    "min(json_extract(r.answers, json_extract(e.value, '$[1]'))) AS end_date, "
    "r.form AS end_form FROM records r JOIN json_each(?5) e ON json_extract(e.value, '$[0]') = r.form "
    "WHERE r.status = 'final' AND " NOT_SUPERSEDED " AND "
    "json_extract(r.answers, json_extract(e.value, '$[1]')) IS NOT NULL GROUP BY who) "
    "SELECT p.uuid, p.mrn, p.name, p.sex, p.born, " ST_HIP_COLS("h") ", c.event_date, c.last_date, "
    "CASE WHEN " PATIENT_END_FIRST " THEN g.end_date ELSE f.end_date END, "
    "CASE WHEN " PATIENT_END_FIRST " THEN g.end_form ELSE f.end_form END "
    "FROM patients p JOIN hips h ON h.patient = p.uuid LEFT JOIN cur c ON c.hip = h.uuid "
    "LEFT JOIN fin f ON f.who = h.uuid LEFT JOIN fin g ON g.who = p.uuid "
    "WHERE h.observed = 0 AND (?3 IS NULL OR h.index_date >= ?3) "
    "AND (?4 IS NULL OR h.index_date <= ?4) "
    "ORDER BY p.mrn, h.side";

/* ?1: a JSON array of "form.score" names: only those come back, found
 * through the scores' (score, value) index rather than a pass over every
 * record; rows in the order the records were written, as a pass gives them
 * (of a visit recorded twice on one day, the later one counts). */
#define NAMED_SCORES(who, current)                                                           \
    "SELECT " who ", r.timepoint, r.form, s.score, s.value, r.visit_date "                   \
    "FROM scores s JOIN records r ON r.uuid = s.record WHERE " current                       \
    " AND s.score IN (SELECT substr(value, instr(value, '.') + 1) FROM json_each(?1))"       \
    " AND r.form || '.' || s.score IN (SELECT value FROM json_each(?1)) ORDER BY r.rowid"
static const char SQL_SCORES[] = NAMED_SCORES("r.hip", CURRENT_HIP_RECORD);
static const char SQL_PATIENT_SCORES[] = NAMED_SCORES("r.patient", CURRENT_PATIENT_RECORD);

#define ANSWERS(who, current)                                                                \
    "SELECT " who ", json_extract(r.answers, ?2) AS v, r.visit_date FROM records r "         \
    "WHERE r.form = ?1 AND " current " AND v IS NOT NULL ORDER BY " who ", r.visit_date"
static const char SQL_ANSWERS[] = ANSWERS("r.hip", CURRENT_HIP_RECORD);
static const char SQL_PATIENT_ANSWERS[] = ANSWERS("r.patient", CURRENT_PATIENT_RECORD);

static int finish(store *s, sqlite3_stmt *q, int rc, int stop)
{
    sqlite3_reset(q);
    return st_walk_end(s, rc, stop);
}

int store_each_cohort_hip(store *s, int from, int to, const st_end *event, const st_ends *ends,
                          store_cohort_fn fn, void *ctx)
{
    st_bulk_reads(s);
    sqlite3_stmt *q = st_stmt(s, SQL_COHORT);
    if (!q)
        return -1;
    char *path = event ? st_json_path(event->field) : NULL;
    char *js = st_ends_json(ends, event ? event->form : NULL);
    st_bind_text(q, 1, path ? event->form : NULL);
    st_bind_text(q, 2, path);
    if (from >= 0)
        st_bind_date(q, 3, from);
    if (to >= 0)
        st_bind_date(q, 4, to);
    st_bind_text(q, 5, js);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        st_patient p;
        st_hip h;
        st_patient_from_row(q, 0, &p);
        st_hip_from_row(s, q, 5, &h);
        enum { EVENT = 5 + ST_HIP_NCOLS, LAST, END, END_FORM };
        st_followup fu = {-1, -1, -1, ""};
        if (sqlite3_column_type(q, EVENT) != SQLITE_NULL)
            fu.event_date = st_col_date(q, EVENT);
        if (sqlite3_column_type(q, LAST) != SQLITE_NULL)
            fu.last_date = st_col_date(q, LAST);
        if (sqlite3_column_type(q, END) != SQLITE_NULL) {
            fu.end_date = st_col_date(q, END);
            const char *ef = (const char *)sqlite3_column_text(q, END_FORM);
            snprintf(fu.end_form, sizeof fu.end_form, "%s", ef ? ef : "");
        }
        stop = fn(ctx, &p, &h, &fu);
        st_patient_free(&p);
        st_hip_free(&h);
    }
    free(path);
    free(js);
    return finish(s, q, rc, stop);
}

int store_count_observed(store *s)
{
    sqlite3_stmt *q = st_stmt(s, "SELECT count(*) FROM hips WHERE observed = 1");
    if (!q)
        return -1;
    int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_reset(q);
    return n;
}

static int each_score(store *s, const char *sql, const char *const *names, int n,
                      store_score_fn fn, void *ctx)
{
    sqlite3_stmt *q = st_stmt(s, sql);
    if (!q)
        return -1;
    sbuf js = {0};
    sbuf_add(&js, "[");
    for (int i = 0; i < n; i++) {
        sbuf_add(&js, i ? "," : "");
        st_json_string(&js, names[i]);
    }
    sbuf_add(&js, "]");
    st_bind_text(q, 1, js.s);
    sbuf_free(&js);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW)
        stop = fn(ctx, (const char *)sqlite3_column_text(q, 0),
                  (const char *)sqlite3_column_text(q, 1), (const char *)sqlite3_column_text(q, 2),
                  (const char *)sqlite3_column_text(q, 3), sqlite3_column_double(q, 4),
                  st_col_date(q, 5));
    return finish(s, q, rc, stop);
}

int store_each_hip_score(store *s, const char *const *names, int n, store_score_fn fn,
                         void *ctx)
{
    return each_score(s, SQL_SCORES, names, n, fn, ctx);
}

int store_each_patient_score(store *s, const char *const *names, int n, store_score_fn fn,
                             void *ctx)
{
    return each_score(s, SQL_PATIENT_SCORES, names, n, fn, ctx);
}

static int each_answer(store *s, const char *sql, const char *form, const char *field,
                       store_answer_fn fn, void *ctx)
{
    sqlite3_stmt *q = st_stmt(s, sql);
    char *path = st_json_path(field);
    if (!q || !path) {
        free(path);
        return -1;
    }
    st_bind_text(q, 1, form);
    st_bind_text(q, 2, path);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW)
        stop = fn(ctx, (const char *)sqlite3_column_text(q, 0),
                  (const char *)sqlite3_column_text(q, 1), st_col_date(q, 2));
    free(path);
    return finish(s, q, rc, stop);
}

int store_each_hip_answer(store *s, const char *form, const char *field, store_answer_fn fn,
                          void *ctx)
{
    return each_answer(s, SQL_ANSWERS, form, field, fn, ctx);
}

int store_each_patient_answer(store *s, const char *form, const char *field,
                              store_answer_fn fn, void *ctx)
{
    return each_answer(s, SQL_PATIENT_ANSWERS, form, field, fn, ctx);
}
