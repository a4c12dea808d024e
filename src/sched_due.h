/* sched_due.h — the next-due table kept from the schedule (sched.c) and
 * the stored records: its rows are what does not depend on today, so that
 * "what is due on day T" is a range read over an index (store_each_due).
 *
 * A row is one open timepoint of a scheduled hip whose follow-up has not
 * ended: some expected form has no current final record. Its target, window
 * (open..close) and `until`, the last day it is still worth chasing (the day
 * before the next window opens; for the last timepoint SCHED_LAST_GRACE days
 * after its window closed): on day T it is upcoming if T < open, due if
 * open <= T <= close, overdue if close < T <= until, and missed after. */
#ifndef BEDSIDE_SCHED_DUE_H
#define BEDSIDE_SCHED_DUE_H

#include "app.h"

/* The store's derive hook (store_set_derive; ctx is the app): before each
 * commit, recompute the rows of the queued patients, or of every hip when
 * the schedule they were made for is not this one (or many are queued). */
int sched_due_derive(void *ctx, store *s, char **err);
/* How the derive hook brings the rows of `pending` queued patients up to
 * date in a file of `patients` (< 0: unknown): 0 one patient at a time, 1
 * every hip in one pass. One at a time costs about 0.2 ms a queued patient,
 * the pass about 0.13 ms a patient of the file (10,000 patients), so the
 * pass is taken once more than half the file is queued (a demo cohort, a
 * merge of a big copy), never for SCHED_DUE_FULL_MIN or fewer (a save, which
 * then need not count the patients). */
#define SCHED_DUE_FULL_MIN 100
int sched_due_full_pass(long pending, long patients);
/* Rebuild every row, in its own write transaction; *n_hips: hips read. */
int sched_due_rebuild(app *a, long *n_hips, char **err);
/* Before reading the table: 0 if it is up to date, bringing it up to date
 * first when that needs a write (after a migration, a schedule change, or
 * writes by another program) and the file can be written; else -1 with a
 * message naming the database and what to run. */
int sched_due_ready(app *a, char **err);
/* A table never filled (just made by the migration to schema 8) is filled
 * when the file can be written; anything else is left for check to report.
 * 0, or -1 with *err. */
int sched_due_fill_new(app *a, char **err);
/* Compare the table with a recomputation: report once per wrong hip (and
 * once for a stale schedule or queued patients). Returns the problems. */
int sched_due_verify(app *a, void (*report)(void *ctx, const char *problem), void *ctx);
/* The target dates a range read must cover to find every row shown on
 * `today` with `within` days of look-ahead (sched_due.c). */
void sched_due_range(const config *c, int today, int within, int *lo, int *hi);
/* The state of a row on day today (TP_UPCOMING, TP_DUE, TP_OVERDUE, TP_MISSED). */
enum sched_state sched_due_state(const st_due *d, int today);

#endif
