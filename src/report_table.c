/* report_table.c — a hip's trend table (one row per timepoint, one column
 * per trend score) and, under it, a sparkline with first/last/best, change
 * since baseline and the MCID verdict for each score. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define TABLE_GAP 2
#define COL_MAX 30        /* a column never grows past this many columns */

typedef struct {
    int tp;               /* index into cfg.tp, or -1 for unscheduled */
    int date;             /* unscheduled rows: the visit date */
} rrow;

typedef struct {
    char *val, *chg, *band, *state;   /* state: text when there is no value */
    int chg_attr, band_attr, state_attr;
} rcell;

int rrec_score(const st_record *r, const char *id, double *v)
{
    for (int i = 0; i < r->n_score; i++) {
        if (strcmp(r->score_id[i], id) == 0) {
            *v = r->score_val[i];
            return 0;
        }
    }
    return -1;
}

/* Does record r sit in row w? Timepoints the schedule no longer knows are
 * shown with the unscheduled ones. */
static int row_has(const rhip *h, const rrow *w, const st_record *r)
{
    const config *c = &h->a->cfg;
    if (w->tp >= 0)
        return strcmp(r->timepoint, c->tp[w->tp].id) == 0;
    return config_timepoint(c, r->timepoint) < 0 && r->visit_date == w->date &&
           strcmp(r->timepoint, TIMEPOINT_ENROLMENT) != 0;
}

static const st_record *row_record(const rhip *h, const rrow *w, const char *form_id)
{
    for (size_t i = 0; i < h->n_rec; i++) {
        const st_record *r = &h->rec[i];
        if (rhip_has(h, r) && (!form_id || strcmp(r->form, form_id) == 0) && row_has(h, w, r))
            return r;
    }
    return NULL;
}

int rtp_recorded(const rhip *h, int tp, const char *form_id)
{
    rrow w = {.tp = tp, .date = -1};
    return row_record(h, &w, form_id) != NULL;
}

/* The record that dates a row: one of this hip's own, when there is one; a
 * patient-scope record (satisfaction) of the same timepoint may have been
 * made at the other hip's visit. */
static const st_record *row_dating_record(const rhip *h, const rrow *w)
{
    for (size_t i = 0; i < h->n_rec; i++) {
        const st_record *r = &h->rec[i];
        if (r->hip[0] && rhip_has(h, r) && row_has(h, w, r))
            return r;
    }
    return row_record(h, w, NULL);
}

/* Is any record of the row kept out of its window (entry.h)? */
static int row_out_of_window(const rhip *h, const rrow *w)
{
    for (size_t i = 0; i < h->n_rec; i++) {
        const st_record *r = &h->rec[i];
        if (r->out_of_window && (!r->hip[0] || rhip_has(h, r)) && row_has(h, w, r))
            return 1;
    }
    return 0;
}

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

static rrow *build_rows(const rhip *h, int *n)
{
    const config *c = &h->a->cfg;
    int *dates = xmalloc((h->n_rec + 1) * sizeof *dates), nd = 0;
    for (size_t i = 0; i < h->n_rec; i++) {
        const st_record *r = &h->rec[i];
        /* Enrolment records are no visit: the hip's heading shows them. */
        if (rhip_has(h, r) && config_timepoint(c, r->timepoint) < 0 &&
            strcmp(r->timepoint, TIMEPOINT_ENROLMENT) != 0)
            dates[nd++] = r->visit_date;
    }
    qsort(dates, (size_t)nd, sizeof *dates, cmp_int);
    rrow *rows = xmalloc((size_t)(c->n_tp + nd + 1) * sizeof *rows);
    int k = 0;
    /* An observed hip has no schedule: only its records' dates. */
    for (int i = 0; i < c->n_tp && !h->h->observed; i++)
        rows[k++] = (rrow){.tp = i, .date = -1};
    for (int i = 0; i < nd; i++)
        if (i == 0 || dates[i] != dates[i - 1])
            rows[k++] = (rrow){.tp = -1, .date = dates[i]};
    free(dates);
    *n = k;
    return rows;
}

int rtp_expects(const sched_tp *tp, const char *form_id)
{
    for (int i = 0; i < tp->n_forms; i++)
        if (strcmp(tp->forms[i], form_id) == 0)
            return 1;
    return 0;
}

/* Band colour without knowing the form: the better half of the bands is
 * good, the worst band is bad. Bands run from the highest minimum down. */
static int band_attr(const form_score *s, const char *label)
{
    if (s->better == BETTER_NONE || s->n_band < 2)
        return 0;
    for (int i = 0; i < s->n_band; i++) {
        if (strcmp(s->band[i].label, label) != 0)
            continue;
        int rank = s->better == BETTER_HIGHER ? i : s->n_band - 1 - i;  /* 0 = best */
        if (rank < s->n_band / 2)
            return RA_GOOD;
        if (rank == s->n_band - 1)
            return RA_BAD;
        return 0;
    }
    return 0;
}

/* Is a change of d an improvement (1), a worsening (-1) or neither (0)? */
static int change_sense(const form_score *s, double d)
{
    if (fabs(d) < 1e-9 || s->better == BETTER_NONE)
        return 0;
    return (d > 0) == (s->better == BETTER_HIGHER) ? 1 : -1;
}

/* "+17.5↑": the change with its sign and arrow. */
static char *format_change(const form_score *s, double d, int ascii)
{
    const rglyphs *g = rglyphs_get(ascii);
    char num[32];
    form_score_format(s, fabs(d), num);
    double back = atof(num);
    if (back == 0)
        return xasprintf("%s%s", num, g->flat);
    return xasprintf("%s%s%s", d > 0 ? "+" : "-", num, d > 0 ? g->up : g->down);
}

/* The column's values over time (sorted by visit date, then row order);
 * the baseline is the first scheduled timepoint's value, else the first. */
static void build_series(const rhip *h, const rrow *rows, int n_rows, const rcol *c, rseries *s)
{
    *s = (rseries){0};
    s->v = xmalloc((size_t)(n_rows + 1) * sizeof *s->v);
    s->date = xmalloc((size_t)(n_rows + 1) * sizeof *s->date);
    s->row = xmalloc((size_t)(n_rows + 1) * sizeof *s->row);
    for (int i = 0; i < n_rows; i++) {
        const st_record *r = row_record(h, &rows[i], c->f->id);
        double v;
        if (!r || rrec_score(r, c->s->id, &v) < 0)
            continue;
        int j = s->n++;
        while (j > 0 && s->date[j - 1] > r->visit_date) {
            s->v[j] = s->v[j - 1], s->date[j] = s->date[j - 1], s->row[j] = s->row[j - 1];
            j--;
        }
        s->v[j] = v, s->date[j] = r->visit_date, s->row[j] = i;
    }
    for (int k = 0; k < s->n; k++) {
        if (rows[s->row[k]].tp == 0) {
            s->has_base = 1, s->base = s->v[k], s->base_row = s->row[k];
            break;
        }
    }
    if (!s->has_base && s->n)
        s->has_base = 1, s->base = s->v[0], s->base_row = s->row[0];
}

void rseries_free(rseries *s)
{
    free(s->v);
    free(s->date);
    free(s->row);
}

void rseries_of(const rhip *h, const rcol *c, rseries *s)
{
    int n_rows;
    rrow *rows = build_rows(h, &n_rows);
    build_series(h, rows, n_rows, c, s);
    free(rows);
}

static rcell build_cell(const rhip *h, const rrow *w, int row, const rcol *c, const rseries *s)
{
    rcell cell = {0};
    const config *cfg = &h->a->cfg;
    const rglyphs *g = rglyphs_get(h->o->ascii);
    const st_record *r = row_record(h, w, c->f->id);
    double v;
    if (r && rrec_score(r, c->s->id, &v) == 0) {
        char num[32];
        form_score_format(c->s, v, num);
        cell.val = xstrdup(num);
        if (s->has_base && row != s->base_row) {
            double d = v - s->base;
            cell.chg = format_change(c->s, d, h->o->ascii);
            int sense = change_sense(c->s, d);
            cell.chg_attr = sense > 0 ? RA_GOOD : sense < 0 ? RA_BAD : 0;
        }
        const char *band = form_score_band(c->s, v);
        if (band) {
            cell.band = text_escape(band);
            cell.band_attr = band_attr(c->s, band);
        }
        return cell;
    }
    if (r) {
        cell.state = xstrdup("-");   /* recorded, but the score could not be computed */
        cell.state_attr = RA_DIM;
        return cell;
    }
    if (w->tp < 0 || !h->item || !rtp_expects(&cfg->tp[w->tp], c->f->id))
        return cell;
    switch (h->item[w->tp].state) {
    case TP_DUE:
        cell.state = xstrdup("due"), cell.state_attr = RA_WARN;
        break;
    case TP_OVERDUE:
        cell.state = xstrdup("overdue"), cell.state_attr = RA_WARN;
        break;
    case TP_MISSED:
        cell.state = xstrdup("missed"), cell.state_attr = RA_BAD;
        break;
    case TP_ENDED:
        cell.state = xstrdup(g->ended), cell.state_attr = RA_DIM;
        break;
    case TP_UPCOMING:
    case TP_DONE:
        break;
    }
    return cell;
}

static void cell_free(rcell *c)
{
    free(c->val);
    free(c->chg);
    free(c->band);
    free(c->state);
}

static int wid(const char *s)
{
    return s ? rtext_width(s) : 0;
}

/* Widths of a column's three parts (value, change, band) and the whole. */
typedef struct {
    int vw, cw, bw, w;
    char *head;
} rcolw;

static void measure(rcolw *m, const rcell *cells, int n, const rcol *c)
{
    *m = (rcolw){0};
    char *label = text_escape(c->s->label ? c->s->label : c->s->id);
    m->head = rtext_fit(label, COL_MAX);
    free(label);
    int state_w = 0;
    for (int i = 0; i < n; i++) {
        if (wid(cells[i].val) > m->vw)
            m->vw = wid(cells[i].val);
        if (wid(cells[i].chg) > m->cw)
            m->cw = wid(cells[i].chg);
        if (wid(cells[i].band) > m->bw)
            m->bw = wid(cells[i].band);
        if (wid(cells[i].state) > state_w)
            state_w = wid(cells[i].state);
    }
    m->w = m->vw + (m->cw ? 1 + m->cw : 0) + (m->bw ? 1 + m->bw : 0);
    if (state_w > m->w)
        m->w = state_w;
    if (rtext_width(m->head) > m->w)
        m->w = rtext_width(m->head);
    if (m->w > COL_MAX)
        m->w = COL_MAX;
}

/* Add s right-aligned in w columns starting at column at. */
static void add_right(report_doc *d, int at, int w, const char *s, int attr)
{
    rdoc_pad(d, at + w - wid(s));
    rdoc_add(d, s, attr);
}

static void draw_cell(report_doc *d, int at, const rcolw *m, const rcell *c)
{
    if (c->state) {
        rdoc_pad(d, at);
        rdoc_add(d, c->state, c->state_attr);
        return;
    }
    if (!c->val)
        return;
    add_right(d, at, m->vw, c->val, 0);
    int x = at + m->vw;
    if (m->cw) {
        if (c->chg)
            add_right(d, x + 1, m->cw, c->chg, c->chg_attr);
        x += 1 + m->cw;
    }
    if (c->band) {
        rdoc_pad(d, x + 1);
        char *b = rtext_fit(c->band, at + m->w - x - 1);
        rdoc_add(d, b, c->band_attr);
        free(b);
    }
}

/* The label and date columns of a row; the date of a row with no record
 * yet is the planned one, marked "~"; a visit kept out of its window is
 * marked "!". */
static void draw_row_head(report_doc *d, const rhip *h, const rrow *w, int lw)
{
    const config *cfg = &h->a->cfg;
    char *label = w->tp >= 0 ? rtp_label(cfg, cfg->tp[w->tp].id) : rtp_label(cfg, TIMEPOINT_UNSCHEDULED);
    char *fit = rtext_fit(label, lw);
    rdoc_add(d, fit, 0);
    free(fit);
    free(label);
    rdoc_pad(d, lw + TABLE_GAP);
    const st_record *r = row_dating_record(h, w);
    char date[11];
    if (r) {
        date_format(r->visit_date, date);
        if (row_out_of_window(h, w))
            rdoc_addf(d, RA_WARN, "!%s", date);
        else
            rdoc_addf(d, 0, " %s", date);
    } else if (w->tp >= 0 && h->item) {
        date_format(h->item[w->tp].target, date);
        rdoc_addf(d, RA_DIM, "~%s", date);
    }
}

static void draw_table(report_doc *d, const rhip *h, const rrow *rows, int n_rows, rcell **cells,
                       const rcolw *m, int from, int to, int lw)
{
    int x0 = lw + TABLE_GAP + 11 + TABLE_GAP;
    rdoc_line(d);
    rdoc_add(d, "Visit", RA_BOLD);
    rdoc_pad(d, lw + TABLE_GAP);
    rdoc_add(d, " Date", RA_BOLD);
    int x = x0;
    for (int c = from; c < to; c++) {
        rdoc_pad(d, x);
        rdoc_add(d, m[c].head, RA_BOLD);
        x += m[c].w + TABLE_GAP;
    }
    rdoc_line(d);
    rdoc_rule(d, x - TABLE_GAP, h->o->ascii, RA_DIM);
    for (int i = 0; i < n_rows; i++) {
        rdoc_line(d);
        draw_row_head(d, h, &rows[i], lw);
        x = x0;
        for (int c = from; c < to; c++) {
            draw_cell(d, x, &m[c], &cells[c][i]);
            x += m[c].w + TABLE_GAP;
        }
    }
}

static void draw_spark(report_doc *d, const rhip *h, const rcol *c, const rseries *s, int lw)
{
    const report_opts *o = h->o;
    const form_score *sc = c->s;
    char *label = text_escape(sc->label ? sc->label : sc->id);
    char *fit = rtext_fit(label, lw);
    rdoc_line(d);
    rdoc_add(d, fit, RA_BOLD);
    free(fit);
    free(label);
    rdoc_pad(d, lw + TABLE_GAP);
    if (!s->n) {
        rdoc_add(d, "no values yet", RA_DIM);
        return;
    }
    double lo = s->v[0], hi = s->v[0], best = s->v[0];
    for (int i = 0; i < s->n; i++) {
        lo = s->v[i] < lo ? s->v[i] : lo;
        hi = s->v[i] > hi ? s->v[i] : hi;
        if (sc->better == BETTER_LOWER ? s->v[i] < best : s->v[i] > best)
            best = s->v[i];
    }
    if (sc->has_min && sc->has_max && sc->max > sc->min)
        lo = sc->min, hi = sc->max;
    char *spark = rspark(s->v, s->n, lo, hi, o->ascii);
    rdoc_add(d, spark, 0);
    free(spark);
    char f[32], l[32], b[32];
    form_score_format(sc, s->v[0], f);
    form_score_format(sc, s->v[s->n - 1], l);
    form_score_format(sc, best, b);
    rdoc_addf(d, 0, "  first %s  last %s", f, l);
    if (sc->better != BETTER_NONE)
        rdoc_addf(d, 0, "  best %s", b);
    rdoc_line(d);
    rdoc_pad(d, lw + TABLE_GAP);
    if (s->n < 2) {
        rdoc_add(d, "one value: no change yet", RA_DIM);
        return;
    }
    double delta = s->v[s->n - 1] - s->base;
    char *chg = format_change(sc, delta, o->ascii);
    int sense = change_sense(sc, delta);
    rdoc_add(d, "change since baseline ", 0);
    rdoc_add(d, chg, sense > 0 ? RA_GOOD : sense < 0 ? RA_BAD : 0);
    free(chg);
    if (!sc->has_mcid)
        return;
    char mc[32];
    form_score_format(sc, sc->mcid, mc);
    int reached = fabs(delta) + 1e-9 >= sc->mcid && (sc->better == BETTER_NONE || sense > 0);
    rdoc_add(d, ", ", 0);
    if (reached)
        rdoc_addf(d, RA_GOOD, "MCID %s reached", mc);
    else
        rdoc_addf(d, 0, "MCID %s not reached", mc);
}

void report_hip_table(report_doc *d, const rhip *h, int width)
{
    int n_rows;
    rrow *rows = build_rows(h, &n_rows);
    int lw = 5;   /* "Visit" */
    for (int i = 0; i < n_rows; i++) {
        const config *cfg = &h->a->cfg;
        char *label = rtp_label(cfg, rows[i].tp >= 0 ? cfg->tp[rows[i].tp].id : TIMEPOINT_UNSCHEDULED);
        if (rtext_width(label) > lw)
            lw = rtext_width(label);
        free(label);
    }
    lw = lw > 14 ? 14 : lw;
    if (!h->n_col) {
        rdoc_line(d);
        rdoc_add(d, "No form has a trend score.", RA_DIM);
        free(rows);
        return;
    }
    rseries *ser = xmalloc((size_t)h->n_col * sizeof *ser);
    rcell **cells = xmalloc((size_t)h->n_col * sizeof *cells);
    rcolw *m = xmalloc((size_t)h->n_col * sizeof *m);
    for (int c = 0; c < h->n_col; c++) {
        build_series(h, rows, n_rows, &h->col[c], &ser[c]);
        cells[c] = xcalloc((size_t)n_rows + 1, sizeof **cells);
        for (int i = 0; i < n_rows; i++)
            cells[c][i] = build_cell(h, &rows[i], i, &h->col[c], &ser[c]);
        measure(&m[c], cells[c], n_rows, &h->col[c]);
    }
    /* As many columns as fit side by side; the rest in another table
     * below, with the visit and date columns repeated. */
    int x0 = lw + TABLE_GAP + 11 + TABLE_GAP;
    for (int from = 0; from < h->n_col;) {
        int to = from + 1, x = x0 + m[from].w;
        while (to < h->n_col && x + TABLE_GAP + m[to].w <= width)
            x += TABLE_GAP + m[to++].w;
        if (from)
            rdoc_line(d);
        draw_table(d, h, rows, n_rows, cells, m, from, to, lw);
        from = to;
    }
    rdoc_line(d);
    rdoc_add(d, "~ planned date", RA_DIM);
    for (int i = 0; i < n_rows; i++)
        if (row_out_of_window(h, &rows[i])) {
            rdoc_add(d, "   ! out of window", RA_WARN);
            break;
        }
    rdoc_line(d);
    int sw = 0;
    for (int c = 0; c < h->n_col; c++) {
        int w = rtext_width(m[c].head);
        sw = w > sw ? w : sw;
    }
    for (int c = 0; c < h->n_col; c++)
        draw_spark(d, h, &h->col[c], &ser[c], sw);
    for (int c = 0; c < h->n_col; c++) {
        for (int i = 0; i < n_rows; i++)
            cell_free(&cells[c][i]);
        free(cells[c]);
        free(m[c].head);
        rseries_free(&ser[c]);
    }
    free(cells);
    free(m);
    free(ser);
    free(rows);
}
