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
