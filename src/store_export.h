/* store_export.h — what the exports read (store_export.c): records with
 * their patient, hip, version and answers in one ordered pass, with each
 * patient's current enrolment answers read alongside, and the stable study
 * ids of de-identified exports. */
#ifndef BEDSIDE_STORE_EXPORT_H
#define BEDSIDE_STORE_EXPORT_H

#include "store.h"

/* One answer of a current enrolment record (an enrolment form's record at
 * the timepoint "enrolment"): owner is the hip's uuid for a hip-scope
 * form, the patient's for a patient-scope one. */
typedef struct {
    char owner[37];
    char *form, *field, *value;
} st_enrol_answer;

typedef struct {
    const st_patient *p;
    const st_hip *h;              /* h->uuid is "" for a patient-scope record */
    const st_record *r;           /* answers and scores filled */
    int version;                  /* 1 = original, 2... = each amendment or void */
    const char *state;            /* "current", "superseded" or "void" */
    const char *study_id;         /* NULL unless given (store_study_ids) */
    /* The patient's current enrolment answers: its own and its hips'
     * (read alongside in a second ordered pass, not per record). h's enrol
     * is not filled: st_export_enrol is the way to them. */
    const st_enrol_answer *enrol;
    size_t n_enrol;
} st_export_row;
/* The answer to field of enrolment form form for this row: the current
 * record of that form about the row's hip or its patient (the latest
 * entered if there were two), or NULL. */
const char *st_export_enrol(const st_export_row *x, const char *form, const char *field);
typedef int (*store_export_fn)(void *ctx, const st_export_row *row);
/* The answer to form.field among v[0..n) that is about patient p or hip h
 * (h may be NULL), or NULL: the one lookup behind st_export_enrol and the
 * survival file's enrolment columns. */
const char *st_enrol_find(const st_enrol_answer *v, size_t n, const st_patient *p,
                          const st_hip *h, const char *form, const char *field);

/* The current enrolment answers, patient after patient, for a pass over
 * patients in MRN order (store_each_cohort_hip's): the statement
 * store_each_export walks alongside its records, for another pass.
 * store_enrol_walk returns NULL after printing the error;
 * st_enrol_walk_to moves forward to p (never back) and gives p's answers
 * and its hips' (valid until the next move): 0, or -1 on a database
 * error. */
typedef struct st_enrol_walk st_enrol_walk;
st_enrol_walk *store_enrol_walk(store *s);
int st_enrol_walk_to(st_enrol_walk *w, const st_patient *p, const st_enrol_answer **v,
                     size_t *n);
void st_enrol_walk_free(st_enrol_walk *w);

/* Every current final record (all_versions: every final and void version
 * too) of one form or all, ordered by MRN, side, visit date, entered_at.
 * One query for rows, answers and scores together; memory stays flat.
 * Returns 0, fn's non-zero value if it stopped, or -1 on a database error. */
int store_each_export(store *s, const char *form, int all_versions, store_export_fn fn,
                      void *ctx);

/* Every patient's study id (after store_study_ids), in one query: a
 * table looked up by patient uuid. */
typedef struct {
    char (*patient)[37];
    char **id;
    size_t n;
} st_study_ids;
int store_study_id_map(store *s, st_study_ids *m);     /* 0 or -1 */
const char *st_study_id(const st_study_ids *m, const char *patient_uuid);   /* NULL if none */
void st_study_ids_free(st_study_ids *m);

/* Give every patient without one a study id S0001, S0002... in the order
 * they were registered. Ids are kept in the database and never change, so
 * a second export gives the same ones. A write only when some patient lacks
 * an id; on a read-only database that is an error. Returns how many were
 * given, or -1 with *err. */
int store_study_ids(store *s, char **err);

#endif
