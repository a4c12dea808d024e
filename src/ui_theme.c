/* ui_theme.c — the one colour table (and its monochrome twin), glyphs with
 * ASCII fallbacks, and drawing text by display width. */
#include "ui.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* fg/bg -1 is the terminal's own colour (use_default_colors). mono is what a
 * terminal without colour, or NO_COLOR, gets: reverse, bold, underline. */
static const struct {
    short fg, bg;
    attr_t extra, mono;
} theme[UC_N] = {
    [UC_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [UC_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD},
    [UC_KEYS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [UC_CURSOR] = {COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_REVERSE},
    [UC_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [UC_OK] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [UC_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [UC_DIM] = {-1, -1, A_DIM, A_DIM},
    [UC_HEAD] = {COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [UC_GOOD] = {COLOR_GREEN, -1, A_NORMAL, A_BOLD},
    [UC_BAD] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [UC_ALERT] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
    [UC_SELECT] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE},
};

static const char *const glyph[G_N][2] = {
    /* {UTF-8, ASCII} */
    [G_NULL] = {"\u2013", "-"},
    [G_HLINE] = {"\u2500", "-"},
    [G_SEL] = {"[x]", "[x]"},
    [G_UNSEL] = {"[ ]", "[ ]"},
    [G_RADIO] = {"\u25cf", "*"},
    [G_OVERDUE] = {"!", "!"},
    [G_MISSING] = {"\u2717", "*"},
    [G_MORE_UP] = {"\u25b2", "^"},
    [G_MORE_DOWN] = {"\u25bc", "v"},
};

void ui_theme_init(ui *u)
{
    const char *nc = getenv("NO_COLOR");
    u->color = has_colors() && !(nc && *nc);
    int dflt = 0;
    if (u->color) {
        start_color();
        dflt = use_default_colors() == OK;
    }
    for (int i = 0; i < UC_N; i++) {
        if (!u->color) {
            u->attr[i] = theme[i].mono;
            continue;
        }
        short fg = theme[i].fg, bg = theme[i].bg;
        if (!dflt) {
            fg = fg < 0 ? COLOR_WHITE : fg;
            bg = bg < 0 ? COLOR_BLACK : bg;
        }
        if (i == UC_NORMAL || (fg < 0 && bg < 0)) {
            u->attr[i] = theme[i].extra;
        } else if (i < COLOR_PAIRS && init_pair((short)i, fg, bg) == OK) {
            u->attr[i] = COLOR_PAIR(i) | theme[i].extra;
        } else {
            u->attr[i] = theme[i].mono;
        }
    }
}

attr_t ui_attr(const ui *u, int color)
{
    return color >= 0 && color < UC_N ? u->attr[color] : A_NORMAL;
}

const char *ui_glyph(const ui *u, int g)
{
    return glyph[g][u->a->ascii ? 1 : 0];
}

/* Next code point of UTF-8 s; returns bytes used (1 for an invalid byte,
 * which then decodes as U+FFFD). */
static int next_cp(const char *s, wchar_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned c = p[0];
    int len;
    unsigned v;
    if (c < 0x80) {
        *cp = (wchar_t)c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2, v = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, v = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, v = c & 0x07;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = (v << 6) | (p[i] & 0x3f);
    }
    *cp = (wchar_t)v;
    return len;
}

/* Columns of one code point as drawn: controls and unprintables become '?'. */
static int cp_width(const ui *u, wchar_t c, wchar_t *shown)
{
    *shown = c;
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        *shown = L'?';
        return 1;
    }
    if (u->a->ascii && c >= 0x80) {
        *shown = (wchar_t)text_ascii_char((unsigned)c);   /* as print --ascii shows it */
        return 1;
    }
    int w = wcwidth(c);
    if (w < 0) {
        *shown = L'?';
        return 1;
    }
    return w;
}

int ui_width(const ui *u, const char *s)
{
    int w = 0;
    while (s && *s) {
        wchar_t c, shown;
        s += next_cp(s, &c);
        w += cp_width(u, c, &shown);
    }
    return w;
}

int ui_put(ui *u, WINDOW *w, int y, int x, const char *s, int maxw, attr_t at)
{
    if (!w || !s || maxw <= 0)
        return 0;
    int wy, wx;
    getmaxyx(w, wy, wx);
    if (y < 0 || y >= wy || x >= wx)
        return 0;
    if (x + maxw > wx)
        maxw = wx - x;
    wattrset(w, at);
    wmove(w, y, x);
    int used = 0;
    while (*s) {
        wchar_t c, shown;
        s += next_cp(s, &c);
        int cw = cp_width(u, c, &shown);
        if (used + cw > maxw)
            break;
        if (cw == 0)
            continue;   /* combining marks: skipped rather than risk misalignment */
        if (shown < 0x80) {
            waddch(w, (chtype)shown | at);
        } else {
            wchar_t one[2] = {shown, 0};
            waddnwstr(w, one, 1);
        }
        used += cw;
    }
    wattrset(w, A_NORMAL);
    return used;
}

int ui_putf(ui *u, WINDOW *w, int y, int x, int maxw, attr_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return ui_put(u, w, y, x, buf, maxw, at);
}

int ui_put_esc(ui *u, WINDOW *w, int y, int x, const char *s, int maxw, attr_t at)
{
    char *e = text_escape(s);
    int n = ui_put(u, w, y, x, e, maxw, at);
    free(e);
    return n;
}

void ui_fill(WINDOW *w, int y, int x, int n, attr_t at)
{
    if (!w)
        return;
    wmove(w, y, x);
    for (int i = 0; i < n; i++)
        waddch(w, ' ' | at);
}

/* Boxes are drawn with Unicode line characters (or ASCII), not the VT100
 * alternate character set, which PuTTY and others garble in UTF-8 mode. */
void ui_box(ui *u, WINDOW *w)
{
    int h, wd;
    getmaxyx(w, h, wd);
    int a = u->a->ascii;
    const char *hl = ui_glyph(u, G_HLINE), *vl = a ? "|" : "\u2502";
    for (int x = 1; x < wd - 1; x++) {
        ui_put(u, w, 0, x, hl, 1, A_NORMAL);
        ui_put(u, w, h - 1, x, hl, 1, A_NORMAL);
    }
    for (int y = 1; y < h - 1; y++) {
        ui_put(u, w, y, 0, vl, 1, A_NORMAL);
        ui_put(u, w, y, wd - 1, vl, 1, A_NORMAL);
    }
    ui_put(u, w, 0, 0, a ? "+" : "\u250c", 1, A_NORMAL);
    ui_put(u, w, 0, wd - 1, a ? "+" : "\u2510", 1, A_NORMAL);
    ui_put(u, w, h - 1, 0, a ? "+" : "\u2514", 1, A_NORMAL);
    /* The bottom-right cell of a window cannot take waddch without ERR; it
     * is still drawn. */
    ui_put(u, w, h - 1, wd - 1, a ? "+" : "\u2518", 1, A_NORMAL);
}

int ui_wrap(const ui *u, const char *text, int width, char ***lines)
{
    int n = 0;
    char **v = NULL;
    const char *p = text ? text : "";
    if (width < 1)
        width = 1;
    do {
        const char *nl = strchr(p, '\n');
        size_t seg = nl ? (size_t)(nl - p) : strlen(p);
        const char *end = p + seg;
        do {
            /* Take code points while they fit; break at the last space. */
            const char *q = p, *space = NULL;
            int used = 0;
            while (q < end) {
                wchar_t c, shown;
                int len = next_cp(q, &c);
                int cw = cp_width(u, c, &shown);
                if (used + cw > width)
                    break;
                if (*q == ' ')
                    space = q;
                used += cw;
                q += len;
            }
            if (q < end && space && space > p)
                q = space;
            if (q == p && p < end)
                q += next_cp(p, &(wchar_t){0});
            v = xrealloc(v, (size_t)(n + 1) * sizeof *v);
            v[n++] = xstrndup(p, (size_t)(q - p));
            p = q;
            while (p < end && *p == ' ')
                p++;
        } while (p < end);
        p = nl ? nl + 1 : end;
        if (!nl || !*p)     /* a final newline ends the text */
            break;
    } while (1);
    *lines = v;
    return n;
}

void ui_wrap_free(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}
