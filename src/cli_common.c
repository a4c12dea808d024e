/* cli_common.c — messages, value parsers and the checks that `record` and
 * `enter` share: which patient, hip, form and timepoint a record is about. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"
#include "sched.h"

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

static void list_forms(const app *a, sbuf *b)
{
    for (int i = 0; i < a->forms.n; i++)
        sbuf_printf(b, "%s%s", i ? ", " : "", a->forms.v[i]->id);
}

static int check_timepoint(const app *a, const char *tp)
{
    if (strcmp(tp, TIMEPOINT_UNSCHEDULED) == 0 || config_timepoint(&a->cfg, tp) >= 0)
        return 0;
    sbuf b = {0};
    for (int i = 0; i < a->cfg.n_tp; i++)
        sbuf_printf(&b, "%s, ", a->cfg.tp[i].id);
    cli_err("unknown timepoint '%s' (one of: %s%s)", cli_esc(tp), b.s ? b.s : "",
            TIMEPOINT_UNSCHEDULED);
    sbuf_free(&b);
    return -1;
}

/* Day 0 for a patient-scope record: the earliest hip's index date, or
 * CLI_NO_DATE when the patient has no hip. */
static int earliest_index(app *a, const char *patient_uuid)
{
    size_t n = 0;
    st_hip *h = store_hips_of(a->db, patient_uuid, &n);
    int best = CLI_NO_DATE;
    for (size_t i = 0; i < n; i++)
        if (best == CLI_NO_DATE || h[i].index_date < best)
            best = h[i].index_date;
    store_hips_free(h, n);
    return best;
}

static int check_visit_date(app *a, cli_target *t, int visit)
{
    char d[11], lim[11];
    date_format(visit, d);
    if (visit > a->today) {
        date_format(a->today, lim);
        return cli_err("--date: %s is in the future (today is %s)", d, lim);
    }
    if (t->has_h && visit < sched_first_day(&a->cfg, t->h.index_date)) {
        int first = sched_first_day(&a->cfg, t->h.index_date);
        date_format(t->h.index_date, lim);
        if (first == t->h.index_date)
            return cli_err("--date: %s is before the hip's index date %s", d, lim);
        char open[11];
        date_format(first, open);
        return cli_err("--date: %s is before the hip's first visit window opens (%s; index "
                       "date %s)", d, open, lim);
    }
    if (visit < t->p.born) {
        date_format(t->p.born, lim);
        return cli_err("--date: %s is before the patient's birth date %s", d, lim);
    }
    return 0;
}

int cli_target_resolve(app *a, const char *mrn, const char *form_id, char side, const char *tp,
                       int visit_date, cli_target *t)
{
    memset(t, 0, sizeof *t);
    t->f = form_set_find(&a->forms, form_id);
    if (!t->f) {
        sbuf b = {0};
        list_forms(a, &b);
        cli_err("unknown form '%s' (one of: %s)", cli_esc(form_id), b.s ? b.s : "");
        sbuf_free(&b);
        return 1;
    }
    if (tp && check_timepoint(a, tp))
        return 1;
    if (cli_find_patient(a, mrn, &t->p))
        return 1;
    t->has_p = 1;
    if (t->f->scope == SCOPE_HIP) {
        if (!side)
            return cli_err("%s is recorded per hip: give --hip L or --hip R", t->f->id);
        int rc = store_hip_get(a->db, t->p.uuid, side, &t->h);
        if (rc != 0)
            return cli_err("patient '%s' has no %s hip (add it with: bedside hip add %s --side %c ...)",
                           cli_esc(mrn), side == 'L' ? "left" : "right", cli_esc(mrn), side);
        t->has_h = 1;
    } else if (side) {
        return cli_err("%s is recorded per patient, not per hip: leave out --hip", t->f->id);
    }
    if (visit_date != CLI_NO_DATE && check_visit_date(a, t, visit_date))
        return 1;
    if (tp) {
        t->tp = xstrdup(tp);
    } else if (visit_date != CLI_NO_DATE) {
        int day0 = t->has_h ? t->h.index_date : earliest_index(a, t->p.uuid);
        int i = day0 == CLI_NO_DATE ? -1 : sched_timepoint_for(&a->cfg, day0, visit_date);
        t->tp = xstrdup(i >= 0 ? a->cfg.tp[i].id : TIMEPOINT_UNSCHEDULED);
    }
    return 0;
}

void cli_target_free(cli_target *t)
{
    if (t->has_p)
        st_patient_free(&t->p);
    if (t->has_h)
        st_hip_free(&t->h);
    free(t->tp);
    memset(t, 0, sizeof *t);
}

void cli_print_scores(const form *f, const form_answers *ans)
{
    double *val = xcalloc((size_t)f->n_score, sizeof *val);
    int *isnull = xcalloc((size_t)f->n_score, sizeof *isnull);
    form_compute(ans, val, isnull);
    for (int i = 0; i < f->n_score; i++) {
        char buf[32];
        if (isnull[i])
            snprintf(buf, sizeof buf, "NA");
        else
            form_score_format(&f->score[i], val[i], buf);
        printf("%s=%s\n", f->score[i].id, buf);
    }
    free(val);
    free(isnull);
}

void cli_record_fill(st_record *r, const form_answers *ans)
{
    const form *f = ans->f;
    free(r->form);
    r->form = xstrdup(f->id);
    r->form_version = f->version;
    for (int i = 0; i < f->n_field; i++)
        if (ans->val[i])
            st_record_answer(r, f->field[i].id, ans->val[i]);
    double *val = xcalloc((size_t)f->n_score, sizeof *val);
    int *isnull = xcalloc((size_t)f->n_score, sizeof *isnull);
    form_compute(ans, val, isnull);
    for (int i = 0; i < f->n_score; i++)
        if (!isnull[i])
            st_record_score(r, f->score[i].id, val[i]);
    free(val);
    free(isnull);
}
