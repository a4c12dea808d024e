/* ui_form.c — entering a form by keyboard: moving between fields, taking
 * answers through the form engine, writing each accepted answer to the
 * draft at once, review and the final save (or an amendment). Every rule
 * about the form (types, ranges, checks, show_if, scores) is the engine's. */
#include "ui_form.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int ui_form_opt_key(int i)
{
    return i < 9 ? '1' + i : i < 9 + 26 ? 'a' + (i - 9) : 0;
}

static int opt_of_key(const form_field *fl, int k)
{
    for (int i = 0; i < fl->n_opt; i++)
        if (ui_form_opt_key(i) == k)
            return i;
    return -1;
}

int ui_form_field_ok(const form_st *s, int i)
{
    return i >= 0 && i < s->f->n_field && s->f->field[i].type != FT_NOTE &&
           form_field_visible(s->ans, i);
}

static int typed(const form_field *fl)
{
    return fl->type == FT_INTEGER || fl->type == FT_DECIMAL || fl->type == FT_TEXT ||
           fl->type == FT_DATE;
}

static void compute(form_st *s)
{
    form_compute(s->ans, s->sv, s->sn);
}

/* Make field i current; a typed field's editor starts from its answer. */
static void set_cur(form_st *s, int i)
{
    s->cur = i;
    s->opt = 0;
    const form_field *fl = &s->f->field[i];
    if (typed(fl)) {
        ui_edit_set(&s->ed, s->ans->val[i]);
        s->ed.max_chars = fl->type == FT_TEXT ? (size_t)(fl->max_length ? fl->max_length : 1000)
                                              : 64;
        s->ed_field = i;
    } else {
        s->ed_field = -1;
    }
}

static int next_ok(const form_st *s, int from, int dir)
{
    for (int i = from + dir; i >= 0 && i < s->f->n_field; i += dir)
        if (ui_form_field_ok(s, i))
            return i;
    return -1;
}

/* The first answerable field of the section after (dir 1) or before (-1) the
 * current one. */
static int section_jump(const form_st *s, int dir)
{
    int sec = s->f->field[s->cur].section;
    for (int t = sec + dir; t >= 0 && t < s->f->n_sec; t += dir) {
        const form_section *sc = &s->f->sec[t];
        for (int i = sc->first; i < sc->first + sc->count; i++)
            if (ui_form_field_ok(s, i))
                return i;
    }
    return -1;
}

/* Accept what was typed into the current field. 0 when accepted (or nothing
 * to accept), -1 with the message on the status line when refused: the
 * text stays and the cursor does not move on. */
static int commit(ui *u, form_st *s)
{
    if (s->ed_field != s->cur || !s->ed.changed)
        return 0;
    const char *t = ui_edit_text(&s->ed);
    int i = s->cur;
    if (!*t) {
        if (s->ans->val[i]) {
            form_answer_clear(s->ans, i);
            ui_form_changed(u, s, i);
        }
        s->ed.changed = 0;
        return 0;
    }
    char err[256];
    if (form_answer_set(s->ans, i, t, err, sizeof err) < 0) {
        ui_msg(u, UC_ERROR, "%s: %s", s->f->field[i].label, err);
        return -1;
    }
    s->ed.changed = 0;
    int rc = ui_form_changed(u, s, i);
    /* Show the canonical form (e.g. 7 -> 7.0 for one decimal). */
    ui_edit_set(&s->ed, s->ans->val[i]);
    return rc;   /* not written: stay, with the message */
}

static void go(ui *u, form_st *s, int i)
{
    if (i < 0) {
        if (!u->msg[0])   /* a warning from saving stays in view */
            ui_msg(u, UC_OK, "Last field. Ctrl-S to review and save.");
        set_cur(s, s->cur);
        return;
    }
    set_cur(s, i);
}

static void advance(ui *u, form_st *s)
{
    go(u, s, next_ok(s, s->cur, 1));
}

static void set_answer(ui *u, form_st *s, const char *text)
{
    char err[256];
    if (form_answer_set(s->ans, s->cur, text, err, sizeof err) < 0) {
        ui_msg(u, UC_ERROR, "%s: %s", s->f->field[s->cur].label, err);
        return;
    }
    if (ui_form_changed(u, s, s->cur) == 0)
        advance(u, s);
}

/* Multi: toggle option o; an exclusive option clears the others, and any
 * other option clears a selected exclusive one. The engine has the last word. */
static void toggle(ui *u, form_st *s, int o)
{
    const form_field *fl = &s->f->field[s->cur];
    const char *cur = s->ans->val[s->cur] ? s->ans->val[s->cur] : "";
    char *on = xcalloc((size_t)fl->n_opt, 1);
    for (int i = 0; i < fl->n_opt; i++) {
        const char *c = fl->opt[i].code, *p = cur;
        size_t n = strlen(c);
        while ((p = strstr(p, c)) != NULL) {
            if ((p == cur || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
                on[i] = 1;
                break;
            }
            p += n;
        }
    }
    on[o] = !on[o];
    if (on[o])
        for (int i = 0; i < fl->n_opt; i++)
            if (i != o && (fl->opt[o].exclusive || fl->opt[i].exclusive))
                on[i] = 0;
    sbuf b = {0};
    for (int i = 0; i < fl->n_opt; i++)
        if (on[i]) {
            if (b.len)
                sbuf_addc(&b, ',');
            sbuf_add(&b, fl->opt[i].code);
        }
    free(on);
    char err[256];
    if (!b.len) {
        form_answer_clear(s->ans, s->cur);
        ui_form_changed(u, s, s->cur);
    } else if (form_answer_set(s->ans, s->cur, b.s, err, sizeof err) < 0) {
        ui_msg(u, UC_ERROR, "%s: %s", fl->label, err);
    } else {
        ui_form_changed(u, s, s->cur);
    }
    sbuf_free(&b);
    s->opt = o;
}

/* Space on a choice field selects the next option and stays: the way to
 * reach options past the 35 that have a key. */
static void cycle(ui *u, form_st *s)
{
    const form_field *fl = &s->f->field[s->cur];
    const char *v = s->ans->val[s->cur];
    int o = v ? form_option_index(fl, v) : -1;
    char err[256];
    if (form_answer_set(s->ans, s->cur, fl->opt[(o + 1) % fl->n_opt].code, err, sizeof err) < 0) {
        ui_msg(u, UC_ERROR, "%s: %s", fl->label, err);
        return;
    }
    ui_form_changed(u, s, s->cur);
}

static void review_key(ui *u, form_st *s, int k)
{
    if (k == '\r' || k == '\n' || k == UK(KEY_ENTER) || k == UI_CTRL('s')) {
        ui_form_save(u, s);
        return;
    } else if (k == UK_ESC || k == UI_CTRL('c') || k == UI_CTRL('x') || k == 'e') {
        s->review = 0;
    } else if (k == UK(KEY_UP) || k == 'k') {
        s->rtop--;
    } else if (k == UK(KEY_DOWN) || k == 'j') {
        s->rtop++;
    } else if (k == UK(KEY_PPAGE)) {
        s->rtop -= u->rows / 2;
    } else if (k == UK(KEY_NPAGE) || k == ' ') {
        s->rtop += u->rows / 2;
    } else if (k == '?' || k == UK(KEY_F(1))) {
        ui_help(u);
        return;
    } else {
        return;
    }
    if (s->rtop < 0)
        s->rtop = 0;
    ui_draw_all(u);
}

static int move_key(ui *u, form_st *s, int k)
{
    int to;
    switch (k) {
    case UK(KEY_UP):
    case UK(KEY_BTAB):
        to = next_ok(s, s->cur, -1);
        break;
    case UK(KEY_DOWN):
    case '\t':
        to = next_ok(s, s->cur, 1);
        break;
    case UK(KEY_NPAGE):
        to = section_jump(s, 1);
        break;
    case UK(KEY_PPAGE):
        to = section_jump(s, -1);
        break;
    case UK(KEY_HOME):
        if (s->ed_field == s->cur)
            return 0;   /* start of the typed line */
        to = next_ok(s, -1, 1);
        break;
    default:
        return 0;
    }
    if (commit(u, s) < 0)
        return 1;
    if (to >= 0)
        set_cur(s, to);
    return 1;
}

static void form_key(ui *u, void *stp, int k)
{
    form_st *s = stp;
    if (s->review) {
        review_key(u, s, k);
        return;
    }
    const form_field *fl = &s->f->field[s->cur];
    int enter = k == '\r' || k == '\n' || k == UK(KEY_ENTER);
    if (k == UI_CTRL('s')) {
        if (commit(u, s) == 0)
            ui_form_review(u, s);
    } else if (k == UK_ESC || k == UI_CTRL('x') || k == UI_CTRL('c')) {
        if (s->ed_field == s->cur && s->ed.changed) {
            /* Esc abandons what is being typed, never accepts it; the next
             * Esc leaves the form. */
            ui_edit_set(&s->ed, s->ans->val[s->cur]);
            ui_msg(u, UC_WARN, "%s: typing abandoned, the field is as it was. Esc again leaves.",
                   fl->label);
        } else {
            ui_form_leave(u, s);
            return;
        }
    } else if (k == UK(KEY_F(1)) || (k == '?' && fl->type != FT_TEXT)) {
        ui_help(u);
        return;
    } else if (move_key(u, s, k)) {
        /* moved, or refused with a message */
    } else if (enter) {
        if (commit(u, s) == 0)
            advance(u, s);
    } else if (typed(fl)) {
        if (!ui_edit_key(u, &s->ed, k))
            return;
        ui_form_draw_edit(u, s);    /* only the line being typed is redrawn */
        return;
    } else if (k == UK(KEY_BACKSPACE) || k == 127 || k == UK(KEY_DC) || k == UI_CTRL('h')) {
        if (s->ans->val[s->cur]) {
            form_answer_clear(s->ans, s->cur);
            ui_form_changed(u, s, s->cur);
        }
    } else if (fl->type == FT_YESNO && (k == 'y' || k == 'Y' || k == 'n' || k == 'N')) {
        set_answer(u, s, k == 'y' || k == 'Y' ? "yes" : "no");
    } else if (fl->type == FT_CHOICE && opt_of_key(fl, k) >= 0) {
        set_answer(u, s, fl->opt[opt_of_key(fl, k)].code);
    } else if (fl->type == FT_CHOICE && k == ' ') {
        cycle(u, s);
    } else if (fl->type == FT_MULTI && (opt_of_key(fl, k) >= 0 || k == ' ')) {
        toggle(u, s, k == ' ' ? s->opt : opt_of_key(fl, k));
    } else if (fl->type == FT_MULTI && (k == UK(KEY_LEFT) || k == UK(KEY_RIGHT))) {
        s->opt = (s->opt + (k == UK(KEY_LEFT) ? fl->n_opt - 1 : 1)) % fl->n_opt;
    } else {
        if (fl->type == FT_CHOICE || fl->type == FT_MULTI)
            ui_msg(u, UC_ERROR, "press the number (or letter) of an option");
        else if (fl->type == FT_YESNO)
            ui_msg(u, UC_ERROR, "press y or n");
    }
    ui_draw_all(u);
}

static void form_leave(ui *u, void *stp)
{
    form_st *s = stp;
    (void)u;
    form_answers_free(s->ans);
    st_patient_free(&s->p);
    if (s->has_hip)
        st_hip_free(&s->h);
    free(s->tp);
    free(s->reason);
    ui_edit_free(&s->ed);
    free(s->sv);
    free(s->sn);
    ui_form_clear_problems(s);
    entry_target_free(&s->et);
    free(s);
}

static const char *const form_help[] = {
    "Form entry",
    "  Up/Down, Tab/Shift-Tab   previous / next field",
    "  PgUp/PgDn                previous / next section",
    "  1-9, a-z    choice: pick that option and move on (Space: next option, stay)",
    "              multi: toggle it (Space toggles the marked one, Left/Right mark)",
    "  y / n       yes/no fields",
    "  Enter, Tab  accept a typed number, date or text and move on",
    "  Backspace   on a choice, multi or yes/no field: clear the answer",
    "  Ctrl-S      review every answer and score; Enter there saves the record",
    "  Esc         while typing: abandon the typing, the field is as it was",
    "  Esc, Ctrl-X leave (the draft is kept; you may discard it after confirming)",
    "",
    "Every accepted answer is written to the draft at once. A value that is",
    "refused stays in the field with its message; fix it or clear it.",
    "Hidden fields (show_if) are skipped and not stored.",
    NULL,
};

const ui_screen_ops ui_form_ops = {
    .name = "form",
    .side_width = 30,
    .leave = form_leave,
    .draw = ui_form_draw,
    .key = form_key,
    .keys = "1-9 pick  y/n  Enter next  PgUp/PgDn section  Ctrl-S review  Esc leave  ? help",
    .help = form_help,
};

int ui_form_result(ui *u)
{
    return u->form_result;
}

static form_st *new_state(ui *u, const ui_form_args *a)
{
    form_st *s = xcalloc(1, sizeof *s);
    s->f = a->f;
    s->ans = form_answers_new(a->f);
    s->p = *a->p;
    s->p.mrn = xstrdup(a->p->mrn);
    s->p.name = xstrdup(a->p->name);
    if (a->h) {
        s->has_hip = 1;
        s->h = *a->h;
        s->h.enrol = NULL;   /* the form screen needs the hip's identity only */
        s->h.n_enrol = 0;
    }
    s->tp = xstrdup(a->tp);
    s->visit_date = a->visit_date;
    s->adding = a->adding;
    s->sv = xcalloc((size_t)a->f->n_score + 1, sizeof *s->sv);
    s->sn = xcalloc((size_t)a->f->n_score + 1, sizeof *s->sn);
    s->ed_field = -1;
    (void)u;
    return s;
}

int ui_form_set_visit(ui *u, form_st *s, const char *tp, int date, int confirmed)
{
    entry_error e;
    int rc = entry_set_visit(u->a, &s->et, tp, date, confirmed ? ENTRY_CONFIRMED : 0, &e);
    if (rc == ENTRY_CONFIRM) {
        char *q = xasprintf("%s.\n\nRecord it as %s, out of window?", e.msg, tp);
        int yes = ui_confirm(u, "Out of window", q);
        free(q);
        rc = yes ? entry_set_visit(u->a, &s->et, tp, date, ENTRY_CONFIRMED, &e) : ENTRY_REFUSED;
        if (!yes)
            return -1;
    }
    if (rc != ENTRY_OK) {
        ui_alert(u, "Visit refused", e.msg);
        return -1;
    }
    free(s->tp);
    s->tp = xstrdup(s->et.tp);
    s->visit_date = s->et.visit_date;
    return 0;
}

/* The entry target of the form: patient, hip and the visit's rules,
 * checked before anything is typed. */
static int open_target(ui *u, form_st *s, const ui_form_args *a)
{
    entry_error e;
    if (a->adding) {   /* nothing stored yet: the enrolment rules are entry_add_*'s */
        assert(a->f->enrolment && strcmp(a->tp, TIMEPOINT_ENROLMENT) == 0);
        return 0;
    }
    if (entry_resolve_uuid(u->a, a->p->uuid, a->f, a->h ? a->h->side : 0, &s->et, &e) !=
        ENTRY_OK) {
        ui_alert(u, "Entry refused", e.msg);
        return -1;
    }
    if (a->amend) {   /* the record's own visit, as stored */
        s->et.tp = xstrdup(a->amend->timepoint);
        s->et.visit_date = a->amend->visit_date;
        s->et.out_of_window = a->amend->out_of_window;
        return 0;
    }
    return ui_form_set_visit(u, s, a->tp, a->visit_date, a->confirmed);
}

int ui_form_open(ui *u, const ui_form_args *a)
{
    u->form_result = UI_FORM_NOT_OPENED;
    char *err = NULL;
    if (store_can_write(u->a->db, &err) != 0) {
        ui_alert(u, "Entry refused", err ? err : "the database cannot be written");
        free(err);
        return -1;
    }
    form_st *s = new_state(u, a);
    if (open_target(u, s, a) < 0) {
        form_leave(u, s);
        return -1;
    }
    const char *hip = a->h ? a->h->uuid : "";
    st_record old;
    if (!a->amend && !a->adding && strcmp(a->tp, TIMEPOINT_UNSCHEDULED) != 0 &&
        store_record_current(u->a->db, a->p->uuid, hip, s->tp, a->f->id, &old) == 0) {
        /* Said before any typing: this visit is already recorded. */
        form_leave(u, s);
        int rc = ui_form_offer_existing(u, a, &old);
        st_record_free(&old);
        return rc;
    }
    if (a->amend) {
        memcpy(s->amend, a->amend->uuid, sizeof s->amend);
        s->reason = xstrdup(a->reason);
        s->visit_date = a->amend->visit_date;
        for (int i = 0; i < a->amend->n_ans; i++) {
            int fi = form_field_index(s->f, a->amend->ans[i].key);
            if (fi >= 0)
                form_answer_load(s->ans, fi, a->amend->ans[i].value);
        }
    } else if (a->adding) {
        form_answers_defaults(s->ans);
    } else {
        st_record d;
        int resumed = 0;
        int found = store_draft_find(u->a->db, a->p->uuid, hip, s->tp, a->f->id, &d) == 0;
        if (!found && a->resume) {
            ui_alert(u, s->f->title, "This draft was finished or discarded elsewhere "
                                     "meanwhile; nothing to resume.");
            form_leave(u, s);
            return -1;
        }
        if (found) {
            resumed = a->resume ? ui_form_resume(s, &d) : ui_form_ask_resume(u, s, &d);
            st_record_free(&d);
            /* The draft keeps the date it was started with. */
            if (resumed > 0 && !u->dead && s->visit_date != s->et.visit_date &&
                ui_form_set_visit(u, s, s->tp, s->visit_date, 1) < 0)
                resumed = -1;
            if (resumed < 0 || u->dead) {
                form_leave(u, s);
                return -1;
            }
        }
        if (!resumed)
            form_answers_defaults(s->ans);
    }
    compute(s);
    int first = next_ok(s, -1, 1);
    /* Resuming starts at the first visible field still unanswered. */
    for (int i = first; i >= 0; i = next_ok(s, i, 1))
        if (!s->ans->val[i]) {
            first = i;
            break;
        }
    if (first < 0) {
        ui_alert(u, s->f->title, "This form has no field to answer with these answers.");
        form_leave(u, s);
        return -1;
    }
    set_cur(s, first);
    ui_push(u, UI_FORM, s);
    return 0;
}
