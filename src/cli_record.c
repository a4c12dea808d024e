/* cli_record.c — `record`, `amend` and `void`: final records from the
 * command line, checked by the form engine exactly as the TUI checks them. */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"

static const char record_usage[] =
    "usage: bedside record MRN --form FORM [--hip L|R] [--timepoint TP] [--date YYYY-MM-DD]\n"
    "                      FIELD=VALUE...\n";
static const char amend_usage[] = "usage: bedside amend RECORD --reason TEXT FIELD=VALUE...\n";
static const char void_usage[] = "usage: bedside void RECORD --reason TEXT\n";

/* The problems of one form, printed as they come; a field whose value was
 * refused is not reported again by the full validation. */
typedef struct {
    const form *f;
    char *bad;           /* per field: its value was refused */
    int n;
} problems;

static void problem(problems *pr, const char *field, const char *msg)
{
    fprintf(stderr, "bedside: %s.%s: %s\n", pr->f->id, cli_esc(field), cli_esc(msg));
    pr->n++;
}

static void on_invalid(void *ctx, const char *field_id, const char *msg)
{
    problems *pr = ctx;
    int i = form_field_index(pr->f, field_id);
    if (i >= 0 && pr->bad[i])
        return;
    problem(pr, field_id, msg);
}

/* FIELD=VALUE arguments onto answers. An empty VALUE clears the field. */
static void apply_pairs(form_answers *ans, char **pairs, int n, problems *pr)
{
    const form *f = ans->f;
    char *seen = xcalloc((size_t)f->n_field + 1, 1);
    for (int k = 0; k < n; k++) {
        char *eq = strchr(pairs[k], '=');
        char *field = xstrndup(pairs[k], (size_t)(eq - pairs[k]));
        const char *value = eq + 1;
        int i = form_field_index(f, field);
        char err[256];
        if (i < 0) {
            problem(pr, field, form_score_index(f, field) >= 0
                                   ? "is a score, computed from the answers"
                                   : "unknown field");
        } else if (seen[i]) {
            problem(pr, field, "given twice");
            pr->bad[i] = 1;
        } else if (f->field[i].type == FT_NOTE) {
            problem(pr, field, "is a note, it takes no answer");
            pr->bad[i] = 1;
        } else if (!*value) {
            form_answer_clear(ans, i);
        } else if (form_answer_set(ans, i, value, err, sizeof err) != 0) {
            problem(pr, field, err);
            pr->bad[i] = 1;
        }
        if (i >= 0)
            seen[i] = 1;
        free(field);
    }
    free(seen);
}

/* Every one of these arguments must be FIELD=VALUE with a FIELD. */
static int check_pairs(char **v, int n, const char *use)
{
    for (int k = 0; k < n; k++) {
        const char *eq = strchr(v[k], '=');
        if (!eq || eq == v[k])
            return cli_usage_error(use, "expected FIELD=VALUE, got '%s'", cli_esc(v[k]));
    }
    return 0;
}

/* Apply the pairs and validate the whole form; prints every problem.
 * Returns the number of problems. */
static int fill_and_validate(form_answers *ans, char **pairs, int n, int defaults)
{
    problems pr = {.f = ans->f, .bad = xcalloc((size_t)ans->f->n_field + 1, 1)};
    apply_pairs(ans, pairs, n, &pr);
    if (defaults)
        form_answers_defaults(ans);
    form_validate(ans, on_invalid, &pr);
    free(pr.bad);
    return pr.n;
}

static int check_reason(const char *reason)
{
    int blank = 1;
    for (const char *s = reason; *s; s++)
        if (!isspace((unsigned char)*s))
            blank = 0;
    if (blank)
        return cli_err("--reason: say why (the reason is kept in the history)");
    if (!utf8_valid(reason, strlen(reason), NULL))
        return cli_err("--reason: not valid UTF-8");
    return 0;
}

static void say_saved(const char *what, const char *uuid, const st_record *r)
{
    fprintf(stderr, "bedside: %s record %.8s (%s, %s, %s)\n", what, uuid, r->form,
            r->timepoint, r->side == 'L' ? "left hip" : r->side == 'R' ? "right hip" : "patient");
}

static int save_record(app *a, cli_target *t, int visit, form_answers *ans)
{
    st_record r = {0};
    memcpy(r.patient, t->p.uuid, sizeof r.patient);
    if (t->has_h) {
        memcpy(r.hip, t->h.uuid, sizeof r.hip);
        r.side = t->h.side;
    }
    r.timepoint = xstrdup(t->tp);
    r.visit_date = visit;
    r.status = 'f';
    cli_record_fill(&r, ans);
    char *err = NULL;
    int rc = 0;
    if (store_record_final(a->db, &r, &err) != 0) {
        rc = cli_err("%s", err ? err : "could not save the record");
        free(err);
    } else {
        cli_print_scores(t->f, ans);
        say_saved("saved", r.uuid, &r);
    }
    st_record_free(&r);
    return rc;
}

int cli_record(app *a, int argc, char **argv)
{
    enum { O_FORM = 1, O_HIP, O_TP, O_DATE, O_HELP };
    static const struct option opts[] = {
        {"form", required_argument, NULL, O_FORM}, {"hip", required_argument, NULL, O_HIP},
        {"timepoint", required_argument, NULL, O_TP}, {"date", required_argument, NULL, O_DATE},
        {"help", no_argument, NULL, O_HELP}, {0, 0, 0, 0},
    };
    const char *form_id = NULL, *tp = NULL, *date = NULL;
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
        case O_DATE: date = optarg; break;
        case O_HELP: fputs(record_usage, stdout); return 0;
        default: return cli_bad_option("record", c, argv, record_usage);
        }
    }
    if (optind >= argc)
        return cli_usage_error(record_usage, "record: give the patient's MRN");
    if (!form_id)
        return cli_usage_error(record_usage, "record: --form is required");
    if (check_pairs(argv + optind + 1, argc - optind - 1, record_usage))
        return 2;
    int visit = date_today();
    if (date && cli_parse_date("--date", date, &visit))
        return 1;
    int rc = cli_load(a, APP_DB_READ, 1);
    if (rc)
        return rc;
    cli_target t;
    if (cli_target_resolve(a, argv[optind], form_id, side, tp, visit, &t)) {
        cli_target_free(&t);
        return 1;
    }
    form_answers *ans = form_answers_new(t.f);
    if (fill_and_validate(ans, argv + optind + 1, argc - optind - 1, 1))
        rc = cli_err("nothing saved");
    else
        rc = save_record(a, &t, visit, ans);
    form_answers_free(ans);
    cli_target_free(&t);
    return rc;
}

/* The record named by a UUID or a prefix of it, which must be current. */
static int get_current(app *a, const char *id, st_record *r)
{
    memset(r, 0, sizeof *r);
    char *err = NULL;
    int rc = store_record_lookup(a->db, id, r, &err);
    if (rc != 0) {
        if (rc > 0)
            cli_err("no record '%s'", cli_esc(id));
        else
            cli_err("%s", err ? err : "cannot read the record");
        free(err);
        return 1;
    }
    if (r->status != 'f' || !r->current) {
        cli_err("record %.8s is %s; only a current final record can be changed", r->uuid,
                r->status == 'd' ? "a draft" : r->status == 'v' ? "a void entry"
                                                                : "superseded by a newer version");
        st_record_free(r);
        return 1;
    }
    return 0;
}

/* The stored answers of old as form answers; answers to fields the form no
 * longer has cannot be kept, and the nurse is told. */
static form_answers *load_answers(const form *f, const st_record *old)
{
    form_answers *ans = form_answers_new(f);
    for (int k = 0; k < old->n_ans; k++) {
        int i = form_field_index(f, old->ans[k].key);
        if (i >= 0)
            form_answer_load(ans, i, old->ans[k].value);
        else
            fprintf(stderr, "bedside: %s.%s: no longer in the form; dropped\n", f->id,
                    cli_esc(old->ans[k].key));
    }
    return ans;
}

static int parse_reason_opts(int argc, char **argv, const char *cmd, const char *use,
                             const char **reason)
{
    static const struct option opts[] = {
        {"reason", required_argument, NULL, 'r'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'r') {
            *reason = optarg;
        } else if (c == 'h') {
            fputs(use, stdout);
            return -1;
        } else {
            return cli_bad_option(cmd, c, argv, use);
        }
    }
    if (optind >= argc)
        return cli_usage_error(use, "%s: give the record's UUID (or its first 8 characters)", cmd);
    if (!*reason)
        return cli_usage_error(use, "%s: --reason is required", cmd);
    return 0;
}

int cli_amend(app *a, int argc, char **argv)
{
    const char *reason = NULL;
    int rc = parse_reason_opts(argc, argv, "amend", amend_usage, &reason);
    if (rc)
        return rc < 0 ? 0 : rc;
    int n = argc - optind - 1;
    if (n == 0)
        return cli_usage_error(amend_usage, "amend: give the changes as FIELD=VALUE");
    if (check_pairs(argv + optind + 1, n, amend_usage))
        return 2;
    if (check_reason(reason) || (rc = cli_load(a, APP_DB_READ, 1)) != 0)
        return rc ? rc : 1;
    st_record old;
    if (get_current(a, argv[optind], &old))
        return 1;
    const form *f = form_set_find(&a->forms, old.form);
    if (!f) {
        rc = cli_err("record %.8s is a '%s' record, a form not in the forms folder", old.uuid,
                     cli_esc(old.form));
        st_record_free(&old);
        return rc;
    }
    form_answers *ans = load_answers(f, &old);
    if (fill_and_validate(ans, argv + optind + 1, n, 0)) {
        rc = cli_err("nothing saved");
    } else {
        st_record r = {0};
        memcpy(r.patient, old.patient, sizeof r.patient);
        memcpy(r.hip, old.hip, sizeof r.hip);
        r.side = old.side;
        r.timepoint = xstrdup(old.timepoint);
        r.visit_date = old.visit_date;
        r.status = 'f';
        cli_record_fill(&r, ans);
        char *err = NULL;
        if (store_record_amend(a->db, old.uuid, &r, reason, &err) != 0) {
            rc = cli_err("%s", err ? err : "could not amend the record");
            free(err);
        } else {
            cli_print_scores(f, ans);
            say_saved("amended as", r.uuid, &r);
        }
        st_record_free(&r);
    }
    form_answers_free(ans);
    st_record_free(&old);
    return rc;
}

int cli_void(app *a, int argc, char **argv)
{
    const char *reason = NULL;
    int rc = parse_reason_opts(argc, argv, "void", void_usage, &reason);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (argc - optind != 1)
        return cli_usage_error(void_usage, "void: give one record");
    if (check_reason(reason) || (rc = cli_load(a, APP_DB_READ, 1)) != 0)
        return rc ? rc : 1;
    st_record old;
    if (get_current(a, argv[optind], &old))
        return 1;
    char *err = NULL;
    if (store_record_void(a->db, old.uuid, reason, &err) != 0) {
        rc = cli_err("%s", err ? err : "could not void the record");
        free(err);
    } else {
        printf("voided record %.8s (%s, %s)\n", old.uuid, old.form, old.timepoint);
    }
    st_record_free(&old);
    return rc;
}
