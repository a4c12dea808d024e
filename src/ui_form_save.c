/* ui_form_save.c — where a form's answers go: the draft (made at the first
 * accepted answer, every change written at once), resuming or discarding it,
 * the review, and the final save or amendment, with the offer to amend when
 * the visit is already recorded. */
#include "ui_form.h"

#include <stdlib.h>
#include <string.h>

/* After field i changed: drop answers that became hidden, recompute the
 * scores and write to the draft at once. The draft is made at the first
 * accepted answer. If it went away meanwhile (another session saved or
 * discarded it) a new one is made with every answer; if that is refused
 * too, the nurse is told plainly that nothing was saved. Returns 0, or -1
 * when the answer is only on screen (the message says why). */
int ui_form_changed(ui *u, form_st *s, int i)
{
    int n = s->f->n_field;
    char *had = xcalloc((size_t)n, 1);
    for (int j = 0; j < n; j++)
        had[j] = s->ans->val[j] != NULL;
    form_answers_prune(s->ans);
    form_compute(s->ans, s->sv, s->sn);
    if (s->amend[0] || s->adding) {
        free(had);
        return 0;
    }
    entry_error lost, e;
    int rc = -1, was_lost = 0;
    if (s->draft[0] && (rc = entry_draft_write(u->a, s->draft, s->ans, i, had, &lost)) != 0) {
        s->draft[0] = '\0';
        was_lost = 1;
    }
    free(had);
    if (rc != 0)
        rc = entry_draft_open(u->a, &s->et, s->ans, s->draft, &e);
    if (rc == 0) {
        u->data_gen++;
        if (was_lost)
            ui_msg(u, UC_WARN, "The draft was finished or discarded elsewhere: a new one holds "
                               "these %d answers.", form_answers_count(s->ans));
    } else if (was_lost) {
        ui_msg(u, UC_ERROR, "NOT SAVED: %s; %s", lost.msg, e.msg);
    } else {
        ui_msg(u, UC_ERROR, "NOT SAVED: %s", e.msg);
    }
    s->unsaved = rc != 0;
    return rc == 0 ? 0 : -1;
}

static void problem(void *ctx, const char *field, const char *msg)
{
    form_st *s = ctx;
    int i = form_field_index(s->f, field);
    const char *label = i >= 0 ? s->f->field[i].label : field;
    s->prob = xrealloc(s->prob, (size_t)(s->n_prob + 1) * sizeof *s->prob);
    s->prob[s->n_prob++] = xasprintf("%s: %s", label, msg);
}

void ui_form_clear_problems(form_st *s)
{
    for (int i = 0; i < s->n_prob; i++)
        free(s->prob[i]);
    free(s->prob);
    s->prob = NULL;
    s->n_prob = 0;
    entry_changes_free(s->chg, s->n_chg);
    s->chg = NULL;
    s->n_chg = 0;
}

void ui_form_review(ui *u, form_st *s)
{
    ui_form_clear_problems(s);
    form_validate(s->ans, problem, s);
    form_compute(s->ans, s->sv, s->sn);
    s->review = 1;
    s->rtop = 0;
    st_record old;
    if (s->amend[0] && store_record_get(u->a->db, s->amend, &old) == 0) {
        s->n_chg = entry_changes(&old, s->ans, &s->chg);
        st_record_free(&old);
    }
    if (s->n_prob)
        ui_msg(u, UC_WARN, "%d problem%s: the form stays a draft until they are fixed (Esc edits)",
               s->n_prob, s->n_prob == 1 ? "" : "s");
    else if (s->amend[0] && !s->n_chg)
        ui_msg(u, UC_WARN, "Nothing changed: there is nothing to save (Esc edits).");
    else if (s->amend[0])
        ui_msg(u, UC_OK, "%d change%s, shown old to new. Enter saves the new version.", s->n_chg,
               s->n_chg == 1 ? "" : "s");
    else
        ui_msg(u, UC_OK, "All required answers present. Enter saves the final record.");
}

static void saved(ui *u, form_st *s, const char *how)
{
    u->data_gen++;
    u->form_result = UI_FORM_SAVED;
    char sc[64] = "";
    for (int i = 0; i < s->f->n_score; i++)
        if (s->f->score[i].trend && !s->sn[i]) {
            char v[32];
            form_score_format(&s->f->score[i], s->sv[i], v);
            snprintf(sc, sizeof sc, ": %s %s", s->f->score[i].label, v);
            break;
        }
    ui_msg(u, UC_OK, "%s %s %s%s", how, s->f->title, s->tp, sc);
    ui_pop(u);
}

/* "Keep this as a draft" after the save was refused: the draft must then
 * really hold every answer on screen, even if it vanished meanwhile
 * (another session finished or discarded it). */
static void keep_draft(ui *u, form_st *s)
{
    entry_error e;
    int made_new = 0, n = form_answers_count(s->ans);
    if (entry_draft_keep(u->a, &s->et, s->ans, s->draft, &made_new, &e) != ENTRY_OK) {
        s->unsaved = 1;
        ui_alert(u, "NOT SAVED", e.msg);
        return;
    }
    s->unsaved = 0;
    u->data_gen++;
    ui_msg(u, UC_OK, "%s holds these %d answer%s.", made_new ? "A new draft" : "The draft", n,
           n == 1 ? "" : "s");
}

/* The store refused a second final record: offer to amend the existing one
 * with these answers instead (with a reason), then drop the draft. */
static void offer_amend(ui *u, form_st *s, const char *why)
{
    st_record old;
    if (store_record_current(u->a->db, s->p.uuid, s->has_hip ? s->h.uuid : "", s->tp, s->f->id,
                             &old) != 0) {
        ui_alert(u, "Not saved", why);
        keep_draft(u, s);
        return;
    }
    char *q = xasprintf("%s\n\nAmend that record with these answers instead? "
                        "(a)mend / (k)eep this as a draft",
                        why);
    int k = ui_ask(u, "A final record exists", q, "ak");
    free(q);
    char *reason = NULL;
    if (k == 'a' && ui_input(u, "Amend", "Reason:", &reason) && reason && *reason) {
        entry_error e;
        st_record nr;
        if (entry_amend(u->a, &s->et, &old, s->ans, reason, &nr, &e) == ENTRY_OK) {
            st_record_free(&nr);
            if (s->draft[0] && entry_draft_discard(u->a, s->draft, NULL) == ENTRY_OK)
                s->draft[0] = '\0';
            st_record_free(&old);
            free(reason);
            saved(u, s, "Amended");
            return;
        }
        st_record_free(&nr);
        ui_alert(u, "Not saved", e.msg);
        keep_draft(u, s);
    } else if (k == 'a') {
        ui_msg(u, UC_ERROR, "an amendment needs a reason; the form stays a draft");
        keep_draft(u, s);
    } else {
        keep_draft(u, s);
    }
    free(reason);
    st_record_free(&old);
}

/* The new patient or hip with its enrolment record, in one transaction
 * (entry_add_patient, entry_add_hip); a refusal leaves the screen open. */
static void save_new(ui *u, form_st *s)
{
    st_record r;
    entry_error e;
    int rc;
    char mrn[64];
    snprintf(mrn, sizeof mrn, "%s", s->p.mrn);
    if (s->has_hip) {
        st_hip h = {.side = s->h.side, .index_date = s->h.index_date};
        memcpy(h.patient, s->p.uuid, sizeof h.patient);
        rc = entry_add_hip(u->a, &h, s->ans, &r, &e);
        st_hip_free(&h);
    } else {
        st_patient p = {.mrn = xstrdup(s->p.mrn), .name = xstrdup(s->p.name), .sex = s->p.sex,
                        .born = s->p.born};
        rc = entry_add_patient(u->a, &p, s->ans, &r, &e);
        st_patient_free(&p);
    }
    st_record_free(&r);
    if (rc != ENTRY_OK) {
        ui_alert(u, "Not saved", e.msg);
        return;
    }
    int hip = s->has_hip ? s->h.side : 0;
    u->data_gen++;
    u->form_result = UI_FORM_SAVED;
    ui_msg(u, UC_OK, "Added %s with its %s.", !hip ? "the patient" : hip == 'L' ? "the left hip"
                                                                              : "the right hip",
           s->f->title);
    ui_pop(u);
    if (!hip)
        ui_patient_open(u, mrn);
}

void ui_form_save(ui *u, form_st *s)
{
    ui_form_review(u, s);
    if (s->n_prob || (s->amend[0] && !s->n_chg))
        return;
    if (s->adding) {
        save_new(u, s);
        return;
    }
    st_record r;
    entry_error e;
    int rc;
    if (s->amend[0]) {
        st_record old;
        memset(&old, 0, sizeof old);
        memset(&r, 0, sizeof r);
        if (store_record_get(u->a->db, s->amend, &old) == 0) {
            rc = entry_amend(u->a, &s->et, &old, s->ans, s->reason, &r, &e);
        } else {
            snprintf(e.msg, sizeof e.msg, "record %.8s cannot be read", s->amend);
            rc = ENTRY_REFUSED;
        }
        st_record_free(&old);
    } else {
        rc = entry_save(u->a, &s->et, s->ans, s->draft, &r, &e);
    }
    if (rc == ENTRY_OK) {
        s->draft[0] = '\0';
        st_record_free(&r);
        saved(u, s, s->amend[0] ? "Amended" : "Saved");
        return;
    }
    st_record_free(&r);     /* built before the store refused it */
    if (!s->amend[0])
        offer_amend(u, s, e.msg);
    else
        ui_alert(u, "Not saved", e.msg);
}

/* "Harris Hip Score for H1 Kai Sato, right hip, 1m": every dialog about a
 * draft or a visit says which one, whatever shows behind it. */
static char *which(const form *f, const st_patient *p, const st_hip *h, const char *tp)
{
    char *mrn = text_escape(p->mrn), *name = text_escape(p->name);
    char *t = xasprintf("%s for %s %s, %s, %s", f->title, mrn, name,
                        !h ? "the patient" : h->side == 'L' ? "left hip" : "right hip", tp);
    free(mrn);
    free(name);
    return t;
}

void ui_form_leave(ui *u, form_st *s)
{
    int n = form_answers_count(s->ans);
    if (s->adding) {   /* nothing is stored yet, and nothing will be */
        const char *what = !s->has_hip ? "patient" : s->h.side == 'L' ? "left hip" : "right hip";
        if (n) {
            char *q = xasprintf("The %s is not added and these %d answer%s are not kept.\n"
                                "Leave anyway?", what, n, n == 1 ? "" : "s");
            int yes = ui_confirm(u, "Leave without adding?", q);
            free(q);
            if (!yes)
                return;
        }
        u->form_result = UI_FORM_LEFT;
        ui_msg(u, UC_WARN, "Nothing saved: the %s was not added.", what);
        ui_pop(u);
        return;
    }
    if (s->draft[0] && !s->amend[0]) {
        char *w = which(s->f, &s->p, s->has_hip ? &s->h : NULL, s->tp);
        char *q = xasprintf("%s.\nThe draft with %d answer%s stays saved; open this form again "
                            "to resume it.\n\n(l)eave   (d)iscard the draft   (s)tay",
                            w, n, n == 1 ? "" : "s");
        free(w);
        int k = ui_ask(u, "Leave the form?", q, "lds");
        free(q);
        if (k == 'd') {
            char *q2 = xasprintf("Throw away the %d answer%s of this draft for good?", n,
                                 n == 1 ? "" : "s");
            int yes = ui_confirm(u, "Discard the draft", q2);
            free(q2);
            if (!yes)
                return;
            entry_error e;
            if (entry_draft_discard(u->a, s->draft, &e) != ENTRY_OK) {
                ui_alert(u, "Not discarded", e.msg);
                return;
            }
            s->draft[0] = '\0';
            u->data_gen++;
            u->form_result = UI_FORM_LEFT;
            ui_msg(u, UC_OK, "Draft discarded.");
            ui_pop(u);
            return;
        }
        if (k != 'l')
            return;
        /* Said kept, so written: the draft may have gone meanwhile. */
        entry_error e;
        int made_new = 0;
        if (entry_draft_keep(u->a, &s->et, s->ans, s->draft, &made_new, &e) != ENTRY_OK) {
            ui_alert(u, "NOT SAVED", e.msg);
            return;
        }
        u->data_gen++;
        ui_msg(u, UC_OK, "%s kept: %s %s, %d answer%s.", made_new ? "New draft" : "Draft",
               s->f->title, s->tp, n, n == 1 ? "" : "s");
    } else if (s->amend[0] && n) {
        if (!ui_confirm(u, "Leave the amendment?", "The changes are not saved. Leave anyway?"))
            return;
    }
    u->form_result = UI_FORM_LEFT;
    ui_pop(u);
}

int ui_form_resume(form_st *s, const st_record *d)
{
    entry_draft_resume(d, s->ans);
    memcpy(s->draft, d->uuid, sizeof s->draft);
    s->visit_date = d->visit_date;
    return 1;
}

/* Resume, discard or cancel an existing draft. 1 resumed, 0 start afresh,
 * -1 cancelled. */
int ui_form_ask_resume(ui *u, form_st *s, const st_record *d)
{
    char when[24];
    snprintf(when, sizeof when, "%.10s %.5s", d->entered_at ? d->entered_at : "",
             d->entered_at && strlen(d->entered_at) > 11 ? d->entered_at + 11 : "");
    char *who = text_escape(d->entered_by);
    char *w = which(s->f, &s->p, s->has_hip ? &s->h : NULL, s->tp);
    char *q = xasprintf("%s.\nResume draft with %d answer%s saved by %s at %s UTC?\n\n"
                        "(r)esume   (d)iscard it   (c)ancel",
                        w, d->n_ans, d->n_ans == 1 ? "" : "s", who, when);
    free(w);
    free(who);
    for (;;) {
        int k = ui_ask(u, s->f->title, q, "rdc");
        if (k == 'r') {
            free(q);
            return ui_form_resume(s, d);
        }
        if (k == 'd') {
            char *q2 = xasprintf("Throw away the %d answer%s of this draft for good?", d->n_ans,
                                 d->n_ans == 1 ? "" : "s");
            int yes = ui_confirm(u, "Discard the draft", q2);
            free(q2);
            if (!yes)
                continue;
            entry_error e;
            if (entry_draft_discard(u->a, d->uuid, &e) != ENTRY_OK) {
                ui_alert(u, "Not discarded", e.msg);
                continue;
            }
            u->data_gen++;
            free(q);
            return 0;
        }
        free(q);
        return -1;
    }
}

/* A final record already exists for this key: amend it (with a reason)
 * or do nothing. */
int ui_form_offer_existing(ui *u, const ui_form_args *a, const st_record *old)
{
    char d[11];
    date_format(old->visit_date, d);
    char *by = text_escape(old->entered_by);
    char *w = which(a->f, a->p, a->h, a->tp);
    char *q = xasprintf("%s.\nA final %s record for %s already exists: %.8s of %s, entered by "
                        "%s.\n\n(a)mend it   (c)ancel",
                        w, a->f->title, a->tp, old->uuid, d, by);
    free(w);
    free(by);
    int k = ui_ask(u, "Already recorded", q, "ac");
    free(q);
    char *reason = NULL;
    int rc = -1;
    if (k == 'a' && ui_input(u, "Amend the record", "Reason:", &reason)) {
        if (reason && *reason) {
            ui_form_args b = *a;
            b.amend = old;
            b.reason = reason;
            rc = ui_form_open(u, &b);
        } else {
            ui_msg(u, UC_ERROR, "an amendment needs a reason; nothing changed");
        }
    }
    free(reason);
    return rc;
}
