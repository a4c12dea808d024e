/* report_cohort_chart.c — the cohort report's charts, from the data the
 * tables were built from: the Kaplan–Meier curve of each stratum (steps at
 * the event times, a tick at each censoring time, the numbers at risk
 * under the axis, the log-rank p) and, for each trend score, the mean ±
 * SD at each visit by stratum. Months on the x axis (days / 30.4375).
 * Written as a PDF after the tables, or one SVG or PNG file per chart. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cohort.h"
#include "report_int.h"
#include "report_pdf.h"

#define KM_H 380.0
#define SCORE_H 300.0


static char *esc(rcharts *cs, const char *s)
{
    return rcharts_own(cs, text_escape(s));
}

/* At risk at day d: the hips whose time is d or later. */
static int risk_at(const stat_km *k, double d)
{
    for (int i = 0; i < k->n; i++)
        if (k->t[i] >= d - 1e-9)
            return k->risk[i];
    return 0;
}

static void km_chart(rcharts *cs, const report_cohort *rc)
{
    double t_max = 0;
    for (int s = 0; s < rc->n_km; s++) {
        double last = stat_km_last(&rc->km[s]);
        if (!isnan(last) && last > t_max)
            t_max = last;
    }
    plot_chart *c = rcharts_add(cs, "km", KM_H);
    plot_nice_range(0, t_max / RMONTH, 6, rmonth_steps, RMONTH_STEPS, &c->x0, &c->x1, &c->x_step);
    c->y0 = 0, c->y1 = 1, c->y_step = 0.25, c->y_percent = 1;
    c->title = esc(cs, rc->km_title);
    c->x_label = "Months from the index date";
    c->y_label = rcharts_own(cs, xasprintf("Free of %s", rc->km_what));
    c->y_label = esc(cs, c->y_label);
    plot_series *ser = rcharts_own(cs, xcalloc((size_t)rc->n_km + 1, sizeof *ser));
    c->n_tick = (int)floor((c->x1 - c->x0) / c->x_step + 1e-9) + 1;
    const char **cell = rcharts_own(cs, xcalloc((size_t)rc->n_km * (size_t)c->n_tick + 1, sizeof *cell));
    for (int s = 0; s < rc->n_km; s++) {
        const stat_km *k = &rc->km[s];
        plot_pt *pt = rcharts_own(cs, xmalloc(((size_t)k->n + 2) * sizeof *pt));
        double *cen = rcharts_own(cs, xmalloc(((size_t)k->n + 1) * sizeof *cen));
        int n = 0, nc = 0;
        pt[n++] = (plot_pt){0, 1};
        for (int i = 0; i < k->n; i++) {
            if (k->event[i] > 0)
                pt[n++] = (plot_pt){k->t[i] / RMONTH, k->surv[i]};
            if (k->censor[i] > 0)
                cen[nc++] = k->t[i] / RMONTH;
        }
        if (k->n && k->t[k->n - 1] / RMONTH > pt[n - 1].x)   /* on to the last follow-up */
            pt[n++] = (plot_pt){k->t[k->n - 1] / RMONTH, k->surv[k->n - 1]};
        ser[s] = (plot_series){.label = esc(cs, rc->km_name[s]), .pt = pt, .n = n, .step = 1,
                               .censor = cen, .n_censor = nc};
        for (int t = 0; t < c->n_tick; t++)
            cell[(size_t)s * (size_t)c->n_tick + (size_t)t] =
                rcharts_own(cs, xasprintf("%d", risk_at(k, (c->x0 + t * c->x_step) * RMONTH)));
    }
    c->series = ser;
    c->n_series = c->n_row = rc->n_km;
    c->cell = cell;
    c->table_title = "Number at risk";
    if (rc->n_km > 1 && !isnan(rc->km_p))
        c->note = rcharts_own(cs, rc->km_p < 0.001
                              ? xasprintf("Log-rank test: p < 0.001 (chi-square %.2f, df %d)",
                                          rc->km_chisq, rc->km_df)
                              : xasprintf("Log-rank test: p = %.3f (chi-square %.2f, df %d)",
                                          rc->km_p, rc->km_chisq, rc->km_df));
    else
        c->note = "One stratum: no log-rank test. Ticks: hips censored.";
}

static const char *cell_s(const rc_table *t, int r, int col)
{
    const char *s = col >= 0 ? t->cell[(size_t)r * (size_t)t->n_col + (size_t)col].s : NULL;
    return s ? s : "";
}

static double cell_v(const rc_table *t, int r, int col)
{
    return col >= 0 ? t->cell[(size_t)r * (size_t)t->n_col + (size_t)col].v : NAN;
}

/* One trend score's table: mean ± SD by visit, a series per stratum. */
static void score_chart(rcharts *cs, const rc_table *t)
{
    int cs_st = rc_col_index(t, "stratum"), c_day = rc_col_index(t, "day");
    int c_mean = rc_col_index(t, "mean"), c_sd = rc_col_index(t, "sd");
    if (t->n_row == 0 || c_day < 0 || c_mean < 0)
        return;
    const char **st = xcalloc((size_t)t->n_row, sizeof *st);
    int n_st = 0;
    double lo = INFINITY, hi = -INFINITY, dlo = 0, dhi = 0;
    for (int r = 0; r < t->n_row; r++) {
        int k = 0;
        while (k < n_st && strcmp(st[k], cell_s(t, r, cs_st)) != 0)
            k++;
        if (k == n_st)
            st[n_st++] = cell_s(t, r, cs_st);
        double m = cell_v(t, r, c_mean), sd = cell_v(t, r, c_sd), d = cell_v(t, r, c_day);
        if (isnan(m))
            continue;
        sd = isnan(sd) ? 0 : sd;
        lo = m - sd < lo ? m - sd : lo;
        hi = m + sd > hi ? m + sd : hi;
        dlo = d < dlo ? d : dlo;
        dhi = d > dhi ? d : dhi;
    }
    if (isinf(lo)) {
        free(st);
        return;
    }
    char *name = xasprintf("scores-%s-%s", cell_s(t, 0, rc_col_index(t, "form")),
                           cell_s(t, 0, rc_col_index(t, "score")));
    plot_chart *c = rcharts_add(cs, name, SCORE_H);
    free(name);
    plot_nice_range(dlo / RMONTH, dhi / RMONTH, 6, rmonth_steps, RMONTH_STEPS, &c->x0, &c->x1,
                    &c->x_step);
    plot_nice_range(lo, hi, 5, NULL, 0, &c->y0, &c->y1, &c->y_step);
    c->title = esc(cs, t->title);
    c->x_label = "Months from the index date (scheduled visit)";
    c->y_label = "Mean ± SD";
    plot_series *ser = rcharts_own(cs, xcalloc((size_t)n_st, sizeof *ser));
    for (int k = 0; k < n_st; k++) {
        plot_pt *pt = rcharts_own(cs, xmalloc((size_t)t->n_row * sizeof *pt));
        double *err = rcharts_own(cs, xmalloc((size_t)t->n_row * sizeof *err));
        int n = 0;
        for (int r = 0; r < t->n_row; r++) {
            double m = cell_v(t, r, c_mean);
            if (strcmp(cell_s(t, r, cs_st), st[k]) != 0 || isnan(m))
                continue;
            err[n] = cell_v(t, r, c_sd);
            pt[n++] = (plot_pt){cell_v(t, r, c_day) / RMONTH, m};
        }
        ser[k] = (plot_series){.label = n_st > 1 || strcmp(st[k], "all") != 0 ? esc(cs, st[k])
                                                                               : NULL,
                               .pt = pt, .n = n, .marker = 1, .err = err};
    }
    c->series = ser;
    c->n_series = n_st;
    free(st);
}

static void build(rcharts *cs, const report_cohort *rc)
{
    memset(cs, 0, sizeof *cs);
    if (rc->n_km)
        km_chart(cs, rc);
    for (int i = 0; i < rc->n; i++)
        if (strcmp(rc->t[i].id, "scores") == 0)
            score_chart(cs, &rc->t[i]);
}

int report_cohort_pdf(const report_cohort *rc, const char *path, int letter, char **err)
{
    report_cohort text = *rc;
    text.n_plot = 0;   /* the chart replaces the text plot */
    report_doc doc;
    report_cohort_doc(&text, 0, 0, &doc);
    rblocks b = {0};
    rblocks_doc(&b, &doc);
    report_doc_free(&doc);
    rcharts cs;
    build(&cs, rc);
    rblocks_charts(&b, &cs, b.n);
    char *foot = xasprintf("bedside %s", BEDSIDE_VERSION);
    int r = rblocks_pdf(&b, 80, letter, "Cohort report", foot, path, NULL, NULL, err);
    free(foot);
    rblocks_free(&b);
    rcharts_free(&cs);
    return r;
}

int report_cohort_charts(const report_cohort *rc, const char *dir, int png, char **err)
{
    rcharts cs;
    build(&cs, rc);
    int r = rcharts_files(&cs, dir, png, err);
    rcharts_free(&cs);
    return r;
}
