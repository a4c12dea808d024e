/* cli.c — the global options, the table of subcommands, and loading what
 * each needs. With no subcommand, bedside opens the TUI. */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"

/* What a subcommand needs loaded before it runs. Ours load lazily through
 * cli_load after parsing their options (need 0 here); the others get it
 * loaded by the dispatcher. */
typedef struct {
    const char *name;
    int (*run)(app *a, int argc, char **argv);   /* NULL: enter, which needs the UI */
    int need;
    const char *summary;
} cli_cmd;

static const cli_cmd commands[] = {
    {.name = "patient", .run = cli_patient, .summary = "add a patient, or list patients"},
    {.name = "hip", .run = cli_hip, .summary = "add a treated hip to a patient"},
    {.name = "record", .run = cli_record, .summary = "save a final record of a form"},
    {.name = "amend", .run = cli_amend, .summary = "correct a final record, with a reason"},
    {.name = "void", .run = cli_void, .summary = "void a final record, with a reason"},
    {.name = "enter", .run = NULL, .summary = "open the TUI on a form for a patient"},
    {.name = "show", .run = cli_show, .need = APP_DB_READ,
     .summary = "a patient's trend view as text"},
    {.name = "print", .run = cli_print, .need = APP_DB_READ,
     .summary = "print a patient's follow-up summary"},
    {.name = "report", .run = cli_report_cohort, .summary = "the cohort's tables, checked against R"},
    {.name = "due", .run = cli_due, .summary = "the visits due or overdue"},
    {.name = "export", .run = cli_export, .summary = "analysis CSV, codebook, survival file, REDCap"},
    {.name = "drafts", .run = cli_drafts, .summary = "the drafts not finished yet"},
    {.name = "history", .run = cli_history, .summary = "a patient's audit trail"},
    {.name = "backup", .run = cli_backup, .summary = "copy the database safely while in use"},
    {.name = "check", .run = cli_check, .summary = "check the database's consistency"},
    {.name = "merge", .run = cli_merge, .summary = "merge an offline copy of the database"},
    {.name = "demo", .run = cli_demo, .summary = "fill an empty database with a synthetic cohort"},
    {.name = "forms", .run = cli_forms, .need = APP_CONFIG,
     .summary = "check or list the forms"},
};

static const char usage[] =
    "usage: bedside [--db FILE] [--config FILE] [--forms DIR] [--today YYYY-MM-DD]\n"
    "               [--ascii] [COMMAND [ARGS...]]\n"
    "       bedside --help | --version\n";

static void print_help(void)
{
    fputs(usage, stdout);
    puts("\nWith no command, bedside opens the terminal UI.\n\n"
         "Options:\n"
         "  --db FILE          the database (default: $BEDSIDE_DB, the configuration's\n"
         "                     database, $XDG_DATA_HOME/bedside/bedside.db)\n"
         "  --config FILE      the configuration (default: $BEDSIDE_CONFIG, else the\n"
         "                     first of $XDG_CONFIG_HOME/bedside/bedside.yaml,\n"
         "                     $XDG_CONFIG_DIRS/bedside/bedside.yaml,\n"
         "                     /etc/bedside/bedside.yaml and the shipped one)\n"
         "  --forms DIR        the forms folder (default: the configuration's)\n"
         "  --today DATE       pretend today is DATE (YYYY-MM-DD)\n"
         "  --ascii            draw with ASCII only\n"
         "\nCommands:");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        printf("  %-9s %s\n", commands[i].name, commands[i].summary);
    puts("\n`bedside COMMAND --help` describes a command; see bedside(1).");
}

static app_opts g_opts;

int cli_load(app *a, int need, int writes)
{
    app_free(a);   /* a holds only today and ascii until now */
    int rc = app_init(a, &g_opts, need | (writes ? APP_WRITES : 0));
    if (rc)
        return rc;
    if (writes && a->db) {
        char *err = NULL;
        if (store_can_write(a->db, &err) != 0) {
            cli_err("%s", err ? err : "the database is read-only");
            free(err);
            return 1;
        }
    }
    return 0;
}

void cli_getopt_reset(void)
{
    /* optind = 0 makes glibc re-read the optstring's ordering mode, so
     * that subcommands permute (options may follow the MRN) even though
     * the global parse stopped at the first non-option. */
    static char *none[] = {"bedside", NULL};
    static const struct option no_opts[] = {{0, 0, 0, 0}};
    optind = 0;
    opterr = 0;
    while (getopt_long(1, none, "", no_opts, NULL) != -1)
        ;
    optind = 1;
}

int cli_bad_option(const char *cmd, int c, char **argv, const char *use)
{
    const char *what = optind > 0 ? argv[optind - 1] : "?";
    fprintf(stderr, "bedside: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    if (c == ':')
        fprintf(stderr, "option '%s' needs a value\n", cli_esc(what));
    else if (optopt && !(what[0] == '-' && what[1] == '-'))
        fprintf(stderr, "unknown option '-%c'\n", optopt);
    else
        fprintf(stderr, "unknown option '%s'\n", cli_esc(what));
    fputs(use, stderr);
    return 2;
}

int cli_usage_error(const char *use, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bedside: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fputs(use, stderr);
    return 2;
}

static const cli_cmd *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int run_command(app *a, int argc, char **argv, ui_main_fn ui)
{
    if (argc == 0) {
        int rc = cli_load(a, APP_DB_WRITE, 0);
        return rc ? rc : ui(a, NULL);
    }
    const cli_cmd *c = find_command(argv[0]);
    if (!c) {
        cli_err("unknown command '%s' (see bedside --help)", cli_esc(argv[0]));
        return 2;
    }
    /* `bedside demo --help` must not create a database to print a usage. */
    int help = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    if (c->need && !help) {
        int rc = cli_load(a, c->need, 0);
        if (rc)
            return rc;
    }
    cli_getopt_reset();
    return c->run ? c->run(a, argc, argv) : cli_enter(a, argc, argv, ui);
}

int cli_main(int argc, char **argv, ui_main_fn ui)
{
    enum { O_DB = 1, O_CONFIG, O_FORMS, O_TODAY, O_ASCII, O_HELP, O_VERSION };
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"config", required_argument, NULL, O_CONFIG},
        {"forms", required_argument, NULL, O_FORMS},
        {"today", required_argument, NULL, O_TODAY},
        {"ascii", no_argument, NULL, O_ASCII},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VERSION},
        {0, 0, 0, 0},
    };
    int c, days;
    store_library_init();
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (c) {
        case O_DB: g_opts.db = optarg; break;
        case O_CONFIG: g_opts.config = optarg; break;
        case O_FORMS: g_opts.forms = optarg; break;
        case O_ASCII: g_opts.ascii = 1; break;
        case O_TODAY:
            if (date_parse(optarg, &days) != 0) {
                cli_err("--today: '%s' is not a date (YYYY-MM-DD)", cli_esc(optarg));
                cli_esc_flush();
                return 2;
            }
            date_pin(days);
            break;
        case 'h':
        case O_HELP: print_help(); return 0;
        case O_VERSION: puts("bedside " BEDSIDE_VERSION); return 0;
        default: {
            int rc = cli_bad_option(NULL, c, argv, usage);
            cli_esc_flush();
            return rc;
        }
        }
    }
    app a;
    app_init(&a, &g_opts, 0);
    int rc = run_command(&a, argc - optind, argv + optind, ui);
    app_free(&a);
    cli_esc_flush();
    /* A full disk or a closed pipe must not pass for success. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) {
        cli_err("could not write the output");
        return 1;
    }
    return rc;
}
