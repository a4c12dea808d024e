/* export.h — the exports researchers load without cleaning: the analysis
 * CSV (wide or long), its codebook, the survival file and a REDCap project,
 * each optionally de-identified. Curses-free; the SQL is in store_export.c;
 * cli_export.c is the front end. Every file is RFC 4180 CSV with CRLF line
 * ends and the formula guard of util's csv_cell. */
#ifndef BEDSIDE_EXPORT_H
#define BEDSIDE_EXPORT_H

#include <stdio.h>

#include "app.h"

typedef struct {
    const char *form;          /* --form: one form, or NULL for every form */
    int all_versions;          /* superseded and void versions too, with status */
    int long_rows;             /* one row per answer */
    int labels;                /* a FIELD_label column beside each coded field */
    int deidentify;            /* study ids, no MRN, days instead of dates */
    int keep_text;             /* with deidentify: keep free-text fields */
} export_opts;

/* Each returns 0, or -1 after printing "bedside: ..." on stderr (a read or
 * write error). out is the caller's. */
int export_table(app *a, const export_opts *o, FILE *out);      /* export csv */
int export_codebook(app *a, const export_opts *o, FILE *out);
int export_survival(app *a, const export_opts *o, FILE *out);
/* Writes the project's files into dir (which must exist); removes what it
 * wrote when it fails. */
int export_redcap(app *a, const export_opts *o, const char *dir);

/* ---- shared by the export_*.c modules ---- */

/* The analysis file's own columns (not the forms'), for the codebook:
 * start with i = 0 and pass back what it returns until it returns 0. */
int export_table_column(const app *a, const export_opts *o, int i, const char **name,
                        const char **type, const char **label);
/* The same for the survival file's own columns (its enrolment columns
 * are export_enrol_next's under export_survival_opts). */
int export_survival_column(const export_opts *o, int i, const char **name, const char **type,
                           const char **label);

/* The options the survival file honours (de-identification, free text):
 * it has every enrolment form's columns, whatever --form or --long say. */
export_opts export_survival_opts(const export_opts *o);

/* n cells (util's csv_cell: RFC 4180 with the formula guard) separated by
 * commas, then CRLF. */
void export_row(FILE *out, const char *const *cell, int n);

/* Is this field a column of the export? Notes never; free text not when
 * de-identifying without keep_text. */
int export_keeps_field(const export_opts *o, const form_field *fl);
/* The forms an export covers: o->form's, or all. */
int export_covers(const export_opts *o, const form *f);
/* The enrolment columns of the analysis file: each kept field of every
 * enrolment form (enrolment: true), forms in their order, named
 * <form>_<field>, holding the hip's or the patient's current enrolment
 * answer on every row. The form exported alone (--form) has none: its own
 * columns hold the answers. Start with *k = 0, *field = -1; each call moves
 * to the next and returns 1, or 0 after the last. */
int export_enrol_next(const app *a, const export_opts *o, int *k, int *field);
/* A date cell: YYYY-MM-DD, or with deidentify the days from index (empty
 * when there is no index date). "" for date < 0. out holds 16 bytes. */
void export_date(const export_opts *o, int date, int index_date, char out[16]);
/* A stored date answer as a cell (the same rule; bad text passes as is
 * only when not de-identifying, else it is left out). */
const char *export_date_text(const export_opts *o, const char *text, int index_date,
                             char out[16]);
/* With deidentify: give study ids (store), then say on stderr what this
 * export leaves out (what names the export; forms: whether it has the
 * forms' fields, whose free text it then lists: EXPORT_NOTE_FORMS the
 * forms it covers and the enrolment forms, EXPORT_NOTE_ENROL only the
 * enrolment forms). Returns 0 or -1. */
enum { EXPORT_NOTE_NONE, EXPORT_NOTE_FORMS, EXPORT_NOTE_ENROL };
int export_deid_begin(app *a, const export_opts *o, const char *what, int forms);
/* Only the message (an export without patients' data: the codebook). */
void export_deid_note(app *a, const export_opts *o, const char *what, int forms);
/* Age in years at index, one decimal ("" without a birth or index date). */
void export_age(int born, int index_date, char out[16]);

#endif
