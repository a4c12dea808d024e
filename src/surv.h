/* surv.h — when a hip's time to conversion ends, and why: the one rule that
 * `bedside report`'s Kaplan–Meier and `bedside export survival` share.
 * Pure date logic: no SQL, no curses. */
#ifndef BEDSIDE_SURV_H
#define BEDSIDE_SURV_H

enum surv_censor {
    SURV_EVENT,          /* the endpoint happened (event = 1) */
    SURV_END_FORM,       /* an end-of-follow-up form closed the hip */
    SURV_LAST_RECORD,    /* censored at the hip's last current record */
    SURV_STUDY_END       /* censored at the study's end date */
};

/* What is known of one hip, every date in days since epoch, -1 if none. */
typedef struct {
    int index_date;
    int event_date;      /* the endpoint (e.g. THA) date */
    int end_date;        /* an end-of-follow-up form's date */
    int last_record;     /* latest visit date of the hip's current records */
    int study_end;       /* the analysis's closing date (report --to), or -1 */
} surv_hip_in;

typedef struct {
    int event;           /* 1 if the endpoint happened within follow-up */
    int time_days;       /* from the index date to the event or censoring, >= 0 */
    int stop_date;       /* that date */
    enum surv_censor why;
} surv_hip_out;

/* The rule. The event counts when it is dated on or before the study end
 * and no earlier end of follow-up closed the hip (a THA recorded after a
 * hip was lost to follow-up is kept in the record but not counted);
 * otherwise the hip is censored at its end-of-follow-up form's date when
 * that is on or before the study end, else at the study end when anything
 * of the hip lies after it, else at its last record. A hip with nothing after its index date is censored
 * at day 0. Dates before the index date count as the index date. */
surv_hip_out surv_hip(const surv_hip_in *in);
/* "THA" style words are the caller's; this names the censoring reason:
 * "event", "end of follow-up form", "last record", "study end". */
const char *surv_censor_name(enum surv_censor c);

#endif
