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
    "                      [--out-of-window] FIELD=VALUE...\n";
static const char amend_usage[] =
    "usage: bedside amend RECORD --reason TEXT [--date YYYY-MM-DD] [--timepoint TP]\n"
    "                     [--out-of-window] [FIELD=VALUE...]\n";
static const char void_usage[] = "usage: bedside void RECORD [--visit] --reason TEXT\n";
static const char void_help[] =
    "\nWithdraw a current final record, for example one entered for the wrong\n"
    "patient or hip. Nothing is deleted: the record stays in the database,\n"
    "marked void, and `bedside history MRN` shows who voided it, when and why.\n"
    "\n"
    "  RECORD          the record's UUID, or at least its first 8 characters,\n"
    "                  as `bedside history` and the TUI's record view show it\n"
    "  --reason TEXT   why (required; kept in the history)\n"
    "  --visit         void every current record of RECORD's visit: the same\n"
    "                  hip (or the patient, for a patient-scope form) and\n"
    "                  timepoint (and date, for an unscheduled visit), all or\n"
    "                  none\n"
    "\n"
    "Each voided record is printed as `voided record ID (FORM, TIMEPOINT)`.\n"
    "A record already void, already amended (void the current version) or a\n"
    "draft is refused with a message saying which; nothing changes then.\n"
    "Exit status: 0 voided, 1 refused, 2 usage.\n";

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

int cli_check_pairs(char **v, int n, const char *use)
{
    for (int k = 0; k < n; k++) {
        const char *eq = strchr(v[k], '=');
        if (!eq || eq == v[k])
            return cli_usage_error(use, "expected FIELD=VALUE, got '%s'", cli_esc(v[k]));
    }
    return 0;
}

int cli_fill_answers(form_answers *ans, char **pairs, int n, int defaults)
{
    problems pr = {.f = ans->f, .bad = xcalloc((size_t)ans->f->n_field + 1, 1)};
    apply_pairs(ans, pairs, n, &pr);
    if (defaults)
        form_answers_defaults(ans);
    form_validate(ans, on_invalid, &pr);
    free(pr.bad);
    return pr.n;
}

static void say_saved(const char *what, const st_record *r)
{
    fprintf(stderr, "bedside: %s record %.8s (%s, %s%s, %s)\n", what, r->uuid, r->form,
            r->timepoint, r->out_of_window ? " out of window" : "",
            r->side == 'L' ? "left hip" : r->side == 'R' ? "right hip" : "patient");
}

/* Set the visit; a date in no window needs --out-of-window. */
static int set_visit(app *a, entry_target *t, const char *tp, int visit, int oow)
{
    entry_error e;
    int rc = entry_set_visit(a, t, tp, visit, oow ? ENTRY_CONFIRMED : 0, &e);
    if (rc == ENTRY_CONFIRM)
        return cli_err("%s (--out-of-window)", cli_esc(e.msg));
    if (rc != ENTRY_OK)
        return cli_entry_err(&e, t->f);
    return 0;
}

int cli_record(app *a, int argc, char **argv)
{
    enum { O_FORM = 1, O_HIP, O_TP, O_DATE, O_OOW, O_HELP };
    static const struct option opts[] = {
        {"form", required_argument, NULL, O_FORM}, {"hip", required_argument, NULL, O_HIP},
        {"timepoint", required_argument, NULL, O_TP}, {"date", required_argument, NULL, O_DATE},
        {"out-of-window", no_argument, NULL, O_OOW}, {"help", no_argument, NULL, O_HELP},
        {0, 0, 0, 0},
    };
    const char *form_id = NULL, *tp = NULL, *date = NULL;
    char side = 0;
    int c, oow = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_FORM: form_id = optarg; break;
        case O_HIP:
            if (cli_parse_side("--hip", optarg, &side))
                return 1;
            break;
        case O_TP: tp = optarg; break;
        case O_DATE: date = optarg; break;
        case O_OOW: oow = 1; break;
        case O_HELP: fputs(record_usage, stdout); return 0;
        default: return cli_bad_option("record", c, argv, record_usage);
        }
    }
    if (optind >= argc)
        return cli_usage_error(record_usage, "record: give the patient's MRN");
    if (!form_id)
        return cli_usage_error(record_usage, "record: --form is required");
    if (cli_check_pairs(argv + optind + 1, argc - optind - 1, record_usage))
        return 2;
    int visit = date_today();
    if (date && cli_parse_date("--date", date, &visit))
        return 1;
    int rc = cli_load(a, APP_DB_READ, 1);
    if (rc)
        return rc;
    entry_target t;
    entry_error e;
    if (entry_resolve(a, argv[optind], form_id, side, &t, &e) != ENTRY_OK) {
        rc = cli_entry_err(&e, t.f);
        entry_target_free(&t);
        return rc;
    }
    if (set_visit(a, &t, tp, visit, oow)) {
        entry_target_free(&t);
        return 1;
    }
    if (t.tp_inferred)
        fprintf(stderr, "bedside: dated %s: timepoint %s\n", date ? date : "today", t.tp);
    form_answers *ans = form_answers_new(t.f);
    st_record r;
    if (cli_fill_answers(ans, argv + optind + 1, argc - optind - 1, 1)) {
        rc = cli_err("nothing saved");
    } else if (entry_save(a, &t, ans, NULL, &r, &e) != ENTRY_OK) {
        rc = cli_entry_err(&e, t.f);
        st_record_free(&r);
    } else {
        cli_print_scores(t.f, &r);
        say_saved("saved", &r);
        st_record_free(&r);
    }
    form_answers_free(ans);
    entry_target_free(&t);
    return rc;
}

int cli_amend(app *a, int argc, char **argv)
{
    enum { O_REASON = 1, O_DATE, O_TP, O_OOW, O_HELP };
    static const struct option opts[] = {
        {"reason", required_argument, NULL, O_REASON}, {"date", required_argument, NULL, O_DATE},
        {"timepoint", required_argument, NULL, O_TP}, {"out-of-window", no_argument, NULL, O_OOW},
        {"help", no_argument, NULL, O_HELP}, {0, 0, 0, 0},
    };
    const char *reason = NULL, *date = NULL, *tp = NULL;
    int c, oow = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_REASON: reason = optarg; break;
        case O_DATE: date = optarg; break;
        case O_TP: tp = optarg; break;
        case O_OOW: oow = 1; break;
        case O_HELP: fputs(amend_usage, stdout); return 0;
        default: return cli_bad_option("amend", c, argv, amend_usage);
        }
    }
    if (optind >= argc)
        return cli_usage_error(amend_usage, "amend: give the record's UUID (or its first 8 "
                                            "characters)");
    if (!reason)
        return cli_usage_error(amend_usage, "amend: --reason is required");
    int n = argc - optind - 1;
    if (n == 0 && !date && !tp && !oow)
        return cli_usage_error(amend_usage, "amend: give the changes as FIELD=VALUE, --date or "
                                            "--timepoint");
    if (cli_check_pairs(argv + optind + 1, n, amend_usage))
        return 2;
    int visit = 0;
    if (date && cli_parse_date("--date", date, &visit))
        return 1;
    int rc = 0;
    if (cli_check_reason(reason) || (rc = cli_load(a, APP_DB_READ, 1)) != 0)
        return rc ? rc : 1;
    st_record old;
    entry_target t;
    entry_error e;
    if (entry_open_record(a, argv[optind], "amend", &old, &t, &e) != ENTRY_OK)
        return cli_entry_err(&e, NULL);
    const form *f = t.f;
    int dropped = 0;
    form_answers *ans = entry_answers_of(f, &old, &dropped);
    for (int k = 0; dropped && k < old.n_ans; k++)
        if (form_field_index(f, old.ans[k].key) < 0)
            fprintf(stderr, "bedside: %s.%s: no longer in the form; dropped\n", f->id,
                    cli_esc(old.ans[k].key));
    st_record r;
    if (cli_fill_answers(ans, argv + optind + 1, n, 0)) {
        rc = cli_err("nothing saved");
    } else if ((date || tp || oow) &&
               set_visit(a, &t, tp ? tp : old.timepoint, date ? visit : old.visit_date, oow)) {
        rc = 1;
    } else if (entry_amend(a, &t, &old, ans, reason, &r, &e) != ENTRY_OK) {
        rc = cli_entry_err(&e, f);
        st_record_free(&r);
    } else {
        cli_print_scores(f, &r);
        say_saved("amended as", &r);
        st_record_free(&r);
    }
    form_answers_free(ans);
    st_record_free(&old);
    entry_target_free(&t);
    return rc;
}

int cli_void(app *a, int argc, char **argv)
{
    enum { O_REASON = 1, O_VISIT, O_HELP };
    static const struct option opts[] = {
        {"reason", required_argument, NULL, O_REASON}, {"visit", no_argument, NULL, O_VISIT},
        {"help", no_argument, NULL, O_HELP}, {0, 0, 0, 0},
    };
    const char *reason = NULL;
    int c, visit = 0, rc = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_REASON: reason = optarg; break;
        case O_VISIT: visit = 1; break;
        case O_HELP: fputs(void_usage, stdout); fputs(void_help, stdout); return 0;
        default: return cli_bad_option("void", c, argv, void_usage);
        }
    }
    if (optind >= argc)
        return cli_usage_error(void_usage, "void: give the record's UUID (or its first 8 "
                                           "characters)");
    if (argc - optind != 1)
        return cli_usage_error(void_usage, "void: give one record");
    if (!reason)
        return cli_usage_error(void_usage, "void: --reason is required");
    if (cli_check_reason(reason) || (rc = cli_load(a, APP_DB_READ, 1)) != 0)
        return rc ? rc : 1;
    st_record old;
    entry_target t;
    entry_error e;
    if (entry_open_record(a, argv[optind], "void", &old, &t, &e) != ENTRY_OK)
        return cli_entry_err(&e, NULL);
    size_t n = 1;
    st_record *v = &old;
    if ((visit && entry_visit_records(a, &old, &v, &n, &e) != ENTRY_OK) ||
        entry_void_records(a, v, n, reason, &e) != ENTRY_OK)
        rc = cli_entry_err(&e, NULL);
    else
        for (size_t i = 0; i < n; i++)
            printf("voided record %.8s (%s, %s)\n", v[i].uuid, v[i].form, v[i].timepoint);
    if (visit)
        store_records_free(v, n);
    st_record_free(&old);
    entry_target_free(&t);
    return rc;
}
