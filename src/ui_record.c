/* ui_record.c — one saved record: every answer labelled as on the form and
 * every score; `A` amends it (a reason, then the form with its answers). */
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
    int top;
} rec_st;

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
    char *by = text_escape(s->r.entered_by);
    ui_putf(u, w, 0, 1, wd - 2, ui_attr(u, UC_DIM), "%s, entered by %s at %s",
            s->r.status == 'f' ? "final" : s->r.status == 'v' ? "void" : "draft", by,
            s->r.entered_at ? s->r.entered_at : "");
    free(by);
    int y = 1;
    if (s->r.amended || s->r.reason) {
        char *why = text_escape(s->r.reason);
        ui_putf(u, w, y++, 1, wd - 2, ui_attr(u, UC_WARN), "amended: %s", why);
        free(why);
    }
    /* Scores first (what the record says), then every answer; s->top
     * scrolls both. */
    int room = h - y, line = 0;
    int n_fields = 0;
    for (int i = 0; s->f && i < s->f->n_field; i++)
        n_fields += s->f->field[i].type != FT_NOTE && form_field_visible(s->ans, i);
    int n_lines = 1 + s->r.n_score + 2 + n_fields;
    if (s->top > n_lines - room)
        s->top = n_lines - room;
    if (s->top < 0)
        s->top = 0;
#define SHOWN(l) ((l) >= s->top && (l) - s->top < room)
#define ROW(l) (y + (l) - s->top)
    if (SHOWN(line))
        ui_put(u, w, ROW(line), 1, "Scores", 10, ui_attr(u, UC_HEAD));
    line++;
    for (int i = 0; i < s->r.n_score; i++, line++) {
        if (!SHOWN(line))
            continue;
        int si = s->f ? form_score_index(s->f, s->r.score_id[i]) : -1;
        char v[32];
        const char *band = NULL;
        if (si >= 0) {
            form_score_format(&s->f->score[si], s->r.score_val[i], v);
            band = form_score_band(&s->f->score[si], s->r.score_val[i]);
        } else {
            snprintf(v, sizeof v, "%g", s->r.score_val[i]);
        }
        ui_put(u, w, ROW(line), 2, si >= 0 ? s->f->score[si].label : s->r.score_id[i], lw,
               A_NORMAL);
        ui_putf(u, w, ROW(line), lw + 3, wd - lw - 4, A_BOLD, "%s%s%s", v, band ? "  " : "",
                band ? band : "");
    }
    line++;
    if (SHOWN(line))
        ui_put(u, w, ROW(line), 1, "Answers", 10, ui_attr(u, UC_HEAD));
    line++;
    for (int i = 0; s->f && i < s->f->n_field; i++) {
        const form_field *fl = &s->f->field[i];
        if (fl->type == FT_NOTE || !form_field_visible(s->ans, i))
            continue;
        if (SHOWN(line)) {
            ui_put(u, w, ROW(line), 2, fl->label, lw, A_NORMAL);
            char *v = form_answer_display(s->ans, i);
            if (v)
                ui_put_esc(u, w, ROW(line), lw + 3, v, wd - lw - 4, A_BOLD);
            else
                ui_put(u, w, ROW(line), lw + 3, ui_glyph(u, G_NULL), 1, ui_attr(u, UC_DIM));
            free(v);
        }
        line++;
    }
#undef SHOWN
#undef ROW
    if (s->top + room < n_lines)
        ui_put(u, w, h - 1, wd - 2, ui_glyph(u, G_MORE_DOWN), 1, A_BOLD);
    wnoutrefresh(w);
    werase(u->help);
    ui_put(u, u->help, 0, 1, "A amends this record (a reason is asked first)", u->cols - 2,
           ui_attr(u, UC_DIM));
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

static void rec_key(ui *u, void *stp, int k)
{
    rec_st *s = stp;
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
        s->top -= u->rows / 2;
        break;
    case UK(KEY_NPAGE):
    case ' ':
        s->top += u->rows / 2;
        break;
    case 'A':
    case 'a':
        amend(u, s);
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
    ui_draw_all(u);
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
    "  Up/Down, PgUp/PgDn   scroll",
    "  A          amend: give a reason, change answers, Ctrl-S then Enter saves a",
    "             new version; the old one stays in the history",
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
    .keys = "A amend  Up/Down scroll  ? help  q back",
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
