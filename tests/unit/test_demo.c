/* test_demo.c — the demo's PRNG against reference values, and its form
 * filling: answers the forms accept, Harris totals near their targets. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "t.h"

#ifndef BEDSIDE_SRCDIR
#define BEDSIDE_SRCDIR "."
#endif

static void test_rng(void)
{
    /* xoshiro256** seeded by splitmix64(1), computed independently. */
    demo_rng r;
    demo_rng_seed(&r, 1);
    CHECK(demo_rng_next(&r) == 0xb3f2af6d0fc710c5u);
    CHECK(demo_rng_next(&r) == 0x853b559647364ceau);
    CHECK(demo_rng_next(&r) == 0x92f89756082a4514u);

    demo_rng_seed(&r, 42);
    int lo_seen = 0, hi_seen = 0, out = 0;
    double sum = 0, sq = 0, usum = 0;
    enum { N = 200000 };
    for (int i = 0; i < N; i++) {
        int k = demo_rng_int(&r, 3, 7);
        out += k < 3 || k > 7;
        lo_seen |= k == 3;
        hi_seen |= k == 7;
        double u = demo_rng_unit(&r);
        out += u < 0 || u >= 1;
        usum += u;
        double x = demo_rng_normal(&r, 10, 2);
        sum += x;
        sq += x * x;
    }
    CHECK_INT(out, 0);
    CHECK(lo_seen && hi_seen);
    CHECK(fabs(usum / N - 0.5) < 0.01);
    double mean = sum / N, sd = sqrt(sq / N - mean * mean);
    CHECK(fabs(mean - 10) < 0.05);
    CHECK(fabs(sd - 2) < 0.05);
    int yes = 0;
    for (int i = 0; i < N; i++)
        yes += demo_rng_chance(&r, 0.25);
    CHECK(fabs((double)yes / N - 0.25) < 0.01);
}

static int problems;
static void on_problem(void *ctx, const char *field, const char *msg)
{
    printf("     %s: %s: %s\n", (const char *)ctx, field, msg);
    problems++;
}

/* Fill, validate, compute; returns score `score` (or NAN). */
static double fill(const form *f, const demo_visit *v, demo_rng *r, const char *score,
                   form_answers **keep)
{
    form_answers *a = form_answers_new(f);
    char *err = NULL;
    int rc = demo_fill(a, v, r, &err);
    if (rc != 0)
        printf("     %s: %s\n", f->id, err);
    CHECK_INT(rc, 0);
    free(err);
    CHECK_INT(form_validate(a, on_problem, (void *)f->id), 0);
    double *val = calloc((size_t)f->n_score + 1, sizeof *val);
    int *isnull = calloc((size_t)f->n_score + 1, sizeof *isnull);
    form_compute(a, val, isnull);
    int i = score ? form_score_index(f, score) : -1;
    double out = i >= 0 && !isnull[i] ? val[i] : NAN;
    free(val);
    free(isnull);
    if (keep)
        *keep = a;
    else
        form_answers_free(a);
    return out;
}

static const char *answer(const form_answers *a, const char *field)
{
    int i = form_field_index(a->f, field);
    return i >= 0 ? a->val[i] : NULL;
}

static void test_shipped_forms(void)
{
    form_set fs = {0};
    diag d = {0};
    form_set_load(&fs, BEDSIDE_SRCDIR "/forms", &d);
    diag_print(&d, stdout);
    CHECK_INT(d.n, 0);
    diag_free(&d);
    const form *hhs = form_set_find(&fs, "hhs"), *vas = form_set_find(&fs, "vas");
    const form *comp = form_set_find(&fs, "complications");
    CHECK(hhs && vas && comp);
    if (!hhs || !vas || !comp) {
        form_set_free(&fs);
        return;
    }
    demo_rng r;
    demo_rng_seed(&r, 7);
    demo_visit v = {.visit_date = 20000, .index_date = 19900, .stage = 2, .involvement = 30,
                    .complication = -1, .mri_trend = 0, .satisfaction = 4, .tha_date = -1};

    /* The Harris total lands near the target across the range, and its
     * pain item agrees with the VAS of the same visit. */
    double err_sum = 0;
    int n = 0, pain_ok = 0;
    for (int target = 40; target <= 95; target += 5)
        for (int k = 0; k < 10; k++) {
            v.hhs = target;
            v.vas = target >= 80 ? 1.5 : target >= 60 ? 4.0 : 7.5;
            form_answers *a = NULL;
            double total = fill(hhs, &v, &r, "total", &a);
            err_sum += fabs(total - target);
            n++;
            const char *p = answer(a, "pain");
            pain_ok += p && (v.vas < 2.5 ? strcmp(p, "marked") != 0 && strcmp(p, "disabled") != 0
                                          : strcmp(p, "none") != 0);
            form_answers_free(a);
        }
    printf("     mean |HHS total - target| = %.2f over %d\n", err_sum / n, n);
    CHECK(err_sum / n < 5);
    CHECK(pain_ok >= n * 9 / 10);

    v.vas = 3.4;
    CHECK_NEAR(fill(vas, &v, &r, "vas", NULL), 3.4);

    form_answers *a = NULL;
    fill(comp, &v, &r, "count", &a);
    CHECK_STR(answer(a, "events"), "none");
    CHECK(answer(a, "grade") == NULL);
    form_answers_free(a);
    v.complication = 0;
    v.grade = 1;
    CHECK_NEAR(fill(comp, &v, &r, "count", &a), 1);
    CHECK_STR(answer(a, "events"), "aspiration_site_pain");
    CHECK_STR(answer(a, "grade"), "i");
    form_answers_free(a);
    CHECK_INT(problems, 0);
    form_set_free(&fs);
}

/* A form the demo knows nothing about still gets valid required answers. */
static void test_unknown_form(void)
{
    static const char yaml[] =
        "id: wound\n"
        "version: 1\n"
        "title: Wound check\n"
        "scope: hip\n"
        "sections:\n"
        "  - title: Wound\n"
        "    fields:\n"
        "      - {id: healed, label: Healed, type: yesno, required: true}\n"
        "      - {id: size, label: Size, type: decimal, decimals: 1, min: 0.5, max: 20,\n"
        "         required: true}\n"
        "      - {id: look, label: Look, type: choice, required: true,\n"
        "         options: [{code: clean, label: Clean}, {code: red, label: Red}]}\n"
        "      - {id: seen, label: Seen on, type: date, required: true}\n"
        "      - {id: note, label: Note, type: text}\n";
    diag d = {0};
    form *f = form_load_buffer("wound.yaml", yaml, strlen(yaml), &d);
    diag_print(&d, stdout);
    CHECK(f != NULL);
    diag_free(&d);
    if (!f)
        return;
    demo_rng r;
    demo_rng_seed(&r, 1);
    demo_visit v = {.visit_date = 20000, .complication = -1, .tha_date = -1};
    form_answers *a = NULL;
    fill(f, &v, &r, NULL, &a);
    CHECK_STR(answer(a, "healed"), "no");
    CHECK_STR(answer(a, "size"), "0.5");
    CHECK_STR(answer(a, "look"), "clean");
    CHECK_STR(answer(a, "seen"), "2024-10-04");
    CHECK(answer(a, "note") == NULL);
    form_answers_free(a);
    form_free(f);
}

int main(void)
{
    test_rng();
    test_shipped_forms();
    test_unknown_form();
    return t_done();
}
