/* store_list.c — the patient list, read one page at a time.
 *
 * Pages are keyset pages: the rows after (or before) an MRN, walked on the
 * MRN index, so the page a screen shows costs the same at 100 or 100,000
 * patients; nothing is skipped with OFFSET. The sides and the latest current
 * score come from correlated subqueries on indexes, for the rows returned
 * only. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

/* ?1 the folded search or NULL, ?2/?3 the score's form and id, ?4 the
 * limit, ?5 the MRN a page starts after (before, for a page backwards). */
#define LATEST_SCORE                                                                          \
    "(SELECT sc.value FROM records r JOIN scores sc ON sc.record = r.uuid AND sc.score = ?3"  \
    "  WHERE r.patient = p.uuid AND +r.form = ?2 AND r.status = 'final' AND NOT EXISTS"       \
    "  (SELECT 1 FROM records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void'))" \
    "  ORDER BY r.visit_date DESC, r.entered_at DESC LIMIT 1)"
#define PATIENT_COLS(score)                                                                   \
    "SELECT p.uuid, p.mrn, p.name, p.sex, p.born,"                                            \
    " (SELECT group_concat(side, '') FROM (SELECT side FROM hips WHERE patient = p.uuid"      \
    "   ORDER BY side)), " score
/* What a search finds: the folded MRN or name contains the folded search. */
#define FOUND "(instr(bedside_fold(p.mrn), ?1) > 0 OR instr(bedside_fold(p.name), ?1) > 0)"
#define PATIENT_ROWS_WITH(score, where, order)                                                \
    PATIENT_COLS(score) " FROM patients p"                                                    \
    " WHERE " where " (?1 IS NULL OR " FOUND ")"                                              \
    " ORDER BY p.mrn " order " LIMIT ?4"
#define PATIENT_ROWS(where, order) PATIENT_ROWS_WITH(LATEST_SCORE, where, order)

/* The same rows through the search index (store_search.c), in id order,
 * which is MRN order, read until the limit: for a search of three
 * characters or more the FTS5 phrase matches of the trigram index, for one
 * or two the ids under that gram (patient_gram), or while the file holds a
 * text that is not plain UTF-8 the folded rows (patient_fold) that contain
 * it. Each is checked as
 * the scan checks it, so a stale index can hide a patient but never show a
 * wrong one (bedside check reports it stale). */
#define KEY_ID                                                                                \
    "(SELECT kf.id FROM patients k CROSS JOIN patient_fold kf ON kf.patient = k.uuid"         \
    " WHERE k.mrn = ?5)"
#define INDEXED_ROWS_WITH(cols, from, match, key, where, order)                               \
    cols " FROM " from " CROSS JOIN patients p ON p.uuid = f.patient"                         \
    " WHERE " where " " match " AND " FOUND " ORDER BY " key " " order " LIMIT ?4"
#define INDEXED_KINDS(from, match, key)                                                       \
    {                                                                                         \
        [FIRST] = INDEXED_ROWS_WITH(PATIENT_COLS(LATEST_SCORE), from, match, key, "", ""),    \
        [AFTER] = INDEXED_ROWS_WITH(PATIENT_COLS(LATEST_SCORE), from, match, key,             \
                                    key " > " KEY_ID " AND", ""),                             \
        [BEFORE] = INDEXED_ROWS_WITH(PATIENT_COLS(LATEST_SCORE), from, match, key,            \
                                     key " < " KEY_ID " AND", "DESC"),                        \
        [LAST] = INDEXED_ROWS_WITH(PATIENT_COLS(LATEST_SCORE), from, match, key, "", "DESC"), \
        [ALL] = INDEXED_ROWS_WITH(PATIENT_COLS("NULL"), from, match, key, "", ""),            \
        [WIDTHS] = INDEXED_ROWS_WITH("SELECT max(bedside_width(p.mrn)),"                      \
                                     " max(bedside_width(p.name))", from, match, key, "", ""), \
    }

enum { FIRST, AFTER, BEFORE, LAST, ALL, WIDTHS, KINDS };
static const char *const SQL_SCAN[KINDS] = {
    [FIRST] = PATIENT_ROWS("", ""),
    [AFTER] = PATIENT_ROWS("p.mrn > ?5 AND", ""),
    [BEFORE] = PATIENT_ROWS("p.mrn < ?5 AND", "DESC"),
    [LAST] = PATIENT_ROWS("", "DESC"),
    /* The command line shows no score: the stream reads none. */
    [ALL] = PATIENT_ROWS_WITH("NULL", "", ""),
    [WIDTHS] = "SELECT max(bedside_width(p.mrn)), max(bedside_width(p.name)) FROM patients p"
               " WHERE ?1 IS NULL OR " FOUND,
};
static const char *const SQL_INDEXED[][KINDS] = {
    [ST_SEARCH_TRIGRAMS] = INDEXED_KINDS(
        "patient_search s CROSS JOIN patient_fold f ON f.id = s.rowid",
        "s.patient_search MATCH '\"' || replace(?1, '\"', '\"\"') || '\"'", "s.rowid"),
    [ST_SEARCH_FOLDED] = INDEXED_KINDS(
        "patient_fold f", "(instr(f.mrn, ?1) > 0 OR instr(f.name, ?1) > 0)", "f.id"),
    [ST_SEARCH_GRAMS] = INDEXED_KINDS(
        "patient_gram g CROSS JOIN patient_fold f ON f.id = g.id", "g.gram = ?1", "g.id"),
};

/* The statement for this kind of read and search, with the search bound. */
static sqlite3_stmt *search_stmt(store *s, int kind, const char *search)
{
    int way = st_search_indexed(search);
    if (way == ST_SEARCH_FOLDED && (way = st_search_short_way(s)) < 0)
        return NULL;
    sqlite3_stmt *q = st_stmt(s, way == ST_SEARCH_SCAN ? SQL_SCAN[kind] : SQL_INDEXED[way][kind]);
    if (q && search && *search) {
        char *folded = st_fold(search);
        st_bind_text(q, 1, folded);
        free(folded);
    }
    return q;
}

static void row_from(sqlite3_stmt *q, st_patient_row *row)
{
    memset(row, 0, sizeof *row);
    st_patient_from_row(q, 0, &row->p);
    const char *sides = (const char *)sqlite3_column_text(q, 5);
    snprintf(row->sides, sizeof row->sides, "%s", sides ? sides : "");
    row->has_score = sqlite3_column_type(q, 6) != SQLITE_NULL;
    row->score = sqlite3_column_double(q, 6);
}

st_patient_row *store_patient_page(store *s, const char *search, const char *key, int dir,
                                   const char *score_form, const char *score_id, size_t limit,
                                   size_t *n)
{
    *n = 0;
    sqlite3_stmt *q = search_stmt(s, dir >= 0 ? (key ? AFTER : FIRST) : (key ? BEFORE : LAST),
                                  search);
    if (!q)
        return NULL;
    st_bind_text(q, 2, score_form);
    st_bind_text(q, 3, score_id);
    sqlite3_bind_int64(q, 4, limit ? (sqlite3_int64)limit : -1);
    if (key)
        st_bind_text(q, 5, key);
    st_patient_row *v = NULL;
    size_t cap = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xrealloc(v, cap * sizeof *v);
        }
        row_from(q, &v[(*n)++]);
    }
    sqlite3_reset(q);
    if (dir < 0)   /* read backwards from the key: give them in MRN order */
        st_reverse(v, *n, sizeof *v);
    return v;
}

st_patient_row *store_patient_list(store *s, const char *search, const char *score_form,
                                   const char *score_id, size_t limit, size_t *n)
{
    return store_patient_page(s, search, NULL, 1, score_form, score_id, limit, n);
}

int store_each_patient(store *s, const char *search, store_patient_row_fn fn, void *ctx)
{
    sqlite3_stmt *q = search_stmt(s, ALL, search);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 4, -1);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        st_patient_row row;
        row_from(q, &row);
        stop = fn(ctx, &row);
        st_patient_free(&row.p);
    }
    stop = st_walk_end(s, rc, stop);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return stop;
}

int store_patient_widths(store *s, const char *search, size_t *mrn, size_t *name)
{
    *mrn = *name = 0;
    sqlite3_stmt *q = search_stmt(s, WIDTHS, search);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 4, -1);   /* the index's form has the limit */
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *mrn = (size_t)sqlite3_column_int64(q, 0);
        *name = (size_t)sqlite3_column_int64(q, 1);
    } else {
        fprintf(stderr, "bedside: %s: %s\n", s->path, sqlite3_errmsg(s->db));
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_ROW ? 0 : -1;
}

long store_patient_count(store *s)
{
    sqlite3_stmt *q = st_stmt(s, "SELECT count(*) FROM patients");
    long n = q && sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : -1;
    if (q)
        sqlite3_reset(q);
    return n;
}

void store_patient_rows_free(st_patient_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st_patient_free(&rows[i].p);
    free(rows);
}
