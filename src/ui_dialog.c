/* ui_dialog.c — modal dialogs drawn over the current screen: a question
 * with letter answers, one line of input, a pick list. Each runs its own
 * key loop through ui_getkey, so resize and hangup work inside it too. */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *title, *text, *hint;
    const char *prompt;             /* input dialog */
    ui_edit *ed;
    const char *const *items;       /* pick dialog */
    int n, sel, top;
    WINDOW *w;
} dlg;

/* Word-wrap text to width columns; draws when w is set; returns lines used. */
static int wrap(ui *u, WINDOW *w, int y, int x, int width, const char *text, attr_t at,
                int maxlines)
{
    char **l;
    int all = ui_wrap(u, text, width, &l), n = all < maxlines ? all : maxlines;
    for (int i = 0; w && i < n; i++)
        ui_put(u, w, y + i, x, l[i], width, at);
    ui_wrap_free(l, all);
    return n;
}

static void dlg_draw(ui *u, void *ctx)
{
    dlg *d = ctx;
    int width = u->cols - 8 < 72 ? u->cols - 8 : 72;
    int inner = width - 4;
    int text_lines = d->text ? wrap(u, NULL, 0, 0, inner, d->text, 0, 12) : 0;
    int list_lines = 0;
    if (d->items) {
        list_lines = d->n < u->rows - 10 - text_lines ? d->n : u->rows - 10 - text_lines;
        if (list_lines < 1)
            list_lines = 1;
    }
    int height = 2 + text_lines + (d->ed ? 2 : 0) + list_lines + (d->items && text_lines ? 1 : 0) +
                 (d->hint ? 2 : 0);
    if (height > u->rows - 2)
        height = u->rows - 2;
    if (d->w)
        delwin(d->w);
    d->w = newwin(height, width, (u->rows - height) / 2, (u->cols - width) / 2);
    WINDOW *w = d->w;
    werase(w);
    ui_box(u, w);
    if (d->title) {
        char *t = xasprintf(" %s ", d->title);
        ui_put(u, w, 0, 2, t, width - 4, ui_attr(u, UC_HEAD));
        free(t);
    }
    int y = 1;
    if (d->text)
        y += wrap(u, w, y, 2, inner, d->text, A_NORMAL, 12);
    if (d->items) {
        if (text_lines)
            y++;
        if (d->sel < d->top)
            d->top = d->sel;
        if (d->sel >= d->top + list_lines)
            d->top = d->sel - list_lines + 1;
        for (int i = 0; i < list_lines && d->top + i < d->n; i++) {
            int it = d->top + i;
            attr_t at = it == d->sel ? ui_attr(u, UC_CURSOR) : A_NORMAL;
            ui_fill(w, y + i, 2, inner, at);
            ui_putf(u, w, y + i, 2, inner, at, "%c %s", it < 9 ? '1' + it : ' ', d->items[it]);
        }
        y += list_lines;
    }
    if (d->ed) {
        int px = 2;
        if (d->prompt)
            px += ui_put(u, w, y, 2, d->prompt, inner / 2, A_BOLD) + 1;
        ui_edit_draw(u, d->ed, w, y, px, width - 2 - px, 1, ui_attr(u, UC_SELECT));
        y += 2;
    }
    if (d->hint)
        ui_put(u, w, height - 2, 2, d->hint, inner, ui_attr(u, UC_DIM));
    wnoutrefresh(w);
    if (d->ed) {
        /* The cursor is set on the dialog window; keep it on top. */
        u->cur_win = w;
    }
}

static void dlg_end(ui *u, dlg *d)
{
    if (d->w)
        delwin(d->w);
    d->w = NULL;
    ui_modal_pop(u);
}

int ui_ask(ui *u, const char *title, const char *text, const char *keys)
{
    char hint[128];
    size_t n = 0;
    for (const char *k = keys; *k && n + 8 < sizeof hint; k++)
        n += (size_t)snprintf(hint + n, sizeof hint - n, "%s%c", k == keys ? "" : " / ", *k);
    snprintf(hint + n, sizeof hint - n, "   Esc cancels");
    dlg d = {.title = title, .text = text, .hint = hint};
    ui_modal_push(u, dlg_draw, &d);
    ui_draw_all(u);
    int ans = 0;
    for (;;) {
        int k = ui_getkey(u);
        if (k == UK_HANGUP || k == UK_ESC || k == UI_CTRL('c') || k == UI_CTRL('x'))
            break;
        if (k > 0 && k < 128) {
            int c = k >= 'A' && k <= 'Z' ? k + 32 : k;
            if (strchr(keys, c)) {
                ans = c;
                break;
            }
        }
    }
    dlg_end(u, &d);
    return ans;
}

int ui_confirm(ui *u, const char *title, const char *text)
{
    return ui_ask(u, title, text, "yn") == 'y';
}

void ui_alert(ui *u, const char *title, const char *text)
{
    dlg d = {.title = title, .text = text, .hint = "press Enter"};
    ui_modal_push(u, dlg_draw, &d);
    ui_draw_all(u);
    for (;;) {
        int k = ui_getkey(u);
        if (k == UK_HANGUP || k == '\r' || k == '\n' || k == UK_ESC || k == ' ' ||
            k == UK(KEY_ENTER))
            break;
    }
    dlg_end(u, &d);
}

int ui_input(ui *u, const char *title, const char *prompt, char **val)
{
    ui_edit ed = {0};
    ui_edit_set(&ed, *val);
    dlg d = {.title = title, .prompt = prompt, .ed = &ed, .hint = "Enter accepts   Esc cancels"};
    ui_modal_push(u, dlg_draw, &d);
    ui_draw_all(u);
    int ok = 0;
    for (;;) {
        int k = ui_getkey(u);
        if (k == UK_HANGUP || k == UK_ESC || k == UI_CTRL('c') || k == UI_CTRL('x'))
            break;
        if (k == '\r' || k == '\n' || k == UK(KEY_ENTER)) {
            ok = 1;
            break;
        }
        if (ui_edit_key(u, &ed, k)) {
            dlg_draw(u, &d);
            ui_flush(u);
        }
    }
    if (ok) {
        free(*val);
        *val = xstrdup(ui_edit_text(&ed));
    }
    ui_edit_free(&ed);
    dlg_end(u, &d);
    return ok;
}

int ui_pick(ui *u, const char *title, const char *const *items, int n, int def)
{
    dlg d = {.title = title, .items = items, .n = n, .sel = def >= 0 && def < n ? def : 0,
             .hint = "Up/Down, a digit or Enter picks   Esc cancels"};
    ui_modal_push(u, dlg_draw, &d);
    ui_draw_all(u);
    int ans = -1;
    for (;;) {
        int k = ui_getkey(u);
        if (k == UK_HANGUP || k == UK_ESC || k == UI_CTRL('c') || k == UI_CTRL('x'))
            break;
        if (k == '\r' || k == '\n' || k == UK(KEY_ENTER)) {
            ans = d.sel;
            break;
        }
        if (k >= '1' && k <= '9' && k - '1' < n) {
            ans = k - '1';
            break;
        }
        if ((k == UK(KEY_UP) || k == 'k') && d.sel > 0)
            d.sel--;
        else if ((k == UK(KEY_DOWN) || k == 'j') && d.sel < n - 1)
            d.sel++;
        else
            continue;
        dlg_draw(u, &d);
        ui_flush(u);
    }
    dlg_end(u, &d);
    return ans;
}
