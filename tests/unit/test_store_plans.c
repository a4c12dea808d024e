/* test_store_plans.c — the cohort-wide reads walk indexes: every statement
 * the list pages, the schedule pass (due, Due view) and the cohort report
 * run is caught as it runs (sqlite3_trace_v2) and its EXPLAIN QUERY PLAN
 * must not scan the records table, whose size is the registry's. The
 * exports read every record, but walk them from the patients in MRN order
 * and sort no more than one patient's rows at a time. What every
 * write runs before its commit (the next-due queue) must not scan the
 * patients table either, nor must looking an MRN up. The Due view's pages
 * read the next-due table on its index, in its order: no scan, no sort. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_export.h"
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
    if (type != SQLITE_TRACE_STMT || !sql || strncmp(sql, "EXPLAIN", 7) == 0)
        return 0;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->sql[i], sql) == 0)
            return 0;
    s->sql = xrealloc(s->sql, (size_t)(s->n + 1) * sizeof *s->sql);
    s->sql[s->n++] = xstrdup(sql);
    return 0;
}

/* The names table goes by in sql (its own, and each "table X" alias). */
static int is_alias(const char *sql, const char *table, const char *name)
{
    if (strcmp(name, table) == 0)
        return 1;
    char *pat = xasprintf("%s[[:space:]]+(AS[[:space:]]+)?%s([^a-zA-Z0-9_]|$)", table, name);
    regex_t re;
    int hit = regcomp(&re, pat, REG_EXTENDED) == 0 && regexec(&re, sql, 0, NULL, 0) == 0;
    regfree(&re);
    free(pat);
    return hit;
}

/* 0 if no step of sql's plan scans table, else 1 (the step printed). */
static int scans(sqlite3 *db, const char *sql, const char *table)
{
    char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    int bad = 0;
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        printf("     cannot explain: %s\n", sqlite3_errmsg(db));
        bad = 1;
    }
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        char name[64];
        if (d && sscanf(d, "SCAN %63[a-zA-Z0-9_]", name) == 1 && is_alias(sql, table, name)) {
            printf("     full scan of %s (%s) in:\n     %s\n", table, d, sql);
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    free(q);
    return bad;
}

/* 1 if a step of sql's plan mentions what (the step printed). */
static int plan_has(sqlite3 *db, const char *sql, const char *what)
{
    char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    int hit = 0;
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        printf("     cannot explain: %s\n", sqlite3_errmsg(db));
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (d && strstr(d, what)) {
            printf("     %s in:\n     %s\n", d, sql);
            hit = 1;
        }
    }
    sqlite3_finalize(st);
    free(q);
    return hit;
}

/* 1 if sql's program copies rows through a temporary table (an
 * OpenEphemeral of more than one column; a CHECK's IN list is a one-column
 * one). */
static int copies(sqlite3 *db, const char *sql)
{
    char *q = xasprintf("EXPLAIN %s", sql);
    sqlite3_stmt *st = NULL;
    int bad = sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *op = (const char *)sqlite3_column_text(st, 1);
        if (op && strcmp(op, "OpenEphemeral") == 0 && sqlite3_column_int(st, 3) > 1) {
            printf("     a temporary table of %d columns in:\n     %s\n",
                   sqlite3_column_int(st, 3), sql);
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    free(q);
    return bad;
}

/* 1 if sql's plan sorts in a temporary b-tree (the step printed); with
 * whole, only a sort of every row, not of each group of rows that an index
 * already gives in order ("RIGHT PART OF ORDER BY"). */
static int sorts_rows(sqlite3 *db, const char *sql, int whole)
{
    char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    int bad = sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (d && strstr(d, "TEMP B-TREE") && !(whole && strstr(d, "RIGHT PART"))) {
            printf("     a sort (%s) in:\n     %s\n", d, sql);
            bad = 1;
        }
    }
    sqlite3_finalize(st);
    free(q);
    return bad;
}

static int sorts(sqlite3 *db, const char *sql)
{
    return sorts_rows(db, sql, 0);
}

static int count_hip(void *ctx, const st_patient *p, const st_hip *h, const st_done *d, int e)
{
    ++*(int *)ctx;
    return 0;
}
static int count_row(void *ctx, const st_patient_row *r)
{
    ++*(int *)ctx;
    return 0;
}
static int count_score(void *ctx, const char *hip, const char *tp, const char *form,
                       const char *score, double value, int visit_date)
{
    ++*(int *)ctx;
    return 0;
}
static int count_answer(void *ctx, const char *hip, const char *value, int visit_date)
{
    ++*(int *)ctx;
    return 0;
}
static int count_export(void *ctx, const st_export_row *r)
{
    ++*(int *)ctx;
    return 0;
}
static int count_cohort(void *ctx, const st_patient *p, const st_hip *h, const st_followup *fu)
{
    ++*(int *)ctx;
    return 0;
}

int main(void)
{
    char dir[] = "/tmp/test_store_plans.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *path = xasprintf("%s/p.db", dir), *err = NULL;
    store *s = store_open(path, STORE_CREATE, &err);
    CHECK(s != NULL);
    if (!s) {
        printf("     %s\n", err);
        return t_done();
    }
    for (int i = 0; i < 3; i++) {
        st_patient p = {.sex = 'F', .born = 0};
        p.mrn = xasprintf("M%d", i);
        p.name = xasprintf("Patient %d", i);
        CHECK_INT(store_patient_add(s, &p, &err), 0);
        st_hip h = {.side = 'L', .index_date = 20000};
        memcpy(h.patient, p.uuid, sizeof h.patient);
        CHECK_INT(store_hip_add(s, &h, &err), 0);
        st_hip_free(&h);
        st_patient_free(&p);
    }
    seen sn = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &sn);
    int n = 0;
    size_t got = 0;
    /* The patient list's pages, both ways, with and without a search. */
    const char *searches[] = {NULL, "pat"}, *keys[] = {NULL, "M0", "M2", NULL};
    const int dirs[] = {1, 1, -1, -1};
    for (int k = 0; k < 2; k++) {
        for (int j = 0; j < 4; j++) {
            st_patient_row *rows =
                store_patient_page(s, searches[k], keys[j], dirs[j], "hhs", "total", 2, &got);
            CHECK(got > 0);
            store_patient_rows_free(rows, got);
        }
        CHECK_INT(store_each_patient(s, searches[k], count_row, &n), 0);
    }
    CHECK_INT(store_patient_count(s), 3);
    /* The schedule pass behind due and the Due view; the cohort report. */
    st_end end = {.form = "end_of_followup", .field = "date", .event = 0};
    st_ends ends = {.v = &end, .n = 1};
    CHECK_INT(store_each_hip(s, NULL, &ends, count_hip, &n), 0);
    /* The trend view's: one patient's hips, read already. */
    st_patient one = {0};
    CHECK_INT(store_patient_get(s, "M1", &one), 0);
    size_t n_hip = 0;
    st_hip *hips;
    CHECK_INT(store_hips_of(s, one.uuid, &hips, &n_hip), 0);
    CHECK(n_hip > 0);
    size_t n_rec = 0;
    st_record *rec = NULL;
    CHECK_INT(store_records_ended(s, one.uuid, &ends, &rec, &n_rec), 0);
    CHECK_INT(store_each_hip_in(&one, hips, n_hip, rec, n_rec, count_hip, &n), 0);
    store_records_free(rec, n_rec);
    store_hips_free(hips, n_hip);
    st_patient_free(&one);
    const char *names[] = {"hhs.total", "vas.pain"};
    CHECK_INT(store_each_hip_score(s, names, 2, count_score, &n), 0);
    CHECK_INT(store_each_patient_score(s, names, 2, count_score, &n), 0);
    CHECK_INT(store_each_hip_answer(s, "complications", "date", count_answer, &n), 0);
    CHECK_INT(store_each_cohort_hip(s, -1, -1, &end, &ends, count_cohort, &n), 0);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    CHECK(n > 0);
    CHECK(sn.n >= 10);   /* the trace saw the statements */
    for (int i = 0; i < sn.n; i++) {
        CHECK_INT(scans(s->db, sn.sql[i], "records"), 0);
        free(sn.sql[i]);
    }
    free(sn.sql);
    /* The exports: every record, one form's, every version. */
    seen ex = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &ex);
    CHECK_INT(store_each_export(s, NULL, 0, count_export, &n), 0);
    CHECK_INT(store_each_export(s, "vas", 1, count_export, &n), 0);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    CHECK(ex.n >= 3);   /* records with answers, their scores, enrolment answers */
    for (int i = 0; i < ex.n; i++) {
        CHECK_INT(scans(s->db, ex.sql[i], "records"), 0);
        CHECK_INT(sorts_rows(s->db, ex.sql[i], 1), 0);
        free(ex.sql[i]);
    }
    free(ex.sql);
    /* The next-due queue each commit reads (a hip was just added: queued). */
    seen wr = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &wr);
    size_t queued = 0;
    char **mrn = store_due_pending(s, &queued);
    CHECK(mrn != NULL);
    for (size_t i = 0; mrn && i < queued; i++)
        free(mrn[i]);
    free(mrn);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    CHECK(wr.n >= 1);
    for (int i = 0; i < wr.n; i++) {
        CHECK_INT(scans(s->db, wr.sql[i], "patients"), 0);
        CHECK_INT(scans(s->db, wr.sql[i], "records"), 0);
        free(wr.sql[i]);
    }
    free(wr.sql);
    /* An MRN typed in another case (every patient added, shown or recorded
     * looks its MRN up so) reads its row by index, however many patients. */
    seen look = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &look);
    st_patient found;
    CHECK_INT(store_patient_get(s, "m1", &found), 0);
    CHECK_STR(found.mrn, "M1");
    st_patient_free(&found);
    CHECK_INT(store_patient_get(s, "m7", &found), 1);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    CHECK(look.n >= 2);   /* the exact lookup, then the folded one */
    for (int i = 0; i < look.n; i++) {
        CHECK_INT(scans(s->db, look.sql[i], "patients"), 0);
        CHECK_INT(scans(s->db, look.sql[i], "patient_fold"), 0);
        free(look.sql[i]);
    }
    free(look.sql);
    /* The duplicate check of patient add (the same name and birth date)
     * reads that birth date's patients by index, not every patient. */
    seen same = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &same);
    CHECK_INT(store_patient_same(s, " patient 1 ", 0, &found), 0);
    CHECK_STR(found.mrn, "M1");
    st_patient_free(&found);
    CHECK_INT(store_patient_same(s, "Patient 1", 1, &found), 1);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    CHECK(same.n >= 1);
    for (int i = 0; i < same.n; i++) {
        CHECK_INT(scans(s->db, same.sql[i], "patients"), 0);
        free(same.sql[i]);
    }
    free(same.sql);
    /* What ends a patient's follow-up (read twice by every record, amend and
     * hip add): that patient's records of the ending forms, by the patient's
     * index, never by the form's (every record of those forms in the cohort). */
    seen endr = {0};
    st_end two[] = {{.form = "end_of_followup", .field = "date"},
                    {.form = "tha", .field = "date", .event = 1}};
    st_ends ends2 = {.v = two, .n = 2};
    st_patient m0;
    CHECK_INT(store_patient_get(s, "M0", &m0), 0);
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &endr);
    size_t n_end = 9;
    st_record *er;
    CHECK_INT(store_records_ending(s, m0.uuid, &ends2, &er, &n_end), 0);
    CHECK_INT((int)n_end, 0);
    store_records_free(er, n_end);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    st_patient_free(&m0);
    CHECK(endr.n >= 1);
    for (int i = 0; i < endr.n; i++) {
        CHECK_INT(scans(s->db, endr.sql[i], "records"), 0);
        CHECK_INT(plan_has(s->db, endr.sql[i], "records_form"), 0);
        free(endr.sql[i]);
    }
    free(endr.sql);
    /* The Due view's pages: the first, after a row, before a row, the last. */
    CHECK_INT(store_due_clear_pending(s, &err), 0);
    char hip[37];
    {
        sqlite3_stmt *q = NULL;
        sqlite3_prepare_v2(s->db, "SELECT uuid FROM hips LIMIT 1", -1, &q, NULL);
        CHECK(q && sqlite3_step(q) == SQLITE_ROW);
        snprintf(hip, sizeof hip, "%s", q ? (const char *)sqlite3_column_text(q, 0) : "");
        sqlite3_finalize(q);
    }
    const char *tps[] = {"1m", "3m", "6m"};
    for (int i = 0; i < 3; i++) {
        st_due d = {.tp = (char *)tps[i], .missing = "vas", .target = 20030 + 61 * i,
                    .open = 20023 + 61 * i, .close = 20037 + 61 * i, .until = 20300};
        snprintf(d.hip, sizeof d.hip, "%s", hip);
        CHECK_INT(store_due_put(s, &d, &err), 0);
    }
    seen pg = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &pg);
    size_t np = 0;
    st_due_row *first = store_due_page(s, 20000, 20200, 20200, 20100, NULL, 1, 2, &np);
    CHECK_INT((int)np, 2);
    CHECK_STR(np ? first[0].d.tp : "", "1m");
    CHECK(np && first[0].mrn[0] == 'M' && first[0].side == 'L');
    st_due_row *next = store_due_page(s, 20000, 20200, 20200, 20100, &first[1].d, 1, 2, &got);
    CHECK_INT((int)got, 1);
    CHECK_STR(got ? next[0].d.tp : "", "6m");
    store_due_rows_free(next, got);
    st_due_row *back = store_due_page(s, 20000, 20200, 20200, 20100, &first[1].d, -1, 2, &got);
    CHECK_INT((int)got, 1);
    CHECK_STR(got ? back[0].d.tp : "", "1m");
    store_due_rows_free(back, got);
    st_due_row *last = store_due_page(s, 20000, 20200, 20200, 20100, NULL, -1, 2, &got);
    CHECK_INT((int)got, 2);
    CHECK_STR(got ? last[0].d.tp : "", "3m");   /* in index order, the last two */
    store_due_rows_free(last, got);
    store_due_rows_free(first, np);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    CHECK_INT(pg.n, 2);   /* one statement each way */
    for (int i = 0; i < pg.n; i++) {
        CHECK_INT(scans(s->db, pg.sql[i], "records"), 0);
        CHECK_INT(scans(s->db, pg.sql[i], "due"), 0);
        CHECK_INT(scans(s->db, pg.sql[i], "patients"), 0);
        CHECK_INT(scans(s->db, pg.sql[i], "hips"), 0);
        CHECK_INT(sorts(s->db, pg.sql[i]), 0);
        free(pg.sql[i]);
    }
    free(pg.sql);
    /* Adding a patient and a hip, saving a record and amending it, as the
     * demo cohort does 26 times a patient: no statement of a record's save
     * copies its rows through a temporary table first, as an INSERT ...
     * SELECT into a table with a trigger (the audit trail) does; and none of
     * them reads an index that a demo builds only at its end (store_bulk.c). */
    static const char *const deferred[] = {"records_form", "scores_value", "audit_patient",
                                           "due_target"};
    seen sv = {0};
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &sv);
    st_patient p9 = {.sex = 'M', .born = 0, .mrn = xstrdup("M9"), .name = xstrdup("Patient 9")};
    CHECK_INT(store_patient_add(s, &p9, &err), 0);
    st_hip h9 = {.side = 'R', .index_date = 20000};
    memcpy(h9.patient, p9.uuid, sizeof h9.patient);
    CHECK_INT(store_hip_add(s, &h9, &err), 0);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    int n_add = sv.n;   /* the patient's and the hip's, once a patient */
    sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, on_stmt, &sv);
    st_record r = {.timepoint = xstrdup("3m"), .form = xstrdup("hhs"), .form_version = 1,
                   .visit_date = 20100};
    memcpy(r.patient, p9.uuid, sizeof r.patient);
    memcpy(r.hip, h9.uuid, sizeof r.hip);
    st_record_answer(&r, "pain", "30");
    st_record_score(&r, "total", 71.5);
    CHECK_INT(store_record_final(s, &r, &err), 0);
    st_record fix = {.timepoint = xstrdup("3m"), .form = xstrdup("hhs"), .form_version = 1,
                     .visit_date = 20100};
    memcpy(fix.patient, p9.uuid, sizeof fix.patient);
    memcpy(fix.hip, h9.uuid, sizeof fix.hip);
    st_record_answer(&fix, "pain", "40");
    st_record_score(&fix, "total", 72.5);
    CHECK_INT(store_record_amend(s, r.uuid, &fix, "transcription error", &err), 0);
    sqlite3_trace_v2(s->db, 0, NULL, NULL);
    st_record_free(&r);
    st_record_free(&fix);
    st_hip_free(&h9);
    st_patient_free(&p9);
    CHECK(sv.n >= 8);   /* patient, hip, record, score, audit, checks, amendment */
    for (int i = 0; i < sv.n; i++) {
        if (i >= n_add)
            CHECK_INT(copies(s->db, sv.sql[i]), 0);
        for (int k = 0; k < (int)(sizeof deferred / sizeof *deferred); k++)
            CHECK_INT(plan_has(s->db, sv.sql[i], deferred[k]), 0);
        free(sv.sql[i]);
    }
    free(sv.sql);
    store_close(s);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    free(cmd);
    free(path);
    free(err);
    return t_done();
}
