/* report_int.h — private to src/report*.c: building a report_doc line by
 * line, measuring text in display columns, and the glyphs of the view. */
#ifndef BEDSIDE_REPORT_INT_H
#define BEDSIDE_REPORT_INT_H

#include "report.h"
#include "sched.h"

/* Document building. rdoc_line starts a new (empty) line; the other calls
 * append to the last line, adding a span when attr is not 0. */
void rdoc_line(report_doc *d);
void rdoc_add(report_doc *d, const char *s, int attr);
void rdoc_addf(report_doc *d, int attr, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Untrusted text: escaped with text_escape before it is added. */
void rdoc_add_untrusted(report_doc *d, const char *s, int attr);
/* Append s to the last line, breaking at spaces (or anywhere in a word
 * longer than a line) so no line passes width columns; continuation lines
 * start with indent spaces. s is trusted: escape untrusted text first. */
void rdoc_wrap(report_doc *d, const char *s, int attr, int width, int indent);
/* Pad the last line with spaces up to display column col. */
void rdoc_pad(report_doc *d, int col);
/* Display width of the last line. */
int rdoc_width(const report_doc *d);
/* Cut the last line's trailing blanks (and its spans with them). */
void rdoc_trim(report_doc *d);
/* Move every line of src to the end of dst; src is left empty. */
void rdoc_append(report_doc *dst, report_doc *src);
/* Lines of l and r next to each other: l padded to lw columns, then gap
 * spaces, then r. Both are emptied. */
void rdoc_beside(report_doc *dst, report_doc *l, report_doc *r, int lw, int gap);

/* Display columns of a UTF-8 string (wide characters count 2). */
int rtext_width(const char *s);
/* s cut to at most width columns (never inside a character); caller frees. */
char *rtext_fit(const char *s, int width);

/* Glyphs that have an ASCII fallback. */
typedef struct {
    const char *up, *down, *flat;     /* change arrows */
    const char *ended;                /* a timepoint after follow-up ended */
    const char *hrule;                /* one column of a horizontal rule */
    const char *box_tl, *box_tr, *box_bl, *box_br, *box_h, *box_v;
    const char *const *spark;         /* 8 levels, lowest first */
    const char *sep;                  /* between items in a heading */
} rglyphs;
const rglyphs *rglyphs_get(int ascii);
/* A sparkline of n values scaled to lo..hi (lo == hi: middle level). */
char *rspark(const double *v, int n, double lo, double hi, int ascii);
/* A horizontal rule of width columns. */
void rdoc_rule(report_doc *d, int width, int ascii, int attr);

/* One trend column: a score with `trend: true`. */
typedef struct {
    const form *f;
    const form_score *s;
} rcol;

/* Everything the view of one hip needs. */
typedef struct {
    const app *a;
    const report_opts *o;
    const st_hip *h;
    const st_record *rec;     /* every current final record of the patient */
    size_t n_rec;
    const sched_item *item;   /* a->cfg.n_tp items, or NULL if unknown */
    int end_date;             /* -1 if follow-up goes on */
    const rcol *col;
    int n_col;
} rhip;

/* Is r a record of this hip (or a patient-scope record of its patient)? */
int rhip_has(const rhip *h, const st_record *r);
/* The value of score id in r; 0 if present, -1 if not. */
int rrec_score(const st_record *r, const char *id, double *v);
/* The timepoint label for a record's timepoint id (escaped; caller frees). */
char *rtp_label(const config *c, const char *tp);
/* The hip's table of trend scores, then a sparkline block per score. */
void report_hip_table(report_doc *d, const rhip *h, int width);
/* A trend column's values over time, sorted by visit date; the baseline
 * is the first scheduled timepoint's value, else the first value. */
typedef struct {
    double *v;
    int *date, *row;
    int n;
    int has_base, base_row;
    double base;
} rseries;
void rseries_of(const rhip *h, const rcol *c, rseries *s);
void rseries_free(rseries *s);
/* Does the schedule expect form_id at timepoint tp? Has the hip a record
 * of it there (timepoint index tp)? */
int rtp_expects(const sched_tp *tp, const char *form_id);
int rtp_recorded(const rhip *h, int tp, const char *form_id);
/* What the trend view read, handed to a caller that lays out more of the
 * same patient (the printed summary's records), so it reads them once, in
 * the same snapshot. */
typedef struct {
    st_patient p;
    st_record *rec;           /* the current records, as store_records_of */
    size_t n_rec;
} rtrend_read;
void rtrend_read_free(rtrend_read *r);
/* The trend view, calling fn (when not NULL) with each hip's context once
 * its block is laid out; report_trend is this without fn. With keep, what
 * was read is moved there on success (the caller frees it). */
int rtrend_hips(app *a, const char *mrn, const report_opts *o, report_doc *doc,
                void (*fn)(void *ctx, const rhip *h), void *ctx, rtrend_read *keep,
                char **err);
/* The printed summary before pagination: the trend view, the records and
 * the sign-off, the running head and foot (escaped); fn as rtrend_hips. */
typedef struct {
    report_doc doc;
    int trend_lines;          /* lines of the trend view, before the records */
    char *head, *foot;
} rprint;
int rprint_build(app *a, const char *mrn, const report_print_opts *o, rprint *r,
                 void (*fn)(void *ctx, const rhip *h), void *ctx, char **err);
void rprint_free(rprint *r);

/* The printed listing of records (current finals of one patient). */
void report_records(report_doc *d, const app *a, const st_record *rec, size_t n, int width,
                    int ascii);

#endif
