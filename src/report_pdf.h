/* report_pdf.h — private to src/report*.c: report documents laid out as
 * blocks for the plot module (text lines with their styles, and charts),
 * and the files charts are written to. */
#ifndef BEDSIDE_REPORT_PDF_H
#define BEDSIDE_REPORT_PDF_H

#include "plot.h"
#include "report.h"

typedef struct {
    plot_block *v;
    int n;
    int columns;             /* the widest text line, in display columns */
} rblocks;

/* Each line of d as a text block, its spans mapped to plot styles. */
void rblocks_doc(rblocks *b, const report_doc *d);
void rblocks_free(rblocks *b);

/* Charts being built, with the file name of each and everything they
 * point to (freed together). */
typedef struct {
    plot_chart *c;
    char **name;             /* file name of each chart, without extension */
    double *h;               /* its height in points */
    int n;
    void **own;
    int n_own;
} rcharts;
void *rcharts_own(rcharts *cs, void *p);     /* freed with cs; returns p */
plot_chart *rcharts_add(rcharts *cs, const char *name, double h);   /* zeroed */
void rcharts_free(rcharts *cs);
/* Each chart as a block after the first `at` blocks of b. */
void rblocks_charts(rblocks *b, const rcharts *cs, int at);
/* Each chart as dir/NAME.svg (or .png). */
int rcharts_files(const rcharts *cs, const char *dir, int png, char **err);

#define RMONTH 30.4375        /* days in a month on the time axes */
#define RCHART_W 523.0        /* A4 less the margins, in points */
extern const double rmonth_steps[];   /* tick steps of a months axis */
#define RMONTH_STEPS 7

/* The pages as a PDF (A4, or Letter when letter != 0), text at least
 * `columns` wide: into *pdf (caller frees), or written to path when pdf is
 * NULL. Returns 0, or -1 with *err. */
int rblocks_pdf(const rblocks *b, int columns, int letter, const char *head, const char *foot,
                const char *path, char **pdf, size_t *len, char **err);

#endif
