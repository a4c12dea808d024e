/* cli_report.c — `bedside show` (the trend view on stdout) and `bedside
 * print` (the paginated summary to stdout, a file or the print command, or
 * as a PDF with charts, or the charts alone as SVG or PNG files). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "cli_internal.h"
#include "report.h"

static const char show_usage[] = "usage: bedside show MRN [--ascii] [--width N]\n";
static const char print_usage[] =
    "usage: bedside print MRN [-o FILE | --lpr[=PRINTER] | --pdf FILE | --svg DIR | --png DIR]\n"
    "                         [--ascii] [--page-length N]\n";

/* The one MRN argument left after the options. */
static int one_mrn(int argc, char **argv, const char *use, const char **mrn)
{
    if (optind >= argc)
        return cli_usage_error(use, "%s: which patient? (an MRN)", argv[0]);
    if (optind + 1 < argc)
        return cli_usage_error(use, "%s: one MRN only ('%s' is extra)", argv[0],
                               cli_esc(argv[optind + 1]));
    *mrn = argv[optind];
    return 0;
}

static int not_found(const char *mrn)
{
    return cli_err("no patient with MRN '%s'", cli_esc(mrn));
}

int cli_show(app *a, int argc, char **argv)
{
    enum { O_ASCII = 1, O_WIDTH };
    static const struct option opts[] = {
        {"ascii", no_argument, NULL, O_ASCII},
        {"width", required_argument, NULL, O_WIDTH},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int ascii = 0, c;
    long width = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case O_ASCII: ascii = 1; break;
        case O_WIDTH:
            if (cli_parse_int("--width", optarg, 40, 1000, &width) < 0)
                return 2;
            break;
        case 'h': fputs(show_usage, stdout); return 0;
        default: return cli_bad_option(argv[0], c, argv, show_usage);
        }
    }
    const char *mrn;
    int rc = one_mrn(argc, argv, show_usage, &mrn);
    if (rc)
        return rc;
    int tty = isatty(STDOUT_FILENO);
    if (!width) {
        struct winsize ws;
        width = tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40 ? ws.ws_col
                                                                                    : 80;
    }
    const char *no_color = getenv("NO_COLOR");
    int ansi = tty && !(no_color && *no_color);
    report_opts o = {.width = (int)width, .ascii = a->ascii || ascii, .today = a->today};
    report_doc doc;
    char *err = NULL;
    rc = report_trend(a, mrn, &o, &doc, &err);
    if (rc == 1)
        return not_found(mrn);
    if (rc < 0) {
        cli_err("%s", err ? err : "cannot build the trend view");
        free(err);
        return 1;
    }
    if (o.ascii) {
        /* Plain ASCII: the names too (Zoë -> Zoe), as print --ascii. */
        char *buf = NULL, *t;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m) {
            report_doc_free(&doc);
            return cli_err("out of memory");
        }
        report_write(&doc, m, ansi);
        fclose(m);
        fputs(t = text_ascii(buf), stdout);
        free(t);
        free(buf);
    } else {
        report_write(&doc, stdout, ansi);
    }
    report_doc_free(&doc);
    return 0;
}

int cli_print(app *a, int argc, char **argv)
{
    enum { O_LPR = 1, O_ASCII, O_PAGE, O_PDF, O_SVG, O_PNG };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"lpr", optional_argument, NULL, O_LPR},
        {"ascii", no_argument, NULL, O_ASCII},
        {"page-length", required_argument, NULL, O_PAGE},
        {"pdf", required_argument, NULL, O_PDF},
        {"svg", required_argument, NULL, O_SVG},
        {"png", required_argument, NULL, O_PNG},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = NULL, *printer = NULL, *pdf = NULL, *svg = NULL, *png = NULL;
    int lpr = 0, ascii = 0, c;
    long page = 66;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case O_LPR:
            lpr = 1;
            printer = optarg;
            if (printer && !*printer)
                return cli_usage_error(print_usage, "--lpr=: the printer name is empty");
            break;
        case O_ASCII: ascii = 1; break;
        case O_PDF: pdf = optarg; break;
        case O_SVG: svg = optarg; break;
        case O_PNG: png = optarg; break;
        case O_PAGE:
            if (cli_parse_int("--page-length", optarg, REPORT_PAGE_MIN, REPORT_PAGE_MAX, &page) < 0)
                return 2;
            break;
        case 'h': fputs(print_usage, stdout); return 0;
        default: return cli_bad_option(argv[0], c, argv, print_usage);
        }
    }
    if (!!out + lpr + !!pdf + !!svg + !!png > 1)
        return cli_usage_error(print_usage, "print: -o, --lpr, --pdf, --svg and --png exclude "
                               "each other");
    const char *mrn;
    int rc = one_mrn(argc, argv, print_usage, &mrn);
    if (rc)
        return rc;
    report_print_opts o = {
        .width = 80, .page_length = (int)page, .ascii = a->ascii || ascii, .today = a->today,
    };
    char *err = NULL;
    if (lpr)
        rc = report_print_lpr(a, mrn, &o, printer, &err);
    else if (pdf)
        rc = report_print_pdf(a, mrn, &o, pdf, NULL, NULL, &err);
    else if (svg || png)
        rc = report_print_charts(a, mrn, &o, svg ? svg : png, png != NULL, &err);
    else if (out)
        rc = report_print_file(a, mrn, &o, out, &err);
    else
        rc = report_print(a, mrn, &o, stdout, &err);
    if (rc == 1)
        return not_found(mrn);
    if (rc < 0) {
        cli_err("%s", err ? err : "cannot print the summary");
        free(err);
        return 1;
    }
    return 0;
}
