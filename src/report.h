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
    /* Kept by report_doc.c, which alone changes a line: text's display
     * columns, its length and its allocation. */
    int width;
    size_t len, cap;
} report_line;

typedef struct {
    report_line *line;
    int n, cap;
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
/* A report refused because the stored data fail validation: the title,
 * "total problems", then the first n problem lines (escaped here), wrapped
 * to width, and where to see them all. */
void report_refusal_doc(const char *title, char *const *problems, int n, int total, int width,
                        report_doc *doc);
/* Write a document; ansi != 0 adds SGR escapes for the spans (a terminal). */
void report_write(const report_doc *doc, FILE *out, int ansi);

/* The printed summary: the trend view, then every current final record
 * with all its answers labelled as on the form (grouped by hip and
 * timepoint), then a sign-off line; plain text, never an escape sequence,
 * pages separated by form feeds, each with a header (MRN, name, birth
 * date) and a footer (Page n of m, printed date and time, login, version).
 * The printed time is now, or $SOURCE_DATE_EPOCH when set (reproducible). */
typedef struct {
    int width;        /* columns; 80 on paper */
    int page_length;  /* lines per page, at least REPORT_PAGE_MIN; 66 usual */
    int ascii;        /* ASCII sparklines, arrows and rules */
    int today;        /* days since epoch */
} report_print_opts;

#define REPORT_PAGE_MIN 12
#define REPORT_PAGE_MAX 10000

/* Each returns 0, 1 if the MRN is unknown, -1 on error (message in *err). */
int report_print_text(app *a, const char *mrn, const report_print_opts *o, char **text,
                      size_t *len, char **err);
int report_print(app *a, const char *mrn, const report_print_opts *o, FILE *out, char **err);
/* Write to path (created 0640, or truncated); refuses a directory or a
 * symbolic link. For the TUI's "save to a file". */
int report_print_file(app *a, const char *mrn, const report_print_opts *o, const char *path,
                      char **err);
/* The summary as a PDF on the configured paper (report_print_pdf.c): its
 * text as above (width columns across the page), and after the trend view
 * each hip's charts, one per trend score (value by months from the index
 * date, bands, baseline, MCID threshold, missed visits, end of follow-up).
 * Written to path, or when path is NULL returned in *pdf (caller frees).
 * report_print_charts writes the charts alone, one SVG (or PNG) file each,
 * into dir (created if missing): SIDE-FORM-SCORE.svg. Each returns 0, 1 if
 * the MRN is unknown, -1 on error (message in *err). */
int report_print_pdf(app *a, const char *mrn, const report_print_opts *o, const char *path,
                     char **pdf, size_t *len, char **err);
int report_print_charts(app *a, const char *mrn, const report_print_opts *o, const char *dir,
                        int png, char **err);
/* Write len bytes to path (created 0640, or truncated); refuses a
 * directory or a symbolic link. 0, or -1 with *err naming the path. */
int report_write_file(const char *path, const char *data, size_t len, char **err);
/* Feed the summary (a PDF when the config says print_format: pdf, else
 * the text) to the configured print command (a->cfg.print_cmd, plus
 * "-P printer" when printer is not NULL), run with fork and execvp from an
 * argument vector, never a shell. A command that cannot start or exits
 * non-zero is an error. The TUI should end curses mode (endwin) around it. */
int report_print_lpr(app *a, const char *mrn, const report_print_opts *o, const char *printer,
                     char **err);
/* Run argv (plus "-P printer") with text on its standard input. */
int report_run_print_command(char *const *argv, const char *printer, const char *text, size_t len,
                             char **err);

#endif
