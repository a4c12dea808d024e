/* ui_due.c — the start screen's Due view (key d): the hips due or overdue
 * today, soonest first, read from the next-due table one page at a time
 * (store_due_page, a keyset on its target index), so opening it and moving
 * through it cost what is shown, not what is due. */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "sched_due.h"

/* At least this many rows are read at a time (more on a taller terminal). */
#define PAGE_MIN 40

struct ui_due {
    st_due_row *rows;       /* a contiguous run of the view, in index order */
    unsigned char *draft;   /* per row: the hip has an unfinished draft */
    size_t n;
    int more_before, more_after;
    int sel, top;
    int gen;                /* data generation the rows were read at */
    int lo, hi;             /* the target range (sched_due_range) */
    st_draft_row *drafts;   /* every open draft (few), to mark rows */
    size_t ndrafts;
};

ui_due *ui_due_new(const ui *u)
{
    ui_due *d = xcalloc(1, sizeof *d);
    d->gen = u->data_gen - 1;   /* read on first draw */
    return d;
}

static void rows_clear(ui_due *d)
{
    store_due_rows_free(d->rows, d->n);
    free(d->draft);
    d->rows = NULL;
    d->draft = NULL;
    d->n = 0;
}

void ui_due_free(ui_due *d)
{
    if (!d)
        return;
    rows_clear(d);
    store_draft_rows_free(d->drafts, d->ndrafts);
    free(d);
}

static void row_free(st_due_row *r)
{
    free(r->mrn);
    free(r->name);
    free(r->d.tp);
    free(r->d.missing);
}

static int has_draft(const ui_due *d, const st_due_row *r)
{
    for (size_t i = 0; i < d->ndrafts; i++)
        if (d->drafts[i].side == r->side && strcmp(d->drafts[i].mrn, r->mrn) == 0)
            return 1;
    return 0;
}

/* Read a page next to the rows held (dir 1 after the last, -1 before the
 * first), or the first (0) or last (-2) page instead of them. */
static void load_page(ui *u, ui_due *d, int dir)
{
    const app *a = u->a;
    size_t want = u->rows > PAGE_MIN ? (size_t)u->rows : PAGE_MIN, n = 0;
    const st_due *key = NULL;
    if (dir == 1 && d->n)
        key = &d->rows[d->n - 1].d;
    else if (dir == -1 && d->n)
        key = &d->rows[0].d;
    st_due_row *pg = store_due_page(a->db, d->lo, d->hi, a->today, a->today, key,
                                    dir < 0 ? -1 : 1, want + 1, &n);
    int more = n > want;
    if (more) {
        /* The extra row only says there is more: drop it (the far end). */
        if (dir < 0) {
            st_due_row extra = pg[0];
            memmove(pg, pg + 1, (n - 1) * sizeof *pg);
            pg[n - 1] = extra;
        }
        n--;
        row_free(&pg[n]);
    }
    if (ui_page_more(dir, more, &d->more_before, &d->more_after))
        rows_clear(d);
    d->rows = xrealloc(d->rows, (d->n + n + 1) * sizeof *d->rows);
    d->draft = xrealloc(d->draft, d->n + n + 1);
    size_t at = dir == -1 ? 0 : d->n;
    if (n && dir == -1) {
        memmove(d->rows + n, d->rows, d->n * sizeof *d->rows);
        memmove(d->draft + n, d->draft, d->n);
        d->sel += (int)n;
        d->top += (int)n;
    }
    for (size_t i = 0; i < n; i++) {
        d->rows[at + i] = pg[i];
        d->draft[at + i] = (unsigned char)has_draft(d, &pg[i]);
    }
    d->n += n;
    free(pg);
}

/* After a change of the data (or on opening): read again from the start,
 * at the same place when the rows held were read from the start. */
static void load(ui *u, ui_due *d)
{
    int from_start = !d->more_before;
    int sel = from_start ? d->sel : 0, top = from_start ? d->top : 0;
    char *err = NULL;
    if (sched_due_ready(u->a, &err) != 0) {
        ui_msg(u, UC_ERROR, "%s", err ? err : "the next-due table cannot be read");
        free(err);
    }
    store_draft_rows_free(d->drafts, d->ndrafts);
    d->drafts = ui_drafts_read(u, &d->ndrafts);
    sched_due_range(&u->a->cfg, u->a->today, 0, &d->lo, &d->hi);
    d->sel = d->top = 0;
    load_page(u, d, 0);
    while (d->more_after && sel >= (int)d->n)
        load_page(u, d, 1);
    d->sel = sel;
    d->top = top;
    d->gen = u->data_gen;
}

void ui_due_home(ui *u, ui_due *d)
{
    if (d->more_before && d->gen == u->data_gen)
        load_page(u, d, 0);
    d->sel = d->top = 0;
}

void ui_due_title(ui *u, ui_due *d, char *buf, size_t size)
{
    if (d->gen != u->data_gen)
        load(u, d);
    if (d->more_before || d->more_after)
        snprintf(buf, size, "Due now or overdue: %zu shown, more %s", d->n,
                 d->more_before && d->more_after ? "above and below"
                 : d->more_before                ? "above"
                                                 : "below");
    else
        snprintf(buf, size, "Due now or overdue: %zu hip%s", d->n, d->n == 1 ? "" : "s");
}

/* Columns, from the right edge: the state, the day the window closes, the
 * target day, the timepoint, the side; the name takes the rest. */
static void draw_row(ui *u, int y, const st_due_row *r, int draft, attr_t at)
{
    char tgt[11], cl[11];
    date_format(r->d.target, tgt);
    date_format(r->d.close, cl);
    int w = u->cols;
    ui_fill(u->body, y, 0, w, at);
    ui_put_esc(u, u->body, y, 1, r->mrn, 12, at);
    ui_put_esc(u, u->body, y, 14, r->name, w - 14 - 47 - (draft ? 7 : 0), at);
    if (draft)
        ui_put(u, u->body, y, w - 53, "draft", 5, at ? at : ui_attr(u, UC_WARN));
    char *tp = text_escape(r->d.tp);
    ui_putf(u, u->body, y, w - 45, 35, at, "%c  %-6s %s  %s", r->side, tp, tgt, cl);
    free(tp);
    enum sched_state st = sched_due_state(&r->d, u->a->today);
    int over = st == TP_OVERDUE;
    attr_t sa = at ? at : ui_attr(u, over ? UC_BAD : UC_WARN);
    ui_putf(u, u->body, y, w - 9, 9, sa, "%s%s", sched_state_name(st),
            over ? ui_glyph(u, G_OVERDUE) : "");
}

void ui_due_draw(ui *u, ui_due *d, int dim)
{
    if (d->gen != u->data_gen)
        load(u, d);
    int h = getmaxy(u->body), w = u->cols, n = (int)d->n;
    attr_t hd = ui_attr(u, UC_HEAD);
    ui_put(u, u->body, 0, 1, "MRN", 12, hd);
    ui_put(u, u->body, 0, 14, "Name", 20, hd);
    ui_put(u, u->body, 0, w - 45, "Hip Next   Target      Closes", 35, hd);
    ui_put(u, u->body, 0, w - 9, "State", 8, hd);
    int rows = h - 1;
    ui_sel_show(&d->sel, &d->top, n, rows);
    for (int i = 0; i < rows && d->top + i < n; i++) {
        int it = d->top + i;
        attr_t at = it == d->sel && !dim ? ui_attr(u, UC_CURSOR) : 0;
        draw_row(u, 1 + i, &d->rows[it], d->draft[it], at);
    }
    if (!n)
        ui_put(u, u->body, 2, 2, "No hip is due or overdue today.", w - 4, ui_attr(u, UC_DIM));
}

int ui_due_key(ui *u, ui_due *d, int k)
{
    /* Home and End first read the first or last page when not held. */
    int home = k == UK(KEY_HOME) || k == 'g', end = k == UK(KEY_END) || k == 'G';
    if (home && d->more_before)
        load_page(u, d, 0);
    if (end && d->more_after) {
        load_page(u, d, -2);
        d->top = 0;
    }
    if (!ui_doc_scroll(u, k, &d->sel, (int)d->n - 1))
        return 0;
    if (home)
        d->top = 0;
    /* Past either end of the rows held: read the next page that way. */
    while (d->sel >= (int)d->n && d->more_after)
        load_page(u, d, 1);
    while (d->sel < 0 && d->more_before)
        load_page(u, d, -1);
    if (d->sel >= (int)d->n)
        d->sel = (int)d->n - 1;
    if (d->sel < 0)
        d->sel = 0;
    return 1;
}

const char *ui_due_mrn(const ui_due *d)
{
    return d->sel >= 0 && (size_t)d->sel < d->n ? d->rows[d->sel].mrn : NULL;
}
