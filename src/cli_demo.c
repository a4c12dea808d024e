/* cli_demo.c — bedside demo: fill an empty database with a synthetic cohort. */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_internal.h"
#include "demo.h"

static const char usage[] = "usage: bedside demo [--patients N] [--seed S] [--complete]\n";

static void help(void)
{
    fputs(usage, stdout);
    puts("\nFill an EMPTY database with a synthetic cohort: patients, hips and their\n"
         "follow-up up to today (--today), with answers checked by the forms. The same\n"
         "seed gives the same cohort. A database that holds patients is refused, so\n"
         "synthetic and real data never mix.\n\n"
         "  --patients N   how many patients (default 200)\n"
         "  --seed S       a number choosing the cohort (default 1)\n"
         "  --complete     date every index far enough back that every scheduled visit\n"
         "                 (24 months) can have happened, as in a finished study");
}

int cli_demo(app *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"patients", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"complete", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    long patients = 200, seed = 1;
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
                   .complete = complete};
    demo_stats st;
    char *err = NULL;
    int rc = demo_generate(a->db, &a->cfg, &a->forms, &o, &st, &err);
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
