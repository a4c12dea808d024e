/* cli_admin.c — `backup`, `check` (see cli_verify.c) and `enter`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_internal.h"
#include "sched_due.h"

static const char backup_usage[] = "usage: bedside backup FILE\n";
static const char check_usage[] = "usage: bedside check [--quick] [--repair-derived]\n";
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

static void print_problem(void *ctx, const char *problem)
{
    (void)ctx;
    printf("%s\n", problem);
}

/* Derived data only: the next-due table is recomputed from the records, the
 * search index from the patients; nothing a nurse entered is touched. Both,
 * and the audit entry that says who ran it, in one transaction. */
static int repair_derived(app *a)
{
    char *err = NULL;
    long hips = 0;
    int ok = store_tx_begin(a->db, &err) == 0;
    ok = ok && sched_due_rebuild(a, &hips, &err) == 0;
    ok = ok && store_search_rebuild(a->db, &err) == 0;
    char *detail = xasprintf("{\"next_due_hips\":%ld,\"search_index\":true}", hips);
    ok = ok && store_audit_repair(a->db, detail, &err) == 0;
    free(detail);
    if (store_tx_end(a->db, ok, ok ? &err : NULL) < 0 || !ok) {
        int rc = cli_err("%s", err ? err : "cannot rebuild the derived tables");
        free(err);
        return rc;
    }
    printf("rebuilt the next-due table from %ld scheduled hip%s\n", hips, hips == 1 ? "" : "s");
    printf("rebuilt the search index\n");
    printf("recorded in the audit trail\n");
    return 0;
}

int cli_check(app *a, int argc, char **argv)
{
    enum { O_QUICK = 1, O_REPAIR, O_HELP };
    static const struct option opts[] = {
        {"quick", no_argument, NULL, O_QUICK}, {"repair-derived", no_argument, NULL, O_REPAIR},
        {"help", no_argument, NULL, O_HELP}, {0, 0, 0, 0},
    };
    int c, flags = 0, repair = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == O_HELP) {
            fputs(check_usage, stdout);
            return 0;
        }
        if (c == O_REPAIR)
            repair = 1;
        else if (c == O_QUICK)
            flags |= CLI_VERIFY_QUICK;
        else
            return cli_bad_option("check", c, argv, check_usage);
    }
    if (optind != argc)
        return cli_usage_error(check_usage, "check: expected 0 arguments");
    int rc = cli_load(a, APP_DB_READ, repair);
    if (rc)
        return rc;
    char *err = NULL;
    if (!repair && sched_due_fill_new(a, &err) != 0) {
        rc = cli_err("%s", err ? err : "cannot fill the next-due table");
        free(err);
        return rc;
    }
    if (repair && repair_derived(a) != 0)
        return 1;
    /* A full check of a large registry takes a while: say where it is, on a
     * terminal only (stderr), so scripts and pipes see only the problems. */
    if (isatty(STDERR_FILENO))
        flags |= CLI_VERIFY_PROGRESS;
    int problems = cli_verify_with(a, a->db, flags | CLI_VERIFY_MARKS, print_problem, NULL);
    problems += sched_due_verify(a, print_problem, NULL);
    if (problems == 0) {
        puts("no problems found");
        return 0;
    }
    fprintf(stderr, "bedside: %d problem%s found in %s\n", problems, problems == 1 ? "" : "s",
            a->db_path);
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
    /* The visit is today's: a timepoint that cannot be today is refused
     * here; one that needs a confirmation is asked on the screen. */
    entry_target t;
    entry_error e;
    if (entry_resolve(a, argv[optind], form_id, side, &t, &e) != ENTRY_OK ||
        (tp && entry_set_visit(a, &t, tp, a->today, ENTRY_CONFIRMED, &e) != ENTRY_OK)) {
        rc = cli_entry_err(&e, t.f);
        entry_target_free(&t);
        return rc;
    }
    ui_start start = {.mrn = argv[optind], .form = t.f->id, .timepoint = tp, .side = side};
    rc = ui(a, &start);
    entry_target_free(&t);
    return rc;
}
