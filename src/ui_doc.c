/* ui_doc.c — drawing a report_doc (the neutral document of the report
 * modules) into a curses window: the patient's trend view and the cohort
 * report. */
#include <stdlib.h>
#include <string.h>

#include "ui.h"

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
void ui_doc_line(ui *u, WINDOW *w, int y, const report_line *l)
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

void ui_doc_view(ui *u, const report_doc *doc, int *top)
{
    WINDOW *w = u->body;
    int h = getmaxy(w), n = doc->n;
    werase(w);
    if (*top > n - h)
        *top = n - h;
    if (*top < 0)
        *top = 0;
    for (int i = 0; i < h && *top + i < n; i++)
        ui_doc_line(u, w, i, &doc->line[*top + i]);
    if (*top > 0)
        ui_put(u, w, 0, u->cols - 2, ui_glyph(u, G_MORE_UP), 1, A_BOLD);
    if (*top + h < n)
        ui_put(u, w, h - 1, u->cols - 2, ui_glyph(u, G_MORE_DOWN), 1, A_BOLD);
    wnoutrefresh(w);
    werase(u->help);
    ui_putf(u, u->help, 0, 1, u->cols - 2, ui_attr(u, UC_DIM),
            "lines %d-%d of %d   Up/Down/PgUp/PgDn scroll", n ? *top + 1 : 0,
            *top + h < n ? *top + h : n, n);
    wnoutrefresh(u->help);
}

int ui_doc_scroll(ui *u, int k, int *top, int n)
{
    int page = u->rows - 5;
    switch (k) {
    case UK(KEY_UP):
    case 'k': *top -= 1; return 1;
    case UK(KEY_DOWN):
    case 'j': *top += 1; return 1;
    case UK(KEY_PPAGE):
    case 'b': *top -= page; return 1;
    case UK(KEY_NPAGE):
    case ' ': *top += page; return 1;
    case UK(KEY_HOME):
    case 'g': *top = 0; return 1;
    case UK(KEY_END):
    case 'G': *top = n; return 1;
    default: return 0;
    }
}

void ui_sel_show(int *sel, int *top, int n, int rows)
{
    if (*sel >= n)
        *sel = n ? n - 1 : 0;
    if (*sel < *top)
        *top = *sel;
    if (*sel >= *top + rows)
        *top = *sel - rows + 1;
}

int ui_page_more(int dir, int more, int *before, int *after)
{
    if (dir == 0 || dir == -2) {
        *before = dir == -2 && more;
        *after = dir == 0 && more;
        return 1;
    }
    if (dir > 0)
        *after = more;
    else
        *before = more;
    return 0;
}
