/* ui_patient.c — one patient: the trend view (report_trend, scrolling) and
 * the actions on it: a new visit (the schedule's forms queued one after
 * another), add a hip, open a record, print. */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sched.h"

typedef struct {
    st_patient p;
    st_hip *hips;
    size_t nh;
    report_doc doc;
    int doc_width, gen, top;
    /* The visit being entered: its forms, one after another. */
    int q_hip;              /* index into hips */
    char *q_tp;
    int q_date;
    const form **q_form;
    int q_n, q_next;
} pat_st;

static void reload(ui *u, pat_st *s)
{
    store_hips_free(s->hips, s->nh);
    s->hips = store_hips_of(u->a->db, s->p.uuid, &s->nh);
    report_doc_free(&s->doc);
    memset(&s->doc, 0, sizeof s->doc);
    report_opts o = {.width = u->cols, .ascii = u->a->ascii, .today = u->a->today};
    char *err = NULL;
    if (report_trend(u->a, s->p.mrn, &o, &s->doc, &err) != 0) {
        ui_msg(u, UC_ERROR, "cannot show the trend view: %s", err ? err : "unknown patient");
        free(err);
    }
    s->doc_width = u->cols;
    s->gen = u->data_gen;
}

static attr_t span_attr(ui *u, int ra)
{
    attr_t at = A_NORMAL;
    if (ra & RA_BOLD)
        at |= A_BOLD;
    if (ra & RA_DIM)
        at |= ui_attr(u, UC_DIM);
    if (ra & RA_REVERSE)
        at |= A_REVERSE;
    if (ra & RA_GOOD)
        at |= ui_attr(u, UC_GOOD);
    if (ra & RA_BAD)
        at |= ui_attr(u, UC_BAD);
    if (ra & RA_WARN)
        at |= ui_attr(u, UC_WARN);
    if (ra & RA_ALERT)
        at |= ui_attr(u, UC_ALERT);
    return at;
}

/* One line of the document, cut at every span boundary. The report already
 * escaped untrusted text; ui_put still refuses control characters. */
static void draw_line(ui *u, WINDOW *w, int y, const report_line *l)
{
    int len = (int)strlen(l->text), x = 0, wd = getmaxx(w);
    int pos = 0;
    while (pos < len && x < wd) {
        int end = len, ra = 0;
        for (int i = 0; i < l->n_span; i++) {
            int a = l->span[i].start, b = a + l->span[i].len;
            if (a <= pos && pos < b) {
                ra |= l->span[i].attr;
                if (b < end)
                    end = b;
            } else if (a > pos && a < end) {
                end = a;
            }
        }
        char *seg = xstrndup(l->text + pos, (size_t)(end - pos));
        x += ui_put(u, w, y, x, seg, wd - x, span_attr(u, ra));
        free(seg);
        pos = end;
    }
}

static void pat_draw(ui *u, void *stp)
{
    pat_st *s = stp;
    if (s->gen != u->data_gen || s->doc_width != u->cols)
        reload(u, s);
    attr_t at = ui_attr(u, UC_TITLE);
    werase(u->top);
    ui_fill(u->top, 0, 0, u->cols, at);
    char *mrn = text_escape(s->p.mrn), *name = text_escape(s->p.name);
    char born[11];
    date_format(s->p.born, born);
    ui_putf(u, u->top, 0, 1, u->cols - 2, at, "%s  %s  %d %c  born %s  %zu hip%s", mrn, name,
            age_years(s->p.born, u->a->today), s->p.sex, born, s->nh, s->nh == 1 ? "" : "s");
    free(mrn);
    free(name);
    wnoutrefresh(u->top);
    WINDOW *w = u->body;
    int h = getmaxy(w);
    werase(w);
    if (s->top > s->doc.n - h)
        s->top = s->doc.n - h;
    if (s->top < 0)
        s->top = 0;
    for (int i = 0; i < h && s->top + i < s->doc.n; i++)
        draw_line(u, w, i, &s->doc.line[s->top + i]);
    if (s->top > 0)
        ui_put(u, w, 0, u->cols - 2, ui_glyph(u, G_MORE_UP), 1, A_BOLD);
    if (s->top + h < s->doc.n)
        ui_put(u, w, h - 1, u->cols - 2, ui_glyph(u, G_MORE_DOWN), 1, A_BOLD);
    wnoutrefresh(w);
    werase(u->help);
    ui_putf(u, u->help, 0, 1, u->cols - 2, ui_attr(u, UC_DIM),
            "lines %d-%d of %d   Up/Down/PgUp/PgDn scroll", s->doc.n ? s->top + 1 : 0,
            s->top + h < s->doc.n ? s->top + h : s->doc.n, s->doc.n);
    wnoutrefresh(u->help);
}

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
    store_each_hip(a->db, p->mrn, a->end_form ? a->end_form->id : NULL, a->end_field, sched_cb,
                   &c);
    return c.found ? 0 : -1;
}

static int default_tp(ui *u, const st_patient *p, const st_hip *h)
{
    const config *c = &u->a->cfg;
    sched_item *it = xcalloc((size_t)c->n_tp + 1, sizeof *it);
    int tp = -1;
    if (hip_sched(u, p, h, it) == 0) {
        const sched_item *nx = sched_next(it, c->n_tp);
        if (nx && (nx->state == TP_DUE || nx->state == TP_OVERDUE))
            tp = nx->tp;
        else
            tp = sched_timepoint_for(c, h->index_date, u->a->today);
    }
    free(it);
    return tp;
}

char *ui_default_timepoint(ui *u, const st_patient *p, const st_hip *h)
{
    int tp = h ? default_tp(u, p, h) : -1;
    return xstrdup(tp >= 0 ? u->a->cfg.tp[tp].id : TIMEPOINT_UNSCHEDULED);
}

static void queue_clear(pat_st *s)
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
                          .h = f->scope == SCOPE_HIP ? &s->hips[s->q_hip] : NULL};
        if (ui_form_open(u, &a) == 0)
            return;
    }
    queue_clear(s);
}

static void pat_resume(ui *u, void *stp)
{
    pat_st *s = stp;
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
    queue_clear(s);
}

static int pick_hip(ui *u, pat_st *s)
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

/* Timepoint with its state; the default is the one due now. */
static int pick_tp(ui *u, pat_st *s, const st_hip *h, char **tp)
{
    const config *c = &u->a->cfg;
    sched_item *it = xcalloc((size_t)c->n_tp + 1, sizeof *it);
    int have = hip_sched(u, &s->p, h, it) == 0;
    int def = default_tp(u, &s->p, h);
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

static int ask_date(ui *u, const st_hip *h, int *day)
{
    char d[11];
    date_format(u->a->today, d);
    char *v = xstrdup(d);
    for (;;) {
        if (!ui_input(u, "Visit date", "Date (YYYY-MM-DD):", &v)) {
            free(v);
            return -1;
        }
        if (date_parse(v, day) < 0)
            ui_alert(u, "Visit date", "Type the date as YYYY-MM-DD.");
        else if (*day > u->a->today)
            ui_alert(u, "Visit date", "The visit date is in the future.");
        else if (h && *day < h->index_date)
            ui_alert(u, "Visit date", "The visit date is before the hip's index date.");
        else
            break;
        if (u->dead)
            break;
    }
    free(v);
    return u->dead ? -1 : 0;
}

static void new_visit(ui *u, pat_st *s)
{
    if (!s->nh) {
        ui_msg(u, UC_ERROR, "This patient has no hip yet: h adds one.");
        return;
    }
    int hi = pick_hip(u, s);
    if (hi < 0)
        return;
    const st_hip *h = &s->hips[hi];
    char *tp = NULL;
    int day;
    if (pick_tp(u, s, h, &tp) < 0)
        return;
    if (ask_date(u, h, &day) < 0) {
        free(tp);
        return;
    }
    const config *c = &u->a->cfg;
    int ti = config_timepoint(c, tp);
    queue_clear(s);
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
        queue_clear(s);
        return;
    }
    s->q_tp = tp;
    s->q_hip = hi;
    s->q_date = day;
    s->q_next = 0;
    queue_next(u, s);
}

static void open_record(ui *u, pat_st *s)
{
    size_t n = 0;
    st_record *r = store_records_of(u->a->db, s->p.uuid, 0, &n);
    if (!n) {
        ui_msg(u, UC_WARN, "No saved record yet: n starts a visit.");
        store_records_free(r, n);
        return;
    }
    char **lines = xcalloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        char d[11];
        date_format(r[i].visit_date, d);
        const form *f = form_set_find(&u->a->forms, r[i].form);
        char *by = text_escape(r[i].entered_by);
        lines[i] = xasprintf("%c  %-11s %s  %-24.24s %s%s", r[i].side ? r[i].side : '-',
                             r[i].timepoint, d, f ? f->title : r[i].form, by,
                             r[i].amended ? "  (amended)" : "");
        free(by);
    }
    int k = ui_pick(u, "Open a record", (const char *const *)lines, (int)n, 0);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    if (k >= 0) {
        char uuid[37];
        memcpy(uuid, r[k].uuid, sizeof uuid);
        store_records_free(r, n);
        ui_record_open(u, uuid);
        return;
    }
    store_records_free(r, n);
}

static void print_summary(ui *u, pat_st *s)
{
    char *mrn = text_escape(s->p.mrn);
    char *q = xasprintf("Print the summary of %s (trend view and every record)?\n\n"
                        "(p)rint on the configured printer   (f)ile   (c)ancel",
                        mrn);
    free(mrn);
    int k = ui_ask(u, "Print", q, "pfc");
    free(q);
    report_print_opts o = {.width = 80, .page_length = 66, .ascii = u->a->ascii,
                           .today = u->a->today};
    char *err = NULL;
    if (k == 'p') {
        /* The print command may write to the terminal: give it back meanwhile. */
        def_prog_mode();
        endwin();
        int rc = report_print_lpr(u->a, s->p.mrn, &o, NULL, &err);
        reset_prog_mode();
        clearok(curscr, TRUE);
        if (rc == 0)
            ui_msg(u, UC_OK, "Sent to the printer.");
        else
            ui_msg(u, UC_ERROR, "Not printed: %s", err ? err : "the print command failed");
    } else if (k == 'f') {
        char d[11];
        date_format(u->a->today, d);
        char *path = xasprintf("bedside-%s-%s.txt", s->p.mrn, d);
        if (ui_input(u, "Save the summary", "File:", &path) && *path) {
            if (report_print_file(u->a, s->p.mrn, &o, path, &err) == 0)
                ui_msg(u, UC_OK, "Saved to %s", path);
            else
                ui_msg(u, UC_ERROR, "Not saved: %s", err ? err : "cannot write the file");
        }
        free(path);
    }
    free(err);
    ui_draw_all(u);
}

static void pat_key(ui *u, void *stp, int k)
{
    pat_st *s = stp;
    int h = u->rows - 4;
    switch (k) {
    case UK(KEY_UP):
    case 'k':
        s->top--;
        break;
    case UK(KEY_DOWN):
    case 'j':
        s->top++;
        break;
    case UK(KEY_PPAGE):
        s->top -= h - 1;
        break;
    case UK(KEY_NPAGE):
    case ' ':
        s->top += h - 1;
        break;
    case UK(KEY_HOME):
    case 'g':
        s->top = 0;
        break;
    case UK(KEY_END):
    case 'G':
        s->top = s->doc.n;
        break;
    case 'n':
        new_visit(u, s);
        break;
    case 'h':
        if (s->nh >= 2)
            ui_msg(u, UC_ERROR, "Both hips are already recorded.");
        else if (ui_add_hip(u, &s->p))
            ui_msg(u, UC_OK, "Hip added.");
        break;
    case 'o':
    case '\r':
    case '\n':
    case UK(KEY_ENTER):
        open_record(u, s);
        return;
    case 'p':
        print_summary(u, s);
        return;
    case '?':
    case UK(KEY_F(1)):
        ui_help(u);
        return;
    case 'q':
    case UK_ESC:
    case UI_CTRL('c'):
    case UI_CTRL('x'):
    case UK(KEY_LEFT):
        ui_pop(u);
        return;
    default:
        return;
    }
    if (!u->dead && ui_top(u) == UI_PATIENT)
        ui_draw_all(u);
}

static void pat_leave(ui *u, void *stp)
{
    pat_st *s = stp;
    (void)u;
    st_patient_free(&s->p);
    store_hips_free(s->hips, s->nh);
    report_doc_free(&s->doc);
    queue_clear(s);
    free(s);
}

static const char *const pat_help[] = {
    "Patient",
    "  Up/Down, PgUp/PgDn, Home/End   scroll the trend view",
    "  n          new visit: pick the hip (if two), the timepoint (the one due",
    "             now is preselected) and the date; the schedule's forms for",
    "             that timepoint then open one after another",
    "  h          add a hip",
    "  o, Enter   open a saved record (A there amends it)",
    "  p          print the summary, or save it to a file (asks first)",
    "  q, Esc     back to the list",
    NULL,
};

const ui_screen_ops ui_patient_ops = {
    .name = "patient",
    .side_width = 0,
    .leave = pat_leave,
    .resume = pat_resume,
    .draw = pat_draw,
    .key = pat_key,
    .keys = "n new visit  h add hip  o open record  p print  Up/Down scroll  ? help  q back",
    .help = pat_help,
};

int ui_patient_open(ui *u, const char *mrn)
{
    pat_st *s = xcalloc(1, sizeof *s);
    if (store_patient_get(u->a->db, mrn, &s->p) != 0) {
        char *m = text_escape(mrn);
        ui_msg(u, UC_ERROR, "no patient with MRN '%s'", m);
        free(m);
        free(s);
        ui_draw_all(u);
        return -1;
    }
    s->gen = u->data_gen - 1;
    ui_push(u, UI_PATIENT, s);
    return 0;
}

int ui_patient_enter(ui *u, const ui_start *st)
{
    if (ui_patient_open(u, st->mrn) < 0)
        return -1;
    pat_st *s = ui_state(u, UI_PATIENT);
    if (s->gen != u->data_gen)
        reload(u, s);
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
            hi = pick_hip(u, s);
        if (hi < 0) {
            ui_msg(u, UC_ERROR, "no such hip for this patient");
            ui_draw_all(u);
            return -1;
        }
    }
    const st_hip *h = hi >= 0 ? &s->hips[hi] : NULL;
    char *tp = st->timepoint ? xstrdup(st->timepoint)
                             : ui_default_timepoint(u, &s->p, h ? h : s->nh ? &s->hips[0] : NULL);
    ui_form_args a = {.f = f, .p = &s->p, .h = h, .tp = tp, .visit_date = u->a->today};
    int rc = ui_form_open(u, &a);
    free(tp);
    if (rc < 0)
        ui_draw_all(u);
    return rc;
}
