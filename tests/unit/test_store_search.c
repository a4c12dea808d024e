/* test_store_search.c — the patient list's search through the index reads a
 * page and stops: every statement a search of three characters or more runs
 * (caught with sqlite3_trace_v2) is answered by the FTS5 index in its own
 * order, with no scan of patients and no sort of the matches; a search of one
 * or two characters reads the ids under that gram (patient_gram) in the same
 * order, with no scan at all, so one that finds no one reads nothing; while
 * a folded name is not plain UTF-8 it reads the folded rows instead (a scan
 * of patient_fold, never of patients, and no sort); a locale that folds
 * otherwise scans the patients, as before; the rows are the same every way,
 * and the same as the plain scan's for hundreds of random one- and
 * two-character searches; the grams follow every change of the folded rows. */
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
        !strstr(sql, " patients p"))
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
                  const char *const want[5], const char *uses, const char *other,
                  const char *allowed)
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
    for (int i = 0; i < sn.n; i++) {
        CHECK(strstr(sn.sql[i], uses) != NULL);
        CHECK(strstr(sn.sql[i], other) == NULL);
        CHECK_INT(scans_or_sorts(s->db, sn.sql[i], allowed), 0);
        free(sn.sql[i]);
    }
    free(sn.sql);
}

static void count_problem(void *ctx, const char *problem)
{
    printf("     %s\n", problem);
    ++*(int *)ctx;
}

/* What check says of the search index (its grams included). */
static int gram_problems(store *s)
{
    int n = 0;
    st_search_check(s, count_problem, &n);
    return n;
}

/* The plain scan: every patient whose MRN or name, folded, contains the
 * folded search, in MRN order, after MRN `after` if given, at most limit
 * (0: all). */
static char *scanned(store *s, const char *search, const char *after, int limit)
{
    sqlite3_stmt *q = NULL;
    CHECK_INT(sqlite3_prepare_v2(s->db,
                                 "SELECT mrn FROM patients WHERE (?2 IS NULL OR mrn > ?2) AND"
                                 " (instr(bedside_fold(mrn), bedside_fold(?1)) > 0 OR"
                                 " instr(bedside_fold(name), bedside_fold(?1)) > 0)"
                                 " ORDER BY mrn LIMIT ?3",
                                 -1, &q, NULL),
              SQLITE_OK);
    sqlite3_bind_text(q, 1, search, -1, SQLITE_STATIC);
    if (after)
        sqlite3_bind_text(q, 2, after, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 3, limit ? limit : -1);
    sbuf b = {0};
    sbuf_add(&b, "");
    for (int i = 0; q && sqlite3_step(q) == SQLITE_ROW; i++)
        sbuf_printf(&b, "%s%s", i ? " " : "", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return sbuf_take(&b);
}

/* A deterministic generator (the test must not depend on the libc's rand). */
static unsigned next_random(unsigned *x)
{
    *x = *x * 1103515245u + 12345u;
    return (*x >> 16) & 0x7fff;
}

static void random_searches(store *s)
{
    /* More patients, names with accents, short names and MRNs. */
    static const char *const names[] = {"Ab", "x", "Ñúñez Ærø", "ŁUKASZ Ğül", "o'brien",
                                        "Q", "Zz Top", "d'Ang 12", "ÉLodie", "İpek"};
    char *err = NULL;
    for (int i = 0; i < 200; i++) {
        st_patient p = {.sex = 'M', .born = 0};
        p.mrn = i % 37 == 0 ? xasprintf("%c", 'A' + i % 26) : xasprintf("K%03d-%c", i * 7 % 1000, 'a' + i % 26);
        p.name = xasprintf("%s %s", names[i % 10], i % 3 ? names[(i * 3) % 10] : "");
        if (store_patient_add(s, &p, &err) != 0) {
            printf("     %s\n", err);
            free(err);
            err = NULL;
        }
        st_patient_free(&p);
    }
    CHECK_INT(gram_problems(s), 0);
    static const char *const chars[] = {"a", "B", "k", "0", "7", "-", "'", " ", "ñ", "Ñ", "ú",
                                        "æ", "Æ", "ł", "Ł", "ğ", "Ğ", "é", "É", "i", "İ", "ë",
                                        "z", "q", "x", "%", "_", "ø", "\"", "9", "u", "w"};
    const int nchars = (int)(sizeof chars / sizeof *chars);
    unsigned x = 18;
    int same = 0, tries = 600, found = 0;
    for (int t = 0; t < tries; t++) {
        char *search = next_random(&x) % 3 == 0
                           ? xstrdup(chars[next_random(&x) % (unsigned)nchars])
                           : xasprintf("%s%s", chars[next_random(&x) % (unsigned)nchars],
                                       chars[next_random(&x) % (unsigned)nchars]);
        char *all = page(s, search, NULL, 1, 0), *want = scanned(s, search, NULL, 0);
        char *first = page(s, search, NULL, 1, 5), *want_first = scanned(s, search, NULL, 5);
        char *next = page(s, search, "K504-u", 1, 5), *want_next = scanned(s, search, "K504-u", 5);
        int ok = strcmp(all, want) == 0 && strcmp(first, want_first) == 0 &&
                 strcmp(next, want_next) == 0;
        if (!ok)
            printf("     '%s': %s | %s | %s, the scan %s | %s | %s\n", search, all, first, next,
                   want, want_first, want_next);
        same += ok;
        found += *want != 0;
        free(all), free(want), free(first), free(want_first), free(next), free(want_next);
        free(search);
    }
    CHECK_INT(same, tries);
    CHECK(found > tries / 4 && found < tries);   /* both kinds were tried */
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
    reads(s, "PATIENT", "M5", "M8", trigrams, "patient_search", "instr(f.", NULL);
    /* One or two characters: "te" is in each Pattern (M1-M4), "ë" in all;
     * read under their gram, nothing scanned. */
    CHECK_INT(st_search_short_way(s), ST_SEARCH_GRAMS);
    static const char *const folded[5] = {"M1 M2 M3 M4", "M1 M2", "M3 M4", "M2 M3", "M3 M4"};
    reads(s, "tE", "M2", "M4", folded, "patient_gram g", "instr(f.", NULL);
    char *s_all = page(s, "Ë", NULL, 1, 0);
    CHECK_STR(s_all, "M1 M2 M3 M4 M5 M6 M7 M8 M9");
    char *s_none = page(s, "q", NULL, 1, 0);
    CHECK_STR(s_none, "");
    CHECK_INT(gram_problems(s), 0);
    /* check finds a gram too many, and one missing, each alone. */
    CHECK_INT(sqlite3_exec(s->db, "INSERT INTO patient_gram(gram, id) SELECT 'q', min(id)"
                           " FROM patient_fold", NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(gram_problems(s), 1);
    CHECK_INT(sqlite3_exec(s->db, "DELETE FROM patient_gram WHERE gram IN ('q', 'ë')"
                           " AND id = (SELECT min(id) FROM patient_fold)", NULL, NULL, NULL),
              SQLITE_OK);
    CHECK_INT(gram_problems(s), 1);
    CHECK_INT(sqlite3_exec(s->db, "INSERT INTO patient_gram(gram, id) SELECT 'ë', min(id)"
                           " FROM patient_fold", NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(gram_problems(s), 0);

    /* A folded name that is not plain UTF-8 (a lone continuation byte after
     * "ë", which SQLite takes for part of that character): the grams mark
     * it, and one or two characters read the folded rows, finding it. */
    CHECK_INT(sqlite3_exec(s->db, "UPDATE patients SET name = name || CAST(x'a9' AS TEXT)"
                           " WHERE mrn = 'M9'; UPDATE patient_fold SET name ="
                           " (SELECT bedside_search_fold(name) FROM patients WHERE uuid ="
                           " patient_fold.patient) WHERE patient = (SELECT uuid FROM patients"
                           " WHERE mrn = 'M9')", NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(gram_problems(s), 0);
    CHECK_INT(st_search_short_way(s), ST_SEARCH_FOLDED);
    reads(s, "tE", "M2", "M4", folded, "patient_fold f", "patient_gram", "SCAN f");
    char *s_odd = page(s, "9\xc2\xa9", NULL, 1, 0);   /* "9" then U+00A9: not in M9's name */
    CHECK_STR(s_odd, "");
    char *s_9 = page(s, "9", NULL, 1, 0);
    CHECK_STR(s_9, "M9");
    CHECK_INT(sqlite3_exec(s->db, "UPDATE patients SET name = 'Zoë Pattern 9' WHERE mrn = 'M9';"
                           " UPDATE patient_fold SET name = 'zoë pattern 9' WHERE patient ="
                           " (SELECT uuid FROM patients WHERE mrn = 'M9')", NULL, NULL, NULL),
              SQLITE_OK);
    CHECK_INT(gram_problems(s), 0);
    CHECK_INT(st_search_short_way(s), ST_SEARCH_GRAMS);

    /* Many random searches of one or two characters, from the characters
     * of the names and MRNs in both cases and a few that are in none, find
     * what the plain scan finds: the whole list, the first page, and the
     * page after the middle patient. */
    random_searches(s);

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
    free(s_none);
    free(s_odd);
    free(s_9);
    store_close(s);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    free(cmd);
    free(path);
    free(err);
    return t_done();
}
