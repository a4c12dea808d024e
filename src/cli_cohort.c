/* cli_cohort.c — bedside report: the cohort's tables (report_cohort.h) as
 * text, Markdown or CSV files, or with charts as a PDF, SVG or PNG files. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_internal.h"
#include "report_cohort.h"

static const char usage[] =
    "usage: bedside report [--from DATE] [--to DATE] [--by FIELD]\n"
    "                      [--csv DIR | --markdown | --pdf FILE | --svg DIR | --png DIR]\n";

static void help(void)
{
    fputs(usage, stdout);
    puts("\nThe cohort's tables: baseline characteristics; every trend score at every\n"
         "visit with the change from baseline (95% CI, paired t-test, Wilcoxon\n"
         "signed-rank test); the outcome and the time to the endpoint named in the\n"
         "configuration's report: section (Kaplan-Meier, log-rank test, a plot); and\n"
         "each hip's time to the endpoint. Hips without the endpoint are censored at\n"
         "their last record.\n\n"
         "  --from DATE    only hips with an index date on or after DATE\n"
         "  --to DATE      only hips with an index date on or before DATE\n"
         "  --by FIELD     stratify every table by sex, side or a choice field of an\n"
         "                 enrolment form (smoking; FORM.FIELD when two have it);\n"
         "                 hips without an answer form a stratum 'not recorded'\n"
         "  --csv DIR      write one CSV file per table into DIR instead\n"
         "  --markdown     Markdown tables instead of aligned text\n"
         "  --pdf FILE     the tables and the charts (Kaplan-Meier curves with the\n"
         "                 numbers at risk, each trend score's mean and SD by visit)\n"
         "                 as a PDF on the configuration's paper (A4 or Letter)\n"
         "  --svg DIR      each chart as an SVG file in DIR (--png DIR: PNG)");
}

int cli_report_cohort(app *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
        {"by", required_argument, NULL, 'b'},   {"csv", required_argument, NULL, 'c'},
        {"markdown", no_argument, NULL, 'm'},   {"help", no_argument, NULL, 'h'},
        {"pdf", required_argument, NULL, 'p'},  {"svg", required_argument, NULL, 's'},
        {"png", required_argument, NULL, 'g'},
        {0, 0, 0, 0},
    };
    report_cohort_opts o = {.from = -1, .to = -1, .width = 80, .ascii = a->ascii};
    const char *csv = NULL, *pdf = NULL, *svg = NULL, *png = NULL;
    int markdown = 0, c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (cli_parse_date("--from", optarg, &o.from) < 0)
                return 2;
            break;
        case 't':
            if (cli_parse_date("--to", optarg, &o.to) < 0)
                return 2;
            break;
        case 'b': o.by = optarg; break;
        case 'c': csv = optarg; break;
        case 'm': markdown = 1; break;
        case 'p': pdf = optarg; break;
        case 's': svg = optarg; break;
        case 'g': png = optarg; break;
        case 'h': help(); return 0;
        default: return cli_bad_option("report", c, argv, usage);
        }
    }
    if (optind < argc)
        return cli_usage_error(usage, "report: unexpected argument '%s'", cli_esc(argv[optind]));
    if (o.from >= 0 && o.to >= 0 && o.from > o.to)
        return cli_usage_error(usage, "report: --from is after --to");
    if (!!csv + markdown + !!pdf + !!svg + !!png > 1)
        return cli_usage_error(usage, "report: --csv, --markdown, --pdf, --svg and --png "
                               "exclude each other");
    /* Which fields there are to group by comes from the forms. */
    int rc = cli_load(a, o.by ? APP_FORMS : 0, 0);
    if (rc)
        return rc;
    form_group g;
    if (o.by && form_group_find(&a->forms, o.by, &g) != 0) {
        char *ok = form_group_list(&a->forms);
        rc = cli_usage_error(usage, "report: --by: '%s' is not a field a report can group by "
                             "(%s)", cli_esc(o.by), ok);
        free(ok);
        return rc;
    }
    rc = cli_load(a, APP_DB_READ, 0);
    if (rc)
        return rc;
    if (cli_refuse_invalid_data(a, "report"))
        return 1;
    report_cohort r;
    char *err = NULL;
    if (report_cohort_build(a, &o, &r, &err) != 0) {
        cli_err("report: %s", err ? err : "failed");
        free(err);
        return 1;
    }
    if (csv || pdf || svg || png) {
        if (csv)
            rc = report_cohort_csv(&r, csv, &err);
        else if (pdf)
            rc = report_cohort_pdf(&r, pdf, a->cfg.paper_letter, &err);
        else
            rc = report_cohort_charts(&r, svg ? svg : png, png != NULL, &err);
        rc = rc == 0 ? 0 : 1;
        if (rc)
            cli_err("report: %s", err ? err : "cannot write the files");
        free(err);
    } else {
        report_doc doc;
        report_cohort_doc(&r, markdown, a->ascii, &doc);
        const char *no_color = getenv("NO_COLOR");
        report_write(&doc, stdout, !markdown && isatty(STDOUT_FILENO) && !(no_color && *no_color));
        report_doc_free(&doc);
    }
    report_cohort_free(&r);
    return rc;
}
