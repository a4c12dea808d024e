/* test_form_hhs.c — the shipped Harris Hip Score against hand-computed
 * cases (clinical.md), and the other shipped forms' scores and summaries. */
#include <stdlib.h>

#include "form.h"
#include "t.h"

static form *load(const char *path)
{
    diag d = {0};
    form *f = form_load(path, &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    return f;
}

static void set(form_answers *a, const char *id, const char *v)
{
    char err[200] = "";
    int i = form_field_index(a->f, id);
    int rc = form_answer_set(a, i, v, err, sizeof err);
    if (rc != 0)
        printf("     set %s=%s: %s\n", id, v, err);
    CHECK_INT(rc, 0);
}

/* Score id's value, or -999 when NULL. */
static double score(const form_answers *a, const char *id)
{
    double v[16];
    int null[16];
    form_compute(a, v, null);
    int k = form_score_index(a->f, id);
    CHECK(k >= 0);
    return k < 0 || null[k] ? -999 : v[k];
}

/* Every item at its best; range of motion as given. */
static void best(form_answers *a)
{
    const char *v[][2] = {
        {"pain", "none"}, {"limp", "none"}, {"support", "none"}, {"distance", "unlimited"},
        {"stairs", "normal"}, {"shoes_socks", "ease"}, {"sitting", "ordinary_chair"},
        {"public_transport", "able"}, {"flexion_contracture_lt30", "yes"},
        {"adduction_lt10", "yes"}, {"internal_rotation_lt10", "yes"},
        {"limb_length_lt32", "yes"}, {"flexion", "120"}, {"abduction", "30"},
        {"adduction", "20"}, {"external_rotation", "20"}, {"internal_rotation", "10"},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        set(a, v[i][0], v[i][1]);
}

static void rom(form_answers *a, const char *fl, const char *ab, const char *ad, const char *er)
{
    set(a, "flexion", fl);
    set(a, "abduction", ab);
    set(a, "adduction", ad);
    set(a, "external_rotation", er);
}

static void problem(void *ctx, const char *id, const char *msg)
{
    (*(int *)ctx)++;
    printf("     problem %s: %s\n", id, msg);
}

static void test_hhs(void)
{
    form *f = load("forms/hhs.yaml");
    if (!f)
        return;
    /* The TUI's keystroke budget depends on exactly 17 answerable fields. */
    CHECK_INT(f->n_field, 17);
    CHECK_STR(f->field[0].id, "pain");
    CHECK_STR(f->field[16].id, "internal_rotation");
    form_answers *a = form_answers_new(f);
    CHECK_NEAR(score(a, "total"), -999);      /* nothing answered: NULL, not 0 */

    best(a);
    CHECK_NEAR(score(a, "pain_points"), 44);
    CHECK_NEAR(score(a, "function_points"), 47);
    CHECK_NEAR(score(a, "deformity_points"), 4);
    CHECK_NEAR(score(a, "rom_points"), 5);     /* 100.5 x 0.05 = 5.025, capped */
    CHECK_NEAR(score(a, "total"), 100);
    CHECK_NEAR(score(a, "mhhs"), 100);         /* 91 x 1.1 = 100.1, capped */
    int n = 0;
    CHECK_INT(form_validate(a, problem, &n), 0);

    /* clinical.md's worked example: 45 + 27 + 8 + 4 + 2 = 86 -> 4.3 */
    rom(a, "90", "10", "10", "10");
    CHECK_NEAR(score(a, "rom_points"), 4.3);
    CHECK_NEAR(score(a, "total"), 99.3);

    /* Flexion weighting edges, the other movements at 0. */
    rom(a, "45", "0", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 2.3);   /* 45 x 1.0 = 45 -> 2.25 */
    rom(a, "60", "0", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 2.7);   /* 45 + 15 x 0.6 = 54 */
    rom(a, "90", "0", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 3.6);   /* 45 + 27 = 72 */
    rom(a, "100", "0", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 3.8);   /* 72 + 3 = 75 -> 3.75 */
    rom(a, "110", "0", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 3.9);   /* 72 + 6 = 78 */
    rom(a, "150", "0", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 3.9);   /* beyond 110 counts 0 */
    rom(a, "0", "15", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 0.6);   /* 15 x 0.8 = 12 */
    rom(a, "0", "20", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 0.7);   /* 12 + 1.5 -> 0.675 */
    rom(a, "0", "90", "0", "0");
    CHECK_NEAR(score(a, "rom_points"), 0.7);
    rom(a, "0", "0", "0", "15");
    CHECK_NEAR(score(a, "rom_points"), 0.3);   /* 15 x 0.4 = 6 */
    rom(a, "0", "0", "0", "90");
    CHECK_NEAR(score(a, "rom_points"), 0.3);
    rom(a, "0", "0", "15", "0");
    CHECK_NEAR(score(a, "rom_points"), 0.2);   /* 15 x 0.2 = 3 -> 0.15 */
    rom(a, "0", "0", "90", "0");
    CHECK_NEAR(score(a, "rom_points"), 0.2);
    set(a, "internal_rotation", "90");          /* weight 0 */
    CHECK_NEAR(score(a, "rom_points"), 0.2);
    rom(a, "150", "90", "90", "90");
    CHECK_NEAR(score(a, "rom_points"), 5);

    /* Deformity: all four or nothing; NULL while one is unanswered. */
    set(a, "limb_length_lt32", "no");
    CHECK_NEAR(score(a, "deformity_points"), 0);
    CHECK_NEAR(score(a, "total"), 96);
    form_answer_clear(a, form_field_index(f, "limb_length_lt32"));
    CHECK_NEAR(score(a, "deformity_points"), -999);
    CHECK_NEAR(score(a, "total"), -999);
    CHECK_NEAR(score(a, "mhhs"), 100);         /* mHHS needs no deformity */
    n = 0;
    CHECK_INT(form_validate(a, problem, &n), 1);   /* the required answer */

    /* A middling hip, by hand: pain mild 30; function 8+7+8+2+2+3+1 = 31;
     * one deformity -> 0; ROM worked example 4.3. Total 65.3, poor; mHHS
     * (30 + 31) x 1.1 = 67.1. */
    set(a, "pain", "mild");
    set(a, "limp", "slight");
    set(a, "support", "cane_long_walks");
    set(a, "distance", "six_blocks");
    set(a, "stairs", "railing");
    set(a, "shoes_socks", "difficulty");
    set(a, "sitting", "high_chair");
    set(a, "public_transport", "able");
    set(a, "limb_length_lt32", "no");
    rom(a, "90", "10", "10", "10");
    CHECK_NEAR(score(a, "function_points"), 31);
    CHECK_NEAR(score(a, "total"), 65.3);
    CHECK_NEAR(score(a, "mhhs"), 67.1);
    const form_score *tot = &f->score[form_score_index(f, "total")];
    CHECK_STR(form_score_band(tot, 65.3), "Poor");
    CHECK_STR(form_score_band(tot, 90), "Excellent");
    CHECK_STR(form_score_band(tot, 89.9), "Good");
    CHECK_STR(form_score_band(tot, 80), "Good");
    CHECK_STR(form_score_band(tot, 79.9), "Fair");
    CHECK_STR(form_score_band(tot, 70), "Fair");
    CHECK_STR(form_score_band(tot, 69.9), "Poor");
    CHECK_STR(form_score_band(tot, 0), "Poor");
    char buf[32];
    form_score_format(tot, 65.25, buf);
    CHECK_STR(buf, "65.3");                    /* half away from zero */
    CHECK(tot->trend && tot->better == BETTER_HIGHER && tot->has_mcid && tot->mcid == 18);

    /* Two support answers score 0, yet stay different answers. */
    set(a, "support", "two_crutches");
    double s1 = score(a, "function_points");
    CHECK_STR(a->val[form_field_index(f, "support")], "two_crutches");
    set(a, "support", "unable");
    CHECK_NEAR(score(a, "function_points"), s1);
    CHECK_STR(a->val[form_field_index(f, "support")], "unable");

    /* Unanswered -> NULL, not 0. */
    form_answer_clear(a, form_field_index(f, "pain"));
    CHECK_NEAR(score(a, "pain_points"), -999);
    CHECK_NEAR(score(a, "mhhs"), -999);
    CHECK_NEAR(score(a, "total"), -999);
    form_answer_clear(a, form_field_index(f, "flexion"));
    CHECK_NEAR(score(a, "rom_points"), -999);

    char *disp = form_answer_display(a, form_field_index(f, "support"));
    CHECK_STR(disp, "Not able to walk");
    free(disp);
    disp = form_answer_display(a, form_field_index(f, "abduction"));
    CHECK_STR(disp, "10 deg");
    free(disp);
    form_answers_free(a);
    form_free(f);
}

static void test_others(void)
{
    form *f = load("forms/vas.yaml");
    if (f) {
        form_answers *a = form_answers_new(f);
        set(a, "pain", "3.4");
        CHECK_NEAR(score(a, "vas"), 3.4);
        char err[200];
        CHECK_INT(form_answer_set(a, 0, "7.25", err, sizeof err), -1);
        CHECK_INT(form_answer_set(a, 0, "10.5", err, sizeof err), -1);
        CHECK_STR(err, "must be between 0 and 10");
        CHECK(f->score[0].better == BETTER_LOWER && f->score[0].mcid == 2);
        form_answers_free(a);
        form_free(f);
    }
    f = load("forms/complications.yaml");
    if (f) {
        form_answers *a = form_answers_new(f);
        set(a, "events", "none");
        CHECK_NEAR(score(a, "count"), 0);
        char *s = form_summary(a);
        CHECK_STR(s, NULL);                    /* nothing to list */
        free(s);
        CHECK(!form_field_visible(a, form_field_index(f, "grade")));
        set(a, "events", "hematoma, other");
        CHECK(form_field_visible(a, form_field_index(f, "grade")));
        CHECK(form_field_visible(a, form_field_index(f, "other_text")));
        set(a, "other_text", "rash");
        set(a, "grade", "iiia");
        set(a, "action", "dressing");
        CHECK_NEAR(score(a, "count"), 2);
        s = form_summary(a);
        CHECK_STR(s, "hematoma, other; other: rash; Clavien-Dindo IIIa; dressing");
        free(s);
        CHECK(f->summary_show == SHOW_ALL);
        form_answers_free(a);
        form_free(f);
    }
    f = load("forms/procedure.yaml");
    if (f) {
        form_answers *a = form_answers_new(f);
        set(a, "injection_number", "2");
        set(a, "core_decompression", "yes");
        set(a, "aspirated_ml", "60");
        set(a, "concentrate_ml", "12");
        char *s = form_summary(a);
        CHECK_STR(s, "Injection 2; core decompression; 12 mL");
        free(s);
        char err[200];
        CHECK_INT(form_answer_set(a, form_field_index(f, "concentrate_ml"), "70", err,
                                  sizeof err), -1);
        CHECK_STR(err, "cannot be more than the marrow aspirated ('70.0')");
        form_answers_free(a);
        form_free(f);
    }
    f = load("forms/tha.yaml");
    if (f) {
        CHECK(f->ends_follow_up == form_field_index(f, "tha_date"));
        CHECK(f->summary_show == SHOW_ALERT);
        form_answers *a = form_answers_new(f);
        set(a, "tha_date", "2026-03-02");
        set(a, "reason", "collapse");
        char *s = form_summary(a);
        CHECK_STR(s, "Converted to THA on 2026-03-02: collapse of the femoral head");
        free(s);
        form_answers_free(a);
        form_free(f);
    }
    f = load("forms/mri.yaml");
    if (f) {
        form_answers *a = form_answers_new(f);
        set(a, "stage", "iii");
        set(a, "involvement", "35");
        set(a, "collapse_gt2mm", "no");
        set(a, "crescent_sign", "yes");
        set(a, "judgement", "progressed");
        CHECK_NEAR(score(a, "necrosis"), 35);
        char *s = form_summary(a);
        CHECK_STR(s, "Steinberg III; 35% involved; progressed; crescent sign");
        free(s);
        form_answers_free(a);
        form_free(f);
    }
    f = load("forms/satisfaction.yaml");
    if (f) {
        CHECK(f->scope == SCOPE_PATIENT);
        form_answers *a = form_answers_new(f);
        set(a, "rating", "satisfied");
        CHECK_NEAR(score(a, "satisfaction"), 4);
        form_answers_free(a);
        form_free(f);
    }
}


/* A summary computes the scores it reads, and the scores those read, and no
 * others: one that reads the second score sees the first one's value in it;
 * one that reads answers alone does not evaluate a score that would fail. */
static void test_summary_scores(void)
{
    const char *y =
        "id: sums\ntitle: Sums\nversion: 1\nscope: hip\n"
        "sections:\n  - title: S\n    fields:\n"
        "      - {id: a, label: A, type: integer}\n"
        "      - {id: b, label: B, type: integer}\n"
        "scores:\n"
        "  - {id: first, label: First, expr: a + b}\n"
        "  - {id: second, label: Second, expr: first * 10}\n"
        "  - {id: third, label: Third, expr: second + 1}\n"
        "summary:\n  label: Sum\n  show: all\n  expr: \"'second ' || second\"\n";
    diag d = {0};
    form *f = form_load_buffer("sums.yaml", y, strlen(y), &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    if (!f)
        return;
    form_answers *a = form_answers_new(f);
    set(a, "a", "2");
    set(a, "b", "3");
    char *s = form_summary(a);
    CHECK_STR(s, "second 50.0");
    free(s);
    form_answers_free(a);
    form_free(f);
}

int main(void)
{
    test_hhs();
    test_others();
    test_summary_scores();
    return t_done();
}
