/* ui_help.c — `?`: the keys of the current screen, in a box that scrolls;
 * and the help and back keys the view screens share. */
#include "ui.h"

#include <stdlib.h>
#include <string.h>

static const char *const general[] = {
    "",
    "Everywhere",
    "  ?            this help (F1 too)",
    "  Esc, Ctrl-X  back / leave (a form's draft is kept)",
    "  Ctrl-C       like Esc",
    "",
    "Typing a value (form fields, dialogs, the search)",
    "  A value already there is selected: typing replaces it.",
    "  Left/Right, Ctrl-B/F   move in the value (and start editing it)",
    "  Home/End, Ctrl-A/E     start / end of the value",
    "  Backspace, Ctrl-H      delete before the cursor (starts editing)",
    "  Del, Ctrl-D            delete under the cursor",
    "  Ctrl-U                 clear the whole value",
    "  Ctrl-K                 clear from the cursor to the end",
    "",
    "Every accepted answer is saved at once as a draft; if the connection",
    "drops, open the same form again and choose (r)esume.",
    NULL,
};

typedef struct {
    char **line;            /* the help wrapped to the box */
    int n, top, width;
    WINDOW *w;
} help_view;

static const char *line_at(const ui *u, int i)
{
    const char *const *h = ui_screens[ui_top(u)]->help;
    int n = 0;
    while (h && h[n])
        n++;
    return i < n ? h[i] : general[i - n];
}

static int n_source(const ui *u)
{
    const char *const *h = ui_screens[ui_top(u)]->help;
    int n = 0;
    while (h && h[n])
        n++;
    for (int i = 0; general[i]; i++)
        n++;
    return n;
}

static void add_line(help_view *hv, char *s)
{
    hv->line = xrealloc(hv->line, (size_t)(hv->n + 1) * sizeof *hv->line);
    hv->line[hv->n++] = s;
}

static void drop_lines(help_view *hv)
{
    for (int i = 0; i < hv->n; i++)
        free(hv->line[i]);
    free(hv->line);
    hv->line = NULL;
    hv->n = 0;
}

/* Wrap every line to cols at spaces, never cutting a word; a continuation
 * lines up with the text after a key column ("  Ctrl-S      review ..."). */
static void wrap_help(const ui *u, help_view *hv, int cols)
{
    drop_lines(hv);
    hv->width = cols;
    int n = n_source(u);
    for (int i = 0; i < n; i++) {
        const char *p = line_at(u, i);
        int indent = 0;
        if (p[0] == ' ' && p[1] == ' ') {
            const char *gap = strstr(p + 2, "  ");
            while (gap && *gap == ' ')
                gap++;
            indent = gap && gap - p < cols / 2 ? (int)(gap - p) : 4;
        }
        int first = 1;
        while (first || *p) {
            int room = first ? cols : cols - indent;
            size_t len = strlen(p), take = len;
            if ((int)len > room) {
                take = (size_t)room;
                while (take > 0 && p[take] != ' ')
                    take--;
                if (take == 0)
                    take = (size_t)room;
            }
            char *piece = xstrndup(p, take);
            add_line(hv, first ? piece : xasprintf("%*s%s", indent, "", piece));
            if (!first)
                free(piece);
            p += take;
            while (*p == ' ')
                p++;
            first = 0;
        }
    }
}

static void help_draw(ui *u, void *ctx)
{
    help_view *hv = ctx;
    int width = u->cols - 6 < 76 ? u->cols - 6 : 76;
    int height = u->rows - 4;
    if (hv->width != width - 4)
        wrap_help(u, hv, width - 4);
    if (hv->w)
        delwin(hv->w);
    hv->w = newwin(height, width, 2, (u->cols - width) / 2);
    WINDOW *w = hv->w;
    werase(w);
    ui_box(u, w);
    char *t = xasprintf(" Help: %s ", ui_screens[ui_top(u)]->name);
    ui_put(u, w, 0, 2, t, width - 4, ui_attr(u, UC_HEAD));
    free(t);
    int room = height - 3;
    if (hv->top > hv->n - room)
        hv->top = hv->n - room;
    if (hv->top < 0)
        hv->top = 0;
    for (int i = 0; i < room && hv->top + i < hv->n; i++)
        ui_put(u, w, 1 + i, 2, hv->line[hv->top + i], width - 4, A_NORMAL);
    ui_put(u, w, height - 2, 2, "Up/Down scroll   any other key closes", width - 4,
           ui_attr(u, UC_DIM));
    wnoutrefresh(w);
}

int ui_help_or_back(ui *u, int k)
{
    switch (k) {
    case '?':
    case UK(KEY_F(1)):
        ui_help(u);
        return 1;
    case 'q':
    case UK_ESC:
    case UI_CTRL('c'):
    case UI_CTRL('x'):
    case UK(KEY_LEFT):
        ui_pop(u);
        return 1;
    default:
        return 0;
    }
}

void ui_help(ui *u)
{
    help_view hv = {0};
    ui_modal_push(u, help_draw, &hv);
    ui_draw_all(u);
    for (;;) {
        int k = ui_getkey(u);
        if (k == UK(KEY_UP) || k == UK(KEY_PPAGE))
            hv.top -= k == UK(KEY_UP) ? 1 : u->rows / 2;
        else if (k == UK(KEY_DOWN) || k == UK(KEY_NPAGE))
            hv.top += k == UK(KEY_DOWN) ? 1 : u->rows / 2;
        else
            break;
        help_draw(u, &hv);
        ui_flush(u);
    }
    if (hv.w)
        delwin(hv.w);
    drop_lines(&hv);
    ui_modal_pop(u);
}
