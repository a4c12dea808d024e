/* cli_hip.c — `bedside hip amend`: correct a registered hip's index date,
 * with a reason. The entry module decides whether the hip's records allow
 * it; every record in the way is listed. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"
#include "entry.h"

static const char amend_usage[] =
    "usage: bedside hip amend MRN --side L|R --index-date YYYY-MM-DD --reason TEXT\n"
    "  Moves the hip's day 0. Refused, listing them, while any record of the hip\n"
    "  (or any record about the patient) would fall outside its visit window.\n";

static void in_the_way(void *ctx, const st_record *r, const char *msg)
{
    (void)ctx;
    char d[11];
    if (!r) {
        fprintf(stderr, "  the hip: %s\n", cli_esc(msg));
        return;
    }
    date_format(r->visit_date, d);
    fprintf(stderr, "  record %.8s (%s, %s, %s): %s\n", r->uuid, cli_esc(r->form),
            cli_esc(r->timepoint), d, cli_esc(msg));
}

int cli_hip_amend(app *a, int argc, char **argv)
{
    enum { O_SIDE = 1, O_INDEX, O_REASON, O_HELP };
    static const struct option opts[] = {
        {"side", required_argument, NULL, O_SIDE},
        {"index-date", required_argument, NULL, O_INDEX},
        {"reason", required_argument, NULL, O_REASON},
        {"help", no_argument, NULL, O_HELP},
        {0, 0, 0, 0},
    };
    char side = 0;
    const char *index = NULL, *reason = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_SIDE:
            if (cli_parse_side("--side", optarg, &side))
                return 1;
            break;
        case O_INDEX: index = optarg; break;
        case O_REASON: reason = optarg; break;
        case O_HELP: fputs(amend_usage, stdout); return 0;
        default: return cli_bad_option("hip amend", c, argv, amend_usage);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(amend_usage, "hip amend: give one MRN");
    if (!side || !index || !reason)
        return cli_usage_error(amend_usage,
                               "hip amend: --side, --index-date and --reason are required");
    int day;
    if (cli_parse_date("--index-date", index, &day) || cli_check_reason(reason))
        return 1;
    int rc = cli_load(a, APP_DB_READ, 1);
    st_patient p;
    if (rc || (rc = cli_find_patient(a, argv[optind], &p)) != 0)
        return rc;
    entry_error e;
    if (entry_hip_redate(a, &p, side, day, reason, in_the_way, NULL, &e) != ENTRY_OK) {
        rc = cli_entry_err(&e, NULL);
    } else {
        printf("index date of the %s hip of patient %s is now %s\n",
               side == 'L' ? "left" : "right", cli_esc(p.mrn), index);
    }
    st_patient_free(&p);
    return rc;
}
