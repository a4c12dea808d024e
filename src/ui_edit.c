/* ui_edit.c — a one-line editor over UTF-8 text. The cursor moves by code
 * point and the view scrolls by display width, so names with accents or
 * CJK characters are never split or misaligned. A value that was there when
 * the cursor arrived is selected: typing replaces it, as in any form; an
 * arrow, Home/End or Backspace starts editing it instead. */
#include "ui.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void ui_edit_set(ui_edit *e, const char *s)
{
    e->b.len = 0;
    sbuf_add(&e->b, s ? s : "");
    e->cur = e->b.len;
    e->scroll = 0;
    e->changed = 0;
    e->sel = e->b.len > 0;
}

void ui_edit_select(ui_edit *e)
{
    e->cur = e->b.len;
    e->sel = e->b.len > 0;
}

void ui_edit_free(ui_edit *e)
{
    sbuf_free(&e->b);
    e->cur = 0;
}

const char *ui_edit_text(const ui_edit *e)
{
    return e->b.s ? e->b.s : "";
}

static size_t prev_cp(const ui_edit *e, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)e->b.s[i] & 0xc0) == 0x80)
        i--;
    return i;
}

static size_t next_cp(const ui_edit *e, size_t i)
{
    if (i >= e->b.len)
        return e->b.len;
    i++;
    while (i < e->b.len && ((unsigned char)e->b.s[i] & 0xc0) == 0x80)
        i++;
    return i;
}

static void cut(ui_edit *e, size_t from, size_t to)
{
    memmove(e->b.s + from, e->b.s + to, e->b.len - to + 1);
    e->b.len -= to - from;
    e->changed = 1;
}

static int encode(unsigned c, char out[4])
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    } else if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    } else if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

static void insert(ui *u, ui_edit *e, int k)
{
    if (e->max_chars && utf8_chars(ui_edit_text(e)) >= e->max_chars) {
        ui_msg(u, UC_ERROR, "at most %zu characters", e->max_chars);
        return;
    }
    char enc[4];
    int n = encode((unsigned)k, enc);
    if (!e->b.s)
        sbuf_add(&e->b, "");
    sbuf_addn(&e->b, enc, (size_t)n);   /* grow, then shift into place */
    memmove(e->b.s + e->cur + n, e->b.s + e->cur, e->b.len - (size_t)n - e->cur);
    memcpy(e->b.s + e->cur, enc, (size_t)n);
    e->cur += (size_t)n;
    e->changed = 1;
}

int ui_edit_key(ui *u, ui_edit *e, int k)
{
    int was_sel = e->sel;
    e->sel = 0;
    switch (k) {
    case UK(KEY_LEFT):
    case UI_CTRL('b'):
        e->cur = prev_cp(e, e->cur);
        return 1;
    case UK(KEY_RIGHT):
    case UI_CTRL('f'):
        e->cur = next_cp(e, e->cur);
        return 1;
    case UK(KEY_HOME):
    case UI_CTRL('a'):
        e->cur = 0;
        return 1;
    case UK(KEY_END):
    case UI_CTRL('e'):
        e->cur = e->b.len;
        return 1;
    case UK(KEY_BACKSPACE):
    case 127:
    case UI_CTRL('h'):
        if (e->cur > 0) {
            size_t p = prev_cp(e, e->cur);
            cut(e, p, e->cur);
            e->cur = p;
        }
        return 1;
    case UK(KEY_DC):
    case UI_CTRL('d'):
        if (e->cur < e->b.len)
            cut(e, e->cur, next_cp(e, e->cur));
        return 1;
    case UI_CTRL('u'):
        if (e->b.len)
            cut(e, 0, e->b.len);
        e->cur = 0;
        return 1;
    case UI_CTRL('k'):
        if (e->cur < e->b.len)
            cut(e, e->cur, e->b.len);
        return 1;
    default:
        break;
    }
    if (k < 0 || (k & UI_FN) || k < 0x20 || k == 0x7f || (k >= 0x80 && k < 0xa0) || k > 0x10ffff) {
        e->sel = was_sel;   /* not ours: the selection stays */
        return 0;
    }
    if (u->a->ascii && k >= 0x80) {
        ui_msg(u, UC_ERROR, "this terminal is not set up for UTF-8: only ASCII can be typed");
        e->sel = was_sel;
        return 1;
    }
    if (was_sel) {      /* typing over a selected value replaces it */
        cut(e, 0, e->b.len);
        e->cur = 0;
    }
    insert(u, e, k);
    return 1;
}

void ui_edit_draw(ui *u, ui_edit *e, WINDOW *w, int y, int x, int cols, int focus, attr_t at)
{
    if (cols < 2)
        return;
    const char *s = ui_edit_text(e);
    /* Width from the start to the cursor decides the horizontal scroll. */
    char *head = xstrndup(s, e->cur);
    int cw = ui_width(u, head);
    free(head);
    if (cw < e->scroll)
        e->scroll = cw;
    if (cw - e->scroll > cols - 1)
        e->scroll = cw - (cols - 1);
    ui_fill(w, y, x, cols, at);
    /* Skip whole code points worth e->scroll columns. */
    const char *p = s;
    int skipped = 0;
    while (*p && skipped < e->scroll) {
        size_t i = (size_t)(p - s);
        size_t n = next_cp(e, i);
        char *one = xstrndup(p, n - i);
        skipped += ui_width(u, one);
        free(one);
        p = s + n;
    }
    /* A selected value is drawn in reverse against the field. */
    ui_put(u, w, y, x, p, cols, focus && e->sel ? at ^ A_REVERSE : at);
    if (focus) {
        u->cur_win = w;
        u->cur_y = y;
        u->cur_x = x + cw - skipped;
        u->cur_on = 1;
    }
}
