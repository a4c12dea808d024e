/* plot_chart.c — one chart into a cairo context: title and legend, shaded
 * bands, grid and ticks, reference lines, series (lines with markers and
 * error bars, or steps with censoring ticks), markers on the axis, the
 * table under the axis and a note. Coordinates are computed here and the
 * context's matrix stays the identity, so an SVG's path points are the
 * chart's own points. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

#define TITLE_H 20.0
#define LEGEND_H 14.0
#define LEFT_MIN 54.0
#define RIGHT_BAND 74.0
#define RIGHT_PLAIN 16.0
#define TICK_H 14.0
#define XLABEL_H 13.0
#define ROW_H 11.0
#define NOTE_H 14.0
#define FONT 8.0

static const double palette[][3] = {
    {0.00, 0.27, 0.53}, {0.80, 0.20, 0.10}, {0.10, 0.55, 0.25},
    {0.55, 0.25, 0.65}, {0.85, 0.55, 0.05}, {0.30, 0.30, 0.30},
};
#define N_PALETTE (sizeof palette / sizeof palette[0])

void plot_text(cairo_t *cr, const char *family, double size, int bold, double x, double y,
               double align, const char *s)
{
    assert(utf8_valid(s, strlen(s), NULL));
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    double dx = 0;
    if (align > 0) {
        cairo_text_extents_t e;
        cairo_text_extents(cr, s, &e);
        dx = e.x_advance * align;
    }
    cairo_move_to(cr, x - dx, y);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
}

static double text_width(const char *s, double size)
{
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(sf);
    cairo_select_font_face(cr, PLOT_SANS, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    return e.x_advance;
}

static int has_legend(const plot_chart *c)
{
    for (int i = 0; i < c->n_series; i++)
        if (c->series[i].label)
            return 1;
    return 0;
}

void plot_chart_area(const plot_chart *c, double w, double h, plot_area *a)
{
    assert(plot_cairo_loaded());   /* text widths are cairo's */
    double left = LEFT_MIN;
    for (int r = 0; c->cell && r < c->n_row && r < c->n_series; r++) {
        double tw = c->series[r].label ? text_width(c->series[r].label, FONT) + 20 : 0;
        left = tw > left ? tw : left;
    }
    if (left > w / 3)
        left = w / 3;
    double top = TITLE_H + (has_legend(c) ? LEGEND_H : 0) + 4;
    double bottom = TICK_H + (c->x_label ? XLABEL_H : 0) + (c->note ? NOTE_H : 0) + 4;
    if (c->cell)
        bottom += 4 + (c->table_title ? ROW_H : 0) + c->n_row * ROW_H;
    a->left = left;
    a->top = top;
    a->width = w - left - (c->n_band ? RIGHT_BAND : RIGHT_PLAIN);
    a->height = h - top - bottom;
    if (a->width < 10)
        a->width = 10;
    if (a->height < 10)
        a->height = 10;
}

void plot_nice_range(double lo, double hi, int ticks, const double *steps, int n_steps,
                     double *out_lo, double *out_hi, double *step)
{
    if (!(hi > lo))
        hi = lo + 1;
    double raw = (hi - lo) / (ticks > 0 ? ticks : 5), best = 0;
    if (n_steps > 0) {
        best = steps[n_steps - 1];
        for (int i = n_steps - 1; i >= 0; i--)
            if (steps[i] >= raw)
                best = steps[i];
        while (best < raw)
            best *= 2;
    } else {
        double mag = pow(10, floor(log10(raw)));
        static const double m[] = {1, 2, 2.5, 5, 10};
        for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
            if (m[i] * mag >= raw - 1e-12) {
                best = m[i] * mag;
                break;
            }
    }
    *step = best;
    *out_lo = floor(lo / best + 1e-9) * best;
    *out_hi = ceil(hi / best - 1e-9) * best;
    if (*out_hi <= *out_lo)
        *out_hi = *out_lo + best;
}

typedef struct {
    const plot_chart *c;
    plot_area a;
    double ox;               /* the box's left edge */
} frame;

static double fx(const frame *f, double x)
{
    return f->a.left + (x - f->c->x0) / (f->c->x1 - f->c->x0) * f->a.width;
}

static double fy(const frame *f, double y)
{
    return f->a.top + f->a.height - (y - f->c->y0) / (f->c->y1 - f->c->y0) * f->a.height;
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void colour(cairo_t *cr, int i)
{
    const double *p = palette[(size_t)i % N_PALETTE];
    cairo_set_source_rgb(cr, p[0], p[1], p[2]);
}

static void fmt_tick(char *out, size_t n, double v, double step, int percent)
{
    if (percent)
        snprintf(out, n, "%.0f%%", v * 100);
    else if (step >= 1 || fabs(step - round(step)) < 1e-9)
        snprintf(out, n, "%.0f", v);
    else
        snprintf(out, n, "%.*f", step >= 0.1 ? 1 : 2, v);
}

static void draw_bands(cairo_t *cr, const frame *f)
{
    const plot_chart *c = f->c;
    for (int i = 0; i < c->n_band; i++) {
        double lo = clampd(c->band[i].lo, c->y0, c->y1), hi = clampd(c->band[i].hi, c->y0, c->y1);
        if (hi <= lo)
            continue;
        if (i % 2)
            cairo_set_source_rgb(cr, 0.93, 0.95, 0.98);
        else
            cairo_set_source_rgb(cr, 0.86, 0.91, 0.96);
        cairo_rectangle(cr, f->a.left, fy(f, hi), f->a.width, fy(f, lo) - fy(f, hi));
        cairo_fill(cr);
        if (c->band[i].label) {
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
            plot_text(cr, PLOT_SANS, FONT - 1, 0, f->a.left + f->a.width + 4,
                      (fy(f, lo) + fy(f, hi)) / 2 + 3, 0, c->band[i].label);
        }
    }
}

static void draw_axes(cairo_t *cr, const frame *f)
{
    const plot_chart *c = f->c;
    char lab[32];
    cairo_set_line_width(cr, 0.4);
    int ny = c->y_step > 0 ? (int)floor((c->y1 - c->y0) / c->y_step + 1e-9) : 0;
    for (int k = 0; k <= ny && ny < 200; k++) {
        double v = c->y0 + k * c->y_step, y = fy(f, v);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_move_to(cr, f->a.left, y);
        cairo_line_to(cr, f->a.left + f->a.width, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        fmt_tick(lab, sizeof lab, v, c->y_step, c->y_percent);
        plot_text(cr, PLOT_SANS, FONT, 0, f->a.left - 4, y + 3, 1, lab);
    }
    int nx = c->x_step > 0 ? (int)floor((c->x1 - c->x0) / c->x_step + 1e-9) : 0;
    double base = f->a.top + f->a.height;
    for (int k = 0; k <= nx && nx < 200; k++) {
        double v = c->x0 + k * c->x_step, x = fx(f, v);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, x, base);
        cairo_line_to(cr, x, base + 3);
        cairo_stroke(cr);
        fmt_tick(lab, sizeof lab, v, c->x_step, 0);
        plot_text(cr, PLOT_SANS, FONT, 0, x, base + 12, 0.5, lab);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, f->a.left, f->a.top, f->a.width, f->a.height);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (c->x_label)
        plot_text(cr, PLOT_SANS, FONT, 0, f->a.left + f->a.width / 2, base + TICK_H + 9, 0.5,
                  c->x_label);
    if (c->y_label) {
        cairo_save(cr);
        cairo_translate(cr, f->ox + 10, f->a.top + f->a.height / 2);
        cairo_rotate(cr, -M_PI / 2);
        plot_text(cr, PLOT_SANS, FONT, 0, 0, 0, 0.5, c->y_label);
        cairo_restore(cr);
    }
}

static void draw_refs(cairo_t *cr, const frame *f)
{
    const plot_chart *c = f->c;
    static const double dash[] = {4, 3}, dot[] = {1.5, 2};
    for (int i = 0; i < c->n_ref; i++) {
        const plot_ref *r = &c->ref[i];
        double lx, ly;
        cairo_set_line_width(cr, r->kind == PR_EVENT ? 1.4 : 1.0);
        if (r->kind == PR_EVENT)
            cairo_set_source_rgb(cr, 0.75, 0.05, 0.05);
        else if (r->kind == PR_THRESHOLD)
            cairo_set_source_rgb(cr, 0.05, 0.5, 0.2);
        else
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        if (r->kind == PR_BASELINE)
            cairo_set_dash(cr, dash, 2, 0);
        else if (r->kind == PR_THRESHOLD)
            cairo_set_dash(cr, dot, 2, 0);
        if (r->vertical) {
            double x = fx(f, clampd(r->v, c->x0, c->x1));
            cairo_move_to(cr, x, f->a.top);
            cairo_line_to(cr, x, f->a.top + f->a.height);
            lx = x + 3, ly = f->a.top + 9;
        } else {
            double y = fy(f, clampd(r->v, c->y0, c->y1));
            cairo_move_to(cr, f->a.left, y);
            cairo_line_to(cr, f->a.left + f->a.width, y);
            lx = f->a.left + 3, ly = y - 3;
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        if (r->label)
            plot_text(cr, PLOT_SANS, FONT - 1, 0, lx, ly, 0, r->label);
    }
}

/* The step function's value at x: the last point at or before x. */
static double step_at(const plot_series *s, double x)
{
    double y = s->n ? s->pt[0].y : 0;
    for (int i = 0; i < s->n && s->pt[i].x <= x; i++)
        y = s->pt[i].y;
    return y;
}

static void draw_series(cairo_t *cr, const frame *f, const plot_series *s, int idx)
{
    if (s->n == 0)
        return;
    colour(cr, idx);
    cairo_set_line_width(cr, 1.6);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_move_to(cr, fx(f, s->pt[0].x), fy(f, s->pt[0].y));
    for (int i = 1; i < s->n; i++) {
        if (s->step)
            cairo_line_to(cr, fx(f, s->pt[i].x), fy(f, s->pt[i - 1].y));
        cairo_line_to(cr, fx(f, s->pt[i].x), fy(f, s->pt[i].y));
    }
    if (s->n > 1)
        cairo_stroke(cr);
    cairo_new_path(cr);
    if (s->n_censor) {
        cairo_set_line_width(cr, 0.9);
        for (int i = 0; i < s->n_censor; i++) {
            double x = fx(f, s->censor[i]), y = fy(f, step_at(s, s->censor[i]));
            cairo_move_to(cr, x, y - 3.5);
            cairo_line_to(cr, x, y + 3.5);
        }
        cairo_stroke(cr);
    }
    if (s->err) {
        cairo_set_line_width(cr, 0.9);
        for (int i = 0; i < s->n; i++) {
            if (!isfinite(s->err[i]))
                continue;
            double x = fx(f, s->pt[i].x);
            double y0 = fy(f, clampd(s->pt[i].y - s->err[i], f->c->y0, f->c->y1));
            double y1 = fy(f, clampd(s->pt[i].y + s->err[i], f->c->y0, f->c->y1));
            cairo_move_to(cr, x, y0);
            cairo_line_to(cr, x, y1);
            cairo_move_to(cr, x - 2.5, y0);
            cairo_line_to(cr, x + 2.5, y0);
            cairo_move_to(cr, x - 2.5, y1);
            cairo_line_to(cr, x + 2.5, y1);
        }
        cairo_stroke(cr);
    }
    if (s->marker) {
        for (int i = 0; i < s->n; i++) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, fx(f, s->pt[i].x), fy(f, s->pt[i].y), 2.4, 0, 2 * M_PI);
        }
        cairo_fill(cr);
    }
}

static void draw_marks(cairo_t *cr, const frame *f)
{
    const plot_chart *c = f->c;
    double y = f->a.top + f->a.height - 5;
    for (int i = 0; i < c->n_mark; i++) {
        double x = fx(f, clampd(c->mark[i].x, c->x0, c->x1));
        cairo_set_source_rgb(cr, 0.75, 0.05, 0.05);
        cairo_set_line_width(cr, 1.4);
        cairo_move_to(cr, x - 3, y - 3);
        cairo_line_to(cr, x + 3, y + 3);
        cairo_move_to(cr, x - 3, y + 3);
        cairo_line_to(cr, x + 3, y - 3);
        cairo_stroke(cr);
        if (c->mark[i].label)
            plot_text(cr, PLOT_SANS, FONT - 2, 0, x, y - 6, 0.5, c->mark[i].label);
    }
}

static void draw_legend(cairo_t *cr, const frame *f, double x, double y)
{
    const plot_chart *c = f->c;
    for (int i = 0; i < c->n_series; i++) {
        if (!c->series[i].label)
            continue;
        colour(cr, i);
        cairo_rectangle(cr, x, y - 6, 10, 6);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        plot_text(cr, PLOT_SANS, FONT, 0, x + 13, y, 0, c->series[i].label);
        x += 13 + text_width(c->series[i].label, FONT) + 12;
    }
}

static void draw_table(cairo_t *cr, const frame *f, double y)
{
    const plot_chart *c = f->c;
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (c->table_title) {
        y += ROW_H;
        plot_text(cr, PLOT_SANS, FONT, 1, f->a.left, y, 0, c->table_title);
    }
    for (int r = 0; r < c->n_row; r++) {
        y += ROW_H;
        if (r < c->n_series && c->series[r].label) {
            colour(cr, r);
            plot_text(cr, PLOT_SANS, FONT, 0, f->a.left - 16, y, 1, c->series[r].label);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int k = 0; k < c->n_tick; k++) {
            const char *s = c->cell[(size_t)r * (size_t)c->n_tick + (size_t)k];
            if (s)
                plot_text(cr, PLOT_SANS, FONT, 0, fx(f, c->x0 + k * c->x_step), y, 0.5, s);
        }
    }
}

void plot_chart_draw(cairo_t *cr, const plot_chart *c, double x, double y, double w, double h)
{
    assert(c->x1 > c->x0 && c->y1 > c->y0);
    frame f = {.c = c, .ox = x};
    plot_chart_area(c, w, h, &f.a);
    f.a.left += x;
    f.a.top += y;
    cairo_save(cr);
    if (c->title) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        plot_text(cr, PLOT_SANS, 10.5, 1, x + 4, y + 14, 0, c->title);
    }
    if (has_legend(c))
        draw_legend(cr, &f, f.a.left, y + TITLE_H + 8);
    draw_bands(cr, &f);
    draw_axes(cr, &f);
    draw_refs(cr, &f);
    for (int i = 0; i < c->n_series; i++)
        draw_series(cr, &f, &c->series[i], i);
    draw_marks(cr, &f);
    double below = f.a.top + f.a.height + TICK_H + (c->x_label ? XLABEL_H : 0);
    if (c->cell) {
        draw_table(cr, &f, below + 4);
        below += 4 + (c->table_title ? ROW_H : 0) + c->n_row * ROW_H;
    }
    if (c->note) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        plot_text(cr, PLOT_SANS, FONT, 0, f.a.left, below + 11, 0, c->note);
    }
    cairo_restore(cr);
}
