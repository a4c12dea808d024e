/* plot_page.c — surfaces that write PDF, SVG or PNG into memory, one chart
 * alone, and pages of text and charts with a running head and foot
 * ("Page n of m"), paginated before drawing so every page knows m. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

#define MARGIN 36.0
#define HEAD_H 24.0
#define FOOT_H 22.0
#define MONO_MAX 9.0

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
    sbuf_addn(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* Cairo and fontconfig keep fonts and caches until exit; give them back
 * then, so a leak checker sees only our own leaks. */
static void release(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

cairo_surface_t *plot_surface(enum plot_format f, double w, double h, sbuf *buf)
{
    static int registered;
    if (!registered)
        registered = atexit(release) == 0;
    switch (f) {
    case PLOT_PDF:
        return cairo_pdf_surface_create_for_stream(to_buf, buf, w, h);
    case PLOT_SVG:
        return cairo_svg_surface_create_for_stream(to_buf, buf, w, h);
    case PLOT_PNG:
        break;
    }
    return cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w), (int)ceil(h));
}

int plot_finish(cairo_surface_t *s, cairo_t *cr, enum plot_format f, sbuf *buf, char **out,
                size_t *len, char **err)
{
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && f == PLOT_PNG)
        st = cairo_surface_write_to_png_stream(s, to_buf, buf);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        sbuf_free(buf);
        *err = xasprintf("cannot draw: %s", cairo_status_to_string(st));
        return -1;
    }
    *len = buf->len;
    *out = sbuf_take(buf);
    return 0;
}

static cairo_t *start(cairo_surface_t *s)
{
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);   /* PNG has no paper: paint it white */
    cairo_paint(cr);
    return cr;
}

int plot_chart_render(const plot_chart *c, enum plot_format f, double w, double h, char **out,
                      size_t *len, char **err)
{
    if (plot_cairo_load(err) < 0)
        return -1;
    sbuf buf = {0};
    cairo_surface_t *s = plot_surface(f, w, h, &buf);
    cairo_t *cr = start(s);
    plot_chart_draw(cr, c, 0, 0, w, h);
    if (f == PLOT_PDF)
        cairo_show_page(cr);
    return plot_finish(s, cr, f, &buf, out, len, err);
}

/* ---- pages ---- */

typedef struct {
    int first, n;
} page;

typedef struct {
    const plot_pages *p;
    double mono, line_h, body;
} layout;

static int blank(const plot_block *b)
{
    return !b->chart && (!b->text || !b->text[0]);
}

static double block_h(const layout *l, const plot_block *b)
{
    if (!b->chart)
        return l->line_h;
    return b->chart_height < l->body ? b->chart_height : l->body;
}

/* The height of the group starting at block i: a chart alone; a blank
 * line and the lines after it up to the next blank line or chart. */
static double group_h(const layout *l, int i)
{
    const plot_pages *p = l->p;
    if (p->block[i].chart)
        return block_h(l, &p->block[i]);
    double h = l->line_h;
    for (int j = i + 1; j < p->n_block && !blank(&p->block[j]) && !p->block[j].chart; j++)
        h += l->line_h;
    return h;
}

static page *paginate(const layout *l, int *n_pages)
{
    const plot_pages *p = l->p;
    page *pg = NULL;
    int np = 0, pos = 0;
    do {
        while (pos < p->n_block && blank(&p->block[pos]))
            pos++;
        page cur = {.first = pos};
        double used = 0;
        while (pos < p->n_block) {
            const plot_block *b = &p->block[pos];
            double h = block_h(l, b);
            if (used > 0 && (blank(b) || b->chart)) {
                double g = group_h(l, pos);
                if (used + g > l->body && g <= l->body)
                    break;
            }
            if (used > 0 && used + h > l->body)
                break;
            used += h;
            cur.n++;
            pos++;
        }
        pg = xrealloc(pg, (size_t)(np + 1) * sizeof *pg);
        pg[np++] = cur;
    } while (pos < p->n_block);
    *n_pages = np;
    return pg;
}

static void style_source(cairo_t *cr, int style)
{
    if (style & (PS_BAD | PS_ALERT))
        cairo_set_source_rgb(cr, 0.7, 0.05, 0.05);
    else if (style & PS_WARN)
        cairo_set_source_rgb(cr, 0.65, 0.38, 0);
    else if (style & PS_GOOD)
        cairo_set_source_rgb(cr, 0.05, 0.45, 0.15);
    else if (style & PS_DIM)
        cairo_set_source_rgb(cr, 0.42, 0.42, 0.42);
    else
        cairo_set_source_rgb(cr, 0, 0, 0);
}

/* A run of a line at the current point, which it advances. */
static void run(cairo_t *cr, const char *s, size_t n, int style, double size)
{
    if (n == 0)
        return;
    char *t = xstrndup(s, n);
    if (utf8_valid(t, n, NULL)) {
        cairo_select_font_face(cr, PLOT_MONO, CAIRO_FONT_SLANT_NORMAL,
                               style & (PS_BOLD | PS_ALERT) ? CAIRO_FONT_WEIGHT_BOLD
                                                            : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, size);
        style_source(cr, style);
        cairo_show_text(cr, t);
    }
    free(t);
}

static void draw_line(cairo_t *cr, const plot_block *b, double x, double y, double size)
{
    size_t len = strlen(b->text), pos = 0;
    cairo_move_to(cr, x, y);
    for (int i = 0; i <= b->n_span; i++) {
        size_t s = len, e = len;
        if (i < b->n_span) {
            s = (size_t)b->span[i].start;
            e = s + (size_t)b->span[i].len;
            s = s < pos ? pos : s > len ? len : s;
            e = e < s ? s : e > len ? len : e;
        }
        run(cr, b->text + pos, s - pos, 0, size);
        if (i < b->n_span)
            run(cr, b->text + s, e - s, b->span[i].style, size);
        pos = e;
    }
    cairo_new_path(cr);
}

static void rule(cairo_t *cr, double w, double y)
{
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, MARGIN, y);
    cairo_line_to(cr, w - MARGIN, y);
    cairo_stroke(cr);
}

static void head_foot(cairo_t *cr, const plot_pages *p, int k, int n)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (p->head)
        plot_text(cr, PLOT_SANS, 9, 1, MARGIN, MARGIN + 9, 0, p->head);
    rule(cr, p->width, MARGIN + 15);
    double fy = p->height - MARGIN;
    rule(cr, p->width, fy - 13);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (p->foot)
        plot_text(cr, PLOT_SANS, 8, 0, MARGIN, fy, 0, p->foot);
    char pg[48];
    snprintf(pg, sizeof pg, "Page %d of %d", k + 1, n);
    plot_text(cr, PLOT_SANS, 8, 0, p->width - MARGIN, fy, 1, pg);
}

int plot_pages_pdf(const plot_pages *p, char **out, size_t *len, int *n_pages, char **err)
{
    if (plot_cairo_load(err) < 0)
        return -1;
    double text_w = p->width - 2 * MARGIN;
    layout l = {.p = p};
    l.mono = text_w / ((p->columns > 20 ? p->columns : 80) * PLOT_MONO_ADVANCE);
    l.mono = l.mono > MONO_MAX ? MONO_MAX : l.mono;
    l.line_h = l.mono * 1.22;
    l.body = p->height - 2 * MARGIN - HEAD_H - FOOT_H;
    int np;
    page *pg = paginate(&l, &np);
    sbuf buf = {0};
    cairo_surface_t *s = plot_surface(PLOT_PDF, p->width, p->height, &buf);
    cairo_t *cr = cairo_create(s);
    for (int k = 0; k < np; k++) {
        head_foot(cr, p, k, np);
        double y = MARGIN + HEAD_H;
        for (int i = pg[k].first; i < pg[k].first + pg[k].n; i++) {
            const plot_block *b = &p->block[i];
            double h = block_h(&l, b);
            if (b->chart)
                plot_chart_draw(cr, b->chart, MARGIN, y, text_w, h);
            else if (b->text)
                draw_line(cr, b, MARGIN, y + l.mono, l.mono);
            y += h;
        }
        cairo_show_page(cr);
    }
    free(pg);
    if (n_pages)
        *n_pages = np;
    return plot_finish(s, cr, PLOT_PDF, &buf, out, len, err);
}
