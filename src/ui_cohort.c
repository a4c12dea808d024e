/* ui_cohort.c — the cohort report on screen: the same tables as `bedside
 * report` (report_cohort.h), built when the screen opens or the data
 * changed, scrolled with the usual keys. */
#include <stdlib.h>
#include <string.h>

#include "cli_verify.h"
#include "report_cohort.h"
#include "ui.h"

typedef struct {
    report_doc doc;
    int top, gen, hips;
} cohort_st;

static void build(ui *u, cohort_st *s)
{
    report_doc_free(&s->doc);
    memset(&s->doc, 0, sizeof s->doc);
    int width = u->cols < 80 ? u->cols : 80;
    s->gen = u->data_gen;
    /* As `bedside report`: data that fail validation feed no table. */
    cli_problems p;
    if (cli_verify_first(u->a, u->a->db, &p)) {
        report_refusal_doc("The cohort report is", p.line, p.n, p.total, width, &s->doc);
        cli_problems_free(&p);
        return;
    }
    report_cohort_opts o = {.from = -1, .to = -1, .width = width, .ascii = u->a->ascii};
    report_cohort r;
    char *err = NULL;
    if (report_cohort_build(u->a, &o, &r, &err) != 0) {
        ui_msg(u, UC_ERROR, "cannot build the cohort report: %s", err ? err : "unknown error");
        free(err);
    } else {
        report_cohort_doc(&r, 0, u->a->ascii, &s->doc);
        report_cohort_free(&r);
    }
}

static void co_draw(ui *u, void *stp)
{
    cohort_st *s = stp;
    if (s->gen != u->data_gen)
        build(u, s);
    attr_t at = ui_attr(u, UC_TITLE);
    int x0 = ui_top_begin(u);
    ui_put(u, u->top, 0, x0, "Cohort report (as bedside report)", u->cols - x0 - 1, at);
    wnoutrefresh(u->top);
    ui_doc_view(u, &s->doc, &s->top);
}

static void co_key(ui *u, void *stp, int k)
{
    cohort_st *s = stp;
    if (ui_doc_scroll(u, k, &s->top, s->doc.n)) {
        if (!u->dead && ui_top(u) == UI_COHORT)
            ui_draw_all(u);
        return;
    }
    ui_help_or_back(u, k);
}

static void co_leave(ui *u, void *stp)
{
    cohort_st *s = stp;
    (void)u;
    report_doc_free(&s->doc);
    free(s);
}

static const char *const co_help[] = {
    "Cohort report",
    "  Up/Down, PgUp/PgDn, Home/End   scroll",
    "  q, Esc     back to the list",
    "",
    "The tables of `bedside report`: baseline characteristics, every trend score",
    "by visit against baseline, the outcome and the time to the endpoint from",
    "the configuration's report: section, and each hip's time to the endpoint.",
    NULL,
};

const ui_screen_ops ui_cohort_ops = {
    .name = "cohort",
    .side_width = 0,
    .leave = co_leave,
    .draw = co_draw,
    .key = co_key,
    .keys = "Up/Down PgUp/PgDn scroll  ? help  q back",
    .help = co_help,
};

void ui_cohort_open(ui *u)
{
    cohort_st *s = xcalloc(1, sizeof *s);
    s->gen = u->data_gen - 1;
    ui_push(u, UI_COHORT, s);
}
