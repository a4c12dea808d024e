/* cli_query.c — `due`, `drafts` and `history`: read-only listings as
 * aligned text. Everything that came from people or from the database is
 * escaped before it reaches the terminal. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "sched.h"
#include "sched_due.h"

static const char due_usage[] = "usage: bedside due [--within DAYS]\n";
static const char drafts_usage[] = "usage: bedside drafts\n";
static const char history_usage[] =
    "usage: bedside history MRN\n"
    "       bedside history --repairs\n"
    "  With --repairs, the entries about no patient: each check --repair-derived.\n";

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

/* One row of cells (escaped) padded to the widths w, the last unpadded. */
static void row_print(char *const *cell, const size_t *w, int ncol)
{
    for (int c = 0; c < ncol; c++) {
        fputs(cell[c], stdout);
        if (c < ncol - 1)
            printf("%*s", (int)(w[c] - utf8_chars(cell[c]) + 2), "");
    }
    putchar('\n');
}

static void table_print(table *t)
{
    size_t *w = xcalloc((size_t)t->ncol, sizeof *w);
    for (int i = 0; i < t->nrow * t->ncol; i++) {
        size_t n = utf8_chars(t->cell[i]);
        w[i % t->ncol] = n > w[i % t->ncol] ? n : w[i % t->ncol];
    }
    for (int r = 0; r < t->nrow; r++)
        row_print(&t->cell[r * t->ncol], w, t->ncol);
    free(w);
}

static void table_free(table *t)
{
    for (int i = 0; i < t->nrow * t->ncol; i++)
        free(t->cell[i]);
    free(t->cell);
}

/* `due` streams from the next-due table (sched_due.h) in target order.
 * Each column is as wide as its widest cell among the header and the first
 * DUE_AHEAD rows, which are read ahead and held; a wider cell further down
 * widens its column from that line on. So the first line is out after
 * DUE_AHEAD rows at most, however many are due, and memory stays flat. */
enum { DUE_COLS = 8, DUE_AHEAD = 100 };
typedef struct {
    const app *a;
    size_t w[DUE_COLS];
    char *held[DUE_AHEAD][DUE_COLS];    /* escaped cells of the rows read ahead */
    size_t n_held;
    long rows;
} due_ctx;

static void widen(size_t *w, char *const *cell)
{
    for (int i = 0; i < DUE_COLS; i++) {
        size_t n = utf8_chars(cell[i]);
        w[i] = n > w[i] ? n : w[i];
    }
}

static void free_cells(char **cell)
{
    for (int i = 0; i < DUE_COLS; i++)
        free(cell[i]);
}

/* The header and the rows read ahead, at the widths they make. */
static void due_flush(due_ctx *c)
{
    static char *const head[DUE_COLS] = {"MRN",    "NAME",  "SIDE",  "TIMEPOINT",
                                         "TARGET", "WINDOW", "STATE", "MISSING"};
    widen(c->w, head);
    row_print(head, c->w, DUE_COLS);
    for (size_t r = 0; r < c->n_held; r++) {
        row_print(c->held[r], c->w, DUE_COLS);
        free_cells(c->held[r]);
    }
    c->n_held = 0;
    fflush(stdout);   /* the first lines out now, also into a pipe */
}

static int due_row(void *ctx, const char *mrn, const char *name, char side, const st_due *d)
{
    due_ctx *c = ctx;
    char target[11], open[11], close[11];
    date_format(d->target, target);
    date_format(d->open, open);
    date_format(d->close, close);
    char *window = xasprintf("%s%s%s", open, c->a->ascii ? ".." : "\u2013", close);
    const char *raw[DUE_COLS] = {mrn, name, cli_side(side), d->tp, target, window,
                                 sched_state_name(sched_due_state(d, c->a->today)), d->missing};
    char *cell[DUE_COLS];
    for (int i = 0; i < DUE_COLS; i++)
        cell[i] = text_escape(raw[i]);
    free(window);
    widen(c->w, cell);
    if (c->rows++ < DUE_AHEAD) {
        memcpy(c->held[c->n_held++], cell, sizeof cell);
        if (c->n_held == DUE_AHEAD)
            due_flush(c);
        return 0;
    }
    row_print(cell, c->w, DUE_COLS);
    free_cells(cell);
    return ferror(stdout) ? -1 : 0;
}

int cli_due(app *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"within", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0},
    };
    int within = -1;   /* -1: due and overdue only */
    long v;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'w') {
            if (cli_parse_int("--within", optarg, 0, 3650, &v))
                return 1;
            within = (int)v;
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
    char *err = NULL;
    if (sched_due_ready(a, &err) != 0) {
        rc = cli_err("%s", err ? err : "the next-due table cannot be read");
        free(err);
        return rc;
    }
    int lo, hi, soon = a->today + (within > 0 ? within : 0);
    sched_due_range(&a->cfg, a->today, within, &lo, &hi);
    due_ctx *d = xcalloc(1, sizeof *d);
    d->a = a;
    rc = store_each_due(a->db, lo, hi, soon, a->today, due_row, d);
    if (rc == 0 && d->n_held)
        due_flush(d);
    for (size_t r = 0; r < d->n_held; r++)
        free_cells(d->held[r]);
    long rows = d->rows;
    free(d);
    if (rc != 0)
        return cli_err("cannot read the next-due table of %s", a->db_path);
    if (rows == 0)
        fprintf(stderr, "bedside: nothing is due\n");
    return 0;
}

int cli_drafts(app *a, int argc, char **argv)
{
    int rc = cli_plain_opts(argc, argv, "drafts", drafts_usage, 0);
    if (rc)
        return rc < 0 ? 0 : rc;
    if ((rc = cli_load(a, APP_DB_READ, 0)) != 0)
        return rc;
    size_t n = 0;
    st_draft_row *d;
    if (store_drafts(a->db, &d, &n) < 0) {
        cli_err("cannot list the drafts: %s", store_read_failed(a->db));
        store_draft_rows_free(d, n);
        return 1;
    }
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

/* history --repairs: when, who, what, and what each repair rebuilt. */
static int history_repairs(app *a)
{
    int rc = cli_load(a, APP_DB_READ, 0);
    if (rc)
        return rc;
    size_t n = 0;
    st_audit_row *h;
    if (store_audit_repairs(a->db, &h, &n) < 0) {
        cli_err("cannot read the audit trail: %s", store_read_failed(a->db));
        store_history_free(h, n);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        printf("%s  %s  %s\n", cli_esc(h[i].at), cli_esc(h[i].who), cli_esc(h[i].action));
        for (int k = 0; k < h[i].n_chg; k++)
            printf("  %s: %s\n", cli_esc(h[i].chg[k].field), cli_esc(h[i].chg[k].new_value));
    }
    if (n == 0)
        fprintf(stderr, "bedside: no repairs in the audit trail\n");
    store_history_free(h, n);
    return 0;
}

int cli_history(app *a, int argc, char **argv)
{
    enum { O_REPAIRS = 256 };
    static const struct option opts[] = {
        {"repairs", no_argument, NULL, O_REPAIRS}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c, repairs = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(history_usage, stdout);
            return 0;
        }
        if (c != O_REPAIRS)
            return cli_bad_option("history", c, argv, history_usage);
        repairs = 1;
    }
    if (argc - optind != !repairs)
        return cli_usage_error(history_usage, repairs ? "history --repairs: no MRN with it"
                                                      : "history: say whose: an MRN");
    if (repairs)
        return history_repairs(a);
    int rc = cli_load(a, APP_DB_READ, 0);
    if (rc)
        return rc;
    st_patient p;
    if (cli_find_patient(a, argv[optind], &p))
        return 1;
    size_t n = 0;
    st_audit_row *h;
    if (store_history(a->db, p.uuid, &h, &n) < 0) {
        cli_err("cannot read the audit trail of patient '%s': %s", cli_esc(p.mrn),
                store_read_failed(a->db));
        store_history_free(h, n);
        st_patient_free(&p);
        return 1;
    }
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
