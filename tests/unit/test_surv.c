/* test_surv.c — the censoring rule shared by report and export survival. */
#include "surv.h"
#include "t.h"

static surv_hip_out run(int index, int event, int end, int last, int study_end)
{
    surv_hip_in in = {index, event, end, last, study_end};
    return surv_hip(&in);
}

int main(void)
{
    surv_hip_out o = run(100, 400, -1, 380, -1);
    CHECK_INT(o.event, 1);
    CHECK_INT(o.time_days, 300);
    CHECK_STR(surv_censor_name(o.why), "event");

    o = run(100, -1, -1, 830, -1);             /* censored at the last record */
    CHECK_INT(o.event, 0);
    CHECK_INT(o.time_days, 730);
    CHECK_STR(surv_censor_name(o.why), "last record");

    o = run(100, -1, -1, -1, -1);              /* nothing recorded: day 0 */
    CHECK_INT(o.event, 0);
    CHECK_INT(o.time_days, 0);
    CHECK_INT(o.stop_date, 100);

    o = run(100, 700, -1, 650, 500);           /* event after the study end */
    CHECK_INT(o.event, 0);
    CHECK_INT(o.time_days, 400);
    CHECK_STR(surv_censor_name(o.why), "study end");

    o = run(100, 500, -1, 650, 500);           /* event on the study end counts */
    CHECK_INT(o.event, 1);
    CHECK_INT(o.time_days, 400);

    o = run(100, -1, -1, 650, 300);            /* records beyond the study end */
    CHECK_INT(o.time_days, 200);
    CHECK_STR(surv_censor_name(o.why), "study end");

    o = run(100, -1, -1, 250, 300);            /* last record before the end */
    CHECK_INT(o.time_days, 150);
    CHECK_STR(surv_censor_name(o.why), "last record");

    o = run(100, 600, 450, 640, -1);           /* follow-up closed before the event */
    CHECK_INT(o.event, 0);
    CHECK_INT(o.time_days, 350);
    CHECK_STR(surv_censor_name(o.why), "end of follow-up form");

    o = run(100, -1, 450, 300, -1);            /* the end form, not the last record */
    CHECK_INT(o.time_days, 350);
    CHECK_STR(surv_censor_name(o.why), "end of follow-up form");

    o = run(100, 400, 400, 420, -1);           /* the event and the end on one day */
    CHECK_INT(o.event, 1);
    CHECK_INT(o.time_days, 300);

    o = run(100, -1, 450, 280, 300);           /* ended after the study end */
    CHECK_INT(o.event, 0);
    CHECK_INT(o.time_days, 200);
    CHECK_STR(surv_censor_name(o.why), "study end");

    o = run(100, 600, 250, 640, 300);          /* ended before the study end */
    CHECK_INT(o.time_days, 150);
    CHECK_STR(surv_censor_name(o.why), "end of follow-up form");

    o = run(100, 90, -1, -1, -1);              /* an event dated before the index */
    CHECK_INT(o.event, 1);
    CHECK_INT(o.time_days, 0);
    return t_done();
}
