/* ui_form_draw.c — drawing the form screen: the current section's fields
 * (the current one with its options), the live score panel, the field's
 * help, and the review page. */
#include "ui_form.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int field, opt;         /* opt -1: the field's own line */
    int skip, len;          /* the part of the label on this row (wrapping) */
} frow;

/* Bytes of s that fit in avail columns, cut after a whole word when it
 * does not all fit. */
static size_t fit_words(ui *u, const char *s, int avail)
{
    if (ui_width(u, s) <= avail)
        return strlen(s);
    size_t best = 0, i = 0;
    while (s[i]) {
        size_t j = i + 1;
        while (s[j] && ((unsigned char)s[j] & 0xc0) == 0x80)
            j++;
        char *head = xstrndup(s, j);
        int w = ui_width(u, head);
        free(head);
        if (w > avail)
            break;
        if (s[j] == ' ' || s[j] == '\0')
            best = j;
        i = j;
    }
    return best ? best : i;
}

/* Rows of text starting at label, at most lines of them. */
static int wrap_rows(ui *u, const char *label, int avail, int lines, int field, int opt,
                     frow *rows, int n, int max)
{
    size_t skip = 0;
    for (int line = 0; line < lines && n < max && (line == 0 || label[skip]); line++) {
        size_t take = fit_words(u, label + skip, avail);
        rows[n++] = (frow){field, opt, (int)skip, (int)take};
        skip += take;
        while (label[skip] == ' ')
            skip++;
    }
    return n;
}

/* The current field's label (the question, read out whole: up to eight
 * rows) and its options (up to three) wrap, and so does a note, which is
 * there to be read (up to six); the other fields keep one row each so that
 * the whole section stays in view. */
static int collect_rows(ui *u, const form_st *s, frow *rows, int max, int lw, int optw,
                        int notew)
{
    int n = 0, sec = s->f->field[s->cur].section;
    const form_section *sc = &s->f->sec[sec];
    for (int i = sc->first; i < sc->first + sc->count && n < max; i++) {
        if (!form_field_visible(s->ans, i))
            continue;
        const form_field *fl = &s->f->field[i];
        if (fl->type == FT_NOTE) {
            n = wrap_rows(u, fl->label, notew, 6, i, -1, rows, n, max);
            continue;
        }
        if (i != s->cur) {
            rows[n++] = (frow){i, -1, 0, (int)strlen(fl->label)};
            continue;
        }
        n = wrap_rows(u, fl->label, lw, 8, i, -1, rows, n, max);
        if (fl->type == FT_CHOICE || fl->type == FT_MULTI)
            for (int o = 0; o < fl->n_opt && n < max; o++)
                n = wrap_rows(u, fl->opt[o].label, optw, 3, i, o, rows, n, max);
    }
    return n;
}

static int selected(const form_st *s, int field, const char *code)
{
    const char *v = s->ans->val[field];
    if (!v)
        return 0;
    size_t n = strlen(code);
    for (const char *p = v; (p = strstr(p, code)) != NULL; p += n)
        if ((p == v || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

static void draw_top(ui *u, form_st *s)
{
    attr_t at = ui_attr(u, UC_TITLE);
    int x0 = ui_top_begin(u);
    char d[11];
    date_format(s->visit_date, d);
    char *name = text_escape(s->p.name), *mrn = text_escape(s->p.mrn);
    char hip[16] = "patient";
    if (s->has_hip)
        snprintf(hip, sizeof hip, "%s hip", s->h.side == 'L' ? "Left" : "Right");
    /* Who, which hip, which visit and when always show whole; a long form
     * title gives way first (cut, with a mark), then the name. */
    char *left = xasprintf("%s%s v%d", s->amend[0] ? "AMEND " : "", s->f->title, s->f->version);
    char *right = xasprintf("  %s %s  %s  %s  %s", mrn, name, hip, s->tp, d);
    int avail = u->cols - x0 - 1, lw = ui_width(u, left), rw = ui_width(u, right);
    if (lw + rw <= avail) {
        ui_put(u, u->top, 0, x0, left, lw, at);
    } else {
        const char *more = u->a->ascii ? ">" : "\u2026";
        int keep = avail - rw - 1 < 8 ? 8 : avail - rw - 1;
        lw = ui_put(u, u->top, 0, x0, left, keep, at);
        lw += ui_put(u, u->top, 0, x0 + lw, more, 1, at);
    }
    if (avail - lw > 0)
        ui_put(u, u->top, 0, x0 + lw, right, avail - lw, at);
    free(left);
    free(right);
    free(name);
    free(mrn);
    wnoutrefresh(u->top);
}

static void draw_scores(ui *u, form_st *s)
{
    WINDOW *w = u->side;
    int h = getmaxy(w), wd = getmaxx(w);
    werase(w);
    for (int y = 0; y < h; y++)
        ui_put(u, w, y, 0, u->a->ascii ? "|" : "\u2502", 1, ui_attr(u, UC_DIM));
    ui_put(u, w, 0, 2, "Scores", wd - 3, ui_attr(u, UC_HEAD));
    int y = 1;
    for (int i = 0; i < s->f->n_score && y < h - 3; i++, y++) {
        const form_score *sc = &s->f->score[i];
        ui_put(u, w, y, 2, sc->label, wd - 9, A_NORMAL);
        char v[32];
        const char *band = NULL;
        if (s->sn[i]) {
            snprintf(v, sizeof v, "%s", ui_glyph(u, G_NULL));
        } else {
            form_score_format(sc, s->sv[i], v);
            band = form_score_band(sc, s->sv[i]);
        }
        int vw = ui_width(u, v);
        ui_put(u, w, y, wd - 1 - vw, v, vw, A_BOLD);
        if (band && y + 1 < h - 3)
            ui_put(u, w, ++y, 4, band, wd - 5, ui_attr(u, UC_DIM));
    }
    int n = 0, total = 0;
    for (int i = 0; i < s->f->n_field; i++)
        if (ui_form_field_ok(s, i)) {
            total++;
            n += s->ans->val[i] != NULL;
        }
    ui_putf(u, w, h - 2, 2, wd - 3, A_NORMAL, "Answered %d of %d", n, total);
    const char *state = s->amend[0] ? "amending a final record"
                        : s->unsaved  ? "NOT SAVED (see below)"
                        : s->draft[0] ? "draft saved"
                                      : "nothing saved yet";
    ui_put(u, w, h - 1, 2, state, wd - 3,
           ui_attr(u, s->unsaved ? UC_ERROR : s->draft[0] ? UC_OK : UC_DIM));
    wnoutrefresh(w);
}

static void hint(const form_field *fl, char *out, size_t n)
{
    switch (fl->type) {
    case FT_CHOICE:
        snprintf(out, n, "press 1-%c to choose", ui_form_opt_key(fl->n_opt - 1));
        break;
    case FT_MULTI:
        snprintf(out, n, "1-%c toggle, Enter when done", ui_form_opt_key(fl->n_opt - 1));
        break;
    case FT_YESNO:
        snprintf(out, n, "y yes, n no");
        break;
    case FT_INTEGER:
    case FT_DECIMAL:
        if (fl->has_min && fl->has_max)
            snprintf(out, n, "%s %g to %g%s%s, then Enter",
                     fl->type == FT_INTEGER ? "whole number" : "number", fl->min, fl->max,
                     fl->unit ? " " : "", fl->unit ? fl->unit : "");
        else
            snprintf(out, n, "a number, then Enter");
        break;
    case FT_DATE:
        snprintf(out, n, "date as YYYY-MM-DD, then Enter");
        break;
    case FT_TEXT:
        snprintf(out, n, "text, then Enter (empty clears)");
        break;
    default:
        snprintf(out, n, " ");
    }
}

static void draw_help(ui *u, form_st *s)
{
    werase(u->help);
    const form_field *fl = &s->f->field[s->cur];
    char h[160];
    hint(fl, h, sizeof h);
    if (s->review)
        snprintf(h, sizeof h, "Review: Enter saves the final record, Esc goes back to editing");
    /* A typed field also names its editing keys, when they fit. */
    if (!s->review && s->ed_field == s->cur) {
        const char *more = s->ed.sel ? "; typing replaces it, Left/Right edit it"
                                     : "; Ctrl-U clears, Esc undoes typing";
        int room = u->cols - 2 - (fl->help ? ui_width(u, fl->help) + 2 : 0);
        if (ui_width(u, h) + ui_width(u, more) <= room)
            snprintf(h + strlen(h), sizeof h - strlen(h), "%s", more);
    }
    int x = 1;
    if (!s->review && fl->help) {
        x += ui_put(u, u->help, 0, x, fl->help, u->cols - 30, A_NORMAL);
        x += ui_put(u, u->help, 0, x, "  ", 2, A_NORMAL);
    }
    ui_put(u, u->help, 0, x, h, u->cols - x - 1, ui_attr(u, UC_DIM));
    wnoutrefresh(u->help);
}

static void draw_value(ui *u, form_st *s, int y, int x, int w, int i, attr_t at)
{
    char *v = form_answer_display(s->ans, i);
    if (v)
        ui_put_esc(u, u->body, y, x, v, w, at);
    else
        ui_put(u, u->body, y, x, ui_glyph(u, G_NULL), w, at | ui_attr(u, UC_DIM));
    free(v);
}

static void draw_fields(ui *u, form_st *s)
{
    WINDOW *w = u->body;
    int h = getmaxy(w), wd = getmaxx(w);
    werase(w);
    int sec = s->f->field[s->cur].section;
    /* The title stops short of "section N of M" at the right. */
    ui_putf(u, w, 0, 1, wd - 20, ui_attr(u, UC_HEAD), "%s", s->f->sec[sec].title);
    ui_putf(u, w, 0, wd - 18, 17, ui_attr(u, UC_DIM), "section %d of %d", sec + 1, s->f->n_sec);
    /* Labels get three fifths: they are longer than the values typed. */
    int lw = wd * 3 / 5 - 3, vx = lw + 4, optw = wd - 11;
    frow rows[512];
    int n = collect_rows(u, s, rows, 512, lw, optw, wd - 3), first = -1, last = -1;
    for (int r = 0; r < n; r++)
        if (rows[r].field == s->cur) {
            if (first < 0)
                first = r;
            last = r;
        }
    int room = h - 1;
    if (last - s->top >= room)
        s->top = last - room + 1;
    if (first < s->top)
        s->top = first;
    if (s->top < 0)
        s->top = 0;
    for (int r = s->top; r < n && r - s->top < room; r++) {
        int y = 1 + r - s->top, i = rows[r].field, skip = rows[r].skip;
        const form_field *fl = &s->f->field[i];
        int cur = i == s->cur;
        const char *text = rows[r].opt >= 0 ? fl->opt[rows[r].opt].label : fl->label;
        char *part = xstrndup(text + skip, (size_t)rows[r].len);
        if (rows[r].opt >= 0) {
            int o = rows[r].opt, on = selected(s, i, fl->opt[o].code);
            attr_t at = fl->type == FT_MULTI && o == s->opt ? ui_attr(u, UC_SELECT) : A_NORMAL;
            if (!skip) {
                ui_putf(u, w, y, 4, 2, A_BOLD, "%c", ui_form_opt_key(o));
                if (fl->type == FT_MULTI)
                    ui_put(u, w, y, 6, ui_glyph(u, on ? G_SEL : G_UNSEL), 3, at);
                else
                    ui_put(u, w, y, 7, on ? ui_glyph(u, G_RADIO) : " ", 1, A_BOLD);
            }
            ui_put(u, w, y, 10, part, optw, on ? A_BOLD | at : at);
            free(part);
            continue;
        }
        if (fl->type == FT_NOTE) {
            ui_put(u, w, y, 2, part, wd - 3, ui_attr(u, UC_DIM));
            free(part);
            continue;
        }
        attr_t la = cur ? ui_attr(u, UC_CURSOR) : A_NORMAL;
        if (cur)
            ui_fill(w, y, 0, vx - 1, la);
        ui_put(u, w, y, 2, part, lw, la);
        free(part);
        if (skip)
            continue;
        ui_put(u, w, y, 0, cur ? ">" : " ", 1, la);
        ui_put(u, w, y, 1, fl->required ? "*" : " ", 1, la);
        if (cur && s->ed_field == i) {
            s->ed_y = y;
            s->ed_x = vx;
            s->ed_w = wd - vx - 1;
            ui_edit_draw(u, &s->ed, w, y, vx, s->ed_w, 1, ui_attr(u, UC_SELECT));
        } else {
            draw_value(u, s, y, vx, wd - vx - 1, i, cur ? A_BOLD : A_NORMAL);
        }
    }
    if (s->top > 0)
        ui_put(u, w, 1, wd - 2, ui_glyph(u, G_MORE_UP), 1, A_BOLD);
    if (n - s->top > room)
        ui_put(u, w, h - 1, wd - 2, ui_glyph(u, G_MORE_DOWN), 1, A_BOLD);
    wnoutrefresh(w);
}

/* Piece k of field i's shown answer wrapped at spaces to width columns (a
 * multi answer lists every ticked option); returns the number of pieces and,
 * when out is set, piece k in it (malloc'd). */
static int review_piece(ui *u, form_st *s, int i, int width, int k, char **out)
{
    char *v = form_answer_display(s->ans, i);
    char *e = v ? text_escape(v) : NULL;
    free(v);
    if (out)
        *out = NULL;
    if (!e || width < 8) {
        free(e);
        return 1;
    }
    char **l;
    int n = ui_wrap(u, e, width, &l);
    if (out && k < n) {
        *out = l[k];
        l[k] = NULL;
    }
    ui_wrap_free(l, n);
    free(e);
    return n;
}

typedef struct {
    char **t;
    int *x;
    attr_t *at;
    int n;
} pre_lines;

/* text wrapped to width columns at column x (continuations at x + indent). */
static void pre_add(ui *u, pre_lines *p, int x, int indent, int width, const char *text, attr_t at)
{
    char **l;
    int n = ui_wrap(u, text, width, &l);
    p->t = xrealloc(p->t, (size_t)(p->n + n) * sizeof *p->t);
    p->x = xrealloc(p->x, (size_t)(p->n + n) * sizeof *p->x);
    p->at = xrealloc(p->at, (size_t)(p->n + n) * sizeof *p->at);
    for (int i = 0; i < n; i++, p->n++) {
        p->t[p->n] = l[i];
        p->x[p->n] = x + (i ? indent : 0);
        p->at[p->n] = at;
    }
    free(l);
}

/* The review's lines above the answers: the problems (they decide whether
 * Enter saves) and, when amending, what changes (old -> new). */
static void review_pre(ui *u, form_st *s, int wd, pre_lines *p)
{
    for (int i = 0; i < s->n_prob; i++) {
        char *t = xasprintf("%s %s", ui_glyph(u, G_MISSING), s->prob[i]);
        pre_add(u, p, 1, 2, wd - 4, t, ui_attr(u, UC_ERROR));
        free(t);
    }
    if (s->n_prob)
        pre_add(u, p, 1, 0, wd - 2, "", A_NORMAL);
    if (!s->amend[0])
        return;
    const char *arrow = u->a->ascii ? "->" : "\u2192";
    char *h = xasprintf("Changes (old %s new)", arrow);
    pre_add(u, p, 1, 0, wd - 2, h, ui_attr(u, UC_HEAD));
    free(h);
    if (!s->n_chg)
        pre_add(u, p, 3, 0, wd - 4, "Nothing changed yet: Esc goes back to the answers.",
                ui_attr(u, UC_DIM));
    for (int i = 0; i < s->n_chg; i++) {
        const entry_change *c = &s->chg[i];
        const char *label = c->score ? s->f->score[c->index].label : s->f->field[c->index].label;
        char *o = text_escape(c->old ? c->old : ui_glyph(u, G_NULL));
        char *n = text_escape(c->new_ ? c->new_ : ui_glyph(u, G_NULL));
        char *t = xasprintf("%s%s: %s %s %s", c->score ? "Score " : "", label, o, arrow, n);
        pre_add(u, p, 3, 2, wd - 5, t, A_BOLD);
        free(t);
        free(o);
        free(n);
    }
    pre_add(u, p, 1, 0, wd - 2, "", A_NORMAL);
}

static void draw_review(ui *u, form_st *s)
{
    WINDOW *w = u->body;
    int h = getmaxy(w), wd = getmaxx(w), lw = wd / 2 - 2;
    werase(w);
    ui_putf(u, w, 0, 1, wd - 2, ui_attr(u, UC_HEAD), "Review: %s", s->f->title);
    pre_lines pre = {0};
    review_pre(u, s, wd, &pre);
    int total = pre.n;
    int vw = wd - lw - 5;
    for (int i = 0; i < s->f->n_field; i++)
        if (form_field_visible(s->ans, i) && s->f->field[i].type != FT_NOTE) {
            int np = review_piece(u, s, i, vw, 0, NULL);
            char **lab;
            int nl = ui_wrap(u, s->f->field[i].label, lw, &lab);
            ui_wrap_free(lab, nl);
            total += nl > np ? nl : np;
        }
    int room = h - 1;
    if (s->rtop > total - room)
        s->rtop = total - room;
    if (s->rtop < 0)
        s->rtop = 0;
    int line = 0;
    for (int p = 0; p < pre.n; p++, line++) {
        if (line >= s->rtop && line - s->rtop < room)
            ui_put(u, w, 1 + line - s->rtop, pre.x[p], pre.t[p], wd - 1 - pre.x[p], pre.at[p]);
        free(pre.t[p]);
    }
    free(pre.t);
    free(pre.x);
    free(pre.at);
    for (int i = 0; i < s->f->n_field; i++) {
        const form_field *fl = &s->f->field[i];
        if (!form_field_visible(s->ans, i) || fl->type == FT_NOTE)
            continue;
        /* A long label and a long answer go on under themselves. */
        int missing = fl->required && !s->ans->val[i];
        char **lab;
        int nl = ui_wrap(u, fl->label, lw, &lab);
        int np = missing ? 1 : review_piece(u, s, i, vw, 0, NULL);
        for (int k = 0; k < nl || k < np; k++, line++) {
            if (line < s->rtop || line - s->rtop >= room)
                continue;
            int y = 1 + line - s->rtop;
            if (k == 0)
                ui_put(u, w, y, 1, missing ? ui_glyph(u, G_MISSING) : " ", 1,
                       ui_attr(u, UC_BAD));
            if (k < nl)
                ui_put(u, w, y, 3, lab[k], lw, A_NORMAL);
            if (k == 0 && missing) {
                ui_put(u, w, y, lw + 4, "missing (required)", vw, ui_attr(u, UC_BAD));
            } else if (k == 0 && np == 1) {
                draw_value(u, s, y, lw + 4, vw, i, A_BOLD);
            } else if (k < np) {
                char *piece = NULL;
                review_piece(u, s, i, vw, k, &piece);
                if (piece)
                    ui_put(u, w, y, lw + 4, piece, vw, A_BOLD);
                free(piece);
            }
        }
        ui_wrap_free(lab, nl);
    }
    if (s->rtop + room < total)
        ui_put(u, w, h - 1, wd - 2, ui_glyph(u, G_MORE_DOWN), 1, A_BOLD);
    wnoutrefresh(w);
}

void ui_form_draw(ui *u, void *st)
{
    form_st *s = st;
    draw_top(u, s);
    if (s->review)
        draw_review(u, s);
    else
        draw_fields(u, s);
    draw_scores(u, s);
    draw_help(u, s);
}

void ui_form_draw_edit(ui *u, form_st *s)
{
    if (u->too_small || s->ed_field != s->cur || s->ed_w <= 0)
        return;
    ui_edit_draw(u, &s->ed, u->body, s->ed_y, s->ed_x, s->ed_w, 1, ui_attr(u, UC_SELECT));
    wnoutrefresh(u->body);
    draw_help(u, s);    /* its editing keys follow the state of the line */
}
