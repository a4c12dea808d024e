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
/* A chart block (c must outlive b's use) of height h points. */
void rblocks_chart(rblocks *b, const plot_chart *c, double h);
void rblocks_free(rblocks *b);

/* The pages as a PDF file at path (A4, or Letter when letter != 0), text
 * at least `columns` wide. Returns 0, or -1 with *err. */
int rblocks_pdf(const rblocks *b, int columns, int letter, const char *head, const char *foot,
                const char *path, char **err);
/* Chart c alone as dir/name.svg (or .png), dir created if missing. */
int rchart_file(const plot_chart *c, const char *dir, const char *name, int png, double w,
                double h, char **err);

#endif
