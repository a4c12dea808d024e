/* demo_scores.c — demo answers steered towards score targets, for any form.
 *
 * A questionnaire such as the RAND-36 has many choice items with points and
 * scores built from them; the demo knows what each score should be near at
 * a visit, not how each item feeds it. So the form is asked: each choice
 * field with points is moved from its lowest- to its highest-points option
 * and the scores that change are the ones it feeds. It is then answered at
 * the level its scores should reach, the target's place between the
 * score's min and max, plus some noise, choosing between the two options
 * around that level at random in proportion, so that on average an item is
 * at its level. form_compute has the last word on every score. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

double demo_interp(const double *x, const double *y, int n, double at)
{
    assert(n > 0);
    if (at <= x[0])
        return y[0];
    for (int i = 1; i < n; i++)
        if (at <= x[i])
            return y[i - 1] + (at - x[i - 1]) / (x[i] - x[i - 1]) * (y[i] - y[i - 1]);
    return y[n - 1];
}

/* The option of fl with the fewest (hi = 0) or most (hi = 1) points. */
static int extreme(const form_field *fl, int hi)
{
    int k = 0;
    for (int o = 1; o < fl->n_opt; o++)
        if (hi ? fl->opt[o].points > fl->opt[k].points : fl->opt[o].points < fl->opt[k].points)
            k = o;
    return k;
}

static int steerable(const form_answers *a, int i)
{
    const form_field *fl = &a->f->field[i];
    return fl->type == FT_CHOICE && fl->has_points && fl->n_opt > 1 && !a->val[i] &&
           fl->opt[extreme(fl, 1)].points > fl->opt[extreme(fl, 0)].points;
}

static int set_opt(form_answers *a, int i, int o, char **err)
{
    char msg[256];
    if (form_answer_set(a, i, a->f->field[i].opt[o].code, msg, sizeof msg) == 0)
        return 0;
    *err = xasprintf("form '%s': demo answer '%s' for '%s' refused: %s", a->f->id,
                     a->f->field[i].opt[o].code, a->f->field[i].id, msg);
    return -1;
}

/* feeds[i * n_score + k]: does field i move score k? Every steerable field
 * starts at its lowest option; one at a time goes to its highest. */
static int find_feeds(form_answers *a, const int *cand, int n_cand, char *feeds, char **err)
{
    const form *f = a->f;
    int ns = f->n_score;
    double *base = xcalloc((size_t)ns + 1, sizeof *base), *v = xcalloc((size_t)ns + 1, sizeof *v);
    int *bnull = xcalloc((size_t)ns + 1, sizeof *bnull), *vnull = xcalloc((size_t)ns + 1, sizeof *vnull);
    int rc = 0;
    for (int c = 0; c < n_cand && rc == 0; c++)
        rc = set_opt(a, cand[c], extreme(&f->field[cand[c]], 0), err);
    if (rc == 0)
        form_compute(a, base, bnull);
    for (int c = 0; c < n_cand && rc == 0; c++) {
        const form_field *fl = &f->field[cand[c]];
        rc = set_opt(a, cand[c], extreme(fl, 1), err);
        if (rc == 0) {
            form_compute(a, v, vnull);
            for (int k = 0; k < ns; k++)
                feeds[c * ns + k] = vnull[k] != bnull[k] || (!vnull[k] && v[k] != base[k]);
            rc = set_opt(a, cand[c], extreme(fl, 0), err);
        }
    }
    for (int c = 0; c < n_cand; c++)
        form_answer_clear(a, cand[c]);
    free(base);
    free(v);
    free(bnull);
    free(vnull);
    return rc;
}

/* Where target t lies between score s's min and max (0..100 if unset). */
static double level_of(const form_score *s, double t)
{
    double lo = s->has_min ? s->min : 0, hi = s->has_max ? s->max : 100;
    return hi > lo ? (t - lo) / (hi - lo) : 0.5;
}

/* An option of fl at `level` (0 = fewest points, 1 = most) on average. */
static int option_at(const form_field *fl, double level, demo_rng *r)
{
    double pmin = fl->opt[extreme(fl, 0)].points, pmax = fl->opt[extreme(fl, 1)].points;
    int below = -1, above = -1;
    double lb = -1, la = 2;
    for (int o = 0; o < fl->n_opt; o++) {
        double l = (fl->opt[o].points - pmin) / (pmax - pmin);
        if (l <= level && l > lb)
            lb = l, below = o;
        if (l >= level && l < la)
            la = l, above = o;
    }
    if (below < 0)
        return above;
    if (above < 0 || la <= lb)
        return below;
    return demo_rng_unit(r) < (level - lb) / (la - lb) ? above : below;
}

int demo_fill_scores(form_answers *a, const demo_target *t, int n_t, double blank,
                     demo_rng *r, char **err)
{
    const form *f = a->f;
    int ns = f->n_score;
    double *want = xcalloc((size_t)ns + 1, sizeof *want);
    for (int k = 0; k < ns; k++)
        want[k] = NAN;
    for (int j = 0; j < n_t; j++) {
        int k = form_score_index(f, t[j].score);
        if (k >= 0)
            want[k] = level_of(&f->score[k], t[j].value);
    }
    int *cand = xcalloc((size_t)f->n_field + 1, sizeof *cand), n_cand = 0;
    for (int i = 0; i < f->n_field; i++)
        if (steerable(a, i))
            cand[n_cand++] = i;
    char *feeds = xcalloc((size_t)n_cand * (size_t)ns + 1, 1);
    int rc = find_feeds(a, cand, n_cand, feeds, err);
    for (int c = 0; c < n_cand && rc == 0; c++) {
        double sum = 0;
        int n = 0;
        for (int k = 0; k < ns; k++)
            if (feeds[c * ns + k] && !isnan(want[k]))
                sum += want[k], n++;
        /* Fields that feed no target, hidden ones and the odd item a
         * patient skips stay unanswered. */
        if (!n || !form_field_visible(a, cand[c]) || demo_rng_chance(r, blank))
            continue;
        double level = sum / n + demo_rng_normal(r, 0, 0.12);
        level = level < 0 ? 0 : level > 1 ? 1 : level;
        rc = set_opt(a, cand[c], option_at(&f->field[cand[c]], level, r), err);
    }
    free(feeds);
    free(cand);
    free(want);
    return rc;
}
