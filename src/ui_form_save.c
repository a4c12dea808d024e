/* ui_form_save.c — where a form's answers go: the draft (made at the first
 * accepted answer, every change written at once), resuming or discarding it,
 * the review, and the final save or amendment, with the offer to amend when
 * the visit is already recorded. */
#include "ui_form.h"

#include <stdlib.h>
#include <string.h>

/* The visit as a record: key, date, answers and computed scores. */
static void build_record(form_st *s, st_record *r)
{
    memset(r, 0, sizeof *r);
    memcpy(r->patient, s->p.uuid, sizeof r->patient);
    if (s->has_hip) {
        memcpy(r->hip, s->h.uuid, sizeof r->hip);
        r->side = s->h.side;
    }
    r->timepoint = xstrdup(s->tp);
    r->form = xstrdup(s->f->id);
    r->form_version = s->f->version;
    r->visit_date = s->visit_date;
    r->status = 'f';
    for (int i = 0; i < s->f->n_field; i++)
        if (s->ans->val[i])
            st_record_answer(r, s->f->field[i].id, s->ans->val[i]);
    for (int i = 0; i < s->f->n_score; i++)
        if (!s->sn[i])
            st_record_score(r, s->f->score[i].id, s->sv[i]);
}

/* Create the draft (or join the one another session made for the same
 * visit) and write every answer present. 0, or -1 with the store's message. */
static int open_draft(ui *u, form_st *s, char **err)
{
    st_record r;
    build_record(s, &r);    /* a draft keeps no scores: the store ignores them */
    r.status = 'd';
    int rc = store_draft_open(u->a->db, &r, err);
    /* Joining an existing draft does not write our answers: do it here. */
    for (int i = 0; rc == 0 && i < s->f->n_field; i++)
        if (s->ans->val[i])
            rc = store_draft_answer(u->a->db, r.uuid, s->f->field[i].id, s->ans->val[i], err);
    if (rc == 0)
        memcpy(s->draft, r.uuid, sizeof s->draft);
    st_record_free(&r);
    return rc;
}

/* Write field i and the answers that became hidden (had[j] set, now NULL). */
static int write_change(ui *u, form_st *s, int i, const char *had, char **err)
{
    int rc = store_draft_answer(u->a->db, s->draft, s->f->field[i].id, s->ans->val[i], err);
    for (int j = 0; j < s->f->n_field && rc == 0; j++)
        if (j != i && had[j] && !s->ans->val[j])
            rc = store_draft_answer(u->a->db, s->draft, s->f->field[j].id, NULL, err);
    return rc;
}

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
    if (s->amend[0]) {
        free(had);
        return 0;
    }
    char *lost = NULL, *err = NULL;
    int rc = -1;
    if (s->draft[0] && (rc = write_change(u, s, i, had, &lost)) < 0)
        s->draft[0] = '\0';
    free(had);
    if (rc < 0)
        rc = open_draft(u, s, &err);
    if (rc == 0) {
        u->data_gen++;
        if (lost)
            ui_msg(u, UC_WARN, "The draft was finished or discarded elsewhere: a new one holds "
                               "these %d answers.", form_answers_count(s->ans));
    } else if (lost) {
        ui_msg(u, UC_ERROR, "NOT SAVED: %s; %s", lost, err ? err : "no new draft either");
    } else {
        ui_msg(u, UC_ERROR, "NOT SAVED: %s", err ? err : "database error");
    }
    s->unsaved = rc < 0;
    free(lost);
    free(err);
    return rc;
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
}

void ui_form_review(ui *u, form_st *s)
{
    ui_form_clear_problems(s);
    form_validate(s->ans, problem, s);
    form_compute(s->ans, s->sv, s->sn);
    s->review = 1;
    s->rtop = 0;
    if (s->n_prob)
        ui_msg(u, UC_WARN, "%d problem%s: the form stays a draft until they are fixed (Esc edits)",
               s->n_prob, s->n_prob == 1 ? "" : "s");
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

/* The store refused a second final record: offer to amend the existing one
 * with these answers instead (with a reason), then drop the draft. */
static void offer_amend(ui *u, form_st *s, st_record *r, const char *why)
{
    st_record old;
    if (store_record_current(u->a->db, s->p.uuid, s->has_hip ? s->h.uuid : "", s->tp, s->f->id,
                             &old) != 0) {
        ui_alert(u, "Not saved", why);
        return;
    }
    char *q = xasprintf("%s\n\nAmend that record with these answers instead? "
                        "(a)mend / (k)eep this as a draft",
                        why);
    int k = ui_ask(u, "A final record exists", q, "ak");
    free(q);
    char *reason = NULL;
    if (k == 'a' && ui_input(u, "Amend", "Reason:", &reason) && reason && *reason) {
        char *err = NULL;
        if (store_record_amend(u->a->db, old.uuid, r, reason, &err) == 0) {
            if (s->draft[0] && store_draft_discard(u->a->db, s->draft, NULL) == 0)
                s->draft[0] = '\0';
            st_record_free(&old);
            free(reason);
            saved(u, s, "Amended");
            return;
        }
        ui_alert(u, "Not saved", err ? err : "the amendment failed");
        free(err);
    } else if (k == 'a') {
        ui_msg(u, UC_ERROR, "an amendment needs a reason; the form stays a draft");
    }
    free(reason);
    st_record_free(&old);
}

void ui_form_save(ui *u, form_st *s)
{
    ui_form_review(u, s);
    if (s->n_prob)
        return;
    st_record r;
    build_record(s, &r);
    char *err = NULL;
    int rc;
    if (s->amend[0])
        rc = store_record_amend(u->a->db, s->amend, &r, s->reason, &err);
    else if (s->draft[0])
        rc = store_draft_finalize(u->a->db, s->draft, &r, &err);
    else
        rc = store_record_final(u->a->db, &r, &err);
    if (rc == 0) {
        s->draft[0] = '\0';
        st_record_free(&r);
        saved(u, s, s->amend[0] ? "Amended" : "Saved");
        return;
    }
    if (!s->amend[0])
        offer_amend(u, s, &r, err ? err : "the record was not saved");
    else
        ui_alert(u, "Not saved", err ? err : "the amendment failed");
    free(err);
    st_record_free(&r);
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
            char *err = NULL;
            if (store_draft_discard(u->a->db, s->draft, &err) != 0) {
                ui_alert(u, "Not discarded", err ? err : "database error");
                free(err);
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
        ui_msg(u, UC_OK, "Draft kept: %s %s, %d answer%s.", s->f->title, s->tp, n,
               n == 1 ? "" : "s");
    } else if (s->amend[0] && n) {
        if (!ui_confirm(u, "Leave the amendment?", "The changes are not saved. Leave anyway?"))
            return;
    }
    u->form_result = UI_FORM_LEFT;
    ui_pop(u);
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
            for (int i = 0; i < d->n_ans; i++) {
                int fi = form_field_index(s->f, d->ans[i].key);
                if (fi >= 0)
                    form_answer_load(s->ans, fi, d->ans[i].value);
            }
            memcpy(s->draft, d->uuid, sizeof s->draft);
            s->visit_date = d->visit_date;
            return 1;
        }
        if (k == 'd') {
            char *q2 = xasprintf("Throw away the %d answer%s of this draft for good?", d->n_ans,
                                 d->n_ans == 1 ? "" : "s");
            int yes = ui_confirm(u, "Discard the draft", q2);
            free(q2);
            if (!yes)
                continue;
            char *err = NULL;
            if (store_draft_discard(u->a->db, d->uuid, &err) != 0) {
                ui_alert(u, "Not discarded", err ? err : "database error");
                free(err);
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
