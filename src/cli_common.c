/* cli_common.c — messages and value parsers the subcommands share; what a
 * record is about and its rules are entry.h's. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"

int cli_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bedside: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static char **esc_v;
static size_t esc_n;

const char *cli_esc(const char *s)
{
    esc_v = xrealloc(esc_v, (esc_n + 1) * sizeof *esc_v);
    return esc_v[esc_n++] = text_escape(s);
}

void cli_esc_flush(void)
{
    for (size_t i = 0; i < esc_n; i++)
        free(esc_v[i]);
    free(esc_v);
    esc_v = NULL;
    esc_n = 0;
}

int cli_parse_date(const char *opt, const char *s, int *days)
{
    if (date_parse(s, days) == 0)
        return 0;
    cli_err("%s: '%s' is not a valid date (YYYY-MM-DD, year 1900-2200)", opt, cli_esc(s));
    return -1;
}

int cli_parse_side(const char *opt, const char *s, char *side)
{
    if (strcmp(s, "L") == 0 || strcmp(s, "l") == 0 || strcmp(s, "left") == 0)
        *side = 'L';
    else if (strcmp(s, "R") == 0 || strcmp(s, "r") == 0 || strcmp(s, "right") == 0)
        *side = 'R';
    else {
        cli_err("%s: '%s' is not a side (L or R)", opt, cli_esc(s));
        return -1;
    }
    return 0;
}

int cli_parse_int(const char *opt, const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max) {
        cli_err("%s: '%s' is not a whole number from %ld to %ld", opt, cli_esc(s), min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_plain_opts(int argc, char **argv, const char *cmd, const char *use, int nargs)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(use, stdout);
            return -1;
        }
        return cli_bad_option(cmd, c, argv, use);
    }
    if (argc - optind != nargs)
        return cli_usage_error(use, "%s: expected %d argument%s", cmd, nargs, nargs == 1 ? "" : "s");
    return 0;
}

const char *cli_side(char side)
{
    return side == 'L' ? "L" : side == 'R' ? "R" : "-";
}

int cli_find_patient(app *a, const char *mrn, st_patient *p)
{
    memset(p, 0, sizeof *p);
    int rc = store_patient_get(a->db, mrn, p);
    if (rc == 0)
        return 0;
    if (rc > 0)
        cli_err("no patient with MRN '%s'", cli_esc(mrn));
    else
        cli_err("cannot read patient '%s' from %s", cli_esc(mrn), a->db_path);
    return 1;
}

int cli_check_reason(const char *reason)
{
    entry_error e;
    if (entry_check_reason(reason, &e) != ENTRY_OK)
        return cli_err("--reason: %s", cli_esc(e.msg));
    return 0;
}

int cli_entry_err(const entry_error *e, const form *f)
{
    if (e->answer && f)
        return cli_err("%s.%s: %s", f->id, cli_esc(e->field), cli_esc(e->msg));
    return cli_err("%s", cli_esc(e->msg));
}

void cli_print_scores(const form *f, const st_record *r)
{
    for (int i = 0; i < f->n_score; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "NA");
        for (int k = 0; k < r->n_score; k++)
            if (strcmp(r->score_id[k], f->score[i].id) == 0)
                form_score_format(&f->score[i], r->score_val[k], buf);
        printf("%s=%s\n", f->score[i].id, buf);
    }
}
