/* test_form_rand36.c — the shipped RAND 36-Item Health Survey 1.0 against
 * cases worked out by hand from RAND's published scoring rule:
 *
 *   step 1, every item recoded to 0-100 (the option's points):
 *     items 1, 2, 20, 22, 34, 36     answers 1..5 -> 100 75 50 25 0
 *     items 3-12                     answers 1..3 -> 0 50 100
 *     items 13-19                    answers 1..2 -> 0 100
 *     items 21, 23, 26, 27, 30       answers 1..6 -> 100 80 60 40 20 0
 *     items 24, 25, 28, 29, 31       answers 1..6 -> 0 20 40 60 80 100
 *     items 32, 33, 35               answers 1..5 -> 0 25 50 75 100
 *   step 2, a scale is the mean of its answered items (none answered: NULL):
 *     physical functioning 3-12, role physical 13-16, role emotional
 *     17-19, energy/fatigue 23 27 29 31, emotional well-being 24 25 26 28
 *     30, social functioning 20 32, pain 21 22, general health 1 33-36;
 *     item 2 (health change) stands alone.
 * Scores keep one decimal, rounded half away from zero. */
#include <stdio.h>
#include <stdlib.h>

#include "form.h"
#include "t.h"

#define NULLV (-999.0)
#define N_SCALE 9

static const char *const scale_id[N_SCALE] = {
    "physical_functioning", "role_physical", "role_emotional", "energy_fatigue",
    "emotional_wellbeing", "social_functioning", "pain", "general_health", "health_change",
};

static form *load(const char *path)
{
    diag d = {0};
    form *f = form_load(path, &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    return f;
}

/* Answer item n (1..36) with RAND's precoded answer code, or clear it (0). */
static void item(form_answers *a, int n, int code)
{
    char id[16], v[16], err[200] = "";
    snprintf(id, sizeof id, "q%d", n);
    int i = form_field_index(a->f, id);
    CHECK(i >= 0);
    if (i < 0)
        return;
    if (code == 0) {
        form_answer_clear(a, i);
        return;
    }
    snprintf(v, sizeof v, "%d", code);
    int rc = form_answer_set(a, i, v, err, sizeof err);
    if (rc != 0)
        printf("     set %s=%s: %s\n", id, v, err);
    CHECK_INT(rc, 0);
}

/* All 36 items from a string of answer codes, item 1 first; '.' clears an
 * item and blanks only group them as the paper form does: 1-2, 3-12, 13-16,
 * 17-19, 20-22, 23-31, 32, 33-36. */
static void items(form_answers *a, const char *codes)
{
    int n = 0;
    for (const char *c = codes; *c; c++)
        if (*c != ' ' && ++n <= 36)
            item(a, n, *c == '.' ? 0 : *c - '0');
    CHECK_INT(n, 36);
}

/* The nine scores in scale_id order must be want[] (NULLV for NULL). */
static void expect(const form_answers *a, const double want[N_SCALE], int line)
{
    double v[32];
    int null[32];
    CHECK(a->f->n_score <= 32);
    form_compute(a, v, null);
    for (int s = 0; s < N_SCALE; s++) {
        int k = form_score_index(a->f, scale_id[s]);
        CHECK(k >= 0);
        double got = k < 0 || null[k] ? NULLV : v[k];
        if (fabs(got - want[s]) > 1e-9)
            printf("     case at line %d: %s\n", line, scale_id[s]);
        CHECK_NEAR(got, want[s]);
    }
}
#define EXPECT(a, ...) expect((a), (const double[N_SCALE]){__VA_ARGS__}, __LINE__)

static void test_shape(const form *f)
{
    CHECK_STR(f->id, "rand36");
    CHECK(f->scope == SCOPE_PATIENT);
    /* 36 answerable items, in RAND's order, each a choice; the TUI's
     * keystroke budget (tests/tui/rand36.sh) counts on exactly these. */
    int n = 0;
    for (int i = 0; i < f->n_field; i++) {
        if (f->field[i].type == FT_NOTE)
            continue;
        char id[16];
        snprintf(id, sizeof id, "q%d", ++n);
        CHECK_STR(f->field[i].id, id);
        CHECK(f->field[i].type == FT_CHOICE);
        CHECK(!f->field[i].required);       /* RAND scores partly answered forms */
    }
    CHECK_INT(n, 36);
    for (int s = 0; s < N_SCALE; s++) {
        int k = form_score_index(f, scale_id[s]);
        CHECK(k >= 0);
        if (k < 0)
            continue;
        const form_score *sc = &f->score[k];
        CHECK(sc->better == BETTER_HIGHER);
        CHECK_INT(sc->trend, s < 8);         /* the eight scales, not health change */
    }
}

static void test_scoring(form *f)
{
    form_answers *a = form_answers_new(f);

    /* Nothing answered: every scale NULL, never 0. */
    EXPECT(a, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV);

    /* All best: every recoded item is 100, so every mean is 100. Best is
     * answer 1 for items 1 2 20 21 22 23 26 27 30 34 36, 3 for 3-12, 2 for
     * 13-19, 6 for 24 25 28 29 31, 5 for 32 33 35. */
    items(a, "11 3333333333 2222 222 111 166116616 5 5151");
    EXPECT(a, 100, 100, 100, 100, 100, 100, 100, 100, 100);

    /* All worst: the mirror image, every item 0, every scale 0. */
    items(a, "55 1111111111 1111 111 565 611661161 1 1515");
    EXPECT(a, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /* Answer 1 everywhere, which checks each item's direction:
     *   PF 3-12 all 0 -> 0;  RP 13-16 all 0 -> 0;  RE 17-19 all 0 -> 0;
     *   EF 23 = 100, 27 = 100, 29 = 0, 31 = 0 -> 200/4 = 50;
     *   EWB 24 = 0, 25 = 0, 26 = 100, 28 = 0, 30 = 100 -> 200/5 = 40;
     *   SF 20 = 100, 32 = 0 -> 50;  pain 21 = 100, 22 = 100 -> 100;
     *   GH 1 = 100, 33 = 0, 34 = 100, 35 = 0, 36 = 100 -> 300/5 = 60;
     *   change 2 = 100. */
    items(a, "11 1111111111 1111 111 111 111111111 1 1111");
    EXPECT(a, 0, 0, 0, 50, 40, 50, 100, 60, 100);

    /* The last answer of every item (6 where there are six, 5 of five, 3
     * for 3-12, 2 for 13-19):
     *   PF 100;  RP 100;  RE 100;
     *   EF 23 = 0, 27 = 0, 29 = 100, 31 = 100 -> 50;
     *   EWB 24 = 100, 25 = 100, 26 = 0, 28 = 100, 30 = 0 -> 300/5 = 60;
     *   SF 20 = 0, 32 = 100 -> 50;  pain 21 = 0, 22 = 0 -> 0;
     *   GH 1 = 0, 33 = 100, 34 = 0, 35 = 100, 36 = 0 -> 200/5 = 40;
     *   change 0. */
    items(a, "55 3333333333 2222 222 565 666666666 5 5555");
    EXPECT(a, 100, 100, 100, 50, 60, 50, 0, 40, 0);

    /* Answer 2 everywhere, the second step of every recoding:
     *   PF 50;  RP 100;  RE 100;
     *   EF 23 = 80, 27 = 80, 29 = 20, 31 = 20 -> 200/4 = 50;
     *   EWB 24 = 20, 25 = 20, 26 = 80, 28 = 20, 30 = 80 -> 220/5 = 44;
     *   SF 20 = 75, 32 = 25 -> 50;  pain 21 = 80, 22 = 75 -> 77.5;
     *   GH 1 = 75, 33 = 25, 34 = 75, 35 = 25, 36 = 75 -> 275/5 = 55;
     *   change 75. */
    items(a, "22 2222222222 2222 222 222 222222222 2 2222");
    EXPECT(a, 50, 100, 100, 50, 44, 50, 77.5, 55, 75);

    /* A mixed patient:
     *   1 = 3 (50), 2 = 2 (75);
     *   PF 3..12 = 1 2 2 1 2 2 1 2 3 3 -> 0 50 50 0 50 50 0 50 100 100
     *      = 450/10 = 45;
     *   RP 13..16 = 1 1 2 1 -> 0 0 100 0 = 100/4 = 25;
     *   RE 17..19 = 2 1 2 -> 100 0 100 = 200/3 = 66.67 -> 66.7;
     *   SF 20 = 2 (75), 32 = 4 (75) -> 75;
     *   pain 21 = 4 (40), 22 = 3 (50) -> 45;
     *   EF 23 = 4 (40), 27 = 3 (60), 29 = 3 (40), 31 = 2 (20) -> 160/4 = 40;
     *   EWB 24 = 5 (80), 25 = 6 (100), 26 = 2 (80), 28 = 4 (60),
     *       30 = 3 (60) -> 380/5 = 76;
     *   GH 1 = 50, 33 = 2 (25), 34 = 3 (50), 35 = 4 (75), 36 = 4 (25)
     *      -> 225/5 = 45. */
    items(a, "32 1221221233 1121 212 243 456234332 4 2344");
    EXPECT(a, 45, 25, 66.7, 40, 76, 75, 45, 45, 75);

    /* The same patient leaving items out; only answered items count:
     *   PF without 3 and 9 (both 0): 450/8 = 56.25 -> 56.3;
     *   RE without 18 (0): 200/2 = 100;
     *   SF without 20 and 32: no item left -> NULL;
     *   pain without 21: 22 alone = 50;
     *   GH without 1 (50): (25 + 50 + 75 + 25)/4 = 43.75 -> 43.8;
     *   RP, EF, EWB and change unchanged. */
    item(a, 3, 0);
    item(a, 9, 0);
    item(a, 18, 0);
    item(a, 20, 0);
    item(a, 32, 0);
    item(a, 21, 0);
    item(a, 1, 0);
    EXPECT(a, 56.3, 25, 100, 40, 76, NULLV, 50, 43.8, 75);

    /* More gaps: EF loses all four items -> NULL; EWB keeps only 26 (80)
     * -> 80; RP keeps 15 (100) and 16 (0) -> 50; change unanswered -> NULL. */
    item(a, 23, 0);
    item(a, 27, 0);
    item(a, 29, 0);
    item(a, 31, 0);
    item(a, 24, 0);
    item(a, 25, 0);
    item(a, 28, 0);
    item(a, 30, 0);
    item(a, 13, 0);
    item(a, 14, 0);
    item(a, 2, 0);
    EXPECT(a, 56.3, 50, 100, NULLV, 80, NULLV, 50, 43.8, NULLV);

    /* One item per scale, from an empty form: each scale is that item. */
    items(a, ".. .......... .... ... ... ......... . ....");
    EXPECT(a, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV, NULLV);
    item(a, 7, 2);     /* PF 50 */
    item(a, 16, 1);    /* RP 0 */
    item(a, 19, 2);    /* RE 100 */
    item(a, 29, 2);    /* EF: negative item, answer 2 -> 20 */
    item(a, 30, 5);    /* EWB: positive item, answer 5 -> 20 */
    item(a, 32, 3);    /* SF 50 */
    item(a, 22, 4);    /* pain 25 */
    item(a, 35, 2);    /* GH: negative item, answer 2 -> 25 */
    EXPECT(a, 50, 0, 100, 20, 20, 50, 25, 25, NULLV);

    /* A partly answered form is still a valid final record. */
    CHECK_INT(form_validate(a, NULL, NULL), 0);

    /* Codes are RAND's answer numbers; one out of range is refused. */
    char err[200] = "";
    CHECK_INT(form_answer_set(a, form_field_index(f, "q13"), "3", err, sizeof err), -1);
    CHECK_INT(form_answer_set(a, form_field_index(f, "q3"), "4", err, sizeof err), -1);
    CHECK_INT(form_answer_set(a, form_field_index(f, "q21"), "6", err, sizeof err), 0);
    char *disp = form_answer_display(a, form_field_index(f, "q21"));
    CHECK_STR(disp, "Very severe");
    free(disp);
    form_answers_free(a);
}

int main(void)
{
    form *f = load("forms/rand36.yaml");
    if (f) {
        test_shape(f);
        test_scoring(f);
        form_free(f);
    }
    return t_done();
}
