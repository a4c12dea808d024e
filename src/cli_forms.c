/* cli_forms.c — `bedside forms check [DIR]` and `bedside forms list [DIR]`:
 * what a form author runs after editing a form file. */
#include <assert.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"

static const char usage[] =
    "usage: bedside forms check [DIR]\n"
    "       bedside forms list [DIR]\n";

static void help(void)
{
    fputs(usage, stdout);
    puts("\n"
         "check  validate every *.yaml form in DIR (default: the forms folder of the\n"
         "       configuration) and that every form the configuration's schedule and\n"
         "       patient list name is there. Prints every problem as\n"
         "       FILE:LINE:COLUMN: message; exit 1 if there is any, else prints\n"
         "       \"N forms OK\".\n"
         "list   id, version, scope, field and score counts and title of each form.\n"
         "\nThe form format is described in bedside-forms(5).");
}

/* Does timepoint i's j-th form appear earlier in the schedule? */
static int named_before(const config *c, int i, int j)
{
    const char *id = c->tp[i].forms[j];
    for (int k = 0; k <= i; k++)
        for (int m = 0; m < (k == i ? j : c->tp[k].n_forms); m++)
            if (strcmp(c->tp[k].forms[m], id) == 0)
                return 1;
    return 0;
}

/* Forms named by the configuration that the folder lacks; each is reported
 * once, against the configuration file, where the fix goes. */
static int check_config(const app *a, const form_set *s, const char *dir)
{
    int bad = 0;
    const config *c = &a->cfg;
    for (int i = 0; i < c->n_tp; i++)
        for (int j = 0; j < c->tp[i].n_forms; j++) {
            const char *id = c->tp[i].forms[j];
            if (named_before(c, i, j) || form_set_find(s, id))
                continue;
            sbuf tps = {0};
            int n = 0;
            for (int k = i; k < c->n_tp; k++)
                for (int m = 0; m < c->tp[k].n_forms; m++)
                    if (strcmp(c->tp[k].forms[m], id) == 0)
                        sbuf_printf(&tps, "%s'%s'", n++ ? ", " : "", cli_esc(c->tp[k].id));
            cli_err("%s: the schedule expects form '%s' (timepoint%s %s), which is not in %s",
                    cli_esc(c->path), cli_esc(id), n > 1 ? "s" : "", tps.s, cli_esc(dir));
            sbuf_free(&tps);
            bad++;
        }
    if (c->list_form) {
        const form *f = form_set_find(s, c->list_form);
        if (!f) {
            cli_err("%s: patient_list names form '%s', which is not in %s", cli_esc(c->path),
                    cli_esc(c->list_form), cli_esc(dir));
            bad++;
        } else if (c->list_score && form_score_index(f, c->list_score) < 0) {
            cli_err("%s: patient_list names score '%s', which form '%s' does not have",
                    cli_esc(c->path), cli_esc(c->list_score), cli_esc(f->id));
            bad++;
        }
    }
    return bad;
}

static void list(const form_set *s)
{
    printf("%-16s %7s  %-7s %6s %6s  %s\n", "ID", "VERSION", "SCOPE", "FIELDS", "SCORES",
           "TITLE");
    for (int i = 0; i < s->n; i++) {
        const form *f = s->v[i];
        printf("%-16s %7d  %-7s %6d %6d  %s\n", f->id, f->version,
               f->scope == SCOPE_HIP ? "hip" : "patient", f->n_field, f->n_score,
               cli_esc(f->title));
    }
}

int cli_forms(app *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h') {
            help();
            return 0;
        }
        return cli_bad_option("forms", c, argv, usage);
    }
    if (optind >= argc)
        return cli_usage_error(usage, "forms: say check or list");
    const char *action = argv[optind++];
    int checking = strcmp(action, "check") == 0;
    if (!checking && strcmp(action, "list") != 0)
        return cli_usage_error(usage, "forms: unknown action '%s' (check or list)",
                               cli_esc(action));
    if (argc - optind > 1)
        return cli_usage_error(usage, "forms %s: at most one folder", action);
    const char *dir = optind < argc ? argv[optind] : a->cfg.forms_dir;
    assert(dir);   /* app_init defaults it to the shipped forms */
    form_set s = {0};
    diag d = {0};
    int bad_files = form_set_load(&s, dir, &d);
    /* File names come from the folder as they are: escape whole lines. */
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%s\n", cli_esc(d.msg[i]));
    size_t problems = d.n;
    diag_free(&d);
    if (s.n == 0 && !bad_files) {
        cli_err("no forms (*.yaml) in %s", cli_esc(dir));
        problems++;
    }
    if (checking)
        problems += (size_t)check_config(a, &s, dir);
    else
        list(&s);
    if (problems)
        cli_err("%zu problem%s in %s", problems, problems == 1 ? "" : "s", cli_esc(dir));
    else if (checking)
        printf("%d forms OK\n", s.n);
    form_set_free(&s);
    return problems ? 1 : 0;
}
