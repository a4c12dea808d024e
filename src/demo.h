/* demo.h — a synthetic cohort for demonstrations, training and benchmarks.
 *
 * Deterministic: the same seed, "today", schedule and forms give the same
 * patients, hips, dates and answers (only UUIDs differ). It never touches a
 * database that already holds patients, so synthetic and real data are
 * never mixed. Answers go through the forms like a nurse's would
 * (form_answer_set, form_validate); scores come from form_compute. */
#ifndef BEDSIDE_DEMO_H
#define BEDSIDE_DEMO_H

#include <signal.h>
#include <stdint.h>

#include "config.h"
#include "form.h"
#include "store.h"

typedef struct {
    int patients;
    uint64_t seed;
    int today;               /* days since epoch: follow-up is laid out up to here */
    int complete;            /* every hip's index date far enough back for its
                              * last scheduled visit (the paper's cohort) */
    int batch;               /* patients per transaction (0: 1,000) */
    volatile sig_atomic_t *stop;   /* set (by a signal) to stop between patients */
} demo_opts;

typedef struct {
    int patients, hips, bilateral, records, amended, missed, tha, complications;
} demo_stats;

/* Write the cohort, o->batch patients to a transaction. Returns 0; 1 (nothing
 * written) if the database already holds patients; -1 on any other problem
 * or when *o->stop is set: the batch under way is undone, and *err (caller
 * frees) says why and how many patients the earlier batches saved. */
int demo_generate(store *s, const config *c, const form_set *fs, const demo_opts *o,
                  demo_stats *st, char **err);

/* ---- shared by demo.c and demo_forms.c ---- */

/* xoshiro256** seeded through splitmix64: rand() differs between libcs,
 * and the cohort must be the same everywhere for a given seed. */
typedef struct {
    uint64_t s[4];
} demo_rng;
void demo_rng_seed(demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(demo_rng *r);
double demo_rng_unit(demo_rng *r);                 /* [0, 1) */
int demo_rng_int(demo_rng *r, int lo, int hi);     /* lo ..= hi */
double demo_rng_normal(demo_rng *r, double mean, double sd);
int demo_rng_chance(demo_rng *r, double p);

/* The cohort's proportions as exact counts, shuffled (demo_shape.c):
 * per patient bilateral, male (0/1) and etiology (index: corticosteroid,
 * idiopathic, alcohol, sickle cell); per hip, in the order hips are made,
 * Steinberg stage 1..3, final MRI verdict (-1 improved, 0 stable, 1
 * progressed) and conversion to THA (0/1). */
typedef struct {
    int *bilateral, *male, *etiology;
    int *stage, *mri, *tha;
    int n_patients, n_hips;
} demo_shape;
void demo_shape_deal(demo_shape *sh, int patients, uint64_t seed);
void demo_shape_free(demo_shape *sh);

/* What the forms of one visit of one hip should say. */
typedef struct {
    int visit_date, index_date;
    int stage;               /* Steinberg 1..3 at day 0 */
    double involvement;      /* % of the head at day 0 */
    double vas;              /* pain to record, 0..10 */
    double hhs;              /* Harris total to aim for */
    int injection;           /* procedure: injection number here, 0 if none */
    int complication;        /* -1 none; else index of the event reported here */
    int grade;               /* Clavien-Dindo 1..5 of that event */
    int mri_trend;           /* -1 improved, 0 stable, 1 progressed (so far) */
    int satisfaction;        /* 1 (very dissatisfied) .. 5 (very satisfied) */
    int tha_date;            /* the hip-replacement date of this record, or -1 */
    double response;         /* how well this hip responds, about N(0, 1) */
    int etiology;            /* enrolment: index as in demo_shape */
} demo_visit;

/* Fill a's answers for v, naming the shipped forms' fields (the data
 * dictionary of bedside-forms(5)); required fields of forms it does not
 * know get a plain valid value. Returns 0, or -1 with *err. */
int demo_fill(form_answers *a, const demo_visit *v, demo_rng *r, char **err);

/* demo_scores.c: answer the unanswered choice fields with points of any
 * form so that its scores come out near the targets (by score id; ids the
 * form lacks are ignored). Fields that feed no targeted score stay empty,
 * and each item is left blank with probability `blank`, as patients skip
 * items. Returns 0, or -1 with *err. */
typedef struct {
    const char *score;
    double value;
} demo_target;
int demo_fill_scores(form_answers *a, const demo_target *t, int n_t, double blank,
                     demo_rng *r, char **err);
/* y at `at` on the polyline (x[i], y[i]), x increasing; flat beyond it. */
double demo_interp(const double *x, const double *y, int n, double at);

#endif
