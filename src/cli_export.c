/* cli_export.c — `export csv`: every current final record as RFC 4180 CSV,
 * streamed one record at a time so memory stays flat on any database. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_internal.h"

static const char export_usage[] = "usage: bedside export csv [--form FORM] [-o FILE]\n";

typedef struct {
    FILE *out;
    app *a;
    const form *only;     /* --form, or NULL for every form */
    int *first_col;       /* without --form: where each form's columns start */
    int ncol;             /* columns after the eight fixed ones */
    const char **cell;    /* this row's values of those columns */
    char (*num)[32];      /* formatted scores, owned by the row */
    int unknown;          /* records of forms not in the forms folder */
} export_ctx;

static int form_columns(const form *f)
{
    int n = f->n_score;
    for (int i = 0; i < f->n_field; i++)
        n += f->field[i].type != FT_NOTE;
    return n;
}

static void put_header(export_ctx *x)
{
    static const char *const fixed[] = {"mrn", "hip", "timepoint", "visit_date", "form",
                                        "form_version", "entered_by", "entered_at"};
    for (int i = 0; i < 8; i++)
        fprintf(x->out, "%s%s", i ? "," : "", fixed[i]);
    for (int k = 0; k < x->a->forms.n; k++) {
        const form *f = x->a->forms.v[k];
        if (x->only && f != x->only)
            continue;
        const char *pre = x->only ? "" : f->id, *dot = x->only ? "" : ".";
        for (int i = 0; i < f->n_field; i++)
            if (f->field[i].type != FT_NOTE)
                fprintf(x->out, ",%s%s%s", pre, dot, f->field[i].id);
        for (int i = 0; i < f->n_score; i++)
            fprintf(x->out, ",%s%s%s", pre, dot, f->score[i].id);
    }
    fputs("\r\n", x->out);
}

static int put_record(void *ctx, const char *mrn, const st_record *r)
{
    export_ctx *x = ctx;
    const form *f = x->only;
    int col = 0;
    if (!f) {
        for (int k = 0; k < x->a->forms.n && !f; k++)
            if (strcmp(x->a->forms.v[k]->id, r->form) == 0) {
                f = x->a->forms.v[k];
                col = x->first_col[k];
            }
        if (!f) {
            x->unknown++;
            return 0;
        }
    }
    memset(x->cell, 0, (size_t)x->ncol * sizeof *x->cell);
    for (int i = 0; i < f->n_field; i++)
        if (f->field[i].type != FT_NOTE)
            x->cell[col++] = st_record_get(r, f->field[i].id);
    for (int i = 0; i < f->n_score; i++, col++)
        for (int k = 0; k < r->n_score; k++)
            if (strcmp(r->score_id[k], f->score[i].id) == 0) {
                form_score_format(&f->score[i], r->score_val[k], x->num[i]);
                x->cell[col] = x->num[i];
            }
    char date[11], version[16];
    date_format(r->visit_date, date);
    snprintf(version, sizeof version, "%d", r->form_version);
    const char *fixed[] = {mrn, r->side ? cli_side(r->side) : "", r->timepoint, date,
                           r->form, version, r->entered_by, r->entered_at};
    for (int i = 0; i < 8; i++) {
        if (i)
            putc(',', x->out);
        csv_cell(x->out, fixed[i]);
    }
    for (int i = 0; i < x->ncol; i++) {
        putc(',', x->out);
        csv_cell(x->out, x->cell[i]);
    }
    fputs("\r\n", x->out);
    return ferror(x->out) ? 1 : 0;
}

static int export_csv(app *a, const char *form_id, const char *path)
{
    export_ctx x = {.a = a};
    if (form_id && !(x.only = form_set_find(&a->forms, form_id)))
        return cli_err("unknown form '%s'", cli_esc(form_id));
    x.first_col = xcalloc((size_t)a->forms.n + 1, sizeof *x.first_col);
    int max_scores = 0;
    for (int k = 0; k < a->forms.n; k++) {
        const form *f = a->forms.v[k];
        max_scores = f->n_score > max_scores ? f->n_score : max_scores;
        if (x.only && f != x.only)
            continue;
        x.first_col[k] = x.ncol;
        x.ncol += form_columns(f);
    }
    x.cell = xcalloc((size_t)x.ncol + 1, sizeof *x.cell);
    x.num = xcalloc((size_t)max_scores + 1, sizeof *x.num);
    x.out = path ? fopen(path, "w") : stdout;
    int rc = 0;
    if (!x.out) {
        rc = cli_err("cannot write %s: %s", cli_esc(path), strerror(errno));
    } else {
        put_header(&x);
        if (store_each_current(a->db, form_id, put_record, &x) != 0 || ferror(x.out))
            rc = cli_err("the export stopped: cannot read the records or write the output");
        if (path && fclose(x.out) != 0 && !rc)
            rc = cli_err("cannot write %s: %s", cli_esc(path), strerror(errno));
        if (rc && path)
            unlink(path);
    }
    if (x.unknown)
        fprintf(stderr, "bedside: %d record%s of forms not in the forms folder left out\n",
                x.unknown, x.unknown == 1 ? "" : "s");
    free(x.first_col);
    free(x.cell);
    free(x.num);
    return rc;
}

int cli_export(app *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"form", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0},
    };
    const char *form_id = NULL, *path = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
        switch (c) {
        case 'f': form_id = optarg; break;
        case 'o': path = optarg; break;
        case 'h': fputs(export_usage, stdout); return 0;
        default: return cli_bad_option("export", c, argv, export_usage);
        }
    }
    if (argc - optind != 1 || strcmp(argv[optind], "csv") != 0)
        return cli_usage_error(export_usage, "export: the only format is csv");
    int rc = cli_load(a, APP_DB_READ, 0);
    return rc ? rc : export_csv(a, form_id, path);
}
