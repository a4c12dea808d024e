/* report_print_pdf.c — the printed summary as a PDF: the text of the
 * paper summary (same head, foot and lines), and after the trend view, for
 * each hip, one chart per trend score: the value at each visit against
 * months from the hip's index date, the score's bands shaded, the baseline
 * and the MCID threshold drawn, missed visits marked on the axis and the
 * end of follow-up (conversion to THA) as a vertical line. The same charts
 * can be written as SVG or PNG files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "report_pdf.h"

#define HIP_H 238.0

static const char *escaped(rcharts *cs, const char *s)
{
    return rcharts_own(cs, text_escape(s));
}

static void bands(rcharts *cs, plot_chart *c, const form_score *s)
{
    plot_band *b = rcharts_own(cs, xcalloc((size_t)s->n_band + 1, sizeof *b));
    for (int i = 0; i < s->n_band; i++)   /* ordered by descending minimum */
        b[i] = (plot_band){s->band[i].min, i ? s->band[i - 1].min : c->y1,
                           escaped(cs, s->band[i].label)};
    c->band = b;
    c->n_band = s->n_band;
}

/* The form that ended the hip's follow-up: of its (or its patient's) records of a form that
 * ends follow-up, the one dated on the end date, else the first. */
static const form *end_form(const rhip *h)
{
    const form *found = NULL;
    for (size_t i = 0; i < h->n_rec; i++) {
        const st_record *r = &h->rec[i];
        const form *f = rhip_has(h, r) ? app_end_form(h->a, r->form) : NULL;
        if (f && (!found || r->visit_date == h->end_date))
            found = f;
    }
    return found;
}

static void one_chart(rcharts *cs, const rhip *h, const rcol *col)
{
    const config *cfg = &h->a->cfg;
    const form_score *sc = col->s;
    int index = h->h->index_date;
    rseries s;
    rseries_of(h, col, &s);
    if (s.n == 0) {
        rseries_free(&s);
        return;
    }
    char *name = xasprintf("%s-%s-%s", h->h->side == 'L' ? "left" : "right", col->f->id, sc->id);
    plot_chart *c = rcharts_add(cs, name, HIP_H);
    free(name);
    char *label = text_escape(sc->label ? sc->label : sc->id);
    c->title = rcharts_own(cs, xasprintf("%s hip: %s", h->h->side == 'L' ? "Left" : "Right",
                                         label));
    free(label);
    c->x_label = "Months from the index date";

    plot_pt *pt = rcharts_own(cs, xmalloc((size_t)s.n * sizeof *pt));
    double lo = s.v[0], hi = s.v[0], x_hi = cfg->n_tp ? cfg->tp[cfg->n_tp - 1].day : 0;
    for (int i = 0; i < s.n; i++) {
        pt[i] = (plot_pt){(s.date[i] - index) / RMONTH, s.v[i]};
        lo = s.v[i] < lo ? s.v[i] : lo;
        hi = s.v[i] > hi ? s.v[i] : hi;
        x_hi = s.date[i] - index > x_hi ? s.date[i] - index : x_hi;
    }
    plot_ref *ref = rcharts_own(cs, xcalloc(3, sizeof *ref));
    int n_ref = 0;
    if (s.has_base) {
        ref[n_ref++] = (plot_ref){s.base, 0, PR_BASELINE, "baseline"};
        if (sc->has_mcid) {
            double t = sc->better == BETTER_LOWER ? s.base - sc->mcid : s.base + sc->mcid;
            ref[n_ref++] = (plot_ref){t, 0, PR_THRESHOLD, "MCID"};
            lo = t < lo ? t : lo;
            hi = t > hi ? t : hi;
        }
    }
    if (h->end_date >= 0) {
        const form *ef = end_form(h);
        ref[n_ref++] = (plot_ref){(h->end_date - index) / RMONTH, 1, PR_EVENT,
                                  escaped(cs, ef && ef->title ? ef->title : "follow-up ended")};
        x_hi = h->end_date - index > x_hi ? h->end_date - index : x_hi;
    }
    plot_mark *mk = rcharts_own(cs, xcalloc((size_t)cfg->n_tp + 1, sizeof *mk));
    int n_mk = 0;
    for (int t = 0; h->item && t < cfg->n_tp; t++)
        if (h->item[t].state == TP_MISSED && rtp_expects(&cfg->tp[t], col->f->id) &&
            !rtp_recorded(h, t, col->f->id))
            mk[n_mk++] = (plot_mark){(h->item[t].target - index) / RMONTH, "missed"};
    double x_lo = pt[0].x < 0 ? pt[0].x : 0;
    plot_nice_range(x_lo, x_hi / RMONTH, 6, rmonth_steps, RMONTH_STEPS, &c->x0, &c->x1,
                    &c->x_step);
    if (sc->has_min && sc->has_max && sc->max > sc->min && lo >= sc->min && hi <= sc->max) {
        double step_lo, step_hi;
        plot_nice_range(sc->min, sc->max, 5, NULL, 0, &step_lo, &step_hi, &c->y_step);
        c->y0 = sc->min, c->y1 = sc->max;
    } else {
        plot_nice_range(lo, hi, 5, NULL, 0, &c->y0, &c->y1, &c->y_step);
    }
    bands(cs, c, sc);
    plot_series *ser = rcharts_own(cs, xcalloc(1, sizeof *ser));
    *ser = (plot_series){.pt = pt, .n = s.n, .marker = 1};
    c->series = ser;
    c->n_series = 1;
    c->ref = ref;
    c->n_ref = n_ref;
    c->mark = mk;
    c->n_mark = n_mk;
    rseries_free(&s);
}

static void hip_charts(void *ctx, const rhip *h)
{
    for (int k = 0; k < h->n_col; k++)
        one_chart(ctx, h, &h->col[k]);
}

int report_print_pdf(app *a, const char *mrn, const report_print_opts *o, const char *path,
                     char **pdf, size_t *len, char **err)
{
    rcharts cs = {0};
    rprint r;
    int rc = rprint_build(a, mrn, o, &r, hip_charts, &cs, err);
    if (rc) {
        rcharts_free(&cs);
        return rc;
    }
    rblocks b = {0};
    rblocks_doc(&b, &r.doc);
    rblocks_charts(&b, &cs, r.trend_lines);
    rc = rblocks_pdf(&b, o->width > 20 ? o->width : 80, a->cfg.paper_letter, r.head, r.foot, path,
                     pdf, len, err);
    rblocks_free(&b);
    rcharts_free(&cs);
    rprint_free(&r);
    return rc;
}

int report_print_charts(app *a, const char *mrn, const report_print_opts *o, const char *dir,
                        int png, char **err)
{
    rcharts cs = {0};
    rprint r;
    int rc = rprint_build(a, mrn, o, &r, hip_charts, &cs, err);
    if (rc == 0) {
        rc = rcharts_files(&cs, dir, png, err);
        rprint_free(&r);
    }
    rcharts_free(&cs);
    return rc;
}
