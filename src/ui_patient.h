/* ui_patient.h — the patient screen's model, shared by ui_patient.c (the
 * screen) and ui_visit.c (a new visit: its forms one after another). */
#ifndef BEDSIDE_UI_PATIENT_H
#define BEDSIDE_UI_PATIENT_H

#include "report.h"
#include "ui.h"

typedef struct {
    st_patient p;
    st_hip *hips;
    size_t nh;
    report_doc doc;
    int doc_width, gen, top;
    int n_drafts;           /* unfinished drafts of this patient */
    /* The visit being entered: its forms, one after another. */
    int q_hip;              /* index into hips */
    char *q_tp;
    int q_date;
    int q_confirmed;        /* the date is out of window, confirmed */
    const form **q_form;
    int q_n, q_next;
} pat_st;

/* ui_patient.c */
void ui_patient_reload(ui *u, pat_st *s);   /* hips and the trend view */

/* ui_visit.c */
void ui_visit_new(ui *u, pat_st *s);        /* `n`: hip, timepoint, date, forms */
void ui_visit_resume(ui *u, pat_st *s);     /* a form left: open the next one */
void ui_visit_clear(pat_st *s);
int ui_visit_pick_hip(ui *u, pat_st *s);    /* 0/1, or -1 when cancelled */

#endif
