/* export_redcap.h — what the two REDCap modules share: the project's
 * variables (export_redcap_dict.c builds them and writes the data
 * dictionary; export_redcap.c writes events and records). */
#ifndef BEDSIDE_EXPORT_REDCAP_H
#define BEDSIDE_EXPORT_REDCAP_H

#include "export.h"

#define RC_NAME_MAX 26          /* REDCap's longest variable name */
#define RC_HIP_FORM "hip"       /* the enrolment instrument: one per hip */

/* Variables of the hip instrument, in order: the hip's identity. What the
 * hip and patient were like at enrolment is the enrolment forms'
 * instruments, at the same event. */
enum { RH_RECORD, RH_PATIENT, RH_SIDE, RH_SEX, RH_AGE, RH_INDEX, RH_N };

typedef struct {
    char name[RC_NAME_MAX + 1];
    int form;                   /* index into a->forms; -1 for the hip instrument */
    int field, score;           /* one of them >= 0 (or hip: field = RH_*) */
} rc_var;

typedef struct {
    rc_var *v;
    int n;
    int *first;                 /* per form: its first variable; a->forms.n for hip */
    int *count;                 /* per form: how many */
} rc_vars;

/* The project's variables: record_id and the hip instrument, then each form's
 * kept fields and scores, named uniquely (see export_redcap_dict.c). */
void rc_vars_build(app *a, const export_opts *o, rc_vars *vs);
void rc_vars_free(rc_vars *vs);
/* Write data_dictionary.csv. */
void rc_write_dictionary(app *a, const export_opts *o, const rc_vars *vs, FILE *out);
/* The forms of the project: export_covers', and every enrolment form
 * (each hip's enrolment event holds them, whatever --form says). */
int rc_covers(const export_opts *o, const form *f);
/* REDCap's instrument name of a form (its id; "hip" for enrolment). */
const char *rc_form_name(app *a, int fk);

#endif
