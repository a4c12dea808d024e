/* ui_record.c — one saved record: its id, who entered it and when, every
 * score and every answer labelled as on the form; `A` amends it (a reason,
 * then the form with its answers), `V` voids it or its whole visit. */
#include "entry.h"
#include "ui.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    st_record r;
    st_patient p;
    st_hip h;
    int has_hip;
    const form *f;
    form_answers *ans;
    int top, n_rows;    /* first row shown; rows at the last draw */
} rec_st;

/* The body as rows: a left text (a label) and a right one (its value), each
 * wrapped in its column rather than cut. */
typedef struct {
    char *l, *r;
    int lx;
    attr_t la, ra;
} rrow;

typedef struct {
    rrow *v;
    int n;
} rrows;

static void row_add(rrows *o, int lx, const char *l, attr_t la, const char *r, attr_t ra)
{
    o->v = xrealloc(o->v, (size_t)(o->n + 1) * sizeof *o->v);
    o->v[o->n++] = (rrow){l ? xstrdup(l) : NULL, r ? xstrdup(r) : NULL, lx, la, ra};
}

/* A label and its value side by side, both wrapped: as many rows as the
 * longer of the two needs. */
static void pair_add(ui *u, rrows *o, const char *label, const char *value, attr_t va, int lw,
                     int vw)
{
    char **l, **r;
    int nl = ui_wrap(u, label, lw, &l), nr = ui_wrap(u, value, vw, &r);
    for (int i = 0; i < nl || i < nr; i++)
        row_add(o, 2, i < nl ? l[i] : NULL, A_NORMAL, i < nr ? r[i] : NULL, va);
    ui_wrap_free(l, nl);
    ui_wrap_free(r, nr);
}

/* One text over the whole width, wrapped. */
static void text_add(ui *u, rrows *o, int x, int width, const char *t, attr_t at)
{
    char **l;
    int n = ui_wrap(u, t, width, &l);
    for (int i = 0; i < n; i++)
        row_add(o, x, l[i], at, NULL, 0);
    ui_wrap_free(l, n);
}

static void build_rows(ui *u, rec_st *s, int wd, rrows *o)
{
    int lw = wd / 2 - 2, vw = wd - lw - 4;
    char *by = text_escape(s->r.entered_by), *when = time_local(s->r.entered_at);
    char *t = xasprintf("Record %.8s, %s%s, entered by %s, %s", s->r.uuid,
                        s->r.status == 'f' ? "final" : s->r.status == 'v' ? "void" : "draft",
                        s->r.status == 'f' && !s->r.current ? " (no longer current)" : "", by,
                        when);
    text_add(u, o, 1, wd - 2, t, ui_attr(u, UC_DIM));
    free(t);
    free(by);
    free(when);
    if (s->r.out_of_window)
        text_add(u, o, 1, wd - 2, "Dated out of its visit window (confirmed when entered).",
                 ui_attr(u, UC_WARN));
    if (s->r.amended || s->r.reason) {
        char *why = text_escape(s->r.reason);
        t = xasprintf("Amended (replaces record %.8s): %s", s->r.supersedes, why);
        text_add(u, o, 1, wd - 2, t, ui_attr(u, UC_WARN));
        free(t);
        free(why);
    }
    row_add(o, 1, "Scores", ui_attr(u, UC_HEAD), NULL, 0);
    for (int i = 0; i < s->r.n_score; i++) {
        int si = s->f ? form_score_index(s->f, s->r.score_id[i]) : -1;
        char v[32];
        const char *band = NULL;
        if (si >= 0) {
            form_score_format(&s->f->score[si], s->r.score_val[i], v);
            band = form_score_band(&s->f->score[si], s->r.score_val[i]);
        } else {
            snprintf(v, sizeof v, "%g", s->r.score_val[i]);
        }
        t = xasprintf("%s%s%s", v, band ? "  " : "", band ? band : "");
        pair_add(u, o, si >= 0 ? s->f->score[si].label : s->r.score_id[i], t, A_BOLD, lw, vw);
        free(t);
    }
    row_add(o, 1, "", A_NORMAL, NULL, 0);
    row_add(o, 1, "Answers", ui_attr(u, UC_HEAD), NULL, 0);
    for (int i = 0; s->f && i < s->f->n_field; i++) {
        const form_field *fl = &s->f->field[i];
        if (fl->type == FT_NOTE || !form_field_visible(s->ans, i))
            continue;
        char *v = form_answer_display(s->ans, i);
        char *e = v ? text_escape(v) : NULL;
        pair_add(u, o, fl->label, e ? e : ui_glyph(u, G_NULL),
                 e ? A_BOLD : ui_attr(u, UC_DIM), lw, vw);
        free(e);
        free(v);
    }
}

static void rows_free(rrows *o)
{
    for (int i = 0; i < o->n; i++) {
        free(o->v[i].l);
        free(o->v[i].r);
    }
    free(o->v);
}

static void rec_draw(ui *u, void *stp)
{
    rec_st *s = stp;
    attr_t at = ui_attr(u, UC_TITLE);
    int x0 = ui_top_begin(u);
    char d[11];
    date_format(s->r.visit_date, d);
    char *mrn = text_escape(s->p.mrn), *name = text_escape(s->p.name);
    ui_putf(u, u->top, 0, x0, u->cols - x0 - 1, at, "%s v%d  %s %s  %s  %s  %s",
            s->f ? s->f->title : s->r.form, s->r.form_version, mrn, name,
            s->r.side == 'L' ? "Left hip" : s->r.side == 'R' ? "Right hip" : "patient",
            s->r.timepoint, d);
    free(mrn);
    free(name);
    wnoutrefresh(u->top);

    WINDOW *w = u->body;
    int h = getmaxy(w), wd = getmaxx(w), lw = wd / 2 - 2;
    werase(w);
    rrows o = {0};
    build_rows(u, s, wd, &o);
    s->n_rows = o.n;
    if (s->top > o.n - h)
        s->top = o.n - h;
    if (s->top < 0)
        s->top = 0;
    for (int i = s->top; i < o.n && i - s->top < h; i++) {
        const rrow *r = &o.v[i];
        if (r->l)
            ui_put(u, w, i - s->top, r->lx, r->l, r->r ? lw : wd - 1 - r->lx, r->la);
        if (r->r)
            ui_put(u, w, i - s->top, lw + 3, r->r, wd - lw - 4, r->ra);
    }
    if (s->top + h < o.n)
        ui_put(u, w, h - 1, wd - 2, ui_glyph(u, G_MORE_DOWN), 1, A_BOLD);
    if (s->top > 0)
        ui_put(u, w, 0, wd - 2, ui_glyph(u, G_MORE_UP), 1, A_BOLD);
    rows_free(&o);
    wnoutrefresh(w);
    werase(u->help);
    ui_put(u, u->help, 0, 1, "A amends this record, V voids it or its whole visit (a reason "
                             "is asked first)", u->cols - 2, ui_attr(u, UC_DIM));
    wnoutrefresh(u->help);
}

static void amend(ui *u, rec_st *s)
{
    if (!s->f) {
        ui_msg(u, UC_ERROR, "the form '%s' is not loaded; this record cannot be amended here",
               s->r.form);
        return;
    }
    if (s->r.status != 'f' || !s->r.current) {
        ui_msg(u, UC_ERROR, "only the current final version of a record can be amended");
        return;
    }
    char *reason = NULL;
    if (!ui_input(u, "Amend the record", "Reason:", &reason) || !reason || !*reason) {
        if (!u->dead)
            ui_msg(u, UC_ERROR, "an amendment needs a reason; nothing changed");
        free(reason);
        return;
    }
    ui_form_args a = {.f = s->f, .p = &s->p, .h = s->has_hip ? &s->h : NULL,
                      .tp = s->r.timepoint, .visit_date = s->r.visit_date, .amend = &s->r,
                      .reason = reason};
    ui_form_open(u, &a);
    free(reason);
}

/* "VAS pain  1 month  2026-06-15  eb6948f3, entered by root" */
static char *rec_line(ui *u, const st_record *r)
{
    const form *f = form_set_find(&u->a->forms, r->form);
    char d[11];
    date_format(r->visit_date, d);
    char *by = text_escape(r->entered_by);
    char *t = xasprintf("  %s, %s, record %.8s entered by %s", f ? f->title : r->form, d, r->uuid,
                        by);
    free(by);
    return t;
}

/* "X1 Zoe Martin, left hip, 1 month" */
static char *visit_name(ui *u, const rec_st *s)
{
    int tp = config_timepoint(&u->a->cfg, s->r.timepoint);
    char *mrn = text_escape(s->p.mrn), *name = text_escape(s->p.name);
    char *t = xasprintf("%s %s, %s, %s", mrn, name,
                        s->r.side == 'L' ? "left hip" : s->r.side == 'R' ? "right hip"
                                                                         : "the patient",
                        tp >= 0 ? u->a->cfg.tp[tp].label : s->r.timepoint);
    free(mrn);
    free(name);
    return t;
}

/* V: void this record, or every record of its visit, after a confirmation
 * that lists them and a reason. Esc anywhere leaves everything as it was. */
static void void_records(ui *u, rec_st *s)
{
    st_record old;
    entry_target t;
    entry_error e;
    /* Read again: another nurse may have amended or voided it meanwhile. */
    if (entry_open_record(u->a, s->r.uuid, "void", &old, &t, &e) != ENTRY_OK) {
        ui_alert(u, "Not voided", e.msg);
        return;
    }
    entry_target_free(&t);
    size_t n = 0;
    st_record *visit;
    if (entry_visit_records(u->a, &old, &visit, &n, &e) != ENTRY_OK) {
        ui_alert(u, "Not voided", e.msg);
        st_record_free(&old);
        return;
    }
    const form *f = form_set_find(&u->a->forms, old.form);
    char *which = visit_name(u, s);
    int whole = 0;
    if (n > 1) {
        char *q = xasprintf("%s.\n\n(r) this record only: %s\n(w) the whole visit: all %zu "
                            "records", which, f ? f->title : old.form, n);
        int k = ui_ask(u, "Void", q, "rw");
        free(q);
        if (!k) {
            ui_msg(u, UC_WARN, "Nothing voided.");
            goto out;
        }
        whole = k == 'w';
    }
    {
        const st_record *v = whole ? visit : &old;
        size_t nv = whole ? n : 1;
        sbuf b = {0};
        sbuf_printf(&b, "Void %s %zu record%s of %s?\n", nv == 1 ? "this" : "these", nv,
                    nv == 1 ? "" : "s", which);
        for (size_t i = 0; i < nv; i++) {
            char *l = rec_line(u, &v[i]);
            sbuf_printf(&b, "%s\n", l);
            free(l);
        }
        sbuf_add(&b, "\nThey stay in the history, marked void, with your reason.");
        int yes = ui_confirm(u, whole ? "Void the whole visit" : "Void the record", b.s);
        sbuf_free(&b);
        char *reason = NULL;
        if (!yes || !ui_input(u, "Void", "Reason:", &reason)) {
            if (!u->dead)
                ui_msg(u, UC_WARN, "Nothing voided.");
            free(reason);
            goto out;
        }
        if (entry_void_records(u->a, v, nv, reason, &e) != ENTRY_OK) {
            if (strcmp(e.field, "reason") == 0)
                ui_msg(u, UC_ERROR, "a void needs a reason: %s; nothing voided", e.msg);
            else
                ui_alert(u, "Not voided", e.msg);
            free(reason);
            goto out;
        }
        free(reason);
        u->data_gen++;
        ui_msg(u, UC_OK, "Voided %zu record%s of %s.", nv, nv == 1 ? "" : "s", which);
        ui_pop(u);
    }
out:
    free(which);
    store_records_free(visit, n);
    st_record_free(&old);
}

static void rec_key(ui *u, void *stp, int k)
{
    rec_st *s = stp;
    if (ui_doc_scroll(u, k, &s->top, s->n_rows)) {
        ui_draw_all(u);     /* the draw keeps top within the rows */
        return;
    }
    switch (k) {
    case 'A':
    case 'a':
        amend(u, s);
        return;
    case 'V':
    case 'v':
        void_records(u, s);
        if (!u->dead && ui_top(u) == UI_RECORD)
            ui_draw_all(u);
        return;
    default:
        ui_help_or_back(u, k);
        return;
    }
}

static void rec_resume(ui *u, void *stp)
{
    (void)stp;
    /* After a saved amendment this version is history: back to the patient. */
    if (ui_form_result(u) == UI_FORM_SAVED && ui_top(u) == UI_RECORD) {
        u->form_result = UI_FORM_LEFT;
        ui_pop(u);
    }
}

static void rec_leave(ui *u, void *stp)
{
    rec_st *s = stp;
    (void)u;
    st_record_free(&s->r);
    st_patient_free(&s->p);
    if (s->has_hip)
        st_hip_free(&s->h);
    if (s->ans)
        form_answers_free(s->ans);
    free(s);
}

static const char *const rec_help[] = {
    "Record",
    "  Up/Down, PgUp/PgDn, Home/End   scroll (also j/k, b/space, g/G)",
    "  A          amend: give a reason, change answers, Ctrl-S shows each change",
    "             (old -> new), Enter saves a new version; the old one stays in",
    "             the history",
    "  V          void this record, or every record of its visit: the records",
    "             are listed for a confirmation, then a reason is asked (Esc",
    "             at any step voids nothing); they stay in the history",
    "  q, Esc     back",
    NULL,
};

const ui_screen_ops ui_record_ops = {
    .name = "record",
    .side_width = 0,
    .leave = rec_leave,
    .resume = rec_resume,
    .draw = rec_draw,
    .key = rec_key,
    .keys = "A amend  V void  Up/Down scroll  ? help  q back",
    .help = rec_help,
};

void ui_record_open(ui *u, const char *uuid)
{
    rec_st *s = xcalloc(1, sizeof *s);
    if (store_record_get(u->a->db, uuid, &s->r) != 0 ||
        store_patient_by_uuid(u->a->db, s->r.patient, &s->p) != 0) {
        ui_msg(u, UC_ERROR, "the record %.8s is gone", uuid);
        st_record_free(&s->r);
        free(s);
        return;
    }
    if (s->r.side && store_hip_get(u->a->db, s->p.uuid, s->r.side, &s->h) == 0)
        s->has_hip = 1;
    s->f = form_set_find(&u->a->forms, s->r.form);
    if (s->f) {
        s->ans = form_answers_new(s->f);
        for (int i = 0; i < s->r.n_ans; i++) {
            int fi = form_field_index(s->f, s->r.ans[i].key);
            if (fi >= 0)
                form_answer_load(s->ans, fi, s->r.ans[i].value);
        }
    }
    ui_push(u, UI_RECORD, s);
}
