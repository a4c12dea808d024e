/* store_search.c — the search index behind the patient list's search.
 *
 * The list finds a patient whose folded MRN or name contains the folded
 * search (store_list.c). Scanning folds every patient; the index answers
 * "contains" from SQLite's FTS5 trigram tokenizer instead, over bedside's own
 * folding of each MRN and name (patient_fold, the index's content table), so
 * a match is exactly what the scan would find.
 *
 * The folding is done as in a UTF-8 locale ("C.UTF-8"), whatever locale
 * wrote it, so that nurses in different locales keep one index; a process
 * whose own folding differs (a non-UTF-8 or Turkish locale) scans instead.
 * A search of one or two characters has no trigram to look up: it reads
 * the patients' ids under that gram (patient_gram: each one- and
 * two-character piece of every folded MRN and name), in id order, so it
 * too stops at the page and a search that finds no one reads nothing. While
 * a folded text in the file is not plain UTF-8 (the gram '', see
 * ST_SEARCH_GRAM_TABLE) SQLite's characters may not be the search's, and it
 * reads the folded rows themselves instead (patient_fold, in id order,
 * already folded: some 18 ms of CPU at 100,000 patients for a search that
 * finds no one).
 *
 * A patient's id orders the index as the list is ordered, by MRN: ids are
 * 2^40 apart when the index is built, and a new patient takes the middle of
 * the gap between its neighbours by MRN (or a whole gap past the end). Then
 * a page of matches is the next rows of the FTS query in rowid order, read
 * on the index and stopped at the page's end however many patients match.
 * A gap used up (some 40 patients added one after the other between the
 * same two MRNs) renumbers the whole index. */
#include "store_internal.h"

#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

static locale_t utf8_locale(void)
{
    static locale_t loc;
    static int tried;
    if (!tried) {
        tried = 1;
        loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    return loc;
}

char *st_search_fold(const char *text)
{
    locale_t loc = utf8_locale();   /* else the process's own locale */
    if (!loc)
        return st_fold(text);
    locale_t was = uselocale(loc);
    char *f = st_fold_as(text, 1);
    uselocale(was);
    return f;
}

int st_search_indexed(const char *search)
{
    size_t bad;
    if (!search || !*search || !utf8_valid(search, strlen(search), &bad))
        return ST_SEARCH_SCAN;
    const char *codeset = nl_langinfo(CODESET);
    if (!codeset || strcmp(codeset, "UTF-8") != 0 || towlower(L'I') != L'i')
        return ST_SEARCH_SCAN;
    char *mine = st_fold(search), *its = st_search_fold(search);
    int way = strcmp(mine, its) != 0 ? ST_SEARCH_SCAN
              : utf8_chars(mine) >= 3 ? ST_SEARCH_TRIGRAMS
                                      : ST_SEARCH_FOLDED;
    free(mine);
    free(its);
    return way;
}

/* A patient whose folded MRN or name SQLite splits otherwise than UTF-8. */
static const char SQL_UNPLAIN[] = "SELECT EXISTS (SELECT 1 FROM patient_gram WHERE gram = '')";

int st_search_short_way(store *s)
{
    sqlite3_stmt *q = st_stmt(s, SQL_UNPLAIN);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    int way = rc != SQLITE_ROW ? -1 : sqlite3_column_int(q, 0) ? ST_SEARCH_FOLDED : ST_SEARCH_GRAMS;
    sqlite3_reset(q);
    return way;
}

/* The ids of the patients next to an MRN, before and after it. */
static const char SQL_ID_BEFORE[] =
    "SELECT f.id FROM patients p CROSS JOIN patient_fold f ON f.patient = p.uuid"
    " WHERE p.mrn < ?1 ORDER BY p.mrn DESC LIMIT 1";
static const char SQL_ID_AFTER[] =
    "SELECT f.id FROM patients p CROSS JOIN patient_fold f ON f.patient = p.uuid"
    " WHERE p.mrn > ?1 ORDER BY p.mrn LIMIT 1";
static const char SQL_ADD[] =
    "INSERT INTO patient_fold(id, patient, mrn, name) SELECT ?2, uuid,"
    " bedside_search_fold(mrn), bedside_search_fold(name) FROM patients WHERE uuid = ?1";
static const char SQL_MRN[] = "SELECT mrn FROM patients WHERE uuid = ?1";
/* Dropped and made again as the migration made it: whatever is wrong
 * with the index goes with it. */
static const char SQL_REBUILD[] =
    "DROP TABLE patient_search; DROP TABLE patient_fold; DROP TABLE IF EXISTS patient_gram;"
    ST_SEARCH_SCHEMA ST_SEARCH_MRN_INDEX ST_SEARCH_GRAM_TABLE;

/* The id next to mrn (dir < 0 before, else after): 1 and *id, 0 if there
 * is none, -1 on an error. */
static int neighbour(store *s, const char *mrn, int dir, sqlite3_int64 *id)
{
    sqlite3_stmt *q = st_stmt(s, dir < 0 ? SQL_ID_BEFORE : SQL_ID_AFTER);
    if (!q)
        return -1;
    st_bind_text(q, 1, mrn);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store_search_rebuild(store *s, char **err)
{
    if (st_tx_begin(s, err) < 0)
        return -1;
    int ok = sqlite3_exec(s->db, SQL_REBUILD, NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        st_fail_db(s, err, "cannot rebuild the search index");
    return st_tx_end(s, ok, err);
}

int st_search_add(store *s, const char *uuid, char **err)
{
    const sqlite3_int64 space = (sqlite3_int64)1 << 40;
    sqlite3_stmt *q = st_stmt(s, SQL_MRN);
    if (!q)
        return st_fail_db(s, err, "cannot index the patient for search");
    st_bind_text(q, 1, uuid);
    char *mrn = sqlite3_step(q) == SQLITE_ROW ? st_col_strdup(q, 0) : NULL;
    sqlite3_reset(q);
    if (!mrn)
        return st_fail_db(s, err, "cannot index the patient for search");
    sqlite3_int64 lo = 0, hi = 0, id = 0;
    int has_lo = neighbour(s, mrn, -1, &lo), has_hi = neighbour(s, mrn, 1, &hi);
    free(mrn);
    if (has_lo < 0 || has_hi < 0)
        return st_fail_db(s, err, "cannot index the patient for search");
    int fits = 1;
    if (has_lo && has_hi) {
        fits = lo < hi - 1;   /* the difference, unsigned, cannot overflow */
        id = (sqlite3_int64)((uint64_t)lo + ((uint64_t)hi - (uint64_t)lo) / 2);
    } else if (has_lo) {
        fits = lo <= INT64_MAX - space;
        id = fits ? lo + space : 0;
    } else if (has_hi) {
        fits = hi >= INT64_MIN + space;
        id = fits ? hi - space : 0;
    } else {
        id = space;
    }
    if (!fits) {   /* no room between the neighbours: number them all anew */
        int rc = sqlite3_exec(s->db, SQL_REBUILD, NULL, NULL, NULL);
        return rc == SQLITE_OK ? 0 : st_fail_db(s, err, "cannot rebuild the search index");
    }
    q = st_stmt(s, SQL_ADD);
    if (!q)
        return st_fail_db(s, err, "cannot index the patient for search");
    st_bind_text(q, 1, uuid);
    sqlite3_bind_int64(q, 2, id);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot index the patient for search");
}

/* The index agrees with the patients table: every patient has its row,
 * folded as now, and the ids go up with the MRNs. */
static const char SQL_DISAGREE[] =
    "SELECT p.mrn, CASE WHEN f.id IS NULL THEN 'is missing from'"
    " ELSE 'has another MRN or name in' END FROM patients p"
    " LEFT JOIN patient_fold f ON f.patient = p.uuid"
    " WHERE f.id IS NULL OR f.mrn IS NOT bedside_search_fold(p.mrn)"
    " OR f.name IS NOT bedside_search_fold(p.name)"
    " UNION ALL SELECT f.patient, 'is a missing patient in' FROM patient_fold f"
    " WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.uuid = f.patient)"
    " UNION ALL SELECT mrn, printf('comes before %s in', prev) FROM (SELECT p.mrn, f.id,"
    " lag(p.mrn) OVER w AS prev, lag(f.id) OVER w AS prev_id FROM patients p"
    " JOIN patient_fold f ON f.patient = p.uuid WINDOW w AS (ORDER BY p.mrn))"
    " WHERE id <= prev_id";
/* Patients whose MRNs differ only in case: one MRN to every lookup (the
 * folded MRN), which patient add and merge refuse; a file merged before
 * merge refused them can hold such a pair. Read through the index's folded
 * MRNs, in their order, once the index agrees with the patients. */
static const char SQL_CASE_CLASH[] =
    "SELECT group_concat(p.mrn, ' and ') FROM patient_fold f JOIN patients p"
    " ON p.uuid = f.patient GROUP BY f.mrn HAVING count(*) > 1";
/* The grams are those of the folded rows. Read patient by patient, in
 * little memory: each folded row's grams are in the table, and the table
 * has as many rows as the folded rows give distinct grams, so none more
 * (1 if either fails). */
#define GRAMS_OF_ROW ST_SEARCH_GRAMS_OF("VALUES (f.id, f.mrn), (f.id, f.name)")
static const char SQL_GRAMS_WRONG[] =
    "SELECT EXISTS (SELECT 1 FROM patient_fold f WHERE EXISTS (SELECT 1 FROM (" GRAMS_OF_ROW
    ") w WHERE NOT EXISTS (SELECT 1 FROM patient_gram g WHERE g.gram = w.gram AND g.id = w.id)))"
    " OR (SELECT count(*) FROM patient_gram) <> (SELECT coalesce(sum((SELECT count(*) FROM"
    " (SELECT DISTINCT gram FROM (" GRAMS_OF_ROW ")))), 0) FROM patient_fold f)";
/* Then which: the ids whose grams differ, and their MRNs (none if the id
 * is no patient's), the two sets compared whole (at 100,000 patients some
 * 230 MB in memory, where the check above needs 20). */
static const char SQL_GRAMS_DISAGREE[] =
    "WITH want(gram, id) AS MATERIALIZED (SELECT gram, id FROM ("
    ST_SEARCH_GRAMS_OF("SELECT id, mrn FROM patient_fold UNION ALL SELECT id, name FROM patient_fold")
    ")), bad(id) AS (SELECT id FROM (SELECT gram, id FROM want EXCEPT"
    " SELECT gram, id FROM patient_gram) UNION SELECT id FROM (SELECT gram, id FROM"
    " patient_gram EXCEPT SELECT gram, id FROM want))"
    " SELECT p.mrn, b.id FROM bad b LEFT JOIN patient_fold f ON f.id = b.id"
    " LEFT JOIN patients p ON p.uuid = f.patient ORDER BY b.id";
/* rank 1: against the content table too, not only the index's own shape. */
static const char SQL_FTS_CHECK[] =
    "INSERT INTO patient_search(patient_search, rank) VALUES ('integrity-check', 1)";

/* Hand a problem line over, and free it. */
static int report(void (*cb)(void *ctx, const char *problem), void *ctx, char *line)
{
    cb(ctx, line);
    free(line);
    return 1;
}

int st_search_check(store *s, void (*cb)(void *ctx, const char *problem), void *ctx)
{
    static const char fix[] = "bedside check --repair-derived rebuilds it";
    int n = 0;
    sqlite3_stmt *q = st_stmt(s, SQL_DISAGREE);
    int rc = SQLITE_ERROR;
    while (q && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        /* Values from the file are untrusted text: escaped. */
        const char *who = (const char *)sqlite3_column_text(q, 0);
        const char *how = (const char *)sqlite3_column_text(q, 1);
        char *ew = text_escape(who ? who : "(none)"), *eh = text_escape(how ? how : "");
        n += report(cb, ctx, xasprintf("patient %s %s the search index; %s", ew, eh, fix));
        free(ew);
        free(eh);
    }
    if (q)
        sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        n += report(cb, ctx, xasprintf("%s: cannot compare the search index with the "
                                       "patients: %s", s->path, sqlite3_errmsg(s->db)));
    q = n ? NULL : st_stmt(s, SQL_CASE_CLASH);
    while (q && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *mrns = (const char *)sqlite3_column_text(q, 0);
        char *e = text_escape(mrns ? mrns : "");
        n += report(cb, ctx, xasprintf("patients %s: MRNs that differ only in case, which "
                                       "bedside takes for one MRN (patient add and merge "
                                       "refuse the second); correct all but one", e));
        free(e);
    }
    if (q) {
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            n += report(cb, ctx, xasprintf("%s: cannot compare the MRNs: %s", s->path,
                                           sqlite3_errmsg(s->db)));
    }
    int wrong = SQLITE_DONE;
    if (!n) {
        q = st_stmt(s, SQL_GRAMS_WRONG);
        wrong = q ? sqlite3_step(q) : SQLITE_ERROR;
        if (wrong == SQLITE_ROW && sqlite3_column_int(q, 0) == 0)
            wrong = SQLITE_DONE;   /* they agree */
        if (wrong != SQLITE_ROW && wrong != SQLITE_DONE)
            n += report(cb, ctx, xasprintf("%s: cannot compare the search index's grams: %s",
                                           s->path, sqlite3_errmsg(s->db)));
        if (q)
            sqlite3_reset(q);
    }
    q = wrong == SQLITE_ROW ? st_stmt(s, SQL_GRAMS_DISAGREE) : NULL;
    while (q && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *mrn = (const char *)sqlite3_column_text(q, 0);
        char *e = text_escape(mrn ? mrn : "");
        n += report(cb, ctx,
                    mrn ? xasprintf("patient %s has other characters in the search index's "
                                    "grams; %s", e, fix)
                        : xasprintf("the search index's grams name id %lld, which is no "
                                    "patient's; %s", (long long)sqlite3_column_int64(q, 1), fix));
        free(e);
    }
    if (q) {
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            n += report(cb, ctx, xasprintf("%s: cannot compare the search index's grams: %s",
                                           s->path, sqlite3_errmsg(s->db)));
    }
    /* FTS5's own check of the index against its content is a write
     * statement (that writes nothing): not on a read-only file. */
    q = s->readonly ? NULL : st_stmt(s, SQL_FTS_CHECK);
    if (q && sqlite3_step(q) != SQLITE_DONE)
        n += report(cb, ctx, xasprintf("%s: the search index is damaged (%s); %s", s->path,
                                       sqlite3_errmsg(s->db), fix));
    if (q)
        sqlite3_reset(q);
    return n;
}
