/* test_store_search.c — the patient list's search through the index reads a
 * page and stops: every statement a search of three characters or more runs
 * (caught with sqlite3_trace_v2) is answered by the FTS5 index in its own
 * order, with no scan of patients and no sort of the matches; a search of one
 * or two characters reads the index's folded rows in the same order (a scan
 * of patient_fold, never of patients, and no sort); a locale that folds
 * otherwise scans the patients, as before; and the rows are the same every
 * way. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_internal.h"
#include "t.h"
#include "util.h"

typedef struct {
    char **sql;
    int n;
} seen;

static int on_stmt(unsigned type, void *ctx, void *p, void *x)
{
    seen *s = ctx;
    const char *sql = sqlite3_sql(p);
    /* The list's own statements (FTS5 runs more, on its shadow tables). */
    if (type != SQLITE_TRACE_STMT || !sql || strncmp(sql, "SELECT", 6) != 0 ||
        !strstr(sql, " FROM patient"))
        return 0;
    s->sql = xrealloc(s->sql, (size_t)(s->n + 1) * sizeof *s->sql);
    s->sql[s->n++] = xstrdup(sql);
    return 0;
}

/* 1 if the plan of sql scans a table other than the one allowed (a plan
 * step such as "SCAN f", or NULL) or sorts (the step printed); steps of
 * subqueries (a patient's hips, latest score) are not the search's. */
static int scans_or_sorts(sqlite3 *db, const char *sql, const char *allowed)
{
    char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    int bad = sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (d && sqlite3_column_int(st, 1) == 0 && ((strncmp(d, "SCAN ", 5) == 0 && !strstr(d, "VIRTUAL TABLE") &&
                   !(allowed && strcmp(d, allowed) == 0)) ||
                  strstr(d, "TEMP B-TREE"))) {
            printf("     %s in:\n     %s\n", d, sql);
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    free(q);
    return bad;
}

/* The MRNs of a page, space-separated (caller frees). */
static char *page(store *s, const char *search, const char *key, int dir, size_t limit)
{
    size_t n = 0;
    st_patient_row *rows = store_patient_page(s, search, key, dir, "hhs", "total", limit, &n);
    sbuf b = {0};
    sbuf_add(&b, "");
    for (size_t i = 0; i < n; i++)
        sbuf_printf(&b, "%s%s", i ? " " : "", rows[i].p.mrn);
    store_patient_rows_free(rows, n);
    return sbuf_take(&b);
}

/* The reads the list makes for a search, each compared with want: all
 * matches, then pages of 2: the first, the one after MRN `after`, the one
 * before MRN `before`, the last; then the widths. Their statements, traced,
 * each read `uses` (and not the other way of searching), scan no table but
 * the plan step `allowed` (or none) and sort nothing. */
static void reads(store *s, const char *search, const char *after, const char *before,
                  const char *const want[5], const char *uses, const char *allowed)
{
    seen sn = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &sn);
    char *got[5] = {page(s, search, NULL, 1, 0), page(s, search, NULL, 1, 2),
                    page(s, search, after, 1, 2), page(s, search, before, -1, 2),
                    page(s, search, NULL, -1, 2)};
    size_t wm = 0, wn = 0;
    CHECK_INT(store_patient_widths(s, search, &wm, &wn), 0);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    for (int i = 0; i < 5; i++) {
        CHECK_STR(got[i], want[i]);
        free(got[i]);
    }
    CHECK_INT((int)wm, 2);
    CHECK_INT((int)wn, 13);
    CHECK_INT(sn.n, 6);
    const char *other = strcmp(uses, "patient_search") ? "patient_search" : "instr(f.";
    for (int i = 0; i < sn.n; i++) {
        CHECK(strstr(sn.sql[i], uses) != NULL);
        CHECK(strstr(sn.sql[i], other) == NULL);
        CHECK_INT(scans_or_sorts(s->db, sn.sql[i], allowed), 0);
        free(sn.sql[i]);
    }
    free(sn.sql);
}

int main(void)
{
    char dir[] = "/tmp/test_store_search.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *path = xasprintf("%s/s.db", dir), *err = NULL;
    store *s = store_open(path, STORE_CREATE, &err);
    CHECK(s != NULL);
    if (!s) {
        printf("     %s\n", err);
        return t_done();
    }
    /* Added out of MRN order: ids still follow the MRNs. */
    const char *mrns[] = {"M5", "M1", "M9", "M3", "M7", "M2", "M8", "M4", "M6"};
    for (int i = 0; i < 9; i++) {
        st_patient p = {.sex = 'F', .born = 0};
        p.mrn = xstrdup(mrns[i]);
        p.name = xasprintf(i % 2 ? "Zoë Pattern %d" : "ZOË PATIENT %d", i);
        CHECK_INT(store_patient_add(s, &p, &err), 0);
        st_patient_free(&p);
    }
    CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
    CHECK_INT(st_search_indexed("zoë"), ST_SEARCH_TRIGRAMS);
    CHECK_INT(st_search_indexed("PAT"), ST_SEARCH_TRIGRAMS);
    CHECK_INT(st_search_indexed("pa"), ST_SEARCH_FOLDED);
    CHECK_INT(st_search_indexed("Zö"), ST_SEARCH_FOLDED);
    CHECK_INT(st_search_indexed("Ë"), ST_SEARCH_FOLDED);
    CHECK_INT(st_search_indexed(""), ST_SEARCH_SCAN);
    CHECK_INT(st_search_indexed("\xff"), ST_SEARCH_SCAN);

    static const char *const trigrams[5] = {"M5 M6 M7 M8 M9", "M5 M6", "M6 M7", "M6 M7",
                                            "M8 M9"};
    reads(s, "PATIENT", "M5", "M8", trigrams, "patient_search", NULL);
    /* One or two characters: "te" is in each Pattern (M1-M4), "ë" in all. */
    static const char *const folded[5] = {"M1 M2 M3 M4", "M1 M2", "M3 M4", "M2 M3", "M3 M4"};
    reads(s, "tE", "M2", "M4", folded, "patient_fold f", "SCAN f");
    char *s_all = page(s, "Ë", NULL, 1, 0);
    CHECK_STR(s_all, "M1 M2 M3 M4 M5 M6 M7 M8 M9");

    /* The scan finds the same, in a locale where the index is not used. */
    CHECK(setlocale(LC_CTYPE, "C") != NULL);
    CHECK(!st_search_indexed("PATIENT"));
    char *scan_next = page(s, "PATIENT", "M5", 1, 2);
    CHECK_STR(scan_next, trigrams[2]);
    CHECK_INT(st_search_indexed("te"), ST_SEARCH_SCAN);
    char *scan_short = page(s, "te", "M2", 1, 2);
    CHECK_STR(scan_short, folded[2]);
    CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);

    free(scan_next);
    free(scan_short);
    free(s_all);
    store_close(s);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    free(cmd);
    free(path);
    free(err);
    return t_done();
}
