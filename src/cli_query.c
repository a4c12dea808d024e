/* cli_query.c — `due`, `drafts` and `history`: read-only listings as
 * aligned text. Everything that came from people or from the database is
 * escaped before it reaches the terminal. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "sched.h"

static const char due_usage[] = "usage: bedside due [--within DAYS]\n";
static const char drafts_usage[] = "usage: bedside drafts\n";
static const char history_usage[] = "usage: bedside history MRN\n";

/* A table of escaped cells printed with columns aligned by characters. */
typedef struct {
    int ncol, nrow;
    char **cell;        /* nrow * ncol, row 0 is the header */
} table;

static void table_add(table *t, char **row)
{
    t->cell = xrealloc(t->cell, (size_t)(t->nrow + 1) * (size_t)t->ncol * sizeof *t->cell);
    for (int c = 0; c < t->ncol; c++)
        t->cell[t->nrow * t->ncol + c] = text_escape(row[c] ? row[c] : "");
    t->nrow++;
}

static void table_print(table *t)
{
    size_t *w = xcalloc((size_t)t->ncol, sizeof *w);
    for (int i = 0; i < t->nrow * t->ncol; i++) {
        size_t n = utf8_chars(t->cell[i]);
        w[i % t->ncol] = n > w[i % t->ncol] ? n : w[i % t->ncol];
    }
    for (int r = 0; r < t->nrow; r++) {
        for (int c = 0; c < t->ncol; c++) {
            const char *s = t->cell[r * t->ncol + c];
            int last = c == t->ncol - 1;
            fputs(s, stdout);
            if (!last)
                printf("%*s", (int)(w[c] - utf8_chars(s) + 2), "");
        }
        putchar('\n');
    }
    free(w);
}

static void table_free(table *t)
{
    for (int i = 0; i < t->nrow * t->ncol; i++)
        free(t->cell[i]);
    free(t->cell);
}

typedef struct {
    char *mrn, *name, *tp, *missing;
    char side;
    int target, open, close;
    enum sched_state state;
} due_row;

typedef struct {
    app *a;
    int within;           /* -1: due and overdue only */
    due_row *row;
    size_t n;
    sched_item *items;
} due_ctx;

static int due_hip(void *ctx, const st_patient *p, const st_hip *h, const st_done *done,
                   int end_date)
{
    due_ctx *d = ctx;
    const config *cfg = &d->a->cfg;
    sched_hip(cfg, h->index_date, d->a->today, end_date, st_done_has, (void *)done, d->items);
    for (int i = 0; i < cfg->n_tp; i++) {
        const sched_item *it = &d->items[i];
        int soon = d->within >= 0 && it->state == TP_UPCOMING && it->open <= d->a->today + d->within;
        if (it->state != TP_DUE && it->state != TP_OVERDUE && !soon)
            continue;
        const sched_tp *tp = &cfg->tp[it->tp];
        sbuf miss = {0};
        for (int k = 0; k < tp->n_forms; k++)
            if (!st_done_has((void *)done, tp->id, tp->forms[k]))
                sbuf_printf(&miss, "%s%s", miss.len ? "," : "", tp->forms[k]);
        d->row = xrealloc(d->row, (d->n + 1) * sizeof *d->row);
        d->row[d->n++] = (due_row){
            .mrn = xstrdup(p->mrn), .name = xstrdup(p->name), .tp = xstrdup(tp->id),
            .missing = sbuf_take(&miss), .side = h->side, .target = it->target,
            .open = it->open, .close = it->close, .state = it->state,
        };
    }
    return 0;
}

static int due_cmp(const void *x, const void *y)
{
    const due_row *a = x, *b = y;
    if (a->target != b->target)
        return a->target < b->target ? -1 : 1;
    int c = strcmp(a->mrn, b->mrn);
    return c ? c : a->side - b->side;
}

int cli_due(app *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"within", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0},
    };
    due_ctx d = {.a = a, .within = -1};
    long v;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'w') {
            if (cli_parse_int("--within", optarg, 0, 3650, &v))
                return 1;
            d.within = (int)v;
        } else if (c == 'h') {
            fputs(due_usage, stdout);
            return 0;
        } else {
            return cli_bad_option("due", c, argv, due_usage);
        }
    }
    if (optind != argc)
        return cli_usage_error(due_usage, "due: takes no arguments");
    int rc = cli_load(a, APP_DB_READ, 0);
    if (rc)
        return rc;
    d.items = xcalloc((size_t)a->cfg.n_tp + 1, sizeof *d.items);
    if (store_each_hip(a->db, NULL, &a->ends, due_hip, &d) != 0)
        rc = cli_err("cannot read the hips from %s", a->db_path);
    if (d.n)
        qsort(d.row, d.n, sizeof *d.row, due_cmp);   /* qsort(NULL, 0) is undefined */
    table t = {.ncol = 8};
    char *head[] = {"MRN", "NAME", "SIDE", "TIMEPOINT", "TARGET", "WINDOW", "STATE", "MISSING"};
    table_add(&t, head);
    for (size_t i = 0; i < d.n; i++) {
        due_row *r = &d.row[i];
        char target[11], open[11], close[11];
        date_format(r->target, target);
        date_format(r->open, open);
        date_format(r->close, close);
        char *window = xasprintf("%s%s%s", open, a->ascii ? ".." : "\u2013", close);
        char *row[] = {r->mrn, r->name, (char *)cli_side(r->side), r->tp, target, window,
                       (char *)sched_state_name(r->state), r->missing};
        table_add(&t, row);
        free(window);
        free(r->mrn);
        free(r->name);
        free(r->tp);
        free(r->missing);
    }
    if (!rc && d.n == 0)
        fprintf(stderr, "bedside: nothing is due\n");
    else if (!rc)
        table_print(&t);
    table_free(&t);
    free(d.row);
    free(d.items);
    return rc;
}

int cli_drafts(app *a, int argc, char **argv)
{
    int rc = cli_plain_opts(argc, argv, "drafts", drafts_usage, 0);
    if (rc)
        return rc < 0 ? 0 : rc;
    if ((rc = cli_load(a, APP_DB_READ, 0)) != 0)
        return rc;
    size_t n = 0;
    st_draft_row *d = store_drafts(a->db, &n);
    if (n == 0) {
        store_draft_rows_free(d, n);
        fprintf(stderr, "bedside: no open drafts\n");
        return 0;
    }
    table t = {.ncol = 7};
    char *head[] = {"MRN", "HIP", "TIMEPOINT", "FORM", "ANSWERS", "SAVED_BY", "SAVED_AT"};
    table_add(&t, head);
    for (size_t i = 0; i < n; i++) {
        char count[16];
        snprintf(count, sizeof count, "%d", d[i].n_answers);
        char *row[] = {d[i].mrn, (char *)cli_side(d[i].side), d[i].timepoint, d[i].form, count,
                       d[i].saved_by, d[i].saved_at};
        table_add(&t, row);
    }
    table_print(&t);
    table_free(&t);
    store_draft_rows_free(d, n);
    return 0;
}

static void print_change(const st_change *c, const char *arrow)
{
    printf("  %s: ", cli_esc(c->field));
    if (!c->old_value)
        printf("%s\n", cli_esc(c->new_value));
    else if (!c->new_value)
        printf("%s %s (none)\n", cli_esc(c->old_value), arrow);
    else
        printf("%s %s %s\n", cli_esc(c->old_value), arrow, cli_esc(c->new_value));
}

int cli_history(app *a, int argc, char **argv)
{
    int rc = cli_plain_opts(argc, argv, "history", history_usage, 1);
    if (rc)
        return rc < 0 ? 0 : rc;
    if ((rc = cli_load(a, APP_DB_READ, 0)) != 0)
        return rc;
    st_patient p;
    if (cli_find_patient(a, argv[optind], &p))
        return 1;
    size_t n = 0;
    st_audit_row *h = store_history(a->db, p.uuid, &n);
    size_t ww = 3;
    for (size_t i = 0; i < n; i++) {
        size_t l = utf8_chars(cli_esc(h[i].who));
        ww = l > ww ? l : ww;
    }
    const char *arrow = a->ascii ? "->" : "\u2192";
    for (size_t i = 0; i < n; i++) {
        const st_audit_row *r = &h[i];
        const char *who = cli_esc(r->who);
        printf("%s  %s%*s  %-7s", cli_esc(r->at), who, (int)(ww - utf8_chars(who)), "",
               cli_esc(r->action));
        if (r->side || r->timepoint || r->form) {
            printf("  %s", r->side ? cli_side(r->side) : "-");
            if (r->timepoint)
                printf(" %s", cli_esc(r->timepoint));
            if (r->form)
                printf(" %s", cli_esc(r->form));
        }
        if (r->record[0])
            printf("  record %.8s", r->record);
        putchar('\n');
        if (r->reason)
            printf("  reason: %s\n", cli_esc(r->reason));
        for (int k = 0; k < r->n_chg; k++)
            print_change(&r->chg[k], arrow);
    }
    if (n == 0)
        fprintf(stderr, "bedside: no history for patient '%s'\n", cli_esc(p.mrn));
    store_history_free(h, n);
    st_patient_free(&p);
    return 0;
}
