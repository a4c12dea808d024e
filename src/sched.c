/* sched.c — where a hip stands on the follow-up schedule.
 *
 * Pure date arithmetic over config.tp: no database, no forms. The caller
 * says which (timepoint, form) pairs are complete through a callback, so the
 * same code serves `bedside due`, the TUI and the tests. */
#include <limits.h>
#include <stdlib.h>

#include "sched.h"

int sched_until(const config *c, int i, int index_date)
{
    const sched_tp *t = &c->tp[i];
    if (i + 1 >= c->n_tp)
        return index_date + t->day + t->after + SCHED_LAST_GRACE;
    /* Still worth chasing until a later visit is due, after which the
     * protocol moves on to that one. */
    int until = INT_MAX;
    for (int j = i + 1; j < c->n_tp; j++)
        if (index_date + c->tp[j].day - c->tp[j].before - 1 < until)
            until = index_date + c->tp[j].day - c->tp[j].before - 1;
    return until;
}

enum sched_state sched_state_on(int open, int close, int until, int today)
{
    if (today < open)
        return TP_UPCOMING;
    if (today <= close)
        return TP_DUE;
    return today <= until ? TP_OVERDUE : TP_MISSED;
}

static enum sched_state state_of(const config *c, int i, const sched_item *it, int index_date,
                                 int today, int end_date)
{
    if (it->n_done >= it->n_expected)
        return TP_DONE;
    if (end_date >= 0) {
        /* The window closed before follow-up ended: that visit was missed.
         * Otherwise the hip was gone before the visit could happen. */
        return it->close < end_date ? TP_MISSED : TP_ENDED;
    }
    return sched_state_on(it->open, it->close, sched_until(c, i, index_date), today);
}

void sched_hip(const config *c, int index_date, int today, int end_date, sched_done_fn done,
               void *ctx, sched_item *out)
{
    for (int i = 0; i < c->n_tp; i++) {
        const sched_tp *t = &c->tp[i];
        sched_item *it = &out[i];
        it->tp = i;
        it->target = index_date + t->day;
        it->open = it->target - t->before;
        it->close = it->target + t->after;
        it->n_expected = t->n_forms;
        it->n_done = 0;
        for (int f = 0; f < t->n_forms; f++)
            if (done && done(ctx, t->id, t->forms[f]))
                it->n_done++;
        it->state = state_of(c, i, it, index_date, today, end_date);
    }
}

int sched_timepoint_for(const config *c, int index_date, int visit_date)
{
    int best = -1, best_dist = 0;
    for (int i = 0; i < c->n_tp; i++) {
        const sched_tp *t = &c->tp[i];
        int target = index_date + t->day;
        if (visit_date < target - t->before || visit_date > target + t->after)
            continue;
        int dist = abs(visit_date - target);
        /* Strictly nearer only: on a tie the earlier timepoint keeps it. */
        if (best < 0 || dist < best_dist) {
            best = i;
            best_dist = dist;
        }
    }
    return best;
}

int sched_first_day(const config *c, int index_date)
{
    int first = index_date;
    for (int i = 0; i < c->n_tp; i++)
        if (index_date + c->tp[i].day - c->tp[i].before < first)
            first = index_date + c->tp[i].day - c->tp[i].before;
    return first;
}

const sched_item *sched_next(const sched_item *items, int n)
{
    for (int i = 0; i < n; i++)
        if (items[i].state == TP_DUE || items[i].state == TP_OVERDUE)
            return &items[i];
    for (int i = 0; i < n; i++)
        if (items[i].state == TP_UPCOMING)
            return &items[i];
    return NULL;
}

const char *sched_state_name(enum sched_state s)
{
    switch (s) {
    case TP_UPCOMING: return "upcoming";
    case TP_DUE: return "due";
    case TP_OVERDUE: return "overdue";
    case TP_MISSED: return "missed";
    case TP_DONE: return "done";
    case TP_ENDED: return "ended";
    }
    return "?";
}
