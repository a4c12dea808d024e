/* report_cohort.h — `bedside report`: the studies' own tables from the
 * data (baseline characteristics, trend scores by visit against baseline,
 * outcome by stratum, time to the endpoint with Kaplan–Meier and the
 * log-rank test, and a per-hip endpoint listing). What is tabulated comes
 * from the forms (trend scores, choice options) and the config's
 * `report:` section; the statistics from stat.h; the censoring rule from
 * surv.h. The tables are built once as data and then written as text,
 * Markdown or CSV, or drawn by the TUI. No curses here. */
#ifndef BEDSIDE_REPORT_COHORT_H
#define BEDSIDE_REPORT_COHORT_H

#include <stdio.h>

#include "app.h"
#include "report.h"
#include "stat.h"
#include "surv.h"

/* A column: its CSV header, its text header, how its numbers are shown
 * (decimals; RC_INT whole numbers; RC_P p-values), and whether the text
 * shows it joined to the column before (e.g. " ± " for an SD). */
enum { RC_INT = -1, RC_P = -2, RC_TEXT = -3 };
typedef struct {
    const char *csv, *head;
    int dec;
    const char *join;      /* NULL: a column of its own in text */
    const char *close;     /* appended after a joined value, e.g. ")" */
    int csv_only;          /* not shown in text (the title says it) */
    int wrap;              /* text: wrapped at words to this many columns (0: never) */
} rc_col;

typedef struct {
    char *s;               /* text cell, or NULL for a number */
    double v;              /* NAN: empty */
} rc_val;

typedef struct {
    const char *id;        /* the CSV file's name: ID.csv */
    char *title;
    rc_col *col;
    int n_col;
    rc_val *cell;          /* n_row * n_col, row-major */
    int n_row;
    char **note;           /* lines printed under the table */
    int n_note;
    char **own;            /* strings the columns point to, freed with the table */
    int n_own;
} rc_table;

#define RC_MAX_TABLES 64
typedef struct {
    rc_table *t;           /* RC_MAX_TABLES slots: pointers into it stay valid */
    int n;
    char **plot;           /* the Kaplan–Meier text plot, one string per line */
    int n_plot;
    char *caption;         /* what the report covers: hips, dates, rules */
    /* The Kaplan–Meier fits behind the survival tables, one per stratum,
     * for the charts (n_km 0 when the config names no endpoint). */
    stat_km *km;
    char **km_name;
    int n_km;
    double km_p, km_chisq; /* log-rank; NAN with one stratum */
    int km_df;
    char *km_title, *km_what;
} report_cohort;

typedef struct {
    int from, to;          /* index dates (days), -1 for open */
    const char *by;        /* --by: stratify every table; NULL: the config's */
    int width;             /* text columns for the plot (>= 40) */
    int ascii;
} report_cohort_opts;

/* Build every table from the database. Returns 0, or -1 with *err. */
int report_cohort_build(app *a, const report_cohort_opts *o, report_cohort *rc, char **err);
void report_cohort_free(report_cohort *rc);

/* Text (aligned columns; markdown != 0: pipe tables) into a document the
 * CLI writes and the TUI draws. */
void report_cohort_doc(const report_cohort *rc, int markdown, int ascii, report_doc *doc);
/* One RFC 4180 file per table in dir (created if missing), numbers with
 * full precision. Returns 0, or -1 with *err. */
int report_cohort_csv(const report_cohort *rc, const char *dir, char **err);
/* The tables as text pages, then the charts (report_cohort_chart.c): the
 * Kaplan–Meier curves by stratum with censoring ticks, the numbers at
 * risk and the log-rank p, and each trend score's mean ± SD by visit.
 * As a PDF file (A4, or Letter when letter != 0), or one SVG or PNG file
 * per chart in dir (created if missing). Returns 0, or -1 with *err. */
int report_cohort_pdf(const report_cohort *rc, const char *path, int letter, char **err);
int report_cohort_charts(const report_cohort *rc, const char *dir, int png, char **err);
/* Index of the column whose CSV header is csv, or -1. */
int rc_col_index(const rc_table *t, const char *csv);

/* ---- private to report_cohort*.c ---- */
rc_table *rc_table_new(report_cohort *rc, const char *id, const rc_col *cols, int n_col,
                       const char *title_fmt, ...) PRINTF_LIKE(5, 6);
rc_val *rc_row(rc_table *t);                       /* a new row of empty cells */
void rc_set_s(rc_val *row, int col, const char *s);
void rc_note(rc_table *t, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* The cohort in strata by one field (form_group_find names it): each
 * stratum's name, in order, and each hip's stratum. */
#define RC_NOT_RECORDED "not recorded"   /* the stratum of hips without an answer */
typedef struct {
    const char *by;            /* the field as named; NULL: one stratum "all" */
    char **names;
    int n;
    int *of_hip;
    form_group g;              /* what by names */
    char **val;                /* each hip's answer while the cohort is read */
} rc_grouping;
/* A number field of an enrolment form: each hip's answer (its patient's
 * for a patient-scope form), NAN when there is none, for the baseline. */
typedef struct {
    const form *f;
    int field;
    double *v;
} rc_number;
/* One hip of the cohort, as the tables see it. */
typedef struct {
    char uuid[37], patient[37];
    char *mrn;
    char sex, side;
    int born, index_date;
    int end_date, last_date;   /* endpoint, last current record; -1 if none */
    surv_hip_out surv;         /* time to the endpoint (surv_hip) */
} rc_hip;
typedef struct {
    app *a;
    const report_cohort_opts *o;
    rc_hip *hip;               /* MRN, side order */
    int n_hip;
    int *by_uuid;              /* hip indexes sorted by uuid */
    int n_bad;                 /* hips left out: index date unreadable */
    const form *end_form;      /* the endpoint's form, or NULL */
    const char *end_field;
    int n_rule[SURV_STUDY_END + 1];   /* hips by surv_censor */
    rc_grouping *grp;          /* the strata the tables use (all named before */
    int n_grp, cap_grp;        /* the hips are read, so pointers stay valid) */
    rc_number *num;            /* the enrolment forms' number fields */
    int n_num;
    int *by_patient;           /* hip indexes sorted by patient uuid, once needed */
    char **names;              /* the enrolment choice fields' grouping names */
    int n_names;
} rc_cohort;
int rc_hip_find(const rc_cohort *c, const char *uuid);   /* index or -1 */
/* The strata by field (NULL: the whole cohort) that report_cohort_build
 * read for the tables, or NULL when it read none by that name. */
const rc_grouping *rc_strata(const rc_cohort *c, const char *by);

void rc_baseline(report_cohort *rc, const rc_cohort *c, const char *by);
void rc_scores(report_cohort *rc, const rc_cohort *c, const char *by, char **err);
int rc_outcome(report_cohort *rc, const rc_cohort *c, const char *by, char **err);
void rc_survival(report_cohort *rc, const rc_cohort *c, const char *by);
/* The Kaplan–Meier plot of the strata's curves into rc->plot. */
void rc_plot(report_cohort *rc, char *const *names, const stat_km *km, int n, double t_max, int width,
             int ascii);

#endif
