/* sched.h — where a hip stands on the follow-up schedule. Pure date logic. */
#ifndef BEDSIDE_SCHED_H
#define BEDSIDE_SCHED_H

#include "config.h"

enum sched_state {
    TP_UPCOMING,   /* window not open yet */
    TP_DUE,        /* window open today, not complete */
    TP_OVERDUE,    /* window closed, not complete, next window not open yet */
    TP_MISSED,     /* window closed, not complete, a later window has opened */
    TP_DONE,       /* every expected form has a current final record */
    TP_ENDED       /* not complete, and follow-up ended (e.g. hip replacement)
                    * before its window closed */
};

/* The last timepoint has no next window to close it: it is missed this many
 * days after its own window closed. */
#define SCHED_LAST_GRACE 90

typedef struct {
    int tp;                   /* index into config.tp */
    enum sched_state state;
    int target, open, close;  /* days since epoch */
    int n_done, n_expected;   /* expected forms with a current final record */
} sched_item;

/* done(ctx, timepoint_id, form_id) says whether a current final record exists
 * (done may be NULL: nothing is done). end_date: the day follow-up ended, or
 * -1; once it is set, an incomplete timepoint whose window closed before
 * end_date is MISSED and every other incomplete one ENDED, whatever today is.
 * DONE always wins. Fills out[0 .. c->n_tp). */
typedef int (*sched_done_fn)(void *ctx, const char *tp, const char *form);
void sched_hip(const config *c, int index_date, int today, int end_date, sched_done_fn done,
               void *ctx, sched_item *out);
/* The scheduled timepoint whose window holds visit_date (the nearest target if
 * several), or -1 for "unscheduled". */
int sched_timepoint_for(const config *c, int index_date, int visit_date);
/* The earliest day a visit of this hip can be recorded: the day the first
 * window opens (a baseline window with `before` lets a pre-operative
 * assessment carry its real date), and never after the index date. */
int sched_first_day(const config *c, int index_date);
/* The overdue-until rule's one home: the last day timepoint i of a hip
 * indexed on index_date is still worth chasing once its window closed: the
 * day before a later window opens; for the last timepoint SCHED_LAST_GRACE
 * days after its own window closed. */
int sched_until(const config *c, int i, int index_date);
/* An incomplete timepoint with this window and until (sched_until) on day
 * today: TP_UPCOMING, TP_DUE, TP_OVERDUE or TP_MISSED. */
enum sched_state sched_state_on(int open, int close, int until, int today);
/* The item to act on next: first DUE or OVERDUE, else first UPCOMING; NULL if none. */
const sched_item *sched_next(const sched_item *items, int n);
const char *sched_state_name(enum sched_state s);   /* "due", "missed", ... */


#endif
