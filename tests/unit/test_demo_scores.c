/* test_demo_scores.c — the demo's form-generic answers steered towards
 * score targets (demo_scores.c) on a made-up form, and the RAND-36 records
 * of the trial-003 demo shaped like seed 003's Table 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "t.h"

#ifndef BEDSIDE_SRCDIR
#define BEDSIDE_SRCDIR "."
#endif

static void test_interp(void)
{
    const double x[] = {0, 10, 30}, y[] = {5, 25, 15};
    CHECK_NEAR(demo_interp(x, y, 3, -4), 5);      /* flat before the first point */
    CHECK_NEAR(demo_interp(x, y, 3, 0), 5);
    CHECK_NEAR(demo_interp(x, y, 3, 5), 15);      /* half way from 5 to 25 */
    CHECK_NEAR(demo_interp(x, y, 3, 10), 25);
    CHECK_NEAR(demo_interp(x, y, 3, 20), 20);     /* half way from 25 down to 15 */
    CHECK_NEAR(demo_interp(x, y, 3, 99), 15);     /* flat after the last */
}

/* Score `id` of a, or NAN when NULL. */
static double score(const form_answers *a, const char *id)
{
    double v[16];
    int null[16];
    CHECK(a->f->n_score <= 16);
    form_compute(a, v, null);
    int k = form_score_index(a->f, id);
    return k < 0 || null[k] ? NAN : v[k];
}

static const char *answer(const form_answers *a, const char *field)
{
    return a->val[form_field_index(a->f, field)];
}

/* A mean of three items whose options are listed best first, a sum of two,
 * an item in no targeted score and one that is hidden. */
static const char yaml[] =
    "id: steer\nversion: 1\ntitle: Steer\nscope: patient\n"
    "sections:\n"
    "  - title: S\n"
    "    fields:\n"
    "      - {id: x1, label: X1, type: choice, options: [{code: a, points: 100},\n"
    "         {code: b, points: 50}, {code: c, points: 0}]}\n"
    "      - {id: x2, label: X2, type: choice, options: [{code: a, points: 100},\n"
    "         {code: b, points: 50}, {code: c, points: 0}]}\n"
    "      - {id: x3, label: X3, type: choice, options: [{code: a, points: 100},\n"
    "         {code: b, points: 0}]}\n"
    "      - {id: y1, label: Y1, type: choice, options: [{code: '0', points: 0},\n"
    "         {code: '1', points: 1}, {code: '2', points: 2}, {code: '3', points: 3},\n"
    "         {code: '4', points: 4}]}\n"
    "      - {id: y2, label: Y2, type: choice, options: [{code: '0', points: 0},\n"
    "         {code: '1', points: 1}, {code: '2', points: 2}, {code: '3', points: 3},\n"
    "         {code: '4', points: 4}]}\n"
    "      - {id: z, label: Z, type: choice, options: [{code: lo, points: 0},\n"
    "         {code: hi, points: 9}]}\n"
    "      - {id: w, label: W, type: choice, show_if: 1 = 0,\n"
    "         options: [{code: lo, points: 0}, {code: hi, points: 100}]}\n"
    "scores:\n"
    "  - {id: m, expr: '(coalesce(x1, 0) + coalesce(x2, 0) + coalesce(x3, 0) + coalesce(w, 0))\n"
    "       * 1.0 / nullif((x1 IS NOT NULL) + (x2 IS NOT NULL) + (x3 IS NOT NULL)\n"
    "       + (w IS NOT NULL), 0)', decimals: 2, min: 0, max: 100}\n"
    "  - {id: s, expr: y1 + y2, min: 0, max: 8}\n"
    "  - {id: other, expr: z, min: 0, max: 9}\n";

static void test_generic(void)
{
    diag d = {0};
    form *f = form_load_buffer("steer.yaml", yaml, strlen(yaml), &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    if (!f)
        return;
    demo_rng r;
    demo_rng_seed(&r, 3);
    const demo_target t[] = {{"m", 70}, {"s", 2}, {"no_such_score", 5}};
    enum { N = 400 };
    double sm = 0, ss = 0;
    int z_answered = 0, w_answered = 0, unanswered = 0;
    for (int i = 0; i < N; i++) {
        form_answers *a = form_answers_new(f);
        char *err = NULL;
        CHECK_INT(demo_fill_scores(a, t, 3, 0.0, &r, &err), 0);
        free(err);
        sm += score(a, "m");
        ss += score(a, "s");
        z_answered += answer(a, "z") != NULL;
        w_answered += answer(a, "w") != NULL;
        unanswered += !answer(a, "x1") + !answer(a, "x2") + !answer(a, "x3") + !answer(a, "y1");
        form_answers_free(a);
    }
    printf("     mean m %.2f (target 70), mean s %.2f (target 2)\n", sm / N, ss / N);
    CHECK(fabs(sm / N - 70) < 3);
    CHECK(fabs(ss / N - 2) < 0.25);
    CHECK_INT(z_answered, 0);        /* feeds no targeted score */
    CHECK_INT(w_answered, 0);        /* hidden */
    CHECK_INT(unanswered, 0);        /* blank = 0: every steered item answered */

    /* blank = 1: the patient skipped everything; nothing is made up. */
    form_answers *a = form_answers_new(f);
    char *err = NULL;
    CHECK_INT(demo_fill_scores(a, t, 3, 1.0, &r, &err), 0);
    free(err);
    for (int i = 0; i < f->n_field; i++)
        CHECK(a->val[i] == NULL);
    /* An answer already given is kept. */
    char msg[200];
    CHECK_INT(form_answer_set(a, form_field_index(f, "x1"), "c", msg, sizeof msg), 0);
    CHECK_INT(demo_fill_scores(a, t, 3, 0.0, &r, &err), 0);
    CHECK_STR(answer(a, "x1"), "c");
    CHECK(answer(a, "x2") && answer(a, "y2"));
    form_answers_free(a);
    form_free(f);
}

/* Mean of each scale over n demo fills of the RAND-36 at `day`. */
static void rand36_means(const form *f, int day, double vas, demo_rng *r, double *pf,
                         double *rp, double *pain, int *invalid)
{
    enum { N = 300 };
    *pf = *rp = *pain = 0;
    for (int i = 0; i < N; i++) {
        demo_visit v = {.visit_date = 20000 + day, .index_date = 20000, .vas = vas,
                        .complication = -1, .tha_date = -1, .response = 0};
        form_answers *a = form_answers_new(f);
        char *err = NULL;
        if (demo_fill(a, &v, r, &err) != 0 || form_validate(a, NULL, NULL) != 0)
            (*invalid)++;
        free(err);
        *pf += score(a, "physical_functioning") / N;
        *rp += score(a, "role_physical") / N;
        *pain += score(a, "pain") / N;
        form_answers_free(a);
    }
}

static void test_rand36(void)
{
    diag d = {0};
    form *f = form_load(BEDSIDE_SRCDIR "/forms/rand36.yaml", &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    if (!f)
        return;
    demo_rng r;
    demo_rng_seed(&r, 11);
    double pf0, rp0, pain0, pf12, rp12, pain12;
    int invalid = 0;
    rand36_means(f, 0, 8.0, &r, &pf0, &rp0, &pain0, &invalid);
    rand36_means(f, 365, 3.0, &r, &pf12, &rp12, &pain12, &invalid);
    printf("     RAND-36 baseline PF %.1f RP %.1f pain %.1f; 12 months PF %.1f RP %.1f "
           "pain %.1f\n", pf0, rp0, pain0, pf12, rp12, pain12);
    CHECK_INT(invalid, 0);
    /* Seed 003, Table 1: physical functioning 38.75 -> 52.50, role physical
     * 0 -> 43.75; bodily pain follows the VAS (100 - 10 x VAS: 20 -> 70). */
    CHECK(fabs(pf0 - 38.75) < 4 && fabs(pf12 - 52.5) < 4);
    CHECK(rp0 < 8 && fabs(rp12 - 43.75) < 5);
    CHECK(fabs(pain0 - 20) < 5 && fabs(pain12 - 70) < 5);
    form_free(f);
}

int main(void)
{
    test_interp();
    test_generic();
    test_rand36();
    return t_done();
}
