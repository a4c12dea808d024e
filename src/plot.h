/* plot.h — vector drawing with cairo: charts (axes, lines, step functions
 * with censoring ticks, shaded bands, reference lines, markers, a table
 * under the axis) and pages of text, written as PDF, SVG or PNG by one
 * drawing code. Fed by plain data: it knows nothing of patients, forms or
 * the database, and never sees a curses or SQL header. Every string it is
 * given is printable UTF-8 (callers escape untrusted text first). Output
 * goes to memory; the caller decides where it is written. */
#ifndef BEDSIDE_PLOT_H
#define BEDSIDE_PLOT_H

#include <stddef.h>

enum plot_format { PLOT_PDF, PLOT_SVG, PLOT_PNG };

/* Styles of a run of text on a page. */
enum {
    PS_BOLD = 1, PS_DIM = 2, PS_GOOD = 4, PS_BAD = 8, PS_WARN = 16, PS_ALERT = 32
};

typedef struct {
    int start, len;          /* byte range of the line's text */
    int style;               /* PS_* bits */
} plot_span;

typedef struct {
    double x, y;
} plot_pt;

/* A series: a line through its points (each point marked when `marker`),
 * or a right-continuous step function from its first point (`step`), with
 * a short vertical tick on the curve at each censoring x. err: per point,
 * a ± bar (NULL: none). Colour: the series' index in the chart. */
typedef struct {
    const char *label;       /* legend; NULL: none */
    const plot_pt *pt;
    int n;
    int step, marker;
    const double *err;
    const double *censor;
    int n_censor;
} plot_series;

/* A shaded range of y (a score's band), labelled at the right. */
typedef struct {
    double lo, hi;
    const char *label;
} plot_band;

/* A reference line: horizontal at y = v, or vertical at x = v. */
enum { PR_BASELINE, PR_THRESHOLD, PR_EVENT };
typedef struct {
    double v;
    int vertical;
    int kind;                /* PR_*: how it is drawn */
    const char *label;
} plot_ref;

/* A marker on the x axis (e.g. a missed visit), labelled under it. */
typedef struct {
    double x;
    const char *label;
} plot_mark;

/* The chart. The axes span x0..x1 and y0..y1 exactly (the caller picks
 * them; plot_nice_range helps); ticks every x_step / y_step from x0 / y0.
 * A table under the axis (e.g. numbers at risk): n_row rows of n_tick
 * cells, one under each x tick, the row labelled with its series' name. */
typedef struct {
    const char *title, *x_label, *y_label;
    double x0, x1, x_step, y0, y1, y_step;
    int y_percent;           /* y tick labels as percentages of 1 */
    const plot_series *series;
    int n_series;
    const plot_band *band;
    int n_band;
    const plot_ref *ref;
    int n_ref;
    const plot_mark *mark;
    int n_mark;
    const char *table_title;
    const char *const *cell;  /* n_row * n_tick, row-major; NULL: no table */
    int n_row, n_tick;
    const char *note;        /* a line under everything (e.g. a log-rank p) */
} plot_chart;

/* Where the plotting area of a chart drawn at w x h points lies: the
 * geometry the drawing uses, so tests and callers agree on it. Only after
 * a plot_chart_render or plot_pages_pdf that succeeded (which open cairo). */
typedef struct {
    double left, top, width, height;
} plot_area;
void plot_chart_area(const plot_chart *c, double w, double h, plot_area *a);

/* A tidy axis: lo..hi widened to multiples of a 1-2-5 step (or the
 * given steps, e.g. months 3, 6, 12) giving about `ticks` intervals. */
void plot_nice_range(double lo, double hi, int ticks, const double *steps, int n_steps,
                     double *out_lo, double *out_hi, double *step);

/* One chart alone, w x h points, as SVG, PNG (1 px a point) or a one-page
 * PDF. Returns 0 and the bytes in *out (caller frees), or -1 with *err. */
int plot_chart_render(const plot_chart *c, enum plot_format f, double w, double h, char **out,
                      size_t *len, char **err);

/* Pages: a running head and foot on every page ("Page n of m" added at the
 * right of the foot), then blocks top to bottom: lines of text (in a
 * monospaced font whose size makes `columns` columns fill the width) and
 * charts. A blank line starts a group kept on one page when it fits; a
 * chart is never split. */
typedef struct {
    const char *text;        /* NULL with chart set: a chart block */
    const plot_span *span;
    int n_span;
    const plot_chart *chart;
    double chart_height;     /* points */
} plot_block;

typedef struct {
    double width, height;    /* points: A4 595.28 x 841.89, Letter 612 x 792 */
    int columns;             /* text columns across the page */
    const char *head;
    const char *foot;
    const plot_block *block;
    int n_block;
} plot_pages;

#define PLOT_A4_W 595.2756
#define PLOT_A4_H 841.8898
#define PLOT_LETTER_W 612.0
#define PLOT_LETTER_H 792.0

/* The pages as a PDF. Returns 0 and the bytes (caller frees), or -1. */
int plot_pages_pdf(const plot_pages *p, char **out, size_t *len, int *n_pages, char **err);

#endif
