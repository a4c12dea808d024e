/* report_pdf.c — report documents as pages of the plot module: text lines
 * keep their emphasis (bold, dim, good, bad, due, alert) as styles, and
 * charts go between them; the PDF and the chart files are written with
 * report_write_file (never through a symbolic link). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_int.h"
#include "report_pdf.h"

static int style_of(int attr)
{
    static const int map[][2] = {
        {RA_BOLD, PS_BOLD}, {RA_DIM, PS_DIM}, {RA_GOOD, PS_GOOD},
        {RA_BAD, PS_BAD},   {RA_WARN, PS_WARN}, {RA_ALERT, PS_ALERT},
    };
    int s = 0;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (attr & map[i][0])
            s |= map[i][1];
    return s;
}

static plot_block *grow(rblocks *b)
{
    b->v = xrealloc(b->v, (size_t)(b->n + 1) * sizeof *b->v);
    plot_block *k = &b->v[b->n++];
    memset(k, 0, sizeof *k);
    return k;
}

void rblocks_doc(rblocks *b, const report_doc *d)
{
    for (int i = 0; i < d->n; i++) {
        const report_line *l = &d->line[i];
        plot_block *k = grow(b);
        k->text = xstrdup(l->text);
        plot_span *sp = xcalloc((size_t)l->n_span + 1, sizeof *sp);
        for (int j = 0; j < l->n_span; j++)
            sp[j] = (plot_span){l->span[j].start, l->span[j].len, style_of(l->span[j].attr)};
        k->span = sp;
        k->n_span = l->n_span;
        int w = rtext_width(l->text);
        b->columns = w > b->columns ? w : b->columns;
    }
}

const double rmonth_steps[RMONTH_STEPS] = {1, 3, 6, 12, 24, 60, 120};

void *rcharts_own(rcharts *cs, void *p)
{
    cs->own = xrealloc(cs->own, (size_t)(cs->n_own + 1) * sizeof *cs->own);
    cs->own[cs->n_own++] = p;
    return p;
}

plot_chart *rcharts_add(rcharts *cs, const char *name, double h)
{
    cs->c = xrealloc(cs->c, (size_t)(cs->n + 1) * sizeof *cs->c);
    cs->name = xrealloc(cs->name, (size_t)(cs->n + 1) * sizeof *cs->name);
    cs->h = xrealloc(cs->h, (size_t)(cs->n + 1) * sizeof *cs->h);
    cs->name[cs->n] = xstrdup(name);
    cs->h[cs->n] = h;
    plot_chart *c = &cs->c[cs->n++];
    memset(c, 0, sizeof *c);
    return c;
}

void rcharts_free(rcharts *cs)
{
    for (int i = 0; i < cs->n_own; i++)
        free(cs->own[i]);
    for (int i = 0; i < cs->n; i++)
        free(cs->name[i]);
    free(cs->own);
    free(cs->name);
    free(cs->h);
    free(cs->c);
    memset(cs, 0, sizeof *cs);
}

void rblocks_charts(rblocks *b, const rcharts *cs, int at)
{
    int tail = b->n - at;
    for (int i = 0; i < cs->n; i++) {
        plot_block *k = grow(b);
        k->chart = &cs->c[i];
        k->chart_height = cs->h[i];
    }
    /* Move the new blocks in front of the `tail` ones after `at`. */
    plot_block *tmp = xmalloc((size_t)(tail + 1) * sizeof *tmp);
    memcpy(tmp, b->v + at, (size_t)tail * sizeof *tmp);
    memmove(b->v + at, b->v + at + tail, (size_t)cs->n * sizeof *tmp);
    memcpy(b->v + at + cs->n, tmp, (size_t)tail * sizeof *tmp);
    free(tmp);
}

void rblocks_free(rblocks *b)
{
    for (int i = 0; i < b->n; i++) {
        free((char *)b->v[i].text);
        free((plot_span *)b->v[i].span);
    }
    free(b->v);
    memset(b, 0, sizeof *b);
}

int rblocks_pdf(const rblocks *b, int columns, int letter, const char *head, const char *foot,
                const char *path, char **pdf, size_t *len, char **err)
{
    plot_pages p = {
        .width = letter ? PLOT_LETTER_W : PLOT_A4_W, .height = letter ? PLOT_LETTER_H : PLOT_A4_H,
        .columns = b->columns > columns ? b->columns : columns, .head = head, .foot = foot,
        .block = b->v, .n_block = b->n,
    };
    char *out;
    size_t n;
    if (plot_pages_pdf(&p, &out, &n, NULL, err) != 0)
        return -1;
    if (pdf) {
        *pdf = out;
        *len = n;
        return 0;
    }
    int rc = report_write_file(path, out, n, err);
    free(out);
    return rc;
}

int rcharts_files(const rcharts *cs, const char *dir, int png, char **err)
{
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        char *e = text_escape(dir);
        *err = xasprintf("%s: cannot create the folder: %s", e, strerror(errno));
        free(e);
        return -1;
    }
    for (int i = 0; i < cs->n; i++) {
        char *data;
        size_t len;
        if (plot_chart_render(&cs->c[i], png ? PLOT_PNG : PLOT_SVG, RCHART_W, cs->h[i], &data,
                              &len, err) != 0)
            return -1;
        char *path = xasprintf("%s/%s.%s", dir, cs->name[i], png ? "png" : "svg");
        int rc = report_write_file(path, data, len, err);
        free(path);
        free(data);
        if (rc)
            return -1;
    }
    return 0;
}
