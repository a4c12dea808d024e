/* cli_admin.c — `backup`, `check` (the store's own checks plus every
 * current record's answers and scores against the forms) and `enter`. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_internal.h"

static const char backup_usage[] = "usage: bedside backup FILE\n";
static const char check_usage[] = "usage: bedside check\n";
static const char enter_usage[] =
    "usage: bedside enter MRN --form FORM [--hip L|R] [--timepoint TP]\n";

int cli_backup(app *a, int argc, char **argv)
{
    int rc = cli_plain_opts(argc, argv, "backup", backup_usage, 1);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *dest = argv[optind];
    struct stat st;
    if (stat(dest, &st) == 0)
        return cli_err("%s already exists; a backup never overwrites a file", cli_esc(dest));
    if ((rc = cli_load(a, APP_DB_READ, 0)) != 0)
        return rc;
    char *err = NULL;
    if (store_backup(a->db, dest, &err) != 0) {
        rc = cli_err("%s", err ? err : "the backup failed");
        free(err);
        return rc;
    }
    printf("backed up %s to %s\n", a->db_path, cli_esc(dest));
    return 0;
}

typedef struct {
    app *a;
    int problems;
} check_ctx;

static void on_store_problem(void *ctx, const char *problem)
{
    check_ctx *c = ctx;
    printf("%s\n", cli_esc(problem));
    c->problems++;
}

static void record_problem(check_ctx *c, const st_record *r, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
static void record_problem(check_ctx *c, const st_record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("record %.8s (%s, %s): ", r->uuid, cli_esc(r->form), cli_esc(r->timepoint));
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    c->problems++;
}

/* Is every option code of a stored choice or multi answer in the form? */
static const char *bad_code(const form_field *fl, const char *value)
{
    static char code[128];
    if (fl->type != FT_CHOICE && fl->type != FT_MULTI)
        return NULL;
    const char *s = value;
    for (;;) {
        size_t n = fl->type == FT_MULTI ? strcspn(s, ",") : strlen(s);
        snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code ? n : sizeof code - 1), s);
        if (form_option_index(fl, code) < 0)
            return code;
        if (!s[n])
            return NULL;
        s += n + 1;
    }
}

static void check_scores(check_ctx *c, const form *f, const form_answers *ans, const st_record *r)
{
    double *val = xcalloc((size_t)f->n_score + 1, sizeof *val);
    int *isnull = xcalloc((size_t)f->n_score + 1, sizeof *isnull);
    form_compute(ans, val, isnull);
    for (int i = 0; i < f->n_score; i++) {
        char stored[32] = "NA", now[32] = "NA";
        for (int k = 0; k < r->n_score; k++)
            if (strcmp(r->score_id[k], f->score[i].id) == 0)
                form_score_format(&f->score[i], r->score_val[k], stored);
        if (!isnull[i])
            form_score_format(&f->score[i], val[i], now);
        if (strcmp(stored, now) == 0)
            continue;
        if (r->form_version == f->version)
            record_problem(c, r, "%s.%s is %s, answers give %s", f->id, f->score[i].id, stored,
                           now);
        else
            record_problem(c, r, "%s.%s is %s, answers give %s (recorded with version %d, the "
                           "form is now version %d)", f->id, f->score[i].id, stored, now,
                           r->form_version, f->version);
    }
    for (int k = 0; k < r->n_score; k++)
        if (form_score_index(f, r->score_id[k]) < 0)
            record_problem(c, r, "%s.%s: a score the form does not have", f->id,
                           cli_esc(r->score_id[k]));
    free(val);
    free(isnull);
}

static int check_record(void *ctx, const char *mrn, const st_record *r)
{
    check_ctx *c = ctx;
    const form *f = form_set_find(&c->a->forms, r->form);
    if (!f) {
        record_problem(c, r, "form '%s' is not in the forms folder", cli_esc(r->form));
        return 0;
    }
    form_answers *ans = form_answers_new(f);
    for (int k = 0; k < r->n_ans; k++) {
        int i = form_field_index(f, r->ans[k].key);
        const char *code;
        if (i < 0) {
            record_problem(c, r, "%s: unknown field '%s'", f->id, cli_esc(r->ans[k].key));
        } else if ((code = bad_code(&f->field[i], r->ans[k].value)) != NULL) {
            record_problem(c, r, "%s.%s: unknown option '%s'", f->id, f->field[i].id,
                           cli_esc(code));
        } else {
            form_answer_load(ans, i, r->ans[k].value);
        }
    }
    check_scores(c, f, ans, r);
    form_answers_free(ans);
    return 0;
}

int cli_check(app *a, int argc, char **argv)
{
    int rc = cli_plain_opts(argc, argv, "check", check_usage, 0);
    if (rc)
        return rc < 0 ? 0 : rc;
    if ((rc = cli_load(a, APP_DB_READ, 0)) != 0)
        return rc;
    check_ctx c = {.a = a};
    store_check(a->db, on_store_problem, &c);
    if (store_each_current(a->db, NULL, check_record, &c) != 0) {
        printf("cannot read the records of %s\n", a->db_path);
        c.problems++;
    }
    if (c.problems == 0) {
        puts("no problems found");
        return 0;
    }
    fprintf(stderr, "bedside: %d problem%s found in %s\n", c.problems,
            c.problems == 1 ? "" : "s", a->db_path);
    return 1;
}

int cli_enter(app *a, int argc, char **argv, ui_main_fn ui)
{
    enum { O_FORM = 1, O_HIP, O_TP, O_HELP };
    static const struct option opts[] = {
        {"form", required_argument, NULL, O_FORM}, {"hip", required_argument, NULL, O_HIP},
        {"timepoint", required_argument, NULL, O_TP}, {"help", no_argument, NULL, O_HELP},
        {0, 0, 0, 0},
    };
    const char *form_id = NULL, *tp = NULL;
    char side = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_FORM: form_id = optarg; break;
        case O_HIP:
            if (cli_parse_side("--hip", optarg, &side))
                return 1;
            break;
        case O_TP: tp = optarg; break;
        case O_HELP: fputs(enter_usage, stdout); return 0;
        default: return cli_bad_option("enter", c, argv, enter_usage);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(enter_usage, "enter: give one MRN");
    if (!form_id)
        return cli_usage_error(enter_usage, "enter: --form is required");
    /* Refused before the nurse types anything: a read-only database would
     * lose the whole form at the first answer. */
    int rc = cli_load(a, APP_DB_READ, 1);
    if (rc)
        return rc;
    cli_target t;
    if (cli_target_resolve(a, argv[optind], form_id, side, tp, CLI_NO_DATE, &t)) {
        cli_target_free(&t);
        return 1;
    }
    ui_start start = {.mrn = argv[optind], .form = t.f->id, .timepoint = t.tp, .side = side};
    rc = ui(a, &start);
    cli_target_free(&t);
    return rc;
}
