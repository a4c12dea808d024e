/* ui_cohort.c — the cohort report on screen: the same tables as `bedside
 * report` (report_cohort.h), built when the screen opens, the data
 * changed or another grouping is picked (`s`: the fields of `report --by`,
 * from form_group_names), scrolled with the usual keys. */
#include <stdlib.h>
#include <string.h>

#include "cli_verify.h"
#include "report_cohort.h"
#include "ui.h"

typedef struct {
    report_doc doc;
    int top, gen, hips;
    char *by;              /* the picked grouping; NULL: the configuration's */
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
    report_cohort_opts o = {.from = -1, .to = -1, .by = s->by, .width = width,
                            .ascii = u->a->ascii};
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
    char *t = xasprintf("Cohort report (as bedside report%s%s)", s->by ? " --by " : "",
                        s->by ? s->by : "");
    ui_put(u, u->top, 0, x0, t, u->cols - x0 - 1, at);
    free(t);
    wnoutrefresh(u->top);
    ui_doc_view(u, &s->doc, &s->top);
}

/* The same fields as `report --by` accepts, from the same function. */
static void pick_by(ui *u, cohort_st *s)
{
    int n;
    char **names = form_group_names(&u->a->forms, &n);
    const char **items = xcalloc((size_t)n + 2, sizeof *items);
    items[0] = "as configured (report: in bedside.yaml)";
    int def = 0;
    for (int i = 0; i < n; i++) {
        items[i + 1] = names[i];
        if (s->by && strcmp(s->by, names[i]) == 0)
            def = i + 1;
    }
    int k = ui_pick(u, "Group the cohort by", items, n + 1, def);
    if (k >= 0 && k != def) {
        free(s->by);
        s->by = k ? xstrdup(names[k - 1]) : NULL;
        s->top = 0;
        s->gen = u->data_gen - 1;   /* rebuilt when drawn */
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(items);
    if (!u->dead)
        ui_draw_all(u);
}

static void co_key(ui *u, void *stp, int k)
{
    cohort_st *s = stp;
    if (ui_doc_scroll(u, k, &s->top, s->doc.n)) {
        if (!u->dead && ui_top(u) == UI_COHORT)
            ui_draw_all(u);
        return;
    }
    if (k == 's') {
        pick_by(u, s);
        return;
    }
    ui_help_or_back(u, k);
}

static void co_leave(ui *u, void *stp)
{
    cohort_st *s = stp;
    (void)u;
    report_doc_free(&s->doc);
    free(s->by);
    free(s);
}

static const char *const co_help[] = {
    "Cohort report",
    "  Up/Down, PgUp/PgDn, Home/End   scroll",
    "  s          stratify: group by another field (as report --by)",
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
    .keys = "Up/Down PgUp/PgDn scroll  s stratify  ? help  q back",
    .help = co_help,
};

void ui_cohort_open(ui *u)
{
    cohort_st *s = xcalloc(1, sizeof *s);
    s->gen = u->data_gen - 1;
    ui_push(u, UI_COHORT, s);
}
