/* entry.c — a record's target (patient, hip, form, timepoint, date) and its
 * final versions: save, amend, void. The visit rules themselves are in
 * entry_rules.c; drafts in entry_draft.c. */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int entry_fail(entry_error *e, const char *field, const char *fmt, ...)
{
    if (e) {
        snprintf(e->field, sizeof e->field, "%s", field);
        e->answer = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return ENTRY_REFUSED;
}

int entry_fail_store(entry_error *e, char *err, const char *what)
{
    entry_fail(e, "", "%s", err ? err : what);
    free(err);
    return ENTRY_REFUSED;
}

/* What ends each hip's follow-up (left first), from the current final
 * records in db of the forms with ends_follow_up (a patient-scope form's
 * record ends both): the earliest date, with its form's title and reason;
 * and the largest number of records of one such form for the hip (or the
 * patient), with that form's id. Slot 2: the patient's own end (of
 * patient-scope forms only), which a hip added later starts under. */
typedef struct {
    entry_hip eh[3];
    int count[3];
    const char *form[3];
} hip_ends;

static void end_why(const form *f, const st_record *r, char *out, size_t n)
{
    const char *code = f->end_reason >= 0 ? st_record_get(r, f->field[f->end_reason].id) : NULL;
    const form_field *fl = f->end_reason >= 0 ? &f->field[f->end_reason] : NULL;
    int k = code ? form_option_index(fl, code) : -1;
    if (k >= 0)
        snprintf(out, n, "%s: %s", f->title, fl->opt[k].label);
    else
        snprintf(out, n, "%s", f->title);
}

static void end_dates(const app *a, store *db, const char *patient, hip_ends *he)
{
    memset(he, 0, sizeof *he);
    he->eh[0].end_date = he->eh[1].end_date = he->eh[2].end_date = -1;
    if (a->ends.n == 0)
        return;
    size_t n = 0;
    st_record *r;
    /* A read that fails part-way keeps the records before: the store then
     * refuses every write (store_read_failed), so no record is saved
     * against an end of follow-up that was not read. */
    (void)store_records_ending(db, patient, &a->ends, &r, &n);
    for (size_t i = 0; i < n; i++) {
        const form *f = app_end_form(a, r[i].form);
        const char *v = f ? st_record_get(&r[i], f->field[f->ends_follow_up].id) : NULL;
        int d;
        int hip = r[i].side == 'L' || r[i].side == 'R';
        if (!v || date_parse(v, &d) < 0 || hip != (f->scope == SCOPE_HIP))
            continue;
        int same = 0;
        for (size_t j = 0; j < n; j++)
            same += r[j].side == r[i].side && strcmp(r[j].form, r[i].form) == 0;
        for (int k = 0; k < 3; k++) {
            if (hip && k != (r[i].side == 'R'))
                continue;
            if (same > he->count[k]) {
                he->count[k] = same;
                he->form[k] = f->id;
            }
            entry_hip *e = &he->eh[k];
            if (e->end_date < 0 || d < e->end_date) {
                e->end_date = d;
                end_why(f, &r[i], e->why, sizeof e->why);
            }
        }
    }
    store_records_free(r, n);
}

static entry_hip hip_of(const st_hip *h, const hip_ends *he)
{
    entry_hip e = he->eh[h->side == 'R'];
    e.side = h->side;
    e.index_date = h->index_date;
    e.observed = h->observed;
    return e;
}

int entry_patient_end(const app *a, const char *patient_uuid, char why[128])
{
    hip_ends he;
    end_dates(a, a->db, patient_uuid, &he);
    memcpy(why, he.eh[2].why, sizeof he.eh[2].why);
    return he.eh[2].end_date;
}

int entry_hips_of(const app *a, store *db, const char *patient_uuid, entry_hip vh[2],
                  int ends[2], const char *end_form[2])
{
    hip_ends he;
    end_dates(a, db, patient_uuid, &he);
    size_t nh = 0;
    st_hip *h;
    /* As end_dates: a failed read refuses the write that would follow. */
    (void)store_hips_of(db, patient_uuid, &h, &nh);
    int n = 0;
    for (size_t i = 0; i < nh && n < 2; i++, n++) {
        int k = h[i].side == 'R';
        vh[n] = hip_of(&h[i], &he);
        ends[n] = he.count[k];
        end_form[n] = he.form[k];
    }
    store_hips_free(h, nh);
    return n;
}

/* The schedules that apply to t (its hip's, or every hip's), with their
 * conversion dates, into t->vh. */
static void load_end_dates(app *a, entry_target *t)
{
    hip_ends he;
    end_dates(a, a->db, t->p.uuid, &he);
    t->n_vh = 0;
    for (size_t i = 0; i < t->n_hips && t->n_vh < 2; i++) {
        const st_hip *h = &t->hips[i];
        if (t->h && t->h != h)
            continue;
        t->vh[t->n_vh++] = hip_of(h, &he);
    }
}

static int finish_resolve(app *a, const form *f, char side, entry_target *t, entry_error *e)
{
    t->f = f;
    if (store_hips_of(a->db, t->p.uuid, &t->hips, &t->n_hips) < 0)
        return entry_fail(e, "", "cannot read the hips of patient '%s': %s", t->p.mrn,
                          store_read_failed(a->db));
    if (!f ? side != 0 : f->scope == SCOPE_HIP) {
        if (!side)
            return entry_fail(e, "hip", "%s is recorded per hip: give --hip L or --hip R",
                              f ? f->id : "?");
        for (size_t i = 0; i < t->n_hips; i++)
            if (t->hips[i].side == side)
                t->h = &t->hips[i];
        if (!t->h)
            return entry_fail(e, "hip",
                              "patient '%s' has no %s hip (add it with: bedside hip add %s "
                              "--side %c ...)",
                              t->p.mrn, side == 'L' ? "left" : "right", t->p.mrn, side);
    } else if (side && f) {
        return entry_fail(e, "hip", "%s is recorded per patient, not per hip: leave out --hip",
                          f->id);
    }
    load_end_dates(a, t);
    return ENTRY_OK;
}

static const form *find_form(app *a, const char *form_id, entry_error *e)
{
    const form *f = form_set_find(&a->forms, form_id);
    if (!f) {
        sbuf b = {0};
        for (int i = 0; i < a->forms.n; i++)
            sbuf_printf(&b, "%s%s", i ? ", " : "", a->forms.v[i]->id);
        entry_fail(e, "form", "unknown form '%s' (one of: %s)", form_id, b.s ? b.s : "");
        sbuf_free(&b);
    }
    return f;
}

int entry_resolve(app *a, const char *mrn, const char *form_id, char side, entry_target *t,
                  entry_error *e)
{
    memset(t, 0, sizeof *t);
    const form *f = find_form(a, form_id, e);
    if (!f)
        return ENTRY_REFUSED;
    int rc = store_patient_get(a->db, mrn, &t->p);
    if (rc != 0) {
        memset(&t->p, 0, sizeof t->p);
        return rc > 0 ? entry_fail(e, "patient", "no patient with MRN '%s'", mrn)
                      : entry_fail(e, "patient", "cannot read patient '%s' from %s", mrn,
                                   a->db_path);
    }
    return finish_resolve(a, f, side, t, e);
}

int entry_resolve_uuid(app *a, const char *patient_uuid, const form *f, char side,
                       entry_target *t, entry_error *e)
{
    memset(t, 0, sizeof *t);
    if (store_patient_by_uuid(a->db, patient_uuid, &t->p) != 0) {
        memset(&t->p, 0, sizeof t->p);
        return entry_fail(e, "patient", "no patient with uuid %s", patient_uuid);
    }
    return finish_resolve(a, f, side, t, e);
}

void entry_target_free(entry_target *t)
{
    st_patient_free(&t->p);
    store_hips_free(t->hips, t->n_hips);
    free(t->tp);
    memset(t, 0, sizeof *t);
}

static int is_end_form(const app *a, const form *f)
{
    return f && app_end_form(a, f->id) != NULL;
}

/* How many of t->vh the visit rules look at: none for a patient's
 * enrolment record, which no hip's schedule dates. */
static int rule_hips(const entry_target *t)
{
    return t->f && t->f->enrolment && !t->h ? 0 : t->n_vh;
}

int entry_set_visit(app *a, entry_target *t, const char *tp, int visit_date, int flags,
                    entry_error *e)
{
    char d[11], lim[11];
    if (entry_enrolment_rules(t->f, tp, e) != ENTRY_OK)
        return ENTRY_REFUSED;
    int enrol = t->f && t->f->enrolment;
    if (enrol) {
        tp = TIMEPOINT_ENROLMENT;
        if (t->h)
            visit_date = t->h->index_date;   /* planned up to a year ahead */
    }
    date_format(visit_date, d);
    if (visit_date > a->today && !(enrol && t->h)) {
        date_format(a->today, lim);
        return entry_fail(e, "date", "visit date %s is in the future (today is %s)", d, lim);
    }
    if (tp && !enrol && strcmp(tp, TIMEPOINT_UNSCHEDULED) != 0 &&
        config_timepoint(&a->cfg, tp) < 0) {
        sbuf b = {0};
        for (int i = 0; i < a->cfg.n_tp; i++)
            sbuf_printf(&b, "%s, ", a->cfg.tp[i].id);
        entry_fail(e, "timepoint", "unknown timepoint '%s' (one of: %s%s)", tp, b.s ? b.s : "",
                   TIMEPOINT_UNSCHEDULED);
        sbuf_free(&b);
        return ENTRY_REFUSED;
    }
    int inferred = !tp;
    if (!tp) {
        int i = entry_timepoint_for(&a->cfg, t->vh, t->n_vh, visit_date);
        tp = i >= 0 ? a->cfg.tp[i].id : TIMEPOINT_UNSCHEDULED;
    }
    int oow = (flags & ENTRY_CONFIRMED) != 0;
    int rc = entry_visit_rules(&a->cfg, t->vh, rule_hips(t), tp, visit_date, oow,
                               is_end_form(a, t->f), e);
    if (rc != ENTRY_OK)
        return rc;
    if (visit_date < t->p.born) {
        date_format(t->p.born, lim);
        return entry_fail(e, "date", "visit date %s is before the patient's birth date %s", d,
                          lim);
    }
    char *keep = xstrdup(tp);
    free(t->tp);
    t->tp = keep;
    t->tp_inferred = inferred && !enrol;
    t->visit_date = visit_date;
    t->out_of_window = entry_out_of_window(&a->cfg, t->vh, rule_hips(t), keep, visit_date,
                                           is_end_form(a, t->f));
    return ENTRY_OK;
}

void entry_record_fill(st_record *r, form_answers *ans)
{
    const form *f = ans->f;
    free(r->form);
    r->form = xstrdup(f->id);
    r->form_version = f->version;
    form_answers_prune(ans);
    for (int i = 0; i < f->n_field; i++)
        if (ans->val[i])
            st_record_answer(r, f->field[i].id, ans->val[i]);
    double *val = xcalloc((size_t)f->n_score + 1, sizeof *val);
    int *isnull = xcalloc((size_t)f->n_score + 1, sizeof *isnull);
    form_compute(ans, val, isnull);
    for (int i = 0; i < f->n_score; i++)
        if (!isnull[i])
            st_record_score(r, f->score[i].id, val[i]);
    free(val);
    free(isnull);
}

void entry_build(const entry_target *t, form_answers *ans, st_record *r)
{
    assert(t->tp != NULL);   /* entry_set_visit came first */
    memset(r, 0, sizeof *r);
    memcpy(r->patient, t->p.uuid, sizeof r->patient);
    if (t->h) {
        memcpy(r->hip, t->h->uuid, sizeof r->hip);
        r->side = t->h->side;
    }
    r->timepoint = xstrdup(t->tp);
    r->visit_date = t->visit_date;
    r->out_of_window = t->out_of_window;
    r->status = 'f';
    entry_record_fill(r, ans);
}

typedef struct {
    form_problem_fn cb;
    void *ctx;
    entry_error *e;
    int n;
} vctx;

static void on_problem(void *ctx, const char *field, const char *msg)
{
    vctx *v = ctx;
    if (v->n++ == 0 && v->e) {
        snprintf(v->e->field, sizeof v->e->field, "%s", field);
        v->e->answer = 1;
        snprintf(v->e->msg, sizeof v->e->msg, "%s", msg);
    }
    if (v->cb)
        v->cb(v->ctx, field, msg);
}

int entry_validate(form_answers *ans, form_problem_fn cb, void *ctx, entry_error *e)
{
    vctx v = {cb, ctx, e, 0};
    form_validate(ans, on_problem, &v);
    return v.n;
}

/* Follow-up of t's hip (no hip: every hip) ending on day d (an ending
 * form's date): refused
 * when a current record of the patient keeps the visit rules as the hip is
 * now and would break them with that end (a scheduled visit dated after
 * it), naming the record. The rule itself is entry_check_record's, which
 * `bedside check` applies to stored records. */
static int end_before_records(app *a, const entry_target *t, const char *field, int d,
                              const st_record *r, size_t n, const char *except_uuid,
                              entry_error *e)
{
    entry_hip now[2], ended[2];
    int ends[2];
    const char *end_form[2];
    int nh = entry_hips_of(a, a->db, t->p.uuid, now, ends, end_form);
    memcpy(ended, now, sizeof now);
    for (int k = 0; k < nh; k++)
        if ((!t->h || ended[k].side == t->h->side) &&
            (ended[k].end_date < 0 || d < ended[k].end_date))
            ended[k].end_date = d;
    for (size_t i = 0; i < n; i++) {
        if (except_uuid && strcmp(r[i].uuid, except_uuid) == 0)
            continue;
        if (entry_check_record(a, now, nh, &r[i], NULL) != 0 ||
            entry_check_record(a, ended, nh, &r[i], NULL) == 0)
            continue;
        char dd[11], rd[11];
        date_format(d, dd);
        date_format(r[i].visit_date, rd);
        return entry_fail(e, field, "%s is before record %.8s (%s, %s, dated %s) of the %s, "
                          "which would then be a visit after the end of follow-up; void or "
                          "amend that record first", dd, r[i].uuid, r[i].form, r[i].timepoint,
                          rd, !r[i].side ? "patient" : r[i].side == 'L' ? "left hip" : "right hip");
    }
    return ENTRY_OK;
}

int entry_check_answers(app *a, const entry_target *t, const form_answers *ans,
                        const char *except_uuid, entry_error *e)
{
    const form *f = ans->f;
    if (f->ends_follow_up < 0 || (!t->h && f->scope == SCOPE_HIP))
        return ENTRY_OK;
    const char *field = f->field[f->ends_follow_up].id;
    const char *v = ans->val[f->ends_follow_up];
    int d;
    if (!v || date_parse(v, &d) < 0)
        return ENTRY_OK;   /* required-ness is the form's business */
    /* A patient-scope form ends every hip: checked against each. */
    int rc = ENTRY_OK;
    for (size_t k = 0; k < t->n_hips && rc == ENTRY_OK; k++) {
        const st_hip *h = t->h ? t->h : &t->hips[k];
        rc = entry_conversion_ok(a, field, d, h->index_date, e);
        if (rc != ENTRY_OK && !t->h && e) {
            size_t len = strlen(e->msg);
            snprintf(e->msg + len, sizeof e->msg - len, " (the %s hip)",
                     h->side == 'L' ? "left" : "right");
        }
    }
    const char *whose = !t->h ? "patient" : t->h->side == 'L' ? "left hip" : "right hip";
    if (rc == ENTRY_OK) {
        size_t n = 0;
        st_record *r;
        if (store_records_of(a->db, t->p.uuid, 0, &r, &n) < 0) {
            store_records_free(r, n);
            return entry_fail(e, "", "cannot read the records of the %s: %s", whose,
                              store_read_failed(a->db));
        }
        for (size_t i = 0; i < n && rc == ENTRY_OK; i++) {
            if (strcmp(r[i].form, f->id) != 0 || strcmp(r[i].hip, t->h ? t->h->uuid : "") != 0 ||
                (except_uuid && strcmp(r[i].uuid, except_uuid) == 0))
                continue;
            const char *old = st_record_get(&r[i], field);
            rc = entry_fail(e, field,
                            "the %s already has '%s' dated %s (record %.8s); amend that "
                            "record instead", whose, f->title, old ? old : "?", r[i].uuid);
        }
        if (rc == ENTRY_OK)
            rc = end_before_records(a, t, field, d, r, n, except_uuid, e);
        store_records_free(r, n);
    }
    if (rc != ENTRY_OK && e)
        e->answer = 1;
    return rc;
}

/* The visit rules for t's record against the hips as they are now (read in
 * the caller's write transaction: an end of follow-up another session saved
 * since t was resolved counts), and the record's out_of_window mark under
 * them into *oow. */
static int visit_now(app *a, const entry_target *t, int *oow, entry_error *e)
{
    entry_hip all[2];
    int ends[2];
    const char *end_form[2];
    int nh = entry_hips_of(a, a->db, t->p.uuid, all, ends, end_form);
    entry_target now = *t;   /* t with today's hips; nothing to free */
    now.n_vh = 0;
    for (int k = 0; k < nh; k++)
        if (!t->h || all[k].side == t->h->side)
            now.vh[now.n_vh++] = all[k];
    entry_error ve;
    int n = rule_hips(&now), end = is_end_form(a, t->f);
    if (entry_enrolment_rules(t->f, t->tp, &ve) != ENTRY_OK ||
        entry_visit_rules(&a->cfg, now.vh, n, t->tp, t->visit_date, t->out_of_window, end,
                          &ve) != ENTRY_OK) {
        if (e)
            *e = ve;
        return ENTRY_REFUSED;
    }
    *oow = entry_out_of_window(&a->cfg, now.vh, n, t->tp, t->visit_date, end);
    return ENTRY_OK;
}

/* Start the write transaction of a save or amend and apply, inside it, the
 * rules that read other records (entry_check_answers, visit_now): a record
 * another session saves meanwhile is either seen or waits for the commit.
 * On ENTRY_OK r is built and the transaction open (end it with
 * write_end); else nothing is open. */
static int write_begin(app *a, const entry_target *t, form_answers *ans,
                       const char *except_uuid, st_record *r, entry_error *e)
{
    char *err = NULL;
    if (store_tx_begin(a->db, &err) < 0)
        return entry_fail_store(e, err, "cannot write the database");
    int oow = 0;
    if (entry_check_answers(a, t, ans, except_uuid, e) != ENTRY_OK ||
        visit_now(a, t, &oow, e) != ENTRY_OK) {
        store_tx_end(a->db, 0, &err);
        free(err);
        return ENTRY_REFUSED;
    }
    entry_build(t, ans, r);
    r->out_of_window = oow;
    return ENTRY_OK;
}

/* After the write (stored: 0, or -1 with err): commit, or roll back. */
static int write_end(app *a, int stored, char *err, const char *what, entry_error *e)
{
    int ok = stored == 0;
    if (!ok)
        entry_fail_store(e, err, what);
    else
        free(err);
    err = NULL;
    if (store_tx_end(a->db, ok, &err) < 0 && ok)
        return entry_fail_store(e, err, what);
    free(err);
    return ok ? ENTRY_OK : ENTRY_REFUSED;
}

int entry_save(app *a, const entry_target *t, form_answers *ans, const char *draft_uuid,
               st_record *r, entry_error *e)
{
    memset(r, 0, sizeof *r);
    if (entry_validate(ans, NULL, NULL, e) || write_begin(a, t, ans, NULL, r, e) != ENTRY_OK)
        return ENTRY_REFUSED;
    r->validated = 1;   /* just now, against its form: the store marks it */
    char *err = NULL;
    int rc = draft_uuid && *draft_uuid ? store_draft_finalize(a->db, draft_uuid, r, &err)
                                       : store_record_final(a->db, r, &err);
    return write_end(a, rc, err, "could not save the record", e);
}

int entry_check_version(const form *f, const st_record *r, entry_error *e)
{
    if (r->form_version < 1)
        return entry_fail(e, "form", "form version %d is not a version", r->form_version);
    if (r->form_version > f->version)
        return entry_fail(e, "form", "made with version %d of form '%s', newer than the forms "
                          "folder's version %d (use the forms it was made with)", r->form_version,
                          f->id, f->version);
    return ENTRY_OK;
}

int entry_open_record(app *a, const char *id, const char *verb, st_record *old, entry_target *t,
                      entry_error *e)
{
    memset(old, 0, sizeof *old);
    memset(t, 0, sizeof *t);
    char *err = NULL;
    int rc = store_record_lookup(a->db, id, old, &err);
    if (rc != 0) {
        if (rc > 0)
            entry_fail(e, "record", "no record '%s'", id);
        else
            entry_fail(e, "record", "%s", err ? err : "cannot read the record");
        free(err);
        return ENTRY_REFUSED;
    }
    if (store_record_why_not_current(a->db, old, verb, &err) < 0) {
        entry_fail(e, "record", "%s", err ? err : "the record is not current");
        free(err);
        st_record_free(old);
        return ENTRY_REFUSED;
    }
    const form *f = form_set_find(&a->forms, old->form);
    if (!f) {
        entry_fail(e, "form", "record %.8s is a '%s' record, a form not in the forms folder",
                   old->uuid, old->form);
        st_record_free(old);
        return ENTRY_REFUSED;
    }
    entry_error ve;
    if (entry_check_version(f, old, &ve) != ENTRY_OK) {
        entry_fail(e, "form", "record %.8s: %s", old->uuid, ve.msg);
        st_record_free(old);
        return ENTRY_REFUSED;
    }
    if (entry_resolve_uuid(a, old->patient, f, old->side, t, e) != ENTRY_OK) {
        st_record_free(old);
        entry_target_free(t);
        return ENTRY_REFUSED;
    }
    t->tp = xstrdup(old->timepoint);
    t->visit_date = old->visit_date;
    t->out_of_window = old->out_of_window;
    return ENTRY_OK;
}

int entry_check_reason(const char *reason, entry_error *e)
{
    long at;
    int blank = 1;
    for (const char *p = reason ? reason : ""; *p; p++)
        if (!isspace((unsigned char)*p))
            blank = 0;
    if (blank)
        return entry_fail(e, "reason", "say why (the reason is kept in the history)");
    if (!utf8_valid(reason, strlen(reason), NULL))
        return entry_fail(e, "reason", "the reason is not valid UTF-8 text");
    if ((at = text_unsafe_at(reason, 1)) >= 0)
        return entry_fail(e, "reason", "the reason has a control character or an invisible "
                          "formatting character at character %ld", at + 1);
    return 0;
}

int entry_amend(app *a, const entry_target *t, const st_record *old, form_answers *ans,
                const char *reason, st_record *r, entry_error *e)
{
    memset(r, 0, sizeof *r);
    if (entry_check_reason(reason, e) < 0)
        return ENTRY_REFUSED;
    /* The visit rules hold for the new version, whatever changed, and its
     * mark is recomputed (an amendment is a new row, not a copy). */
    if (entry_validate(ans, NULL, NULL, e) ||
        write_begin(a, t, ans, old->uuid, r, e) != ENTRY_OK)
        return ENTRY_REFUSED;
    r->validated = 1;
    char *err = NULL;
    int rc = store_record_amend(a->db, old->uuid, r, reason, &err);
    return write_end(a, rc, err, "could not amend the record", e);
}

int entry_void(app *a, const st_record *old, const char *reason, entry_error *e)
{
    return entry_void_records(a, old, 1, reason, e);
}

int entry_void_records(app *a, const st_record *recs, size_t n, const char *reason,
                       entry_error *e)
{
    if (entry_check_reason(reason, e) != ENTRY_OK)
        return ENTRY_REFUSED;
    const char **ids = xcalloc(n + 1, sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = recs[i].uuid;
    char *err = NULL;
    int rc = store_records_void(a->db, ids, n, reason, &err);
    free(ids);
    return rc == 0 ? ENTRY_OK : entry_fail_store(e, err, "could not void the records");
}

static int visit_rank(const app *a, int tp, const st_record *r)
{
    return app_form_rank(a, tp, r->form);
}

/* One visit: the same hip (or both patient scope), timepoint and, for an
 * unscheduled visit, date. */
static int same_visit(const st_record *x, const st_record *y)
{
    return x->side == y->side && strcmp(x->timepoint, y->timepoint) == 0 &&
           (strcmp(x->timepoint, TIMEPOINT_UNSCHEDULED) != 0 || x->visit_date == y->visit_date);
}

int entry_visit_records(app *a, const st_record *r, st_record **out, size_t *n,
                        entry_error *e)
{
    size_t all = 0, k = 0;
    st_record *v;
    if (store_records_of(a->db, r->patient, 0, &v, &all) < 0) {
        store_records_free(v, all);
        *out = NULL;
        *n = 0;
        return entry_fail(e, "", "cannot read the records of the visit: %s",
                          store_read_failed(a->db));
    }
    for (size_t i = 0; i < all; i++) {
        if (same_visit(&v[i], r))
            v[k++] = v[i];
        else
            st_record_free(&v[i]);
    }
    /* The schedule's form order within the visit, then the rest by form id. */
    int tp = config_timepoint(&a->cfg, r->timepoint);
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && visit_rank(a, tp, &v[j]) < visit_rank(a, tp, &v[j - 1]); j--) {
            st_record t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    *out = v;
    *n = k;
    return ENTRY_OK;
}

form_answers *entry_answers_of(const form *f, const st_record *r, int *dropped)
{
    form_answers *ans = form_answers_new(f);
    if (dropped)
        *dropped = 0;
    for (int k = 0; k < r->n_ans; k++) {
        int i = form_field_index(f, r->ans[k].key);
        if (i >= 0)
            form_answer_load(ans, i, r->ans[k].value);
        else if (dropped)
            (*dropped)++;
    }
    return ans;
}
