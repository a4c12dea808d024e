/* cli_demo.c — bedside demo: fill an empty database with a synthetic cohort. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "demo.h"

/* Set by SIGINT, SIGTERM and SIGHUP: the demo stops between two patients
 * and undoes the batch under way. */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static const char usage[] =
    "usage: bedside demo [--patients N] [--seed S] [--complete] [--batch N]\n";

static void help(void)
{
    fputs(usage, stdout);
    puts("\nFill an EMPTY database with a synthetic cohort: patients, hips and their\n"
         "follow-up up to today (--today), with answers checked by the forms. The same\n"
         "seed gives the same cohort. A database that holds patients is refused, so\n"
         "synthetic and real data never mix. Patients are saved 1,000 at a time: a run\n"
         "stopped (Ctrl-C) or failing half-way says how many it saved; delete the file\n"
         "and run demo again. The cohort is the same whatever the batch.\n\n"
         "  --patients N   how many patients (default 200)\n"
         "  --seed S       a number choosing the cohort (default 1)\n"
         "  --complete     date every index far enough back that every scheduled visit\n"
         "                 (24 months) can have happened, as in a finished study\n"
         "  --batch N      patients saved per transaction (default 1000)");
}

int cli_demo(app *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"patients", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"complete", no_argument, NULL, 'c'},
        {"batch", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    long patients = 200, seed = 1, batch = 1000;
    int complete = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_int("--patients", optarg, 1, 1000000, &patients) < 0)
                return 2;
            break;
        case 's':
            if (cli_parse_int("--seed", optarg, 0, 0x7fffffffffffffffL, &seed) < 0)
                return 2;
            break;
        case 'c': complete = 1; break;
        case 'b':
            if (cli_parse_int("--batch", optarg, 1, 1000000, &batch) < 0)
                return 2;
            break;
        case 'h': help(); return 0;
        default: return cli_bad_option("demo", c, argv, usage);
        }
    }
    if (optind < argc)
        return cli_usage_error(usage, "demo: unexpected argument '%s'", cli_esc(argv[optind]));
    if (!a->db) {
        int rc = cli_load(a, APP_DB_WRITE, 1);
        if (rc)
            return rc;
    }
    demo_opts o = {.patients = (int)patients, .seed = (uint64_t)seed, .today = a->today,
                   .complete = complete, .batch = (int)batch, .stop = &stop};
    demo_stats st;
    char *err = NULL;
    /* One inherited as ignored (nohup) stays ignored. */
    struct sigaction sa, old[3];
    const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int i = 0; i < 3; i++)
        if (sigaction(sigs[i], NULL, &old[i]) == 0 && old[i].sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    int rc = demo_generate(a->db, &a->cfg, &a->forms, &o, &st, &err);
    for (int i = 0; i < 3; i++)
        sigaction(sigs[i], &old[i], NULL);
    if (rc != 0) {
        cli_err("demo: %s", err ? err : "failed");
        free(err);
        return 1;
    }
    printf("demo: %d patients (%d bilateral), %d hips, %d records (%d amended), "
           "%d missed visits, %d hip replacements, %d hips with a complication\n",
           st.patients, st.bilateral, st.hips, st.records, st.amended, st.missed, st.tha,
           st.complications);
    return 0;
}
