/* cli_patient.c — `patient add`, `patient list` and `hip add`. */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "entry.h"

static const char patient_usage[] =
    "usage: bedside patient add MRN --name NAME --sex F|M|X --born YYYY-MM-DD\n"
    "                           [--allow-duplicate] [FIELD=VALUE...]\n"
    "  FIELD: a field of the patient's enrolment form, if there is one\n"
    "       bedside patient list [SEARCH]\n"
    "  A SEARCH that starts with '-' goes after -- (the end of the options).\n";

static const char hip_usage[] =
    "usage: bedside hip add MRN --side L|R --index-date YYYY-MM-DD [FIELD=VALUE...]\n"
    "       bedside hip add MRN --side L|R --observed [--index-date YYYY-MM-DD]\n"
    "       bedside hip amend MRN --side L|R --index-date YYYY-MM-DD --reason TEXT\n"
    "  FIELD: a field of the hip's enrolment form (bedside forms show hip_enrolment)\n"
    "  --observed: an untreated hip, no index procedure and no schedule, on which a\n"
    "  conversion can be recorded; --index-date is then the day observation began\n"
    "  (default today)\n";

#define NAME_MAX_CHARS 200

static int check_mrn(const char *mrn)
{
    size_t n = strlen(mrn);
    int ok = n >= 1 && n <= 32;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)mrn[i]) || mrn[i] == '_' || mrn[i] == '-';
    if (!ok)
        cli_err("MRN '%s': use 1 to 32 letters, digits, '_' or '-'", cli_esc(mrn));
    return ok ? 0 : -1;
}

static int check_name(const char *name)
{
    size_t n = strlen(name), bad;
    int blank = 1;
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)name[i]))
            blank = 0;
    if (blank)
        return cli_err("--name: the name is empty");
    if (!utf8_valid(name, n, &bad))
        return cli_err("--name: '%s' is not valid UTF-8 (byte %zu)", cli_esc(name), bad + 1);
    if (utf8_chars(name) > NAME_MAX_CHARS)
        return cli_err("--name: longer than %d characters", NAME_MAX_CHARS);
    return 0;
}

/* The enrolment form of a scope for FIELD=VALUE pairs (or none given):
 * its answers, filled and validated (problems printed), in *out. Returns 0,
 * 1 after printing the problems, or 2 (usage). */
static int enrol_answers(app *a, enum form_scope scope, char **pairs, int n, const char *use,
                         form_answers **out)
{
    *out = NULL;
    const form *f = a->enrol[scope];
    if (!f) {
        if (n == 0)
            return 0;
        return cli_usage_error(use, "'%s': no enrolment form of a %s takes answers (forms with "
                               "'enrolment: true' and 'scope: %s')", cli_esc(pairs[0]),
                               scope == SCOPE_HIP ? "hip" : "patient",
                               scope == SCOPE_HIP ? "hip" : "patient");
    }
    *out = form_answers_new(f);
    if (cli_fill_answers(*out, pairs, n, 1)) {
        form_answers_free(*out);
        *out = NULL;
        return cli_err("nothing saved");
    }
    return 0;
}

static void say_enrolled(const st_record *r)
{
    if (r->uuid[0])
        fprintf(stderr, "bedside: saved record %.8s (%s, %s)\n", r->uuid, r->form, r->timepoint);
}

static int patient_add(app *a, int argc, char **argv)
{
    enum { O_NAME = 1, O_SEX, O_BORN, O_DUP, O_HELP };
    static const struct option opts[] = {
        {"name", required_argument, NULL, O_NAME}, {"sex", required_argument, NULL, O_SEX},
        {"born", required_argument, NULL, O_BORN}, {"allow-duplicate", no_argument, NULL, O_DUP},
        {"help", no_argument, NULL, O_HELP}, {0, 0, 0, 0},
    };
    const char *name = NULL, *sex = NULL, *born = NULL;
    int allow_dup = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_NAME: name = optarg; break;
        case O_SEX: sex = optarg; break;
        case O_BORN: born = optarg; break;
        case O_DUP: allow_dup = 1; break;
        case O_HELP: fputs(patient_usage, stdout); return 0;
        default: return cli_bad_option("patient add", c, argv, patient_usage);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error(patient_usage, "patient add: give one MRN");
    char **pairs = argv + optind + 1;
    int n = argc - optind - 1;
    if (cli_check_pairs(pairs, n, patient_usage))
        return 2;
    if (!name || !sex || !born)
        return cli_usage_error(patient_usage, "patient add: --name, --sex and --born are required");
    const char *mrn = argv[optind];
    int days;
    if (check_mrn(mrn) || check_name(name) || cli_parse_date("--born", born, &days))
        return 1;
    char sx = (char)toupper((unsigned char)sex[0]);
    if (!sex[0] || sex[1] || (sx != 'F' && sx != 'M' && sx != 'X'))
        return cli_err("--sex: '%s' is not F, M or X", cli_esc(sex));
    if (days > date_today()) {
        char t[11];
        date_format(date_today(), t);
        return cli_err("--born: %s is in the future (today is %s)", born, t);
    }
    int rc = cli_load(a, APP_DB_WRITE, 1);
    if (rc)
        return rc;
    st_patient p = {.mrn = (char *)mrn, .name = (char *)name, .born = days};
    entry_error e;
    if (entry_patient_new_ok(a, &p, &e) != ENTRY_OK)
        return cli_entry_err(&e, NULL);
    if (!allow_dup && entry_patient_duplicate(a, &p, NULL, &e) != ENTRY_OK)
        return cli_err("%s; if this is another person, add again with --allow-duplicate",
                       cli_esc(e.msg));
    form_answers *ans = NULL;
    if ((rc = enrol_answers(a, SCOPE_PATIENT, pairs, n, patient_usage, &ans)) != 0)
        return rc;
    memset(&p, 0, sizeof p);
    p.mrn = xstrdup(mrn);
    p.name = xstrdup(name);
    p.sex = sx;
    p.born = days;
    st_record r;
    if (entry_add_patient(a, &p, ans, &r, &e) != ENTRY_OK) {
        rc = cli_entry_err(&e, ans ? ans->f : NULL);
    } else {
        say_enrolled(&r);
        printf("added patient %s\n", mrn);
    }
    st_record_free(&r);
    st_patient_free(&p);
    form_answers_free(ans);
    return rc;
}

static const char *hips_text(const char *sides)
{
    return strcmp(sides, "LR") == 0 ? "L+R" : *sides ? sides : "-";
}

typedef struct {
    const app *a;
    size_t wm, wn;       /* column widths in characters */
    size_t rows;
} list_ctx;

static int list_row(void *ctx, const st_patient_row *r)
{
    list_ctx *c = ctx;
    char *name = text_escape(r->p.name), *mrn = text_escape(r->p.mrn);
    if (c->rows++ == 0) {
        c->wm = c->wm > 3 ? c->wm : 3;
        c->wn = c->wn > 4 ? c->wn : 4;
        printf("%-*s  %-*s  AGE  SEX  HIPS\n", (int)c->wm, "MRN", (int)c->wn, "NAME");
    }
    size_t lm = utf8_chars(mrn), ln = utf8_chars(name);
    printf("%s%*s  %s%*s  %3d  %-3c  %s\n", mrn, (int)(lm < c->wm ? c->wm - lm : 0), "", name,
           (int)(ln < c->wn ? c->wn - ln : 0), "", age_years(r->p.born, c->a->today), r->p.sex,
           hips_text(r->sides));
    free(name);
    free(mrn);
    return 0;
}

static int patient_list(app *a, int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(patient_usage, stdout);
            return 0;
        }
        /* "-9" is an option to getopt: say how to search for it. */
        if (c == '?' && optopt && optopt != '-')
            return cli_usage_error(patient_usage,
                                   "patient list: unknown option '-%c'; to search for text "
                                   "that starts with '-', put -- before it: "
                                   "bedside patient list -- SEARCH",
                                   optopt);
        return cli_bad_option("patient list", c, argv, patient_usage);
    }
    if (argc - optind > 1)
        return cli_usage_error(patient_usage, "patient list: at most one SEARCH");
    const char *search = optind < argc ? argv[optind] : NULL;
    int rc = cli_load(a, APP_DB_READ, 0);
    if (rc)
        return rc;
    /* Streamed: the column widths come from one aggregate query first, so
     * the first line prints at once and memory stays flat however many
     * patients there are. */
    list_ctx lc = {.a = a};
    if (store_patient_widths(a->db, search, &lc.wm, &lc.wn) < 0)
        return 1;
    rc = store_each_patient(a->db, search, list_row, &lc);
    if (rc < 0)
        return 1;
    if (lc.rows == 0) {
        if (search)
            fprintf(stderr, "bedside: no patient matches '%s'\n", cli_esc(search));
        else
            fprintf(stderr, "bedside: no patients yet\n");
    }
    return 0;
}

int cli_patient(app *a, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(patient_usage, "patient: say add or list");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(patient_usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "add") == 0)
        return patient_add(a, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return patient_list(a, argc - 1, argv + 1);
    return cli_usage_error(patient_usage, "patient: unknown action '%s'", cli_esc(argv[1]));
}

static int hip_add(app *a, int argc, char **argv)
{
    enum { O_SIDE = 1, O_INDEX, O_OBSERVED, O_HELP };
    static const struct option opts[] = {
        {"side", required_argument, NULL, O_SIDE},
        {"index-date", required_argument, NULL, O_INDEX},
        {"observed", no_argument, NULL, O_OBSERVED},
        {"help", no_argument, NULL, O_HELP},
        {0, 0, 0, 0},
    };
    st_hip h = {0};
    const char *index = NULL;
    int c, observed = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_SIDE:
            if (cli_parse_side("--side", optarg, &h.side))
                return 1;
            break;
        case O_INDEX: index = optarg; break;
        case O_OBSERVED: observed = 1; break;
        case O_HELP: fputs(hip_usage, stdout); return 0;
        default: return cli_bad_option("hip add", c, argv, hip_usage);
        }
    }
    if (argc - optind < 1)
        return cli_usage_error(hip_usage, "hip add: give one MRN");
    if (!h.side || (!index && !observed))
        return cli_usage_error(hip_usage, "hip add: --side and --index-date are required");
    char **pairs = argv + optind + 1;
    int n = argc - optind - 1;
    if (cli_check_pairs(pairs, n, hip_usage))
        return 2;
    if (observed && n > 0)
        return cli_usage_error(hip_usage, "hip add: an --observed hip has no index procedure "
                                          "and no enrolment answers: leave out '%s'",
                               cli_esc(pairs[0]));
    int rc = cli_load(a, APP_DB_READ, 1);   /* the patient must exist: never create */
    if (rc)
        return rc;
    if (!index)
        h.index_date = a->today;
    else if (cli_parse_date("--index-date", index, &h.index_date))
        return 1;
    if (observed && h.index_date > a->today)
        return cli_err("--index-date: %s is in the future; an observed hip is followed from "
                       "a day that has come", index);
    h.observed = observed;
    const char *mrn = argv[optind];
    st_patient p = {0};
    if ((rc = cli_find_patient(a, mrn, &p)) != 0)
        return rc;
    memcpy(h.patient, p.uuid, sizeof h.patient);
    st_patient_free(&p);
    form_answers *ans = NULL;
    if (!observed && (rc = enrol_answers(a, SCOPE_HIP, pairs, n, hip_usage, &ans)) != 0)
        return rc;
    st_record r;
    entry_error e;
    if (entry_add_hip(a, &h, ans, &r, &e) != ENTRY_OK) {
        rc = cli_entry_err(&e, ans ? ans->f : NULL);
    } else {
        say_enrolled(&r);
        printf("added %s hip of patient %s%s\n", h.side == 'L' ? "left" : "right", mrn,
               observed ? ", observed (no index procedure)" : "");
    }
    st_record_free(&r);
    form_answers_free(ans);
    return rc;
}

int cli_hip(app *a, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(hip_usage, "hip: say add or amend");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(hip_usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "add") == 0)
        return hip_add(a, argc - 1, argv + 1);
    if (strcmp(argv[1], "amend") == 0)
        return cli_hip_amend(a, argc - 1, argv + 1);
    return cli_usage_error(hip_usage, "hip: unknown action '%s'", cli_esc(argv[1]));
}
