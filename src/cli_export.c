/* cli_export.c — `bedside export csv|codebook|survival|redcap`: options,
 * where the output goes, and the exit status. The exports themselves are
 * the export_*.c modules. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_internal.h"
#include "export.h"

static const char export_usage[] =
    "usage: bedside export csv [--form FORM] [--all-versions] [--long] [--labels]\n"
    "                          [--deidentify [--keep-text]] [-o FILE]\n"
    "       bedside export codebook [--form FORM] [--all-versions] [--long] [--labels]\n"
    "                          [--deidentify [--keep-text]] [-o FILE]\n"
    "       bedside export survival [--deidentify] [-o FILE]\n"
    "       bedside export redcap DIR [--form FORM] [--deidentify [--keep-text]]\n";

typedef int (*export_fn)(app *a, const export_opts *o, FILE *out);

static int to_file(app *a, const export_opts *o, export_fn fn, const char *path)
{
    FILE *out = path ? fopen(path, "w") : stdout;
    if (!out)
        return cli_err("cannot write %s: %s", cli_esc(path), strerror(errno));
    int rc = fn(a, o, out) != 0 || ferror(out);
    if (path && fclose(out) != 0 && !rc)
        rc = cli_err("cannot write %s: %s", cli_esc(path), strerror(errno));
    else if (!path && fflush(out) != 0 && !rc)
        rc = cli_err("cannot write the output: %s", strerror(errno));
    if (rc && path)
        unlink(path);
    return rc ? 1 : 0;
}

int cli_export(app *a, int argc, char **argv)
{
    enum { O_ALL = 256, O_LONG, O_LABELS, O_DEID, O_KEEP };
    static const struct option opts[] = {
        {"form", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"all-versions", no_argument, NULL, O_ALL}, {"long", no_argument, NULL, O_LONG},
        {"labels", no_argument, NULL, O_LABELS}, {"deidentify", no_argument, NULL, O_DEID},
        {"keep-text", no_argument, NULL, O_KEEP}, {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    export_opts o = {0};
    const char *path = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
        switch (c) {
        case 'f': o.form = optarg; break;
        case 'o': path = optarg; break;
        case O_ALL: o.all_versions = 1; break;
        case O_LONG: o.long_rows = 1; break;
        case O_LABELS: o.labels = 1; break;
        case O_DEID: o.deidentify = 1; break;
        case O_KEEP: o.keep_text = 1; break;
        case 'h': fputs(export_usage, stdout); return 0;
        default: return cli_bad_option("export", c, argv, export_usage);
        }
    }
    static const struct {
        const char *name;
        export_fn fn;
        int need_db;
    } kinds[] = {
        {"csv", export_table, 1}, {"codebook", export_codebook, 0}, {"survival", export_survival, 1},
    };
    if (argc - optind == 2 && strcmp(argv[optind], "redcap") == 0) {
        if (path || o.all_versions || o.long_rows || o.labels)
            return cli_usage_error(export_usage, "export redcap: writes its own files into DIR; "
                                                 "-o, --all-versions, --long and --labels do not apply");
        const char *dir = argv[optind + 1];
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            return cli_err("export redcap: %s is not a folder", cli_esc(dir));
        int rc = cli_load(a, APP_DB_READ, 0);
        if (rc)
            return rc;
        if (o.form && !form_set_find(&a->forms, o.form))
            return cli_err("unknown form '%s'", cli_esc(o.form));
        if (cli_refuse_invalid_data(a, "export redcap"))
            return 1;
        return export_redcap(a, &o, dir) ? 1 : 0;
    }
    if (argc - optind != 1)
        return cli_usage_error(export_usage, "export: say what to export: csv, codebook, "
                                             "survival or redcap DIR");
    size_t kind = 0;
    while (kind < sizeof kinds / sizeof *kinds && strcmp(argv[optind], kinds[kind].name) != 0)
        kind++;
    if (kind == sizeof kinds / sizeof *kinds)
        return cli_usage_error(export_usage, "export: unknown export '%s' (csv, codebook, "
                                             "survival, redcap DIR)", cli_esc(argv[optind]));
    if (o.keep_text && !o.deidentify)
        return cli_usage_error(export_usage, "export: --keep-text goes with --deidentify");
    int rc = cli_load(a, kinds[kind].need_db ? APP_DB_READ : APP_FORMS, 0);
    if (rc)
        return rc;
    if (o.form && !form_set_find(&a->forms, o.form))
        return cli_err("unknown form '%s'", cli_esc(o.form));
    /* Records that fail validation are not exported: the whole export is
     * refused, naming them, rather than a file silently missing rows. */
    char what[32];
    snprintf(what, sizeof what, "export %s", kinds[kind].name);
    if (kinds[kind].need_db && cli_refuse_invalid_data(a, what))
        return 1;
    return to_file(a, &o, kinds[kind].fn, path);
}
