/* report_cohort_scores.c — every trend score of every form at every
 * scheduled timepoint: n, mean ± SD, and against baseline (the first
 * timepoint of the schedule) on the hips with both values: mean change
 * with its 95 % CI, paired t-test and Wilcoxon signed-rank p. Records
 * dated after the hip's endpoint are left out and counted. A per-patient
 * form (the RAND-36) counts once per patient, with the patient's first hip
 * in the cohort: its stratum, timepoints and endpoint. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cohort.h"

typedef struct {
    const form *f;
    const form_score *s;
} tscore;

typedef struct {
    const char *patient;
    int hip;
} pfirst;

typedef struct {
    const rc_cohort *c;
    tscore *sc;
    int n_sc, n_tp;
    pfirst *first;   /* each patient's first hip, sorted by patient uuid */
    int n_first;
    double *val;     /* [score][tp][hip] */
    int *date;       /* the visit date a value came from */
    int *excluded;   /* [score][tp]: records after the endpoint */
} grid;

static size_t cell(const grid *g, int k, int tp, int hip)
{
    return ((size_t)k * (size_t)g->n_tp + (size_t)tp) * (size_t)g->c->n_hip + (size_t)hip;
}

/* Hips come in MRN order, so a patient's hips are neighbours; the first
 * is the one with the earliest index date (then the left). */
static int cmp_first(const void *x, const void *y)
{
    return strcmp(((const pfirst *)x)->patient, ((const pfirst *)y)->patient);
}

static void find_first_hips(grid *g)
{
    const rc_cohort *c = g->c;
    g->first = xmalloc(((size_t)c->n_hip + 1) * sizeof *g->first);
    g->n_first = 0;
    for (int h = 0; h < c->n_hip; h++) {
        pfirst *last = g->n_first ? &g->first[g->n_first - 1] : NULL;
        if (last && strcmp(last->patient, c->hip[h].patient) == 0) {
            if (c->hip[h].index_date < c->hip[last->hip].index_date)
                last->hip = h;
            continue;
        }
        g->first[g->n_first++] = (pfirst){c->hip[h].patient, h};
    }
    qsort(g->first, (size_t)g->n_first, sizeof *g->first, cmp_first);
}

static int first_hip(const grid *g, const char *patient)
{
    pfirst key = {patient, -1};
    const pfirst *f = bsearch(&key, g->first, (size_t)g->n_first, sizeof *g->first, cmp_first);
    return f ? f->hip : -1;
}

static int take(grid *g, int h, const char *tp, const char *form_id, const char *score,
                double value, int visit_date);

static int take_score(void *ctx, const char *hip, const char *tp, const char *form_id,
                      const char *score, double value, int visit_date)
{
    grid *g = ctx;
    return take(g, rc_hip_find(g->c, hip), tp, form_id, score, value, visit_date);
}

static int take_patient_score(void *ctx, const char *patient, const char *tp,
                              const char *form_id, const char *score, double value,
                              int visit_date)
{
    grid *g = ctx;
    return take(g, first_hip(g, patient), tp, form_id, score, value, visit_date);
}

static int take(grid *g, int h, const char *tp, const char *form_id, const char *score,
                double value, int visit_date)
{
    int k = 0;
    while (k < g->n_sc && (strcmp(g->sc[k].f->id, form_id) != 0 || strcmp(g->sc[k].s->id, score) != 0))
        k++;
    if (k == g->n_sc)
        return 0;
    int t = config_timepoint(&g->c->a->cfg, tp);
    if (t < 0 || h < 0)
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

static void one_table(report_cohort *rc, const grid *g, int k, const char *by, char *const *names,
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
    if (ts->f->scope == SCOPE_PATIENT)
        rc_note(t, "A per-patient form: each patient once, with the patient's first hip "
                   "(earliest index date): its stratum, visits and endpoint.");
    rc_note(t, "Wilcoxon as R's wilcox.test(paired = TRUE): exact with fewer than 50 pairs and "
               "no ties or zero differences, else the normal approximation with continuity and "
               "tie correction.");
    free(x);
    free(b);
    free(y);
}

/* A score gets a table when the schedule names its form or it has a value:
 * a form in the folder that this protocol does not use adds no table. */
static int in_use(const grid *g, int k)
{
    const config *cfg = &g->c->a->cfg;
    for (int t = 0; t < cfg->n_tp; t++)
        for (int j = 0; j < cfg->tp[t].n_forms; j++)
            if (strcmp(cfg->tp[t].forms[j], g->sc[k].f->id) == 0)
                return 1;
    for (int t = 0; t < g->n_tp; t++)
        for (int h = 0; h < g->c->n_hip; h++)
            if (!isnan(g->val[cell(g, k, t, h)]))
                return 1;
    return 0;
}

void rc_scores(report_cohort *rc, const rc_cohort *c, const char *by, char **err)
{
    const form_set *fs = &c->a->forms;
    grid g = {.c = c, .n_tp = c->a->cfg.n_tp};
    for (int i = 0; i < fs->n; i++)
        for (int j = 0; j < fs->v[i]->n_score; j++)
            if (fs->v[i]->score[j].trend) {
                g.sc = xrealloc(g.sc, (size_t)(g.n_sc + 1) * sizeof *g.sc);
                g.sc[g.n_sc++] = (tscore){fs->v[i], &fs->v[i]->score[j]};
            }
    size_t cells = (size_t)g.n_sc * (size_t)g.n_tp * (size_t)c->n_hip;
    g.val = xmalloc((cells + 1) * sizeof *g.val);
    g.date = xmalloc((cells + 1) * sizeof *g.date);
    g.excluded = xcalloc((size_t)g.n_sc * (size_t)g.n_tp + 1, sizeof *g.excluded);
    for (size_t i = 0; i < cells; i++)
        g.val[i] = NAN;
    find_first_hips(&g);
    char **names = xcalloc((size_t)g.n_sc + 1, sizeof *names);
    for (int k = 0; k < g.n_sc; k++)
        names[k] = xasprintf("%s.%s", g.sc[k].f->id, g.sc[k].s->id);
    const char *const *nm = (const char *const *)names;
    int bad = g.n_sc && c->n_hip &&
              (store_each_hip_score(c->a->db, nm, g.n_sc, take_score, &g) != 0 ||
               store_each_patient_score(c->a->db, nm, g.n_sc, take_patient_score, &g) != 0);
    for (int k = 0; k < g.n_sc; k++)
        free(names[k]);
    free(names);
    if (bad) {
        *err = xstrdup("the scores could not be read from the database");
    } else {
        const rc_grouping *st = rc_strata(c, by);
        for (int k = 0; k < g.n_sc; k++)
            if (in_use(&g, k))
                one_table(rc, &g, k, by, st->names, st->n, st->of_hip);
    }
    free(g.sc);
    free(g.first);
    free(g.val);
    free(g.date);
    free(g.excluded);
}
