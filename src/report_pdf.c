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

void rblocks_chart(rblocks *b, const plot_chart *c, double h)
{
    plot_block *k = grow(b);
    k->chart = c;
    k->chart_height = h;
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
                const char *path, char **err)
{
    plot_pages p = {
        .width = letter ? PLOT_LETTER_W : PLOT_A4_W, .height = letter ? PLOT_LETTER_H : PLOT_A4_H,
        .columns = b->columns > columns ? b->columns : columns, .head = head, .foot = foot,
        .block = b->v, .n_block = b->n,
    };
    char *pdf;
    size_t len;
    if (plot_pages_pdf(&p, &pdf, &len, NULL, err) != 0)
        return -1;
    int rc = report_write_file(path, pdf, len, err);
    free(pdf);
    return rc;
}

int rchart_file(const plot_chart *c, const char *dir, const char *name, int png, double w,
                double h, char **err)
{
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        char *e = text_escape(dir);
        *err = xasprintf("%s: cannot create the folder: %s", e, strerror(errno));
        free(e);
        return -1;
    }
    char *data;
    size_t len;
    if (plot_chart_render(c, png ? PLOT_PNG : PLOT_SVG, w, h, &data, &len, err) != 0)
        return -1;
    char *path = xasprintf("%s/%s.%s", dir, name, png ? "png" : "svg");
    int rc = report_write_file(path, data, len, err);
    free(path);
    free(data);
    return rc;
}
