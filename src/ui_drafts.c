/* ui_drafts.c — the drafts screen: every unfinished draft (or one
 * patient's), newest first, with the patient, hip, form, timepoint, who
 * saved it last and when. Enter resumes one (its patient screen, then the
 * form with its answers, at its own visit date); x discards one after a
 * confirmation. A nurse whose connection dropped finds the form again here
 * without remembering where it was. */
#include "entry.h"
#include "ui_patient.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    st_draft_row *d;
    size_t n;
    char **name;            /* each draft's patient name, escaped */
    char *mrn;              /* only this patient's drafts, or NULL for all */
    int sel, top, gen;
} dr_st;

static void dr_clear(dr_st *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->name[i]);
    free(s->name);
    store_draft_rows_free(s->d, s->n);
    s->d = NULL;
    s->name = NULL;
    s->n = 0;
}

st_draft_row *ui_drafts_read(ui *u, size_t *n)
{
    st_draft_row *d;
    if (store_drafts(u->a->db, &d, n) < 0)
        ui_msg(u, UC_ERROR, "cannot list the drafts: %s", store_read_failed(u->a->db));
    return d;
}

static void dr_load(ui *u, dr_st *s)
{
    dr_clear(s);
    size_t n = 0, k = 0;
    st_draft_row *d = ui_drafts_read(u, &n);   /* oldest first */
    s->d = xcalloc(n + 1, sizeof *s->d);
    s->name = xcalloc(n + 1, sizeof *s->name);
    for (size_t i = n; i-- > 0;) {
        if (s->mrn && strcmp(d[i].mrn, s->mrn) != 0)
            continue;
        st_patient p;
        if (store_patient_get(u->a->db, d[i].mrn, &p) == 0) {
            s->name[k] = text_escape(p.name);
            st_patient_free(&p);
        } else {
            s->name[k] = xstrdup("?");
        }
        s->d[k++] = d[i];
        memset(&d[i], 0, sizeof d[i]);
    }
    store_draft_rows_free(d, n);
    s->n = k;
    if (s->sel >= (int)k)
        s->sel = (int)k - 1;
    if (s->sel < 0)
        s->sel = 0;
    s->gen = u->data_gen;
}

static const char *form_title(ui *u, const char *id)
{
    const form *f = form_set_find(&u->a->forms, id);
    return f ? f->title : id;
}

static void dr_draw(ui *u, void *stp)
{
    dr_st *s = stp;
    if (s->gen != u->data_gen)
        dr_load(u, s);
    int x0 = ui_top_begin(u);
    char *m = s->mrn ? text_escape(s->mrn) : NULL;
    ui_putf(u, u->top, 0, x0, u->cols - x0 - 1, ui_attr(u, UC_TITLE), "Drafts%s%s: %zu, newest first",
            m ? " of " : "", m ? m : "", s->n);
    free(m);
    wnoutrefresh(u->top);
    WINDOW *w = u->body;
    int h = getmaxy(w), wd = getmaxx(w);
    werase(w);
    ui_putf(u, w, 0, 1, wd - 2, ui_attr(u, UC_HEAD), "%-10s %-13s %-4s %-14s %-10s %-8s %s", "MRN",
            "Name", "Hip", "Form", "Timepoint", "By", "Saved");
    if (!s->n)
        ui_put(u, w, 2, 2, "No open drafts.", wd - 3, ui_attr(u, UC_DIM));
    int room = h - 1;
    if (s->sel < s->top)
        s->top = s->sel;
    if (s->sel >= s->top + room)
        s->top = s->sel - room + 1;
    for (int r = 0; r < room && s->top + r < (int)s->n; r++) {
        int i = s->top + r;
        const st_draft_row *d = &s->d[i];
        attr_t at = i == s->sel ? ui_attr(u, UC_CURSOR) : A_NORMAL;
        char *mrn = text_escape(d->mrn), *by = text_escape(d->saved_by);
        char *when = time_local(d->saved_at);
        ui_fill(w, r + 1, 0, wd, at);
        int y = r + 1;
        ui_put(u, w, y, 1, mrn, 10, at);
        ui_put(u, w, y, 12, s->name[i], 13, at);
        ui_put(u, w, y, 26, d->side == 'L' ? "L" : d->side == 'R' ? "R" : "-", 4, at);
        ui_put(u, w, y, 31, form_title(u, d->form), 14, at);
        ui_put(u, w, y, 46, d->timepoint, 10, at);
        ui_put(u, w, y, 57, by, 8, at);
        ui_put(u, w, y, 66, when, wd - 67, at);
        free(mrn);
        free(by);
        free(when);
    }
    wnoutrefresh(w);
    werase(u->help);
    if (s->n) {
        const st_draft_row *d = &s->d[s->sel];
        ui_putf(u, u->help, 0, 1, u->cols - 2, ui_attr(u, UC_DIM), "%d answer%s saved; Enter "
                "resumes, x discards", d->n_answers, d->n_answers == 1 ? "" : "s");
    }
    wnoutrefresh(u->help);
}

/* Enter: the draft's patient screen, then its form, resumed. */
static void resume(ui *u, dr_st *s)
{
    const st_draft_row *d = &s->d[s->sel];
    const form *f = form_set_find(&u->a->forms, d->form);
    if (!f) {
        ui_msg(u, UC_ERROR, "the form '%s' of this draft is not loaded", d->form);
        return;
    }
    char *mrn = xstrdup(d->mrn), *tp = xstrdup(d->timepoint);
    char side = d->side;
    int date = d->visit_date, from_patient = s->mrn != NULL;
    /* From the patient screen, back onto it (s is gone then); from the
     * list, open the patient. */
    if (from_patient)
        ui_pop(u);
    if ((!from_patient || ui_top(u) != UI_PATIENT) && ui_patient_open(u, mrn) < 0)
        goto out;
    pat_st *p = ui_state(u, UI_PATIENT);
    ui_patient_reload(u, p);    /* what the drafts screen saw may have changed */
    const st_hip *h = NULL;
    for (size_t i = 0; i < p->nh; i++)
        if (p->hips[i].side == side)
            h = &p->hips[i];
    if (side && !h) {
        ui_msg(u, UC_ERROR, "the hip of this draft is gone");
        goto out;
    }
    ui_form_args a = {.f = f, .p = &p->p, .h = h, .tp = tp, .visit_date = date, .resume = 1};
    if (ui_form_open(u, &a) < 0)
        ui_draw_all(u);
out:
    free(mrn);
    free(tp);
}

static void discard(ui *u, dr_st *s)
{
    const st_draft_row *d = &s->d[s->sel];
    char *mrn = text_escape(d->mrn);
    char *q = xasprintf("%s for %s %s, %s, %s.\nThrow away the %d answer%s of this draft for "
                        "good?", form_title(u, d->form), mrn, s->name[s->sel],
                        d->side == 'L' ? "left hip" : d->side == 'R' ? "right hip"
                                                                     : "the patient",
                        d->timepoint, d->n_answers, d->n_answers == 1 ? "" : "s");
    free(mrn);
    int yes = ui_confirm(u, "Discard the draft", q);
    free(q);
    if (!yes) {
        if (!u->dead)
            ui_msg(u, UC_WARN, "Nothing discarded.");
        return;
    }
    entry_error e;
    if (entry_draft_discard(u->a, d->uuid, &e) != ENTRY_OK) {
        ui_alert(u, "Not discarded", e.msg);
        u->data_gen++;      /* gone meanwhile: show what is left */
        return;
    }
    u->data_gen++;
    ui_msg(u, UC_OK, "Draft discarded.");
}

static void dr_key(ui *u, void *stp, int k)
{
    dr_st *s = stp;
    /* The view's keys move the selection (clamped below); the rest act. */
    if (!ui_doc_scroll(u, k, &s->sel, (int)s->n)) {
        switch (k) {
        case '\r':
        case '\n':
        case UK(KEY_ENTER):
        case 'o':
            if (s->n)
                resume(u, s);
            return;
        case 'x':
        case UK(KEY_DC):
            if (s->n)
                discard(u, s);
            break;
        default:
            ui_help_or_back(u, k);
            return;
        }
    }
    if (s->sel >= (int)s->n)
        s->sel = (int)s->n - 1;
    if (s->sel < 0)
        s->sel = 0;
    if (!u->dead && ui_top(u) == UI_DRAFTS)
        ui_draw_all(u);
}

static void dr_leave(ui *u, void *stp)
{
    dr_st *s = stp;
    (void)u;
    dr_clear(s);
    free(s->mrn);
    free(s);
}

static const char *const dr_help[] = {
    "Drafts",
    "  Every unfinished form, newest first: the patient, the hip, the form,",
    "  the timepoint, who saved it last and when (local time).",
    "  Up/Down, PgUp/PgDn, Home/End   move (also j/k, b/space, g/G)",
    "  Enter, o   resume it: the patient screen, then the form with its",
    "             answers, at the visit date it was started with",
    "  x, Delete  discard it (asks first; the discard is in the history)",
    "  q, Esc     back",
    NULL,
};

const ui_screen_ops ui_drafts_ops = {
    .name = "drafts",
    .side_width = 0,
    .leave = dr_leave,
    .draw = dr_draw,
    .key = dr_key,
    .keys = "Enter resume  x discard  Up/Down move  ? help  q back",
    .help = dr_help,
};

void ui_drafts_open(ui *u, const char *mrn)
{
    dr_st *s = xcalloc(1, sizeof *s);
    s->mrn = mrn ? xstrdup(mrn) : NULL;
    s->gen = u->data_gen - 1;
    ui_push(u, UI_DRAFTS, s);
}
