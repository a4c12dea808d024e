/* cli_merge.c — `merge FILE`: bring an offline laptop's copy of the database
 * into this one (store_merge does the work), and say what happened. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"

static const char merge_usage[] = "usage: bedside merge FILE [--dry-run] [--skip-drafts]\n";

static const char merge_help[] =
    "\nAdd the patients, hips, final records (with amendments and voids) and\n"
    "audit entries of FILE, another bedside database such as a clinic laptop's\n"
    "copy, that this database does not hold yet. Merging the same file again\n"
    "adds nothing. Drafts are not merged: unless --skip-drafts is given, the\n"
    "merge is refused while FILE holds unfinished drafts. Any conflict (an MRN\n"
    "or a hip registered differently on both sides, MRNs that differ only in\n"
    "case) refuses the whole merge.\n"
    "\n"
    "  --dry-run      report what would be merged, change nothing\n"
    "  --skip-drafts  merge even though FILE holds drafts; they stay in FILE\n";

static void print_lines(FILE *out, const char *prefix, char **v, int n)
{
    for (int i = 0; i < n; i++)
        fprintf(out, "%s%s\n", prefix, cli_esc(v[i]));
}

static void print_summary(app *a, const char *file, int dry, const st_merge_report *r)
{
    static const char *const kind[ST_MERGE_KINDS] = {
        [ST_MERGE_PATIENTS] = "patients", [ST_MERGE_HIPS] = "hips",
        [ST_MERGE_RECORDS] = "records", [ST_MERGE_SCORES] = "scores",
        [ST_MERGE_AUDIT] = "audit entries",
    };
    if (dry)
        printf("dry run: merging %s into %s would give (nothing was saved):\n", cli_esc(file),
               a->db_path);
    else
        printf("merged %s into %s:\n", cli_esc(file), a->db_path);
    for (int k = 0; k < ST_MERGE_KINDS; k++) {
        printf("  %-14s %d %s, %d already here", kind[k], r->added[k], dry ? "to add" : "added",
               r->present[k]);
        if (k == ST_MERGE_PATIENTS && r->mapped_patients)
            printf(" (%d registered on both sides, matched by MRN, name, sex and birth date)",
                   r->mapped_patients);
        if (k == ST_MERGE_HIPS && r->mapped_hips)
            printf(" (%d registered on both sides, matched by side and index date)",
                   r->mapped_hips);
        putchar('\n');
    }
    if (r->drafts_finished)
        printf("  %d draft%s here finished in %s: replaced by the final version\n",
               r->drafts_finished, r->drafts_finished == 1 ? "" : "s", cli_esc(file));
    if (r->n_drafts) {
        printf("  %d draft%s left in %s (not merged; finish them there and merge again):\n",
               r->n_drafts, r->n_drafts == 1 ? "" : "s", cli_esc(file));
        print_lines(stdout, "    ", r->drafts, r->n_drafts);
    }
    if (r->n_review) {
        printf("%d visit%s to review, recorded or changed on both sides (both kept):\n",
               r->n_review, r->n_review == 1 ? "" : "s");
        print_lines(stdout, "  ", r->review, r->n_review);
    } else {
        puts("no visit recorded on both sides");
    }
}

static void report_incoming(void *ctx, const char *problem)
{
    fprintf(stderr, "bedside: %s: %s\n", cli_esc(ctx), problem);
}

/* A laptop's copy is untrusted input: whatever `bedside check` would call a
 * problem there (a score that does not match its answers, an unknown option
 * code, a visit recorded twice, a broken chain) must not reach the shared
 * database. A file that cannot be opened is left to store_merge, whose
 * messages say why. */
static int verify_laptop(app *a, const char *file)
{
    store *other = store_open(file, STORE_READONLY, NULL);
    if (!other)
        return 0;
    int problems = cli_verify(a, other, report_incoming, (void *)file);
    store_close(other);
    if (!problems)
        return 0;
    cli_err("%s has %d problem%s (listed above); nothing was merged. Fix them on the "
            "laptop (bedside check) and merge again", cli_esc(file), problems,
            problems == 1 ? "" : "s");
    return 1;
}

int cli_merge(app *a, int argc, char **argv)
{
    enum { O_DRY = 1, O_SKIP, O_HELP };
    static const struct option opts[] = {
        {"dry-run", no_argument, NULL, O_DRY},
        {"skip-drafts", no_argument, NULL, O_SKIP},
        {"help", no_argument, NULL, O_HELP},
        {0, 0, 0, 0},
    };
    int flags = 0, c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_DRY: flags |= STORE_MERGE_DRY_RUN; break;
        case O_SKIP: flags |= STORE_MERGE_SKIP_DRAFTS; break;
        case O_HELP:
            fputs(merge_usage, stdout);
            fputs(merge_help, stdout);
            return 0;
        default: return cli_bad_option("merge", c, argv, merge_usage);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(merge_usage, "merge: give one database file to merge");
    const char *file = argv[optind];
    /* An existing database only: a typo in --db must not create one. */
    int rc = cli_load(a, APP_DB_READ, 1);
    if (rc)
        return rc;
    if (verify_laptop(a, file) != 0)
        return 1;
    st_merge_report r;
    char *err = NULL;
    int dry = (flags & STORE_MERGE_DRY_RUN) != 0;
    if (store_merge(a->db, file, flags, &r, &err) == 0) {
        print_summary(a, file, dry, &r);
        st_merge_report_free(&r);
        return 0;
    }
    print_lines(stderr, "bedside: conflict: ", r.conflicts, r.n_conflicts);
    if (!r.n_conflicts)
        print_lines(stderr, "bedside: unfinished draft: ", r.drafts, r.n_drafts);
    cli_err("%s", cli_esc(err ? err : "the merge failed"));
    free(err);
    st_merge_report_free(&r);
    return 1;
}
