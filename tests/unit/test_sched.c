/* test_sched.c — window edges, overdue versus missed, the end of follow-up,
 * and which timepoint a visit date belongs to. */
#include <string.h>

#include "sched.h"
#include "sched_due.h"
#include "t.h"

static char *f_base[] = {"vas", "hhs"};
static char *f_1m[] = {"vas", "hhs", "complications"};
static char *f_3m[] = {"vas"};
static char *f_6m[] = {"vas", "satisfaction"};

static sched_tp protocol[] = {
    {.id = "baseline", .label = "Baseline", .day = 0, .forms = f_base, .n_forms = 2},
    {.id = "1m", .label = "1 month", .day = 30, .before = 7, .after = 7, .forms = f_1m,
     .n_forms = 3},
    {.id = "3m", .label = "3 months", .day = 91, .before = 14, .after = 14, .forms = f_3m,
     .n_forms = 1},
    {.id = "6m", .label = "6 months", .day = 182, .before = 21, .after = 21, .forms = f_6m,
     .n_forms = 2},
};
static config cfg = {.tp = protocol, .n_tp = 4};

/* "tp/form" pairs that are complete, NULL-terminated. */
static int done_in(void *ctx, const char *tp, const char *fm)
{
    for (const char **p = ctx; *p; p++) {
        size_t n = strlen(tp);
        if (strncmp(*p, tp, n) == 0 && (*p)[n] == '/' && strcmp(*p + n + 1, fm) == 0)
            return 1;
    }
    return 0;
}

enum { D = 20000 };   /* an index date, days since epoch */

static enum sched_state state_at(int tp, int today, int end_date, const char **done)
{
    sched_item it[4];
    sched_hip(&cfg, D, today, end_date, done_in, done, it);
    return it[tp].state;
}

static void test_window_edges(void)
{
    const char *none[] = {"baseline/vas", "baseline/hhs", NULL};
    sched_item it[4];
    sched_hip(&cfg, D, D + 30, -1, done_in, none, it);
    CHECK_INT(it[1].target, D + 30);
    CHECK_INT(it[1].open, D + 23);
    CHECK_INT(it[1].close, D + 37);
    CHECK_INT(it[0].open, D);
    CHECK_INT(it[0].close, D);
    /* 1m window: 23 .. 37 days. */
    CHECK_INT(state_at(1, D + 22, -1, none), TP_UPCOMING);
    CHECK_INT(state_at(1, D + 23, -1, none), TP_DUE);
    CHECK_INT(state_at(1, D + 30, -1, none), TP_DUE);
    CHECK_INT(state_at(1, D + 37, -1, none), TP_DUE);
    CHECK_INT(state_at(1, D + 38, -1, none), TP_OVERDUE);
    /* Overdue until the 3m window opens (day 77), then missed. */
    CHECK_INT(state_at(1, D + 76, -1, none), TP_OVERDUE);
    CHECK_INT(state_at(1, D + 77, -1, none), TP_MISSED);
    /* The last timepoint has no later window: overdue for SCHED_LAST_GRACE
     * (90) days after its window closed (day 203), then missed. */
    CHECK_INT(state_at(3, D + 203, -1, none), TP_DUE);
    CHECK_INT(state_at(3, D + 204, -1, none), TP_OVERDUE);
    CHECK_INT(state_at(3, D + 293, -1, none), TP_OVERDUE);
    CHECK_INT(state_at(3, D + 294, -1, none), TP_MISSED);
    CHECK_INT(state_at(3, D + 2000, -1, none), TP_MISSED);
    /* A zero-width baseline window is due on day 0 only. */
    const char *nothing[] = {NULL};
    CHECK_INT(state_at(0, D - 1, -1, nothing), TP_UPCOMING);
    CHECK_INT(state_at(0, D, -1, nothing), TP_DUE);
    CHECK_INT(state_at(0, D + 1, -1, nothing), TP_OVERDUE);
    CHECK_INT(state_at(0, D + 23, -1, nothing), TP_MISSED);
}

static void test_done_counts(void)
{
    const char *some[] = {"baseline/vas", "baseline/hhs", "1m/vas", "1m/hhs", NULL};
    sched_item it[4];
    sched_hip(&cfg, D, D + 30, -1, done_in, some, it);
    CHECK_INT(it[0].state, TP_DONE);
    CHECK_INT(it[0].n_done, 2);
    /* Two of three forms: still due, and the counts say so. */
    CHECK_INT(it[1].state, TP_DUE);
    CHECK_INT(it[1].n_done, 2);
    CHECK_INT(it[1].n_expected, 3);
    /* A form of another timepoint does not count here. */
    const char *wrong_tp[] = {"3m/complications", "1m/vas", "1m/hhs", NULL};
    sched_hip(&cfg, D, D + 30, -1, done_in, wrong_tp, it);
    CHECK_INT(it[1].n_done, 2);
    /* Patient-scope forms count through the same callback. */
    const char *sat[] = {"6m/vas", "6m/satisfaction", NULL};
    sched_hip(&cfg, D, D + 500, -1, done_in, sat, it);
    CHECK_INT(it[3].state, TP_DONE);
    /* Completed early, before the window opened: done is done. */
    sched_hip(&cfg, D, D + 10, -1, done_in, sat, it);
    CHECK_INT(it[3].state, TP_DONE);
}

static void test_ended(void)
{
    /* Hip replaced on day 100: 1m closed (day 37) before that, so missed;
     * 3m (window 77..105) and 6m never happen. Done stays done. */
    const char *base[] = {"baseline/vas", "baseline/hhs", NULL};
    sched_item it[4];
    sched_hip(&cfg, D, D + 400, D + 100, done_in, base, it);
    CHECK_INT(it[0].state, TP_DONE);
    CHECK_INT(it[1].state, TP_MISSED);
    CHECK_INT(it[2].state, TP_ENDED);
    CHECK_INT(it[3].state, TP_ENDED);
    CHECK(sched_next(it, 4) == NULL);
    /* Ended on the day a window closes: that visit is ended, not missed. */
    CHECK_INT(state_at(1, D + 400, D + 37, base), TP_ENDED);
    CHECK_INT(state_at(1, D + 400, D + 38, base), TP_MISSED);
    /* Without an end date the same hip would have 6m overdue (day 280),
     * and missed 90 days after its window closed (day 294). */
    CHECK_INT(state_at(3, D + 280, -1, base), TP_OVERDUE);
    CHECK_INT(state_at(3, D + 400, -1, base), TP_MISSED);
}

static void test_next(void)
{
    const char *base[] = {"baseline/vas", "baseline/hhs", NULL};
    sched_item it[4];
    sched_hip(&cfg, D, D + 10, -1, done_in, base, it);
    const sched_item *n = sched_next(it, 4);
    CHECK(n != NULL && n->tp == 1 && n->state == TP_UPCOMING);
    sched_hip(&cfg, D, D + 40, -1, done_in, base, it);
    n = sched_next(it, 4);
    CHECK(n != NULL && n->tp == 1 && n->state == TP_OVERDUE);
    /* Missed 1m is skipped; 3m is due. */
    sched_hip(&cfg, D, D + 80, -1, done_in, base, it);
    n = sched_next(it, 4);
    CHECK(n != NULL && n->tp == 2 && n->state == TP_DUE);
    const char *all[] = {"baseline/vas", "baseline/hhs", "1m/vas", "1m/hhs", "1m/complications",
                         "3m/vas", "6m/vas", "6m/satisfaction", NULL};
    sched_hip(&cfg, D, D + 80, -1, done_in, all, it);
    CHECK(sched_next(it, 4) == NULL);
    CHECK(sched_next(it, 0) == NULL);
}

static void test_timepoint_for(void)
{
    CHECK_INT(sched_timepoint_for(&cfg, D, D), 0);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 1), -1);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 22), -1);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 23), 1);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 37), 1);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 38), -1);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 77), 2);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 203), 3);
    CHECK_INT(sched_timepoint_for(&cfg, D, D + 204), -1);
    CHECK_INT(sched_timepoint_for(&cfg, D, D - 5), -1);

    /* Overlapping windows: the nearest target wins, the earlier on a tie. */
    static char *f[] = {"vas"};
    static sched_tp ov[] = {
        {.id = "a", .day = 10, .before = 10, .after = 10, .forms = f, .n_forms = 1},
        {.id = "b", .day = 20, .before = 10, .after = 10, .forms = f, .n_forms = 1},
    };
    config oc = {.tp = ov, .n_tp = 2};
    CHECK_INT(sched_timepoint_for(&oc, D, D + 14), 0);
    CHECK_INT(sched_timepoint_for(&oc, D, D + 15), 0);
    CHECK_INT(sched_timepoint_for(&oc, D, D + 16), 1);
    CHECK_INT(sched_timepoint_for(&oc, D, D + 30), 1);
    CHECK_INT(sched_timepoint_for(&oc, D, D + 31), -1);
    CHECK_INT(sched_timepoint_for(&oc, D, D), 0);
    /* Overlap also makes an incomplete "a" missed as soon as it closes. */
    const char *none[] = {NULL};
    sched_item it[2];
    sched_hip(&oc, D, D + 21, -1, done_in, none, it);
    CHECK_INT(it[0].state, TP_MISSED);
    CHECK_INT(it[1].state, TP_DUE);
}

static void test_first_day(void)
{
    /* The shipped protocol: baseline on day 0 with no window. */
    CHECK_INT(sched_first_day(&cfg, D), D);
    /* A baseline window of 30 days before lets a pre-operative visit count. */
    static char *f[] = {"vas"};
    static sched_tp pre[] = {
        {.id = "baseline", .day = 0, .before = 30, .forms = f, .n_forms = 1},
        {.id = "1m", .day = 30, .before = 7, .after = 7, .forms = f, .n_forms = 1},
    };
    config pc = {.tp = pre, .n_tp = 2};
    CHECK_INT(sched_first_day(&pc, D), D - 30);
    CHECK_INT(sched_timepoint_for(&pc, D, D - 30), 0);
    CHECK_INT(sched_timepoint_for(&pc, D, D - 31), -1);
    /* Never later than the index date, even if no window touches day 0. */
    static sched_tp late[] = {{.id = "1m", .day = 30, .before = 7, .forms = f, .n_forms = 1}};
    config lc = {.tp = late, .n_tp = 1};
    CHECK_INT(sched_first_day(&lc, D), D);
}

/* The overdue-until rule has one home, sched_until: sched_hip's state of
 * every incomplete timepoint on every day is sched_state_on over its window
 * and that day (the next-due table stores the same until). */
static void test_until(void)
{
    CHECK_INT(sched_until(&cfg, 0, D), D + 22);     /* the day before 1m opens */
    CHECK_INT(sched_until(&cfg, 1, D), D + 76);
    CHECK_INT(sched_until(&cfg, 2, D), D + 160);
    CHECK_INT(sched_until(&cfg, 3, D), D + 203 + SCHED_LAST_GRACE);
    static char *f[] = {"vas"};
    /* A later timepoint whose window opens before the next one's: the
     * earliest later opening ends the chase. */
    static sched_tp odd[] = {
        {.id = "a", .day = 10, .before = 2, .after = 2, .forms = f, .n_forms = 1},
        {.id = "b", .day = 40, .before = 5, .after = 5, .forms = f, .n_forms = 1},
        {.id = "c", .day = 50, .before = 25, .after = 5, .forms = f, .n_forms = 1},
    };
    config oc = {.tp = odd, .n_tp = 3};
    CHECK_INT(sched_until(&oc, 0, D), D + 24);
    CHECK_INT(sched_until(&oc, 1, D), D + 24);
    const char *none[] = {NULL};
    const config *cs[] = {&cfg, &oc};
    int agree = 1;
    for (int k = 0; k < 2; k++)
        for (int today = D - 40; today < D + 400; today++) {
            sched_item it[4];
            sched_hip(cs[k], D, today, -1, done_in, none, it);
            for (int i = 0; i < cs[k]->n_tp; i++)
                if (it[i].state != sched_state_on(it[i].open, it[i].close,
                                                  sched_until(cs[k], i, D), today))
                    agree = 0;
        }
    CHECK(agree);
    CHECK_INT(sched_state_on(10, 20, 30, 9), TP_UPCOMING);
    CHECK_INT(sched_state_on(10, 20, 30, 10), TP_DUE);
    CHECK_INT(sched_state_on(10, 20, 30, 20), TP_DUE);
    CHECK_INT(sched_state_on(10, 20, 30, 21), TP_OVERDUE);
    CHECK_INT(sched_state_on(10, 20, 30, 30), TP_OVERDUE);
    CHECK_INT(sched_state_on(10, 20, 30, 31), TP_MISSED);
}

static void test_names(void)
{
    CHECK_STR(sched_state_name(TP_UPCOMING), "upcoming");
    CHECK_STR(sched_state_name(TP_DUE), "due");
    CHECK_STR(sched_state_name(TP_OVERDUE), "overdue");
    CHECK_STR(sched_state_name(TP_MISSED), "missed");
    CHECK_STR(sched_state_name(TP_DONE), "done");
    CHECK_STR(sched_state_name(TP_ENDED), "ended");
}

/* One pass over every hip only when more than half the file is queued: a
 * merge of 600 patients into a registry of 100,000 recomputes 600 patients'
 * rows (about 0.1 s), not 126,000 hips' (about 26 s). */
static void test_full_pass(void)
{
    CHECK_INT(sched_due_full_pass(1, 100000), 0);               /* a save */
    CHECK_INT(sched_due_full_pass(SCHED_DUE_FULL_MIN, 150), 0);
    CHECK_INT(sched_due_full_pass(SCHED_DUE_FULL_MIN + 1, 150), 1);
    CHECK_INT(sched_due_full_pass(600, 100000), 0);              /* a laptop's merge */
    CHECK_INT(sched_due_full_pass(5000, 10000), 0);
    CHECK_INT(sched_due_full_pass(5001, 10000), 1);
    CHECK_INT(sched_due_full_pass(100000, 100000), 1);           /* the demo's last batch */
    CHECK_INT(sched_due_full_pass(600, -1), 1);                  /* count unknown */
}

int main(void)
{
    test_full_pass();
    test_window_edges();
    test_done_counts();
    test_ended();
    test_next();
    test_timepoint_for();
    test_first_day();
    test_until();
    test_names();
    return t_done();
}
