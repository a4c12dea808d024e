/* ui_visit.c — a new visit from the patient screen: which hip, which
 * timepoint (the one due now preselected), which date; then the forms the
 * schedule expects there, opened one after another. Also the deep link
 * `bedside enter`, which opens one form of a visit directly. */
#include "ui_patient.h"

#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "sched.h"

/* Where a hip stands on the schedule: store_each_hip gives its done set and
 * end date, and sched_hip runs inside the callback while they are valid. */
typedef struct {
    const app *a;
    char side;
    sched_item *items;
    int found;
} sched_ctx;

static int sched_cb(void *ctx, const st_patient *p, const st_hip *h, const st_done *done,
                    int end_date)
{
    sched_ctx *c = ctx;
    (void)p;
    if (h->side != c->side)
        return 0;
    sched_hip(&c->a->cfg, h->index_date, c->a->today, end_date, st_done_has, (void *)done,
              c->items);
    c->found = 1;
    return 1;
}

/* Fills items[0 .. n_tp); 0 if the hip was found. */
static int hip_sched(ui *u, const st_patient *p, const st_hip *h, sched_item *items)
{
    const app *a = u->a;
    sched_ctx c = {.a = a, .side = h->side, .items = items};
    store_each_hip(a->db, p->mrn, &a->ends, sched_cb, &c);
    return c.found ? 0 : -1;
}

/* The timepoint whose window holds the date, else the one due or overdue
 * now (entry.h decides whether a date outside its window may be kept). */
static int default_tp(ui *u, const st_patient *p, const st_hip *h, int date)
{
    const config *c = &u->a->cfg;
    entry_target t;
    int tp = -1;
    if (entry_resolve_uuid(u->a, p->uuid, NULL, h->side, &t, NULL) == ENTRY_OK)
        tp = entry_timepoint_for(c, t.vh, t.n_vh, date);
    entry_target_free(&t);
    if (tp >= 0)
        return tp;
    sched_item *it = xcalloc((size_t)c->n_tp + 1, sizeof *it);
    if (hip_sched(u, p, h, it) == 0) {
        const sched_item *nx = sched_next(it, c->n_tp);
        if (nx && (nx->state == TP_DUE || nx->state == TP_OVERDUE))
            tp = nx->tp;
    }
    free(it);
    return tp;
}

/* The default timepoint of a deep link: the one due now, else the one
 * whose window holds today, else unscheduled. */
static char *default_timepoint(ui *u, const st_patient *p, const st_hip *h)
{
    int tp = h ? default_tp(u, p, h, u->a->today) : -1;
    return xstrdup(tp >= 0 ? u->a->cfg.tp[tp].id : TIMEPOINT_UNSCHEDULED);
}

void ui_visit_clear(pat_st *s)
{
    free(s->q_tp);
    free(s->q_form);
    s->q_tp = NULL;
    s->q_form = NULL;
    s->q_n = s->q_next = 0;
}

/* Open the next queued form; forms already final at this timepoint were
 * left out when the queue was made. */
static void queue_next(ui *u, pat_st *s)
{
    while (s->q_next < s->q_n && !u->dead) {
        const form *f = s->q_form[s->q_next++];
        ui_form_args a = {.f = f, .p = &s->p, .tp = s->q_tp, .visit_date = s->q_date,
                          .h = f->scope == SCOPE_HIP ? &s->hips[s->q_hip] : NULL,
                          .confirmed = s->q_confirmed};
        if (ui_form_open(u, &a) == 0)
            return;
    }
    ui_visit_clear(s);
}

void ui_visit_resume(ui *u, pat_st *s)
{
    if (ui_top(u) != UI_PATIENT || !s->q_form)
        return;
    int r = ui_form_result(u);
    char keep[sizeof u->msg];   /* the form's last word, kept in front */
    snprintf(keep, sizeof keep, "%s", u->msg);
    if (r == UI_FORM_SAVED && s->q_next < s->q_n) {
        queue_next(u, s);
        if (ui_top(u) == UI_FORM)
            ui_msg(u, UC_OK, "%s  Next form %d of %d.", keep, s->q_next, s->q_n);
        return;
    }
    if (r != UI_FORM_SAVED && s->q_next < s->q_n)
        ui_msg(u, UC_WARN, "%s  The visit's other forms were not opened (n starts again).",
               keep);
    ui_visit_clear(s);
}

int ui_visit_pick_hip(ui *u, pat_st *s)
{
    if (s->nh == 1)
        return 0;
    const char *items[2];
    char buf[2][64];
    for (size_t i = 0; i < s->nh && i < 2; i++) {
        char d[11];
        date_format(s->hips[i].index_date, d);
        snprintf(buf[i], sizeof buf[i], "%s hip (day 0 %s)", s->hips[i].side == 'L' ? "Left" : "Right",
                 d);
        items[i] = buf[i];
    }
    return ui_pick(u, "Which hip?", items, (int)(s->nh < 2 ? s->nh : 2), 0);
}

/* Timepoint with its state; the default is the one whose window holds the
 * visit date (else the one due now). */
static int pick_tp(ui *u, pat_st *s, const st_hip *h, int date, char **tp)
{
    const config *c = &u->a->cfg;
    sched_item *it = xcalloc((size_t)c->n_tp + 1, sizeof *it);
    int have = hip_sched(u, &s->p, h, it) == 0;
    int def = default_tp(u, &s->p, h, date);
    char **lines = xcalloc((size_t)c->n_tp + 1, sizeof *lines);
    for (int i = 0; i < c->n_tp; i++) {
        char d[11];
        date_format(have ? it[i].target : 0, d);
        lines[i] = xasprintf("%-10s %-12s %s  %s", c->tp[i].id, c->tp[i].label ? c->tp[i].label : "",
                             have ? d : "", have ? sched_state_name(it[i].state) : "");
    }
    lines[c->n_tp] = xstrdup(TIMEPOINT_UNSCHEDULED);
    int k = ui_pick(u, "Timepoint", (const char *const *)lines, c->n_tp + 1,
                    def >= 0 ? def : c->n_tp);
    for (int i = 0; i <= c->n_tp; i++)
        free(lines[i]);
    free(lines);
    free(it);
    if (k < 0)
        return -1;
    *tp = xstrdup(k < c->n_tp ? c->tp[k].id : TIMEPOINT_UNSCHEDULED);
    return 0;
}

static int ask_date(ui *u, int *day)
{
    char d[11];
    date_format(u->a->today, d);
    char *v = xstrdup(d);
    for (;;) {
        if (!ui_input(u, "Visit date", "Date (YYYY-MM-DD):", &v)) {
            free(v);
            return -1;
        }
        if (date_parse(v, day) == 0)
            break;
        ui_alert(u, "Visit date", "Type the date as YYYY-MM-DD.");
        if (u->dead)
            break;
    }
    free(v);
    return u->dead ? -1 : 0;
}

/* The visit rules for this hip, timepoint and date, before any form opens:
 * 0 fine, 1 fine once confirmed (out of window), -1 refused (said). */
static int check_visit(ui *u, const pat_st *s, const st_hip *h, const char *tp, int day)
{
    entry_target t;
    entry_error e;
    int rc = entry_resolve_uuid(u->a, s->p.uuid, NULL, h->side, &t, &e);
    if (rc == ENTRY_OK)
        rc = entry_set_visit(u->a, &t, tp, day, 0, &e);
    entry_target_free(&t);
    if (rc == ENTRY_CONFIRM) {
        char *q = xasprintf("%s.\n\nRecord it as %s, out of window?", e.msg, tp);
        int yes = ui_confirm(u, "Out of window", q);
        free(q);
        return yes ? 1 : -1;
    }
    if (rc != ENTRY_OK) {
        ui_alert(u, "Visit refused", e.msg);
        return -1;
    }
    return 0;
}

void ui_visit_new(ui *u, pat_st *s)
{
    if (!s->nh) {
        ui_msg(u, UC_ERROR, "This patient has no hip yet: h adds one.");
        return;
    }
    int hi = ui_visit_pick_hip(u, s);
    if (hi < 0)
        return;
    const st_hip *h = &s->hips[hi];
    char *tp = NULL;
    int day, confirmed;
    /* The date first: it preselects the timepoint whose window holds it,
     * and a mismatch is refused before the first answer. */
    if (ask_date(u, &day) < 0)
        return;
    if (pick_tp(u, s, h, day, &tp) < 0)
        return;
    if ((confirmed = check_visit(u, s, h, tp, day)) < 0) {
        free(tp);
        return;
    }
    const config *c = &u->a->cfg;
    int ti = config_timepoint(c, tp);
    ui_visit_clear(s);
    s->q_form = xcalloc((size_t)u->a->forms.n + 1, sizeof *s->q_form);
    if (ti >= 0) {
        for (int i = 0; i < c->tp[ti].n_forms; i++) {
            const form *f = form_set_find(&u->a->forms, c->tp[ti].forms[i]);
            st_record r;
            if (!f)
                continue;
            const char *hip = f->scope == SCOPE_HIP ? h->uuid : "";
            if (store_record_current(u->a->db, s->p.uuid, hip, tp, f->id, &r) == 0) {
                st_record_free(&r);
                continue;   /* already final at this timepoint */
            }
            s->q_form[s->q_n++] = f;
        }
    } else {
        /* Unscheduled: the nurse says which form. */
        const char **items = xcalloc((size_t)u->a->forms.n + 1, sizeof *items);
        for (int i = 0; i < u->a->forms.n; i++)
            items[i] = u->a->forms.v[i]->title;
        int k = ui_pick(u, "Which form?", items, u->a->forms.n, 0);
        free(items);
        if (k >= 0)
            s->q_form[s->q_n++] = u->a->forms.v[k];
    }
    if (!s->q_n) {
        if (ti >= 0)
            ui_msg(u, UC_OK, "Every form of %s is already saved for this hip.", tp);
        free(tp);
        ui_visit_clear(s);
        return;
    }
    s->q_tp = tp;
    s->q_hip = hi;
    s->q_date = day;
    s->q_confirmed = confirmed;
    s->q_next = 0;
    queue_next(u, s);
}

int ui_patient_enter(ui *u, const ui_start *st)
{
    if (ui_patient_open(u, st->mrn) < 0)
        return -1;
    pat_st *s = ui_state(u, UI_PATIENT);
    if (s->gen != u->data_gen)
        ui_patient_reload(u, s);
    const form *f = form_set_find(&u->a->forms, st->form);
    if (!f) {
        ui_msg(u, UC_ERROR, "no form '%s'", st->form);
        ui_draw_all(u);
        return -1;
    }
    int hi = -1;
    if (f->scope == SCOPE_HIP) {
        for (size_t i = 0; i < s->nh; i++)
            if (s->hips[i].side == st->side || (!st->side && s->nh == 1))
                hi = (int)i;
        if (hi < 0 && !st->side && s->nh == 2)
            hi = ui_visit_pick_hip(u, s);
        if (hi < 0) {
            ui_msg(u, UC_ERROR, "no such hip for this patient");
            ui_draw_all(u);
            return -1;
        }
    }
    const st_hip *h = hi >= 0 ? &s->hips[hi] : NULL;
    char *tp = st->timepoint ? xstrdup(st->timepoint)
                             : default_timepoint(u, &s->p, h ? h : s->nh ? &s->hips[0] : NULL);
    ui_form_args a = {.f = f, .p = &s->p, .h = h, .tp = tp, .visit_date = u->a->today};
    int rc = ui_form_open(u, &a);
    free(tp);
    if (rc < 0)
        ui_draw_all(u);
    return rc;
}
