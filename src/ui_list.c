/* ui_list.c — the start screen: patients with incremental search, and the
 * Due view (ui_due.c) in its place on d. */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "sched_due.h"

/* The patient list is read one keyset page at a time (store_patient_page),
 * at least a screen's worth, and the next due of the patients read comes from
 * the next-due table: the first screen costs the same at 100 or 100,000
 * patients. */
#define PAGE_MIN 40

/* Where one hip stands on its schedule. */
typedef struct {
    char *mrn, *name;
    char side;
    int tp;             /* config timepoint index, -1 if nothing is next */
    enum sched_state state;
    int target, close;
    int draft;          /* an unfinished draft of this hip */
} hip_due;

typedef struct {
    hip_due *v;
    size_t n, cap;
} hip_vec;

typedef struct {
    st_patient_row *rows;   /* a contiguous run of the list, in MRN order */
    size_t n;
    int more_before, more_after;
    long total;             /* patients in the database (no search), or -1 */
    hip_vec ph;             /* the hips of rows[], by MRN then side */
    ui_due *due;            /* the Due view */
    char **dmrn;            /* MRNs with an unfinished draft, sorted */
    size_t ndmrn;
    int due_view, searching;
    ui_edit search;
    int sel, top, gen;
} list_st;

static void hips_free(hip_vec *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].mrn);
        free(h->v[i].name);
    }
    free(h->v);
    memset(h, 0, sizeof *h);
}

static int by_mrn(const void *x, const void *y)
{
    const hip_due *a = x, *b = y;
    int c = strcmp(a->mrn, b->mrn);
    return c ? c : a->side - b->side;
}

static int by_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int has_draft(const list_st *l, const char *mrn)
{
    return l->ndmrn && bsearch(&mrn, l->dmrn, l->ndmrn, sizeof *l->dmrn, by_str) != NULL;
}

/* Which patients and hips have a draft: a nurse whose connection dropped
 * finds the form again from the list. Drafts are few: all are read. */
static void load_drafts(ui *u, list_st *l)
{
    for (size_t i = 0; i < l->ndmrn; i++)
        free(l->dmrn[i]);
    free(l->dmrn);
    size_t n = 0;
    st_draft_row *d = ui_drafts_read(u, &n);
    l->dmrn = xcalloc(n + 1, sizeof *l->dmrn);
    l->ndmrn = 0;
    for (size_t i = 0; i < n; i++)
        l->dmrn[l->ndmrn++] = xstrdup(d[i].mrn);
    if (l->ndmrn)
        qsort(l->dmrn, l->ndmrn, sizeof *l->dmrn, by_str);
    store_draft_rows_free(d, n);
}

/* The first hip of mrn in h (sorted by MRN), or where it would be. */
static size_t first_of(const hip_vec *h, const char *mrn)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(h->v[mid].mrn, mrn) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One row of the next-due table: a listed patient's hip (store_each_due_of). */
typedef struct {
    const app *a;
    hip_vec *to;
} due_ctx;

static int due_row(void *ctx, const char *mrn, const char *name, char side, const st_due *d)
{
    due_ctx *c = ctx;
    const config *cfg = &c->a->cfg;
    hip_vec *to = c->to;
    if (to->n == to->cap) {
        to->cap = to->cap ? to->cap * 2 : 64;
        to->v = xrealloc(to->v, to->cap * sizeof *to->v);
    }
    hip_due *h = &to->v[to->n++];
    h->mrn = xstrdup(mrn);
    h->name = xstrdup(name);
    h->side = side;
    h->tp = -1;
    for (int i = 0; i < cfg->n_tp; i++)
        if (strcmp(cfg->tp[i].id, d->tp) == 0)
            h->tp = i;
    h->state = sched_due_state(d, c->a->today);
    h->target = d->target;
    h->close = d->close;
    h->draft = 0;
    return 0;
}

static size_t page_size(const ui *u)
{
    return u->rows > PAGE_MIN ? (size_t)u->rows : PAGE_MIN;
}

/* Read a page next to the rows held (dir > 0 after the last, dir < 0 before
 * the first), or the first (dir 0) or last (dir -2) page instead of them. */
static void load_page(ui *u, list_st *l, int dir)
{
    const app *a = u->a;
    size_t want = page_size(u), n = 0;
    const char *key = NULL;
    if (dir == 1 && l->n)
        key = l->rows[l->n - 1].p.mrn;
    else if (dir == -1 && l->n)
        key = l->rows[0].p.mrn;
    st_patient_row *pg = store_patient_page(a->db, ui_edit_text(&l->search), key,
                                            dir < 0 ? -1 : 1, a->cfg.list_form,
                                            a->cfg.list_score, want + 1, &n);
    int more = n > want;
    if (more) {
        /* The extra row only says there is more: drop it (the far end). */
        size_t drop = dir < 0 ? 0 : n - 1;
        st_patient_free(&pg[drop].p);
        if (drop == 0)
            memmove(pg, pg + 1, (n - 1) * sizeof *pg);
        n--;
    }
    if (ui_page_more(dir, more, &l->more_before, &l->more_after)) {
        store_patient_rows_free(l->rows, l->n);
        hips_free(&l->ph);
        l->rows = NULL;
        l->n = 0;
    }
    l->rows = xrealloc(l->rows, (l->n + n + 1) * sizeof *l->rows);
    if (n == 0) {
        /* Nothing there (pg may be NULL): the rows held stay as they are. */
    } else if (dir == -1) {
        memmove(l->rows + n, l->rows, l->n * sizeof *l->rows);
        memcpy(l->rows, pg, n * sizeof *pg);
        l->sel += (int)n;
        l->top += (int)n;
    } else {
        memcpy(l->rows + l->n, pg, n * sizeof *pg);
    }
    l->n += n;
    /* Each patient's next due from the next-due table (its rows not yet
     * missed, by hip and target), one indexed read per patient shown. */
    due_ctx c = {.a = a, .to = &l->ph};
    for (size_t i = 0; i < n; i++)
        store_each_due_of(a->db, pg[i].p.mrn, a->today, due_row, &c);
    if (l->ph.n)
        qsort(l->ph.v, l->ph.n, sizeof *l->ph.v, by_mrn);
    free(pg);
}

static void load_rows(ui *u, list_st *l)
{
    l->sel = l->top = 0;
    load_page(u, l, 0);
    l->total = *ui_edit_text(&l->search) ? -1 : store_patient_count(u->a->db);
}

/* After a save or a new patient: the same place in the list, read again. */
static void load(ui *u, list_st *l)
{
    /* A window read from the end (End, or paging back) has no place from the
     * start to come back to: the list starts again at the top rather than
     * pointing at another patient. */
    int sel = l->more_before ? 0 : l->sel, top = l->more_before ? 0 : l->top;
    char *err = NULL;
    if (sched_due_ready(u->a, &err) != 0) {
        ui_msg(u, UC_ERROR, "%s", err ? err : "the next-due table cannot be read");
        free(err);
    }
    load_drafts(u, l);
    load_rows(u, l);
    while (l->more_after && sel >= (int)l->n)
        load_page(u, l, 1);
    l->sel = sel;
    l->top = top;
    l->gen = u->data_gen;
}

/* The most pressing hip of a patient: due or overdue first, then upcoming. */
static const hip_due *next_of(const hip_vec *h, const char *mrn)
{
    const hip_due *best = NULL;
    for (size_t i = first_of(h, mrn); i < h->n && strcmp(h->v[i].mrn, mrn) == 0; i++) {
        const hip_due *d = &h->v[i];
        if (d->tp < 0)
            continue;
        int urgent = d->state == TP_DUE || d->state == TP_OVERDUE;
        int best_urgent = best && (best->state == TP_DUE || best->state == TP_OVERDUE);
        if (!best || urgent > best_urgent || (urgent == best_urgent && d->target < best->target))
            best = d;
    }
    return best;
}

static int count(const list_st *l)
{
    return (int)l->n;
}

static void draw_top(ui *u, list_st *l)
{
    attr_t at = ui_attr(u, UC_TITLE);
    int x0 = ui_top_begin(u);
    char today[11];
    date_format(u->a->today, today);
    char what[160];
    if (l->due_view)
        ui_due_title(u, l->due, what, sizeof what);
    else if (l->total >= 0)
        snprintf(what, sizeof what, "Patients: %ld", l->total);
    else if (l->more_before || l->more_after)
        snprintf(what, sizeof what, "Patients: %zu shown, more match", l->n);
    else
        snprintf(what, sizeof what, "Patients: %zu", l->n);
    ui_putf(u, u->top, 0, x0, u->cols - 13 - x0, at, "bedside  %s", what);
    ui_put(u, u->top, 0, u->cols - 11, today, 10, at);
    wnoutrefresh(u->top);
}

static void draw_help_line(ui *u, list_st *l)
{
    werase(u->help);
    const char *s = ui_edit_text(&l->search);
    if (l->searching || *s) {
        int x = ui_put(u, u->help, 0, 1, "Search: ", 10, A_BOLD) + 1;
        ui_edit_draw(u, &l->search, u->help, 0, x, 40, l->searching, ui_attr(u, UC_SELECT));
        if (!l->searching)
            ui_put(u, u->help, 0, x + 42, "(/ to change, Esc clears)", 30, ui_attr(u, UC_DIM));
    } else {
        ui_put(u, u->help, 0, 1, "/ search by MRN or name   d due view   a add patient", u->cols - 2,
               ui_attr(u, UC_DIM));
    }
    wnoutrefresh(u->help);
}

static void draw_patient_row(ui *u, const list_st *l, int y, const st_patient_row *r, attr_t at)
{
    int w = u->cols;
    ui_fill(u->body, y, 0, w, at);
    ui_put_esc(u, u->body, y, 1, r->p.mrn, 12, at);
    int dr = has_draft(l, r->p.mrn);
    ui_put_esc(u, u->body, y, 14, r->p.name, w - 14 - 46 - (dr ? 7 : 0), at);
    if (dr)
        ui_put(u, u->body, y, w - 52, "draft", 5, at ? at : ui_attr(u, UC_WARN));
    int x = w - 45;
    ui_putf(u, u->body, y, x, 7, at, "%3d %c", age_years(r->p.born, u->a->today), r->p.sex);
    const char *hips = strcmp(r->sides, "LR") == 0 ? "L+R" : r->sides;
    ui_put(u, u->body, y, x + 8, hips, 4, at);
    const hip_due *d = next_of(&l->ph, r->p.mrn);
    if (d) {
        char tgt[11];
        date_format(d->target, tgt);
        int over = d->state == TP_OVERDUE;
        int due = d->state == TP_DUE;
        attr_t dat = at ? at : over ? ui_attr(u, UC_BAD) : due ? ui_attr(u, UC_WARN) : A_NORMAL;
        ui_putf(u, u->body, y, x + 13, 22, dat, "%c %-4s %s%s", d->side,
                u->a->cfg.tp[d->tp].id, tgt, over ? ui_glyph(u, G_OVERDUE) : due ? "*" : "");
    }
    if (r->has_score)
        ui_putf(u, u->body, y, x + 37, 7, at, "%6.1f", r->score);
    else
        ui_putf(u, u->body, y, x + 37, 7, at, "%6s", ui_glyph(u, G_NULL));
}

static void list_draw(ui *u, void *stp)
{
    list_st *l = stp;
    if (l->gen != u->data_gen)
        load(u, l);
    draw_top(u, l);
    werase(u->body);
    if (l->due_view) {
        ui_due_draw(u, l->due, l->searching);
        wnoutrefresh(u->body);
        draw_help_line(u, l);
        return;
    }
    int h = getmaxy(u->body), w = u->cols, n = count(l);
    attr_t hd = ui_attr(u, UC_HEAD);
    ui_put(u, u->body, 0, 1, "MRN", 12, hd);
    ui_put(u, u->body, 0, 14, "Name", 20, hd);
    ui_put(u, u->body, 0, w - 45, "Age/Sx  Hips Next due", 40, hd);
    char sc[16];
    const char *lf = u->a->cfg.list_form ? u->a->cfg.list_form : "score";
    size_t i = 0;
    for (; lf[i] && i < 6; i++)
        sc[i] = (char)(lf[i] >= 'a' && lf[i] <= 'z' ? lf[i] - 32 : lf[i]);
    sc[i] = '\0';
    ui_putf(u, u->body, 0, w - 8, 7, hd, "%6s", sc);
    int rows = h - 1;
    ui_sel_show(&l->sel, &l->top, n, rows);
    for (int r = 0; r < rows && l->top + r < n; r++) {
        int it = l->top + r;
        attr_t at = it == l->sel && !l->searching ? ui_attr(u, UC_CURSOR) : 0;
        draw_patient_row(u, l, 1 + r, &l->rows[it], at);
    }
    if (!n)
        ui_put(u, u->body, 2, 2,
               *ui_edit_text(&l->search) ? "No patient matches the search."
                                         : "No patients yet: press a to add one.",
               w - 4, ui_attr(u, UC_DIM));
    wnoutrefresh(u->body);
    draw_help_line(u, l);
}

static const char *selected_mrn(list_st *l)
{
    if (l->due_view)
        return ui_due_mrn(l->due);
    int n = count(l);
    if (l->sel < 0 || l->sel >= n)
        return NULL;
    return l->rows[l->sel].p.mrn;
}

static void search_key(ui *u, list_st *l, int k)
{
    if (k == UK_ESC || k == UI_CTRL('c')) {
        ui_edit_set(&l->search, "");
        l->searching = 0;
        load_rows(u, l);
    } else if (k == '\r' || k == '\n' || k == UK(KEY_ENTER) || k == UK(KEY_DOWN) || k == '\t') {
        l->searching = 0;
    } else if (ui_edit_key(u, &l->search, k)) {
        if (l->search.changed) {
            l->search.changed = 0;
            load_rows(u, l);   /* one page per keystroke */
        }
    } else {
        return;
    }
    ui_draw_all(u);
}

static void list_key(ui *u, void *stp, int k)
{
    list_st *l = stp;
    if (l->searching) {
        search_key(u, l, k);
        return;
    }
    if (l->due_view && ui_due_key(u, l->due, k)) {
        ui_draw_all(u);
        return;
    }
    int page = u->rows - 6;
    switch (k) {
    case UK(KEY_UP):
    case 'k':
        l->sel--;
        break;
    case UK(KEY_DOWN):
    case 'j':
        l->sel++;
        break;
    case UK(KEY_PPAGE):
        l->sel -= page;
        break;
    case UK(KEY_NPAGE):
    case ' ':
        l->sel += page;
        break;
    case UK(KEY_HOME):
    case 'g':
        if (l->more_before)
            load_page(u, l, 0);
        l->sel = l->top = 0;
        break;
    case UK(KEY_END):
    case 'G':
        if (l->more_after) {
            load_page(u, l, -2);
            l->top = 0;
        }
        l->sel = count(l) - 1;
        break;
    case '/':
        l->due_view = 0;
        l->searching = 1;
        ui_edit_select(&l->search);    /* typing starts a new search */
        break;
    case 'd':
        l->due_view = !l->due_view;
        if (l->due_view)
            ui_due_home(u, l->due);
        else if (l->more_before || l->sel)
            load_page(u, l, 0);
        l->sel = l->top = 0;
        break;
    case 'c':
        ui_cohort_open(u);
        return;
    case 'r':
        ui_drafts_open(u, NULL);
        return;
    case 'a': {
        char mrn[64] = "";
        /* With an enrolment form, its screen adds the patient and opens it. */
        if (ui_add_patient(u, mrn)) {
            ui_patient_open(u, mrn);
            return;
        }
        break;
    }
    case '\r':
    case '\n':
    case 'o':
    case UK(KEY_ENTER):
    case UK(KEY_RIGHT): {
        const char *mrn = selected_mrn(l);
        if (mrn) {
            char *m = xstrdup(mrn);
            ui_patient_open(u, m);
            free(m);
        }
        return;
    }
    case '?':
    case UK(KEY_F(1)):
        ui_help(u);
        return;
    case UK_ESC:
    case UI_CTRL('c'):
        if (*ui_edit_text(&l->search)) {
            ui_edit_set(&l->search, "");
            load_rows(u, l);
            break;
        }
        return;
    case 'q':
    case UI_CTRL('x'):
        ui_pop(u);
        return;
    default:
        return;
    }
    /* Past either end of the rows held: read the next page that way. */
    while (l->sel >= (int)l->n && l->more_after)
        load_page(u, l, 1);
    while (l->sel < 0 && l->more_before)
        load_page(u, l, -1);
    if (l->sel >= count(l))
        l->sel = count(l) - 1;
    if (l->sel < 0)
        l->sel = 0;
    ui_draw_all(u);
}

static void list_resume(ui *u, void *stp)
{
    list_st *l = stp;
    if (l->gen != u->data_gen)
        load(u, l);
}

static void list_leave(ui *u, void *stp)
{
    list_st *l = stp;
    (void)u;
    store_patient_rows_free(l->rows, l->n);
    hips_free(&l->ph);
    ui_due_free(l->due);
    for (size_t i = 0; i < l->ndmrn; i++)
        free(l->dmrn[i]);
    free(l->dmrn);
    ui_edit_free(&l->search);
    free(l);
}

static const char *const list_help[] = {
    "Patient list",
    "  Up/Down, PgUp/PgDn, Home/End   move",
    "  Enter or o   open the patient",
    "  /            search by MRN or name as you type; Enter keeps it, Esc clears",
    "  d            Due view: hips whose window is open or passed, soonest first",
    "  r            drafts: every unfinished form, newest first; Enter resumes",
    "  a            add a patient",
    "  c            the cohort report: baseline, scores by visit, outcome, time",
    "               to the endpoint (as bedside report)",
    "  q            quit",
    "",
    "Next due shows the hip, the timepoint and its target date; * marks one due",
    "now, ! one overdue. The last column is the latest score set in the config.",
    "'draft' marks a patient (and in the Due view a hip) with an unfinished",
    "draft: r lists the drafts, and Enter there resumes one.",
    NULL,
};

const ui_screen_ops ui_list_ops = {
    .name = "patients",
    .side_width = 0,
    .leave = list_leave,
    .resume = list_resume,
    .draw = list_draw,
    .key = list_key,
    .keys = "/ search  d due  r drafts  a add  c cohort  Enter open  ? help  q quit",
    .help = list_help,
};

void ui_list_open(ui *u)
{
    list_st *l = xcalloc(1, sizeof *l);
    ui_edit_set(&l->search, "");
    l->search.max_chars = 64;
    l->gen = u->data_gen - 1;   /* load on first draw */
    l->due = ui_due_new(u);     /* read when it first opens */
    load(u, l);
    ui_push(u, UI_LIST, l);
}
