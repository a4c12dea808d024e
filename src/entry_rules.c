/* entry_rules.c — the rules of a visit: does a timepoint agree with a visit
 * date for a hip's schedule? Pure date logic over the configuration, so the
 * same code decides at entry (entry.c) and when stored data is checked. */
#include <stdio.h>
#include <string.h>

#include "entry.h"
#include "sched.h"

static const char *side_word(char side)
{
    return side == 'L' ? "left" : "right";
}

static int open_of(const config *c, int index_date, int i)
{
    return index_date + c->tp[i].day - c->tp[i].before;
}

static int close_of(const config *c, int index_date, int i)
{
    return index_date + c->tp[i].day + c->tp[i].after;
}

/* Is the hip on its schedule on day d? The conversion day itself counts; an
 * observed hip has no schedule. */
static int live(const entry_hip *h, int d)
{
    return !h->observed && (h->end_date < 0 || d <= h->end_date);
}

/* The first day a record of the hip may have: its first visit window, or
 * for an observed hip the day observation began. */
static int first_day(const config *c, const entry_hip *h)
{
    return h->observed ? h->index_date : sched_first_day(c, h->index_date);
}

int entry_timepoint_for(const config *c, const entry_hip *hips, int n_hips, int visit_date)
{
    for (int k = 0; k < n_hips; k++) {
        if (!live(&hips[k], visit_date))
            continue;
        int i = sched_timepoint_for(c, hips[k].index_date, visit_date);
        if (i >= 0)
            return i;
    }
    return -1;
}

/* Is ti the timepoint whose window closed last before d, or the next to open
 * after it? d is in no window of this hip. */
static int neighbour(const config *c, int index_date, int ti, int d)
{
    int prev = -1, next = -1;
    for (int i = 0; i < c->n_tp; i++) {
        if (close_of(c, index_date, i) < d)
            prev = i;
        else if (next < 0 && open_of(c, index_date, i) > d)
            next = i;
    }
    if (ti == next)
        return 1;
    /* The last timepoint is missed SCHED_LAST_GRACE days after it closed. */
    if (ti == prev)
        return ti < c->n_tp - 1 || d <= close_of(c, index_date, ti) + SCHED_LAST_GRACE;
    return 0;
}

int entry_enrolment_rules(const form *f, const char *tp, entry_error *e)
{
    int enrol_tp = tp && strcmp(tp, TIMEPOINT_ENROLMENT) == 0;
    if (f && f->enrolment && tp && !enrol_tp)
        return entry_fail(e, "timepoint",
                          "%s is an enrolment form: it has no timepoint ('%s'), one record per %s",
                          f->id, tp, f->scope == SCOPE_HIP ? "hip" : "patient");
    if (enrol_tp && !(f && f->enrolment))
        return entry_fail(e, "timepoint",
                          "timepoint '%s' is reserved for enrolment forms; %s is not one",
                          TIMEPOINT_ENROLMENT, f ? f->id : "this form");
    return ENTRY_OK;
}

int entry_visit_rules(const config *c, const entry_hip *hips, int n_hips, const char *tp,
                      int visit_date, int out_of_window, int ends_follow_up, entry_error *e)
{
    char d[11], a[11], b[11];
    date_format(visit_date, d);
    /* An enrolment record is dated by its hip's index date (or, for the
     * patient, the day it was taken) and keeps no window. */
    if (tp && strcmp(tp, TIMEPOINT_ENROLMENT) == 0) {
        if (n_hips == 1 && visit_date != hips[0].index_date) {
            date_format(hips[0].index_date, a);
            return entry_fail(e, "date", "an enrolment record of a hip is dated by its index "
                              "date %s, not %s", a, d);
        }
        return ENTRY_OK;
    }
    /* No record before the first window of the hip (or the earliest hip). */
    int first = 0, k0 = -1;
    for (int k = 0; k < n_hips; k++) {
        int f = first_day(c, &hips[k]);
        if (k0 < 0 || f < first) {
            first = f;
            k0 = k;
        }
    }
    if (k0 >= 0 && visit_date < first) {
        date_format(hips[k0].index_date, b);
        if (hips[k0].observed)
            return entry_fail(e, "date", "visit date %s is before the observed hip's "
                              "observation began (%s)", d, b);
        if (first == hips[k0].index_date)
            return entry_fail(e, "date", "visit date %s is before the hip's index date %s", d, b);
        date_format(first, a);
        return entry_fail(e, "date",
                          "visit date %s is before the hip's first visit window opens (%s; index "
                          "date %s)",
                          d, a, b);
    }
    if (!tp || strcmp(tp, TIMEPOINT_UNSCHEDULED) == 0)
        return ENTRY_OK;
    int ti = config_timepoint(c, tp);
    if (ti < 0)
        return entry_fail(e, "date", "unknown timepoint '%s'", tp);
    const char *label = c->tp[ti].label ? c->tp[ti].label : tp;
    if (n_hips == 0)
        return entry_fail(e, "date",
                          "the patient has no hip, hence no schedule: '%s' cannot be dated; "
                          "record the visit as unscheduled",
                          tp);
    /* After the end of follow-up: no more scheduled visits for that hip. */
    int n_live = 0, dead = -1, watched = -1;
    for (int k = 0; k < n_hips; k++) {
        if (hips[k].observed && watched < 0)
            watched = k;
        if (hips[k].observed)
            continue;
        if (ends_follow_up || live(&hips[k], visit_date))
            n_live++;
        else if (dead < 0)
            dead = k;
    }
    if (n_live == 0 && dead < 0 && watched >= 0)
        return entry_fail(e, "date",
                          "the %s hip is observed (no index procedure): it has no scheduled "
                          "visits ('%s'); record it as unscheduled",
                          side_word(hips[watched].side), label);
    if (n_live == 0) {
        date_format(hips[dead].end_date, a);
        return entry_fail(e, "date",
                          "the %s hip's follow-up ended on %s (%s): no scheduled visit ('%s') "
                          "after that; record it as unscheduled",
                          side_word(hips[dead].side), a,
                          hips[dead].why[0] ? hips[dead].why : "a form that ends follow-up",
                          label);
    }
    /* In the window of tp for a hip still followed up: fine. */
    for (int k = 0; k < n_hips; k++) {
        if (!ends_follow_up && !live(&hips[k], visit_date))
            continue;
        int ix = hips[k].index_date;
        if (visit_date >= open_of(c, ix, ti) && visit_date <= close_of(c, ix, ti))
            return ENTRY_OK;
    }
    /* In another timepoint's window: refused, naming it. */
    for (int k = 0; k < n_hips; k++) {
        if (!ends_follow_up && !live(&hips[k], visit_date))
            continue;
        int ix = hips[k].index_date;
        int other = sched_timepoint_for(c, ix, visit_date);
        if (other < 0)
            continue;
        date_format(open_of(c, ix, ti), a);
        date_format(close_of(c, ix, ti), b);
        return entry_fail(e, "date",
                          "visit date %s is in the window of '%s' for the %s hip, not '%s' "
                          "(%s \u2026 %s)",
                          d, c->tp[other].label ? c->tp[other].label : c->tp[other].id,
                          side_word(hips[k].side), tp, a, b);
    }
    /* In no window: the neighbouring timepoint, when confirmed. */
    for (int k = 0; k < n_hips; k++) {
        if (!ends_follow_up && !live(&hips[k], visit_date))
            continue;
        int ix = hips[k].index_date;
        if (!neighbour(c, ix, ti, visit_date))
            continue;
        if (out_of_window)
            return ENTRY_OK;
        date_format(open_of(c, ix, ti), a);
        date_format(close_of(c, ix, ti), b);
        entry_fail(e, "date",
                   "visit date %s is outside the window of '%s' for the %s hip (%s \u2026 %s) "
                   "and of every other timepoint; keep it as '%s' out of window only if it "
                   "is that visit, done late or early",
                   d, tp, side_word(hips[k].side), a, b, tp);
        return ENTRY_CONFIRM;
    }
    int k = 0;
    while (k < n_hips - 1 && !ends_follow_up && !live(&hips[k], visit_date))
        k++;
    date_format(open_of(c, hips[k].index_date, ti), a);
    date_format(close_of(c, hips[k].index_date, ti), b);
    return entry_fail(e, "date",
                      "visit date %s is far from the window of '%s' for the %s hip "
                      "(%s \u2026 %s): record it as unscheduled",
                      d, tp, side_word(hips[k].side), a, b);
}

int entry_out_of_window(const config *c, const entry_hip *hips, int n_hips, const char *tp,
                        int visit_date, int ends_follow_up)
{
    if (!tp || strcmp(tp, TIMEPOINT_UNSCHEDULED) == 0 || strcmp(tp, TIMEPOINT_ENROLMENT) == 0)
        return 0;
    return entry_visit_rules(c, hips, n_hips, tp, visit_date, 0, ends_follow_up, NULL) !=
           ENTRY_OK;
}

int entry_check_stored(const config *c, const entry_hip *hips, int n_hips, const st_record *r,
                       int ends_follow_up, entry_error *e)
{
    /* A patient-scope enrolment record is not tied to one hip's date. */
    if (!r->hip[0] && strcmp(r->timepoint, TIMEPOINT_ENROLMENT) == 0)
        n_hips = 0;
    int rc = entry_visit_rules(c, hips, n_hips, r->timepoint, r->visit_date, r->out_of_window,
                               ends_follow_up, e);
    if (rc == ENTRY_OK)
        return 0;
    if (rc == ENTRY_CONFIRM && e) {
        char d[11];
        date_format(r->visit_date, d);
        /* Keep the window from the message: "... (open … close) and ..." */
        const char *w = strchr(e->msg, '(');
        const char *end = w ? strchr(w, ')') : NULL;
        char win[64] = "";
        if (w && end && end - w < (long)sizeof win)
            snprintf(win, sizeof win, " %.*s", (int)(end - w + 1), w);
        snprintf(e->msg, sizeof e->msg,
                 "dated %s, outside the window of '%s'%s, and not marked out of window", d,
                 r->timepoint, win);
    }
    return -1;
}
