/* report.h — the per-patient trend view, rendered once into a neutral
 * document (lines of text with attribute spans) that the TUI patient
 * screen, `bedside show` and `bedside print` all draw. No curses here. */
#ifndef BEDSIDE_REPORT_H
#define BEDSIDE_REPORT_H

#include <stdio.h>

#include "app.h"

/* Attributes a span can carry; each drawer maps them to what it has
 * (curses colours and A_BOLD, ANSI escapes on a tty, nothing on paper). */
enum {
    RA_BOLD = 1,      /* headings, the patient's name */
    RA_DIM = 2,       /* not yet due, secondary text */
    RA_REVERSE = 4,
    RA_GOOD = 8,      /* improvement reaching the MCID, band Excellent/Good */
    RA_BAD = 16,      /* worsening, missed visit, complication */
    RA_WARN = 32,     /* due / overdue */
    RA_ALERT = 64     /* hip replacement (THA) banner: prominent */
};

typedef struct {
    int start, len;   /* byte range in the line's text */
    int attr;
} report_span;

typedef struct {
    char *text;       /* printable UTF-8 (or ASCII), untrusted text escaped */
    report_span *span;
    int n_span;
} report_line;

typedef struct {
    report_line *line;
    int n;
} report_doc;

typedef struct {
    int width;        /* columns available; >= 160 puts both hips side by side */
    int ascii;        /* ASCII sparklines, arrows and rules */
    int today;        /* days since epoch */
} report_opts;

/* The trend view of one patient. Returns 0, 1 if the MRN is unknown, -1 on
 * error (message in *err). */
int report_trend(app *a, const char *mrn, const report_opts *o, report_doc *doc, char **err);
void report_doc_free(report_doc *doc);
/* Write a document; ansi != 0 adds SGR escapes for the spans (a terminal). */
void report_write(const report_doc *doc, FILE *out, int ansi);

#endif
