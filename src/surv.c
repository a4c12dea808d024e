/* surv.c — the censoring rule of surv.h. */
#include "surv.h"

#include <assert.h>

surv_hip_out surv_hip(const surv_hip_in *in)
{
    assert(in->index_date >= 0);
    surv_hip_out o = {0, 0, in->index_date, SURV_LAST_RECORD};
    int ended = in->end_date >= 0 && (in->event_date < 0 || in->end_date < in->event_date);
    if (in->event_date >= 0 && !ended &&
        (in->study_end < 0 || in->event_date <= in->study_end)) {
        o.event = 1;
        o.why = SURV_EVENT;
        o.stop_date = in->event_date;
    } else if (ended && (in->study_end < 0 || in->end_date <= in->study_end)) {
        o.why = SURV_END_FORM;
        o.stop_date = in->end_date;
    } else if (in->study_end >= 0 && (in->last_record > in->study_end ||
                                      in->event_date > in->study_end ||
                                      in->end_date > in->study_end)) {
        /* Followed up beyond the study end (a record, the event or the end
         * of follow-up after it): censored at the end. */
        o.why = SURV_STUDY_END;
        o.stop_date = in->study_end;
    } else if (in->last_record >= 0) {
        o.stop_date = in->last_record;
    }
    if (o.stop_date < in->index_date)
        o.stop_date = in->index_date;
    o.time_days = o.stop_date - in->index_date;
    return o;
}

const char *surv_censor_name(enum surv_censor c)
{
    switch (c) {
    case SURV_EVENT: return "event";
    case SURV_END_FORM: return "end of follow-up form";
    case SURV_LAST_RECORD: return "last record";
    case SURV_STUDY_END: return "study end";
    }
    return "?";
}
