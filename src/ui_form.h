/* ui_form.h — the form entry screen's model, shared by ui_form.c (keys,
 * answers, drafts, saving) and ui_form_draw.c (drawing). */
#ifndef BEDSIDE_UI_FORM_H
#define BEDSIDE_UI_FORM_H

#include "entry.h"
#include "ui.h"

typedef struct {
    const form *f;
    form_answers *ans;
    st_patient p;
    st_hip h;
    int has_hip;
    char *tp;
    int visit_date;
    char draft[37];         /* "" until the first accepted answer creates it */
    int unsaved;            /* the last change could not be written */
    char amend[37];         /* amending this final record, else "" */
    int adding;             /* p (and h) are new: saved with the record (ui_form_args) */
    char *reason;
    int cur;                /* current field */
    int opt;                /* option cursor of a multi field */
    int top;                /* first body row shown */
    ui_edit ed;             /* the typed text of a number, date or text field */
    int ed_field;           /* field the edit buffer belongs to, -1 none */
    int ed_y, ed_x, ed_w;   /* where the edit line was last drawn */
    double *sv;             /* scores */
    int *sn;
    int review, rtop;
    char **prob;            /* review: "Label: message" */
    int n_prob;
    entry_change *chg;      /* review of an amendment: what changes */
    int n_chg;
    entry_target et;        /* the visit, as the entry module checked it */
} form_st;

/* ui_form.c */
/* Set s->et's visit to tp and date: a date in no window is confirmed in a
 * dialog (unless confirmed), a refusal shown. 0, or -1 when refused. */
int ui_form_set_visit(ui *u, form_st *s, const char *tp, int date, int confirmed);
int ui_form_field_ok(const form_st *s, int i);      /* visible and answerable */
/* The key that picks option i of a choice or multi field: 1-9, then a-z. */
int ui_form_opt_key(int i);

/* ui_form_save.c */
int ui_form_changed(ui *u, form_st *s, int field);    /* prune, rescore, write; -1 unsaved */
void ui_form_review(ui *u, form_st *s);
void ui_form_save(ui *u, form_st *s);
void ui_form_leave(ui *u, form_st *s);                /* Esc: keep or discard */
void ui_form_clear_problems(form_st *s);
/* 1 resumed (answers loaded), 0 discarded (start afresh), -1 cancelled. */
int ui_form_ask_resume(ui *u, form_st *s, const st_record *draft);
int ui_form_resume(form_st *s, const st_record *draft);   /* its answers and date; 1 */
/* The visit is already final: offer to amend it. Returns what ui_form_open does. */
int ui_form_offer_existing(ui *u, const ui_form_args *a, const st_record *old);

/* ui_form_draw.c */
void ui_form_draw(ui *u, void *st);
void ui_form_draw_edit(ui *u, form_st *s);    /* only the line being typed */

#endif
