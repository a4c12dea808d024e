/* report_cohort_surv.c — the outcome cross-table and the time to the
 * endpoint: Kaplan–Meier per stratum at each scheduled day and at the end,
 * the log-rank test, the text plot, and the per-hip listing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cohort.h"

/* ---- outcome: the last answer to a choice field, by stratum ---- */

typedef struct {
    const rc_cohort *c;
    int *last;        /* per hip: option index of the last answer, -1 none */
    int *date;
    const form_field *fl;
} last_answer;

static int take_answer(void *ctx, const char *hip, const char *value, int visit_date)
{
    last_answer *la = ctx;
    int h = rc_hip_find(la->c, hip);
    if (h < 0)
        return 0;
    const rc_hip *x = &la->c->hip[h];
    if (x->surv.event && visit_date > x->surv.stop_date)
        return 0;
    int k = form_option_index(la->fl, value);
    if (k >= 0 && visit_date >= la->date[h]) {
        la->last[h] = k;
        la->date[h] = visit_date;
    }
    return 0;
}

int rc_outcome(report_cohort *rc, const rc_cohort *c, const char *by, char **err)
{
    const config_report_item *it = &c->a->cfg.rep_outcome;
    const form *f = form_set_find(&c->a->forms, it->form);
    const form_field *fl = &f->field[form_field_index(f, it->field)];
    last_answer la = {.c = c, .fl = fl};
    la.last = xmalloc((size_t)(c->n_hip + 1) * sizeof *la.last);
    la.date = xmalloc((size_t)(c->n_hip + 1) * sizeof *la.date);
    for (int i = 0; i < c->n_hip; i++)
        la.last[i] = la.date[i] = -1;
    if (store_each_hip_answer(c->a->db, f->id, fl->id, take_answer, &la) != 0) {
        *err = xstrdup("the outcome could not be read from the database");
        free(la.last);
        free(la.date);
        return -1;
    }
    /* stratum, hips, then n and % per option, none, the endpoint. */
    int nc = 2 + 2 * fl->n_opt + 2 + 2;
    rc_col *cols = xcalloc((size_t)nc, sizeof *cols);
    char **own = xcalloc((size_t)nc * 2, sizeof *own);
    int n_own = 0;
    cols[0] = (rc_col){"stratum", by ? by : "", RC_TEXT, NULL, NULL, 0, 0};
    cols[1] = (rc_col){"hips", "hips", RC_INT, NULL, NULL, 0, 0};
    for (int k = 0; k <= fl->n_opt; k++) {
        const char *code = k < fl->n_opt ? fl->opt[k].code : "none";
        const char *label = k < fl->n_opt ? fl->opt[k].label : "none";
        own[n_own] = xasprintf("%s_pct", code);
        cols[2 + 2 * k] = (rc_col){code, label, RC_INT, NULL, NULL, 0, 0};
        cols[3 + 2 * k] = (rc_col){own[n_own++], "", 1, " (", ")", 0, 0};
    }
    const char *ep = c->end_form ? c->end_form->id : "endpoint";
    own[n_own] = xasprintf("%s_pct", ep);
    cols[nc - 2] = (rc_col){ep, c->end_form ? c->end_form->title : ep, RC_INT, NULL, NULL, 0, 0};
    cols[nc - 1] = (rc_col){own[n_own++], "", 1, " (", ")", 0, 0};
    rc_table *t = rc_table_new(rc, "outcome", cols, nc, "%s: last '%s' by %s", f->title,
                               fl->label ? fl->label : fl->id, by ? by : "cohort");
    t->own = own;
    t->n_own = n_own;
    free(cols);
    const rc_grouping *g = rc_strata(c, by);
    char *const *names = g->names;
    const int *of = g->of_hip;
    int n_st = g->n;
    for (int s = 0; s < n_st; s++) {
        int hips = 0, ends = 0;
        int *cnt = xcalloc((size_t)fl->n_opt + 1, sizeof *cnt);
        for (int i = 0; i < c->n_hip; i++) {
            if (of[i] != s)
                continue;
            hips++;
            cnt[la.last[i] >= 0 ? la.last[i] : fl->n_opt]++;
            ends += c->hip[i].surv.event;
        }
        rc_val *r = rc_row(t);
        rc_set_s(r, 0, names[s]);
        r[1].v = hips;
        for (int k = 0; k <= fl->n_opt; k++) {
            r[2 + 2 * k].v = cnt[k];
            r[3 + 2 * k].v = hips ? 100.0 * cnt[k] / hips : NAN;
        }
        r[nc - 2].v = ends;
        r[nc - 1].v = hips ? 100.0 * ends / hips : NAN;
        free(cnt);
    }
    rc_note(t, "The last answer by visit date, records after the endpoint left out; "
               "percentages of the stratum's hips.");
    free(la.last);
    free(la.date);
    return 0;
}

/* ---- time to the endpoint ---- */

enum { K_STRATUM, K_TP, K_DAY, K_RISK, K_EVENT, K_CENSOR, K_SURV, K_SE, K_LO, K_HI, K_NCOL };
static const rc_col km_cols[K_NCOL] = {
    [K_STRATUM] = {"stratum", "", RC_TEXT, NULL, NULL, 0},
    [K_TP] = {"timepoint", "", RC_TEXT, NULL, NULL, 0},
    [K_DAY] = {"day", "day", RC_INT, NULL, NULL, 0},
    [K_RISK] = {"at_risk", "at risk", RC_INT, NULL, NULL, 0},
    [K_EVENT] = {"events", "events", RC_INT, NULL, NULL, 0},
    [K_CENSOR] = {"censored", "censored", RC_INT, NULL, NULL, 0},
    [K_SURV] = {"surv", "estimate", 3, NULL, NULL, 0},
    [K_SE] = {"se", "SE", 3, NULL, NULL, 0},
    [K_LO] = {"lower", "95% CI", 3, NULL, NULL, 0},
    [K_HI] = {"upper", "", 3, "–", NULL, 0},
};

enum { M_STRATUM, M_HIPS, M_EVENTS, M_CENSORED, M_MEDIAN, M_NCOL };
static const rc_col med_cols[M_NCOL] = {
    [M_STRATUM] = {"stratum", "", RC_TEXT, NULL, NULL, 0},
    [M_HIPS] = {"hips", "hips", RC_INT, NULL, NULL, 0},
    [M_EVENTS] = {"events", "events", RC_INT, NULL, NULL, 0},
    [M_CENSORED] = {"censored", "censored", RC_INT, NULL, NULL, 0},
    [M_MEDIAN] = {"median_days", "median (days)", 1, NULL, NULL, 0},
};

enum { L_CHISQ, L_DF, L_P, L_NCOL };
static const rc_col lr_cols[L_NCOL] = {
    [L_CHISQ] = {"chisq", "chi-square", 3, NULL, NULL, 0},
    [L_DF] = {"df", "df", RC_INT, NULL, NULL, 0},
    [L_P] = {"p", "p", RC_P, NULL, NULL, 0},
};

enum { E_MRN, E_SIDE, E_INDEX, E_END, E_DAYS, E_EVENT, E_WHY, E_STRATUM, E_NCOL };
static const rc_col ep_cols[E_NCOL] = {
    [E_MRN] = {"mrn", "MRN", RC_TEXT, NULL, NULL, 0},
    [E_SIDE] = {"side", "side", RC_TEXT, NULL, NULL, 0},
    [E_INDEX] = {"index_date", "index date", RC_TEXT, NULL, NULL, 0},
    [E_END] = {"endpoint_date", "endpoint", RC_TEXT, NULL, NULL, 0},
    [E_DAYS] = {"days", "days", RC_INT, NULL, NULL, 0},
    [E_EVENT] = {"event", "event", RC_INT, NULL, NULL, 0},
    [E_WHY] = {"why", "why", RC_TEXT, NULL, NULL, 0},
    [E_STRATUM] = {"stratum", "stratum", RC_TEXT, NULL, NULL, 0},
};

static void km_row(rc_table *t, const char *st, const char *label, double day,
                   const stat_km_point *p)
{
    rc_val *r = rc_row(t);
    rc_set_s(r, K_STRATUM, st);
    rc_set_s(r, K_TP, label);
    r[K_DAY].v = day;
    r[K_RISK].v = p->risk;
    r[K_EVENT].v = p->event;
    r[K_CENSOR].v = p->censor;
    r[K_SURV].v = p->surv;
    r[K_SE].v = p->se;
    r[K_LO].v = p->lo;
    r[K_HI].v = p->hi;
}

void rc_survival(report_cohort *rc, const rc_cohort *c, const char *by)
{
    const config *cfg = &c->a->cfg;
    const char *what = c->end_form->title;
    const rc_grouping *g = rc_strata(c, by);
    char *const *names = g->names;
    const int *of = g->of_hip;
    int n_st = g->n;
    int n = c->n_hip;
    double *time = xmalloc((size_t)(n + 1) * sizeof *time);
    int *ev = xmalloc((size_t)(n + 1) * sizeof *ev);
    stat_km *km = xcalloc((size_t)n_st, sizeof *km);
    double t_max = 0;

    rc_table *t = rc_table_new(rc, "survival", km_cols, K_NCOL, "Time to %s by %s: Kaplan–Meier",
                               what, by ? by : "cohort");
    t->col[K_STRATUM].head = by ? by : "";
    for (int s = 0; s < n_st; s++) {
        int m = 0;
        for (int i = 0; i < n; i++)
            if (of[i] == s) {
                time[m] = c->hip[i].surv.time_days;
                ev[m++] = c->hip[i].surv.event;
            }
        stat_km_fit(time, ev, m, &km[s]);
        double last = stat_km_last(&km[s]), prev = -1;
        if (last > t_max)
            t_max = last;
        stat_km_point p;
        for (int k = 0; k < cfg->n_tp; k++) {
            if (cfg->tp[k].day < 0 || cfg->tp[k].day <= prev ||
                stat_km_at(&km[s], cfg->tp[k].day, prev, &p) != 0)
                continue;
            km_row(t, names[s], cfg->tp[k].label, cfg->tp[k].day, &p);
            prev = cfg->tp[k].day;
        }
        if (!isnan(last) && last > prev && stat_km_at(&km[s], last, prev, &p) == 0)
            km_row(t, names[s], "end", last, &p);
    }
    rc_note(t, "Estimates at each scheduled day and at the stratum's last time; SE by "
               "Greenwood's formula; 95%% CI on the log-log scale (R: survfit conf.type = "
               "\"log-log\"). Events and censored: since the row before.");
    rc_note(t, "Censoring: %d hip%s with %s; %d censored at an end of follow-up form's date, "
               "%d at their last record, %d at the study end.",
            c->n_rule[SURV_EVENT], c->n_rule[SURV_EVENT] == 1 ? "" : "s", what,
            c->n_rule[SURV_END_FORM], c->n_rule[SURV_LAST_RECORD], c->n_rule[SURV_STUDY_END]);

    rc_table *m = rc_table_new(rc, "survival_summary", med_cols, M_NCOL, "Time to %s: summary",
                               what);
    m->col[M_STRATUM].head = by ? by : "";
    for (int s = 0; s < n_st; s++) {
        int events = 0, hips = 0;
        for (int i = 0; i < n; i++)
            if (of[i] == s) {
                hips++;
                events += c->hip[i].surv.event;
            }
        rc_val *r = rc_row(m);
        rc_set_s(r, M_STRATUM, names[s]);
        r[M_HIPS].v = hips;
        r[M_EVENTS].v = events;
        r[M_CENSORED].v = hips - events;
        r[M_MEDIAN].v = stat_km_median(&km[s]);
    }
    rc_note(m, "Median: empty when the curve does not reach 0.5.");

    int *grp = xmalloc((size_t)(n + 1) * sizeof *grp);
    rc->km_p = rc->km_chisq = NAN;
    for (int i = 0; i < n; i++) {
        time[i] = c->hip[i].surv.time_days;
        ev[i] = c->hip[i].surv.event;
        grp[i] = of[i];
    }
    if (n_st > 1) {
        rc_table *l = rc_table_new(rc, "logrank", lr_cols, L_NCOL, "Log-rank test across %s",
                                   by ? by : "strata");
        int df = 0;
        double chi = stat_logrank(time, ev, grp, n, n_st, &df);
        rc_val *r = rc_row(l);
        r[L_CHISQ].v = rc->km_chisq = chi;
        r[L_DF].v = rc->km_df = df;
        r[L_P].v = rc->km_p = stat_chisq_p(chi, df);
        rc_note(l, "As R's survdiff: strata with no expected events are left out.");
    }
    rc_plot(rc, names, km, n_st, t_max, c->o->width, c->o->ascii);

    rc_table *e = rc_table_new(rc, "endpoints", ep_cols, E_NCOL, "Time to %s, hip by hip", what);
    for (int i = 0; i < n; i++) {
        const rc_hip *h = &c->hip[i];
        char d[11], side[2] = {h->side, 0};
        rc_val *r = rc_row(e);
        rc_set_s(r, E_MRN, h->mrn);
        rc_set_s(r, E_SIDE, side);
        date_format(h->index_date, d);
        rc_set_s(r, E_INDEX, d);
        date_format(h->surv.stop_date, d);
        rc_set_s(r, E_END, h->surv.event ? d : "");
        r[E_DAYS].v = h->surv.time_days;
        r[E_EVENT].v = h->surv.event;
        rc_set_s(r, E_WHY, h->surv.event ? what : surv_censor_name(h->surv.why));
        rc_set_s(r, E_STRATUM, names[of[i]]);
    }
    rc->km = km;   /* the charts draw the curves */
    rc->n_km = n_st;
    rc->km_name = xcalloc((size_t)n_st + 1, sizeof *rc->km_name);
    for (int s = 0; s < n_st; s++)
        rc->km_name[s] = xstrdup(names[s]);
    rc->km_title = xstrdup(t->title);
    rc->km_what = xstrdup(what);
    free(grp);
    free(time);
    free(ev);
}
