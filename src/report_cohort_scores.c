/* report_cohort_scores.c — every trend score of every hip form at every
 * scheduled timepoint: n, mean ± SD, and against baseline (the first
 * timepoint of the schedule) on the hips with both values: mean change
 * with its 95 % CI, paired t-test and Wilcoxon signed-rank p. Records
 * dated after the hip's endpoint are left out and counted. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cohort.h"

typedef struct {
    const form *f;
    const form_score *s;
} tscore;

typedef struct {
    const rc_cohort *c;
    tscore *sc;
    int n_sc, n_tp;
    double *val;     /* [score][tp][hip] */
    int *date;       /* the visit date a value came from */
    int *excluded;   /* [score][tp]: records after the endpoint */
} grid;

static size_t cell(const grid *g, int k, int tp, int hip)
{
    return ((size_t)k * (size_t)g->n_tp + (size_t)tp) * (size_t)g->c->n_hip + (size_t)hip;
}

static int take_score(void *ctx, const char *hip, const char *tp, const char *form_id,
                      const char *score, double value, int visit_date)
{
    grid *g = ctx;
    int k = 0;
    while (k < g->n_sc && (strcmp(g->sc[k].f->id, form_id) != 0 || strcmp(g->sc[k].s->id, score) != 0))
        k++;
    if (k == g->n_sc)
        return 0;
    int t = config_timepoint(&g->c->a->cfg, tp);
    int h = t < 0 ? -1 : rc_hip_find(g->c, hip);
    if (h < 0)
        return 0;
    const rc_hip *x = &g->c->hip[h];
    if (x->surv.event && visit_date > x->surv.stop_date) {
        g->excluded[k * g->n_tp + t]++;
        return 0;
    }
    size_t i = cell(g, k, t, h);
    /* A visit recorded twice: the later one counts. */
    if (isnan(g->val[i]) || visit_date >= g->date[i]) {
        g->val[i] = value;
        g->date[i] = visit_date;
    }
    return 0;
}

enum { S_STRATUM, S_FORM, S_SCORE, S_TPID, S_TP, S_DAY, S_N, S_MEAN, S_SD, S_PAIRS, S_CHANGE, S_LO, S_HI,
       S_PT, S_PW, S_WMETHOD, S_EXCL, S_NCOL };
static const rc_col score_cols[S_NCOL] = {
    [S_STRATUM] = {"stratum", "", RC_TEXT, NULL, NULL, 0},
    [S_FORM] = {"form", "", RC_TEXT, NULL, NULL, 1},
    [S_SCORE] = {"score", "", RC_TEXT, NULL, NULL, 1},
    [S_TPID] = {"timepoint_id", "", RC_TEXT, NULL, NULL, 1},
    [S_TP] = {"timepoint", "visit", RC_TEXT, NULL, NULL, 0},
    [S_DAY] = {"day", "", RC_INT, NULL, NULL, 1},
    [S_N] = {"n", "n", RC_INT, NULL, NULL, 0},
    [S_MEAN] = {"mean", "mean ± SD", 2, NULL, NULL, 0},
    [S_SD] = {"sd", "", 2, " ± ", NULL, 0},
    [S_PAIRS] = {"pairs", "pairs", RC_INT, NULL, NULL, 0},
    [S_CHANGE] = {"change", "change (95% CI)", 2, NULL, NULL, 0},
    [S_LO] = {"change_lo", "", 2, " (", NULL, 0},
    [S_HI] = {"change_hi", "", 2, ", ", ")", 0},
    [S_PT] = {"p_t", "p (t)", RC_P, NULL, NULL, 0},
    [S_PW] = {"p_wilcoxon", "p (W)", RC_P, NULL, NULL, 0},
    [S_WMETHOD] = {"wilcoxon_method", "", RC_TEXT, NULL, NULL, 1},
    [S_EXCL] = {"after_endpoint", "excl.", RC_INT, NULL, NULL, 0},
};

static void one_table(report_cohort *rc, const grid *g, int k, const char *by, char **names,
                      int n_st, const int *of)
{
    const tscore *ts = &g->sc[k];
    const config *cfg = &g->c->a->cfg;
    rc_table *t = rc_table_new(rc, "scores", score_cols, S_NCOL, "%s: %s by visit%s%s",
                               ts->f->title, ts->s->label ? ts->s->label : ts->s->id,
                               by ? " and " : "", by ? by : "");
    t->col[S_STRATUM].head = by ? by : "";
    int n = g->c->n_hip;
    double *x = xmalloc((size_t)(n + 1) * sizeof *x), *b = xmalloc((size_t)(n + 1) * sizeof *b);
    double *y = xmalloc((size_t)(n + 1) * sizeof *y);
    for (int s = 0; s < n_st; s++)
        for (int tp = 0; tp < g->n_tp; tp++) {
            int m = 0, pairs = 0;
            for (int h = 0; h < n; h++) {
                if (of[h] != s)
                    continue;
                double v = g->val[cell(g, k, tp, h)], v0 = g->val[cell(g, k, 0, h)];
                if (isnan(v))
                    continue;
                x[m++] = v;
                if (tp > 0 && !isnan(v0)) {
                    b[pairs] = v0;
                    y[pairs++] = v;
                }
            }
            stat_desc d;
            stat_describe(x, m, &d);
            rc_val *r = rc_row(t);
            rc_set_s(r, S_STRATUM, names[s]);
            rc_set_s(r, S_FORM, ts->f->id);
            rc_set_s(r, S_SCORE, ts->s->id);
            rc_set_s(r, S_TPID, cfg->tp[tp].id);
            rc_set_s(r, S_TP, cfg->tp[tp].label);
            r[S_DAY].v = cfg->tp[tp].day;
            r[S_N].v = m;
            r[S_MEAN].v = d.mean;
            r[S_SD].v = d.sd;
            r[S_EXCL].v = g->excluded[k * g->n_tp + tp];
            if (tp == 0)
                continue;
            stat_paired p;
            stat_paired_test(b, y, pairs, &p);
            r[S_PAIRS].v = pairs;
            r[S_CHANGE].v = p.mean;
            r[S_LO].v = p.lo;
            r[S_HI].v = p.hi;
            r[S_PT].v = p.p_t;
            r[S_PW].v = p.p_w;
            if (!isnan(p.p_w))
                rc_set_s(r, S_WMETHOD, p.w_exact ? "exact" : "normal");
        }
    rc_note(t, "Change: mean of (visit - %s) on hips with both values (pairs); p: paired "
               "t-test and Wilcoxon signed-rank test against %s.", cfg->tp[0].label,
            cfg->tp[0].label);
    rc_note(t, "excl.: records dated after the hip's endpoint, left out.");
    rc_note(t, "Wilcoxon as R's wilcox.test(paired = TRUE): exact with fewer than 50 pairs and "
               "no ties or zero differences, else the normal approximation with continuity and "
               "tie correction.");
    free(x);
    free(b);
    free(y);
}

void rc_scores(report_cohort *rc, const rc_cohort *c, const char *by, char **err)
{
    const form_set *fs = &c->a->forms;
    grid g = {.c = c, .n_tp = c->a->cfg.n_tp};
    for (int i = 0; i < fs->n; i++)
        for (int j = 0; j < fs->v[i]->n_score; j++)
            if (fs->v[i]->scope == SCOPE_HIP && fs->v[i]->score[j].trend) {
                g.sc = xrealloc(g.sc, (size_t)(g.n_sc + 1) * sizeof *g.sc);
                g.sc[g.n_sc++] = (tscore){fs->v[i], &fs->v[i]->score[j]};
            }
    size_t cells = (size_t)g.n_sc * (size_t)g.n_tp * (size_t)c->n_hip;
    g.val = xmalloc((cells + 1) * sizeof *g.val);
    g.date = xmalloc((cells + 1) * sizeof *g.date);
    g.excluded = xcalloc((size_t)g.n_sc * (size_t)g.n_tp + 1, sizeof *g.excluded);
    for (size_t i = 0; i < cells; i++)
        g.val[i] = NAN;
    if (g.n_sc && c->n_hip && store_each_hip_score(c->a->db, take_score, &g) != 0) {
        *err = xstrdup("the scores could not be read from the database");
    } else {
        char **names;
        int *of;
        int n_st = rc_strata(c, by, &names, &of);
        for (int k = 0; k < g.n_sc; k++)
            one_table(rc, &g, k, by, names, n_st, of);
        rc_strata_free(names, n_st, of);
    }
    free(g.sc);
    free(g.val);
    free(g.date);
    free(g.excluded);
}
