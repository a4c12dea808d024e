/* test_entry.c — the rules of a visit at the window edges (day before,
 * first day, last day, day after), for two hips with different index dates,
 * patient-scope forms and across a hip replacement; then a record's life
 * through entry.h against a real SQLite file: save, refusals that change
 * nothing, amend moving the date and timepoint, and drafts that never lose
 * an answer — without a terminal. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entry.h"
#include "t.h"

#ifndef BEDSIDE_SRCDIR
#define BEDSIDE_SRCDIR "."
#endif

static app A;

static int day(const char *s)
{
    int d = -1;
    date_parse(s, &d);
    return d;
}

static int rules(const entry_hip *h, int n, const char *tp, int date, int oow, int end,
                 entry_error *e)
{
    return entry_visit_rules(&A.cfg, h, n, tp, date, oow, end, e);
}

static int contains(const char *s, const char *part)
{
    int ok = strstr(s, part) != NULL;
    if (!ok)
        printf("     \"%s\" lacks \"%s\"\n", s, part);
    return ok;
}

/* The shipped schedule: baseline -30..0, 1m 23..37, 3m 77..105, 6m
 * 161..203, 12m 335..395, 18m 517..577, 24m 700..760. */
static void test_edges(void)
{
    int D = day("2026-01-10");
    entry_hip L = {.side = 'L', .index_date = D, .end_date = -1};
    entry_error e;
    /* Baseline: the pre-operative window. */
    CHECK_INT(rules(&L, 1, "baseline", D - 31, 0, 0, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "before the hip's first visit window opens (2025-12-11; index date "
                          "2026-01-10)"));
    CHECK_INT(rules(&L, 1, "baseline", D - 30, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&L, 1, "baseline", D, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&L, 1, "unscheduled", D - 31, 0, 0, &e), ENTRY_REFUSED);
    CHECK_INT(rules(&L, 1, "unscheduled", D - 30, 0, 0, &e), ENTRY_OK);
    /* The day after baseline is in no window: baseline closed last before
     * it, so it may be kept out of window, when confirmed. */
    CHECK_INT(rules(&L, 1, "baseline", D + 1, 0, 0, &e), ENTRY_CONFIRM);
    CHECK(contains(e.msg, "outside the window of 'baseline' for the left hip"));
    CHECK_INT(rules(&L, 1, "baseline", D + 1, 1, 0, &e), ENTRY_OK);
    /* 1m: day before, first day, last day, day after. */
    CHECK_INT(rules(&L, 1, "1m", D + 22, 0, 0, &e), ENTRY_CONFIRM);   /* next to open */
    CHECK_INT(rules(&L, 1, "1m", D + 23, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&L, 1, "1m", D + 37, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&L, 1, "1m", D + 38, 0, 0, &e), ENTRY_CONFIRM);   /* closed last */
    CHECK_INT(rules(&L, 1, "1m", D + 38, 1, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&L, 1, "1m", D + 76, 1, 0, &e), ENTRY_OK);
    /* Inside another timepoint's window: refused, naming it. */
    CHECK_INT(rules(&L, 1, "1m", D + 77, 1, 0, &e), ENTRY_REFUSED);
    CHECK_STR(e.msg, "visit date 2026-03-28 is in the window of '3 months' for the left hip, "
                     "not '1m' (2026-02-02 \u2026 2026-02-16)");
    CHECK_STR(e.field, "date");
    CHECK_INT(rules(&L, 1, "baseline", D + 30, 1, 0, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "in the window of '1 month' for the left hip, not 'baseline' "
                          "(2025-12-11 \u2026 2026-01-10)"));
    /* In no window and not next to the timepoint: unscheduled only. */
    CHECK_INT(rules(&L, 1, "baseline", D + 60, 1, 0, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "record it as unscheduled"));
    CHECK_INT(rules(&L, 1, "unscheduled", D + 60, 0, 0, &e), ENTRY_OK);
    /* The last timepoint: overdue for 90 days after its window, then gone. */
    CHECK_INT(rules(&L, 1, "24m", D + 760, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&L, 1, "24m", D + 761, 0, 0, &e), ENTRY_CONFIRM);
    CHECK_INT(rules(&L, 1, "24m", D + 850, 1, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&L, 1, "24m", D + 851, 1, 0, &e), ENTRY_REFUSED);
    /* A timepoint the schedule lacks. */
    CHECK_INT(rules(&L, 1, "5m", D + 150, 1, 0, &e), ENTRY_REFUSED);
    /* The timepoint picked from a date. */
    CHECK_INT(entry_timepoint_for(&A.cfg, &L, 1, D - 5), 0);
    CHECK_INT(entry_timepoint_for(&A.cfg, &L, 1, D + 23), 1);
    CHECK_INT(entry_timepoint_for(&A.cfg, &L, 1, D + 60), -1);
}

static void test_two_hips(void)
{
    int DL = day("2026-01-10"), DR = day("2026-03-01");
    entry_hip both[2] = {{.side = 'L', .index_date = DL, .end_date = -1},
                         {.side = 'R', .index_date = DR, .end_date = -1}};
    entry_error e;
    /* Each hip-scope record follows its own hip's schedule. */
    CHECK_INT(rules(&both[1], 1, "1m", DR + 30, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&both[0], 1, "1m", DR + 30, 0, 0, &e), ENTRY_REFUSED);   /* L's 3m */
    CHECK(contains(e.msg, "for the left hip"));
    CHECK_INT(rules(&both[1], 1, "baseline", DL, 0, 0, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "before the hip's first visit window opens"));
    /* Patient scope: the window of any hip counts. The 24m of the later
     * hip is a 24m visit, not unscheduled. */
    CHECK_INT(rules(both, 2, "24m", DR + 730, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(both, 2, "24m", DL + 700, 0, 0, &e), ENTRY_OK);
    CHECK_INT(entry_timepoint_for(&A.cfg, both, 2, DR + 760), 6);
    /* In one hip's 1m and the other's baseline: both are fine. */
    CHECK_INT(rules(both, 2, "baseline", DR - 20, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(both, 2, "3m", DR - 20, 0, 0, &e), ENTRY_REFUSED);
    /* Before the earliest hip's first window. */
    CHECK_INT(rules(both, 2, "unscheduled", DL - 31, 0, 0, &e), ENTRY_REFUSED);
    CHECK_INT(rules(both, 0, "24m", DL, 0, 0, &e), ENTRY_REFUSED);   /* no hip, no schedule */
    CHECK_INT(rules(both, 0, "unscheduled", DL, 0, 0, &e), ENTRY_OK);
}

static void test_tha(void)
{
    int D = day("2026-01-10");
    entry_hip h = {.side = 'L', .index_date = D, .end_date = D + 200};
    entry_error e;
    CHECK_INT(rules(&h, 1, "6m", D + 182, 0, 0, &e), ENTRY_OK);
    CHECK_INT(rules(&h, 1, "6m", D + 200, 0, 0, &e), ENTRY_OK);   /* the day itself */
    CHECK_INT(rules(&h, 1, "6m", D + 201, 0, 0, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "left hip's follow-up ended on 2026-07-29"));
    CHECK_INT(rules(&h, 1, "12m", D + 365, 1, 0, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "2026-07-29"));
    CHECK_INT(rules(&h, 1, "unscheduled", D + 365, 0, 0, &e), ENTRY_OK);
    /* The conversion record itself is not "after the conversion". */
    CHECK_INT(rules(&h, 1, "12m", D + 365, 0, 1, &e), ENTRY_OK);
    /* Patient scope: another hip still followed up keeps the visit. */
    entry_hip both[2] = {h, {.side = 'R', .index_date = D, .end_date = -1}};
    CHECK_INT(rules(both, 2, "12m", D + 365, 0, 0, &e), ENTRY_OK);
    /* Stored records: the same rules as a check. */
    st_record r = {.timepoint = "1m", .visit_date = D + 40};
    CHECK_INT(entry_check_stored(&A.cfg, &h, 1, &r, 0, &e), -1);
    CHECK(contains(e.msg, "not marked out of window"));
    r.out_of_window = 1;
    CHECK_INT(entry_check_stored(&A.cfg, &h, 1, &r, 0, &e), 0);
    r.timepoint = "12m";
    r.visit_date = D + 365;
    CHECK_INT(entry_check_stored(&A.cfg, &h, 1, &r, 0, &e), -1);
    CHECK(contains(e.msg, "follow-up ended"));
}

static int n_rows(void)
{
    size_t n = 0;
    st_patient_row *p = store_patient_list(A.db, NULL, NULL, NULL, 0, &n);
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        st_record *r;
        CHECK_INT(store_records_of(A.db, p[i].p.uuid, 1, &r, &k), 0);
        total += (int)k;
        store_records_free(r, k);
    }
    store_patient_rows_free(p, n);
    return total;
}

static form_answers *answers(const char *form_id, const char *const *kv)
{
    const form *f = form_set_find(&A.forms, form_id);
    form_answers *a = form_answers_new(f);
    char err[256];
    for (; kv && kv[0]; kv += 2)
        if (form_answer_set(a, form_field_index(f, kv[0]), kv[1], err, sizeof err) != 0)
            printf("     %s=%s: %s\n", kv[0], kv[1], err);
    return a;
}

/* Save form_id for hip side at tp/date; returns the entry result. */
static int save(const char *form_id, char side, const char *tp, const char *date, int flags,
                const char *const *kv, st_record *out, entry_error *e)
{
    entry_target t;
    int rc = entry_resolve(&A, "E1", form_id, side, &t, e);
    if (rc == ENTRY_OK)
        rc = entry_set_visit(&A, &t, tp, day(date), flags, e);
    st_record r;
    memset(&r, 0, sizeof r);
    if (rc == ENTRY_OK) {
        form_answers *a = answers(form_id, kv);
        rc = entry_save(&A, &t, a, NULL, &r, e);
        form_answers_free(a);
    }
    if (out)
        *out = r;
    else
        st_record_free(&r);
    entry_target_free(&t);
    return rc;
}

static void test_life(void)
{
    char *err = NULL;
    st_patient p = {.mrn = "E1", .name = "Eve", .sex = 'F', .born = day("1970-01-01")};
    CHECK_INT(store_patient_add(A.db, &p, &err), 0);
    st_hip hl = {.side = 'L', .index_date = day("2026-01-10")};
    st_hip hr = {.side = 'R', .index_date = day("2026-03-01")};
    memcpy(hl.patient, p.uuid, 37);
    memcpy(hr.patient, p.uuid, 37);
    CHECK_INT(store_hip_add(A.db, &hl, &err), 0);
    CHECK_INT(store_hip_add(A.db, &hr, &err), 0);
    A.today = day("2026-06-15");
    static const char *const vas6[] = {"pain", "6.0", NULL};
    entry_error e;
    st_record r;

    /* The timepoint from the date; a wrong one refused, nothing written. */
    entry_target t;
    CHECK_INT(entry_resolve(&A, "E1", "vas", 'L', &t, &e), ENTRY_OK);
    CHECK_INT(entry_set_visit(&A, &t, NULL, day("2026-02-05"), 0, &e), ENTRY_OK);
    CHECK_STR(t.tp, "1m");
    CHECK(t.tp_inferred);
    CHECK_INT(entry_set_visit(&A, &t, NULL, day("2026-06-16"), 0, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "in the future (today is 2026-06-15)"));
    CHECK_INT(entry_set_visit(&A, &t, NULL, day("1969-12-31"), 0, &e), ENTRY_REFUSED);
    entry_target_free(&t);
    int before = n_rows();
    CHECK_INT(save("vas", 'L', "baseline", "2026-06-15", 0, vas6, NULL, &e), ENTRY_REFUSED);
    CHECK(contains(e.msg, "far from the window of 'baseline'"));
    CHECK_INT(save("vas", 'L', "baseline", "2026-04-01", ENTRY_CONFIRMED, vas6, NULL, &e),
              ENTRY_REFUSED);
    CHECK(contains(e.msg, "in the window of '3 months' for the left hip, not 'baseline'"));
    CHECK_INT(n_rows(), before);

    /* In window; then out of window with the mark. */
    CHECK_INT(save("vas", 'L', "baseline", "2025-12-20", 0, vas6, &r, &e), ENTRY_OK);
    CHECK_INT(r.out_of_window, 0);
    st_record_free(&r);
    CHECK_INT(save("vas", 'L', "1m", "2026-02-20", 0, vas6, NULL, &e), ENTRY_CONFIRM);
    CHECK_INT(save("vas", 'L', "1m", "2026-02-20", ENTRY_CONFIRMED, vas6, &r, &e), ENTRY_OK);
    CHECK_INT(r.out_of_window, 1);
    st_record got;
    CHECK_INT(store_record_get(A.db, r.uuid, &got), 0);
    CHECK_INT(got.out_of_window, 1);
    st_record_free(&got);
    char vas1m[37];
    memcpy(vas1m, r.uuid, 37);
    st_record_free(&r);

    /* Amend: move the date into the window (the mark goes) and the
     * timepoint; a move into another window is refused. */
    st_record old;
    CHECK_INT(entry_open_record(&A, vas1m, "amend", &old, &t, &e), ENTRY_OK);
    form_answers *a = entry_answers_of(t.f, &old, NULL);
    CHECK_INT(entry_set_visit(&A, &t, "1m", day("2026-04-01"), ENTRY_CONFIRMED, &e),
              ENTRY_REFUSED);
    CHECK(contains(e.msg, "'3 months'"));
    CHECK_INT(entry_set_visit(&A, &t, "3m", day("2026-04-01"), 0, &e), ENTRY_OK);
    CHECK_INT(entry_amend(&A, &t, &old, a, "wrong visit", &r, &e), ENTRY_OK);
    CHECK_STR(r.timepoint, "3m");
    CHECK_INT(r.out_of_window, 0);
    st_record_free(&r);
    CHECK_INT(entry_amend(&A, &t, &old, a, "", &r, &e), ENTRY_REFUSED);
    CHECK_STR(e.field, "reason");
    form_answers_free(a);
    st_record_free(&old);
    entry_target_free(&t);
    st_record_free(&r);

    /* Hip replacement: not in the future, not before day 0, not twice. */
    static const char *const tha_future[] = {"tha_date", "2026-06-20", "reason", "pain", NULL};
    static const char *const tha_early[] = {"tha_date", "2026-01-01", "reason", "pain", NULL};
    static const char *const tha_ok[] = {"tha_date", "2026-05-01", "reason", "collapse", NULL};
    static const char *const tha_again[] = {"tha_date", "2026-05-02", "reason", "pain", NULL};
    before = n_rows();
    CHECK_INT(save("tha", 'L', "unscheduled", "2026-06-15", 0, tha_future, NULL, &e),
              ENTRY_REFUSED);
    CHECK_STR(e.field, "tha_date");
    CHECK(e.answer);
    CHECK(contains(e.msg, "in the future"));
    CHECK_INT(save("tha", 'L', "unscheduled", "2026-06-15", 0, tha_early, NULL, &e),
              ENTRY_REFUSED);
    CHECK(contains(e.msg, "before the hip's index date 2026-01-10"));
    CHECK_INT(n_rows(), before);
    CHECK_INT(save("tha", 'L', "unscheduled", "2026-05-01", 0, tha_ok, NULL, &e), ENTRY_OK);
    CHECK_INT(save("tha", 'L', "unscheduled", "2026-05-02", 0, tha_again, NULL, &e),
              ENTRY_REFUSED);
    CHECK(contains(e.msg, "already has 'Conversion to THA' dated 2026-05-01"));
    /* After it: no scheduled visit for that hip; unscheduled ones and the
     * other hip go on. */
    static const char *const none[] = {"events", "none", NULL};
    CHECK_INT(save("vas", 'L', "6m", "2026-06-15", ENTRY_CONFIRMED, vas6, NULL, &e),
              ENTRY_REFUSED);
    CHECK(contains(e.msg, "follow-up ended on 2026-05-01 (Conversion to THA)"));
    CHECK_INT(save("complications", 'L', "unscheduled", "2026-06-10", 0, none, NULL, &e),
              ENTRY_OK);
    CHECK_INT(save("vas", 'R', "3m", "2026-06-01", 0, vas6, NULL, &e), ENTRY_OK);
}

static void test_drafts(void)
{
    entry_target t;
    entry_error e;
    CHECK_INT(entry_resolve(&A, "E1", "hhs", 'R', &t, &e), ENTRY_OK);
    CHECK_INT(entry_set_visit(&A, &t, "3m", day("2026-06-01"), 0, &e), ENTRY_OK);
    static const char *const three[] = {"pain", "slight", "limp", "none", "support", "none", NULL};
    form_answers *a = answers("hhs", three);
    char uuid[37] = "";
    CHECK_INT(entry_draft_open(&A, &t, a, uuid, &e), ENTRY_OK);
    st_record d;
    CHECK_INT(entry_draft_find(&A, &t, &d), 0);
    CHECK_INT(d.n_ans, 3);
    st_record_free(&d);
    /* One more answer, written at once. */
    char err[256];
    int fi = form_field_index(t.f, "distance");
    CHECK_INT(form_answer_set(a, fi, "unlimited", err, sizeof err), 0);
    CHECK_INT(entry_draft_write(&A, uuid, a, fi, NULL, &e), ENTRY_OK);
    /* Resume in another session: every answer. */
    form_answers *b = form_answers_new(t.f);
    CHECK_INT(entry_draft_find(&A, &t, &d), 0);
    entry_draft_resume(&d, b);
    CHECK_INT(form_answers_count(b), 4);
    st_record_free(&d);
    form_answers_free(b);
    /* "Keep" while the draft still exists: it holds what is on screen,
     * an answer cleared on screen included. */
    form_answer_clear(a, form_field_index(t.f, "support"));
    int made_new = -1;
    CHECK_INT(entry_draft_keep(&A, &t, a, uuid, &made_new, &e), ENTRY_OK);
    CHECK_INT(made_new, 0);
    CHECK_INT(entry_draft_find(&A, &t, &d), 0);
    CHECK_INT(d.n_ans, 3);
    CHECK(st_record_get(&d, "support") == NULL);
    st_record_free(&d);
    /* Another session discards it: writing fails, "keep" makes a new
     * draft with every answer on screen. */
    CHECK_INT(entry_draft_discard(&A, uuid, &e), ENTRY_OK);
    fi = form_field_index(t.f, "stairs");
    CHECK_INT(form_answer_set(a, fi, "normal", err, sizeof err), 0);
    CHECK_INT(entry_draft_write(&A, uuid, a, fi, NULL, &e), ENTRY_REFUSED);
    char old[37];
    memcpy(old, uuid, 37);
    CHECK_INT(entry_draft_keep(&A, &t, a, uuid, &made_new, &e), ENTRY_OK);
    CHECK_INT(made_new, 1);
    CHECK(strcmp(old, uuid) != 0);
    CHECK_INT(entry_draft_find(&A, &t, &d), 0);
    CHECK_INT(d.n_ans, 4);
    CHECK_STR(st_record_get(&d, "stairs"), "normal");
    st_record_free(&d);
    /* Another session finishes the visit: our "keep" still keeps ours. */
    st_record r;
    CHECK_INT(entry_save(&A, &t, a, uuid, &r, &e), ENTRY_REFUSED);   /* incomplete */
    CHECK(e.answer);
    st_record_free(&r);
    entry_target_free(&t);
    form_answers_free(a);
}

int main(void)
{
    char dir[] = "/tmp/test_entry.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *db = xasprintf("%s/e.db", dir);
    app_opts o = {.db = db, .config = BEDSIDE_SRCDIR "/config/bedside.yaml",
                  .forms = BEDSIDE_SRCDIR "/forms"};
    CHECK_INT(app_init(&A, &o, APP_DB_WRITE), 0);
    if (!A.db)
        return t_done();
    test_edges();
    test_two_hips();
    test_tha();
    test_life();
    test_drafts();
    app_free(&A);
    unlink(db);
    char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    free(wal);
    free(shm);
    free(db);
    return t_done();
}
