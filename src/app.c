/* app.c — build the app a command runs with: find and load the configuration,
 * the forms and the database, in that order, stopping at the first layer
 * with problems (a later layer would only repeat them). */
#include "app.h"
#include "sched_due.h"

#include <assert.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Compiled defaults (the Makefile sets both): where the shipped forms and
 * configuration are when the binary's own location does not tell, and the
 * system configuration folder. */
#ifndef BEDSIDE_DATADIR
#define BEDSIDE_DATADIR "/usr/local/share/bedside"
#endif
#ifndef BEDSIDE_SYSCONFDIR
#define BEDSIDE_SYSCONFDIR "/etc"
#endif

/* An environment variable, or NULL when unset or empty. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static const char *home_dir(void)
{
    const char *h = env("HOME");
    if (h)
        return h;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : "/";
}

/* $NAME if it is an absolute path (the XDG spec says to ignore relative
 * ones), else ~/fallback. Caller frees. */
static char *xdg_dir(const char *name, const char *fallback)
{
    const char *v = env(name);
    if (v && v[0] == '/')
        return xstrdup(v);
    return xasprintf("%s/%s", home_dir(), fallback);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* path if it exists, else NULL; takes path. */
static char *existing(char *path)
{
    if (file_exists(path))
        return path;
    free(path);
    return NULL;
}

char *app_data_dir(void)
{
    /* Installed (PREFIX/bin beside PREFIX/share/bedside), a checkout build
     * (./bedside beside forms/), or a build folder inside a checkout. */
    static const char *const beside[] = {"../share/bedside", ".", ".."};
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = NULL;
    if (n > 0 && (size_t)n < sizeof exe - 1) {   /* else unknown or cut short */
        exe[n] = '\0';
        slash = strrchr(exe, '/');
    }
    if (slash) {
        *slash = '\0';   /* exe is now the binary's folder */
        for (size_t i = 0; i < sizeof beside / sizeof *beside; i++) {
            char *forms = xasprintf("%s/%s/forms", exe, beside[i]);
            struct stat st;
            int found = stat(forms, &st) == 0 && S_ISDIR(st.st_mode);
            free(forms);
            if (!found)
                continue;
            char *dir = xasprintf("%s/%s", exe, beside[i]);
            char *real = realpath(dir, NULL);
            if (!real)
                return dir;
            free(dir);
            return real;
        }
    }
    return xstrdup(BEDSIDE_DATADIR);
}

char *app_config_path(const char *opt)
{
    if (opt)
        return xstrdup(opt);
    if (env("BEDSIDE_CONFIG"))
        return xstrdup(env("BEDSIDE_CONFIG"));
    char *dir = xdg_dir("XDG_CONFIG_HOME", ".config");
    char *p = existing(xasprintf("%s/bedside/bedside.yaml", dir));
    free(dir);
    if (p)
        return p;
    /* $XDG_CONFIG_DIRS in order of preference; relative entries are ignored,
     * as the XDG spec asks. */
    const char *dirs = env("XDG_CONFIG_DIRS") ? env("XDG_CONFIG_DIRS") : "/etc/xdg";
    for (const char *s = dirs; *s;) {
        size_t len = strcspn(s, ":");
        if (s[0] == '/' && (p = existing(xasprintf("%.*s/bedside/bedside.yaml", (int)len, s))))
            return p;
        s += len + (s[len] == ':');
    }
    if ((p = existing(xstrdup(BEDSIDE_SYSCONFDIR "/bedside/bedside.yaml"))))
        return p;
    dir = app_data_dir();
    p = xasprintf("%s/config/bedside.yaml", dir);
    free(dir);
    return p;
}

/* mkdir -p for the XDG data folder itself (private to the user, as the
 * spec asks); the store creates the bedside folder inside it. */
static int make_dirs(const char *path)
{
    char *failed = NULL;
    if (mkdir_p(path, 0700, &failed) == 0)
        return 0;
    fprintf(stderr, "bedside: cannot create the folder %s: %s\n", failed, strerror(errno));
    free(failed);
    return -1;
}

static int load_config(app *a, const app_opts *o)
{
    char *path = app_config_path(o->config);
    diag d = {0};
    int rc = config_load(&a->cfg, path, &d);
    if (rc != 0 || d.n) {
        diag_print(&d, stderr);
        fprintf(stderr, "bedside: the configuration %s has problems\n", path);
    }
    diag_free(&d);
    free(path);
    return rc != 0;
}

/* report.outcome names a hip form and one of its choice fields;
 * report.endpoint a hip form with a date field (its ends_follow_up field
 * unless `field` names another). Returns the number of problems. */
static int check_report_item(const app *a, const config_report_item *it, const char *key,
                             const char *dir)
{
    if (!it->form)
        return 0;
    const char *where = a->cfg.path;
    form_group g;
    if (it->by && form_group_find(&a->forms, it->by, &g) != 0) {
        char *e = text_escape(it->by), *ok = form_group_list(&a->forms);
        fprintf(stderr, "bedside: %s:%d:%d: 'by: %s' is not a field a report can group by "
                "(%s)\n", where, it->by_line, it->by_col, e, ok);
        free(e);
        free(ok);
        return 1;
    }
    const form *f = form_set_find(&a->forms, it->form);
    if (!f) {
        fprintf(stderr, "bedside: %s:%d:%d: report.%s names form '%s', which is not in %s\n",
                where, it->line, it->col, key, it->form, dir);
        return 1;
    }
    if (f->scope != SCOPE_HIP) {
        fprintf(stderr, "bedside: %s:%d:%d: report.%s: form '%s' is not about a hip\n", where,
                it->line, it->col, key, f->id);
        return 1;
    }
    if (strcmp(key, "endpoint") == 0 && f->ends_follow_up >= 0 && !f->end_is_event) {
        fprintf(stderr, "bedside: %s:%d:%d: report.endpoint: form '%s' ends follow-up by "
                "censoring (ends_follow_up event: false), so it cannot be the endpoint\n",
                where, it->line, it->col, f->id);
        return 1;
    }
    const char *field = it->field;
    if (!field && f->ends_follow_up >= 0)
        field = f->field[f->ends_follow_up].id;
    if (!field) {
        fprintf(stderr, "bedside: %s:%d:%d: report.%s: form '%s' does not end follow-up; name "
                "its date field with 'field'\n", where, it->line, it->col, key, f->id);
        return 1;
    }
    int i = form_field_index(f, field);
    enum form_type want = strcmp(key, "outcome") == 0 ? FT_CHOICE : FT_DATE;
    if (i < 0 || f->field[i].type != want) {
        fprintf(stderr, "bedside: %s:%d:%d: report.%s: form '%s' has no %s field '%s'\n", where,
                it->line, it->col, key, f->id, form_type_name(want), field);
        return 1;
    }
    return 0;
}

/* Every form the configuration names must exist, or the schedule and the
 * patient list would silently show nothing for it. One line per missing
 * form, with the timepoints that expect it. */
static int check_config_forms(const app *a, const char *dir)
{
    int bad = 0;
    for (int i = 0; i < a->cfg.n_tp; i++) {
        for (int j = 0; j < a->cfg.tp[i].n_forms; j++) {
            const char *id = a->cfg.tp[i].forms[j];
            int first = 1;   /* report a form at its first timepoint only */
            for (int k = 0; k < i && first; k++)
                for (int m = 0; m < a->cfg.tp[k].n_forms; m++)
                    first &= strcmp(a->cfg.tp[k].forms[m], id) != 0;
            const form *f = form_set_find(&a->forms, id);
            if (first && f && f->enrolment) {
                fprintf(stderr, "bedside: %s: the schedule expects form '%s' at %s, but it is an "
                        "enrolment form (filled once, when the %s is added)\n", a->cfg.path, id,
                        a->cfg.tp[i].id, f->scope == SCOPE_HIP ? "hip" : "patient");
                bad++;
            }
            if (!first || f)
                continue;
            sbuf at = {0};
            for (int k = i; k < a->cfg.n_tp; k++)
                for (int m = 0; m < a->cfg.tp[k].n_forms; m++)
                    if (strcmp(a->cfg.tp[k].forms[m], id) == 0)
                        sbuf_printf(&at, "%s%s", at.len ? ", " : "", a->cfg.tp[k].id);
            fprintf(stderr, "bedside: %s: the schedule expects form '%s' (at %s), which is not in %s\n",
                    a->cfg.path, id, at.s, dir);
            sbuf_free(&at);
            bad++;
        }
    }
    bad += check_report_item(a, &a->cfg.rep_outcome, "outcome", dir);
    bad += check_report_item(a, &a->cfg.rep_endpoint, "endpoint", dir);
    if (a->cfg.list_form) {
        const form *f = form_set_find(&a->forms, a->cfg.list_form);
        if (!f) {
            fprintf(stderr, "bedside: %s: patient_list names form '%s', which is not in %s\n",
                    a->cfg.path, a->cfg.list_form, dir);
            bad++;
        } else if (a->cfg.list_score && form_score_index(f, a->cfg.list_score) < 0) {
            fprintf(stderr, "bedside: %s: patient_list names score '%s', which form '%s' lacks\n",
                    a->cfg.path, a->cfg.list_score, f->id);
            bad++;
        }
    }
    return bad;
}

static int load_forms(app *a, const app_opts *o)
{
    const char *dir = a->cfg.forms_dir;
    assert(dir);   /* app_init sets the default */
    diag d = {0};
    int bad = form_set_load(&a->forms, dir, &d);
    if (bad || d.n) {
        diag_print(&d, stderr);
        fprintf(stderr, "bedside: the forms folder has problems; see bedside forms check\n");
        diag_free(&d);
        return 1;
    }
    diag_free(&d);
    if (a->forms.n == 0) {
        fprintf(stderr, "bedside: no forms (*.yaml) in %s\n", dir);
        return 1;
    }
    if (check_config_forms(a, dir))
        return 1;
    a->ends.v = xcalloc((size_t)a->forms.n + 1, sizeof *a->ends.v);
    for (int i = 0; i < a->forms.n; i++) {
        const form *f = a->forms.v[i];
        if (f->enrolment) {
            if (a->enrol[f->scope]) {
                fprintf(stderr, "bedside: %s: '%s' and '%s' are both enrolment forms of a %s; "
                        "keep one (add the fields of one to the other)\n", dir,
                        a->enrol[f->scope]->id, f->id, f->scope == SCOPE_HIP ? "hip" : "patient");
                return 1;
            }
            a->enrol[f->scope] = f;
        }
        if (f->ends_follow_up >= 0 && f->ends_follow_up < f->n_field)
            a->ends.v[a->ends.n++] =
                (st_end){f->id, f->field[f->ends_follow_up].id, f->end_is_event,
                         f->scope == SCOPE_PATIENT};
    }
    return 0;
}

int app_endpoint(const app *a, st_end *out)
{
    const config_report_item *ep = &a->cfg.rep_endpoint;
    const form *f = ep->form ? form_set_find(&a->forms, ep->form) : NULL;
    if (f) {
        /* check_report_item made sure of the field. */
        *out = (st_end){f->id, ep->field ? ep->field : f->field[f->ends_follow_up].id, 1, 0};
        return 0;
    }
    for (int i = 0; i < a->ends.n; i++)
        if (a->ends.v[i].event) {
            *out = a->ends.v[i];
            return 0;
        }
    return -1;
}

const form *app_end_form(const app *a, const char *id)
{
    for (int i = 0; i < a->ends.n; i++)
        if (strcmp(a->ends.v[i].form, id) == 0)
            return form_set_find(&a->forms, id);
    return NULL;
}

static int folder_writable(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    int ok = access(dir, W_OK) == 0;
    free(dir);
    return ok;
}

static char *db_path(const app *a, const app_opts *o, int *is_default)
{
    *is_default = 0;
    if (o->db)
        return xstrdup(o->db);
    if (env("BEDSIDE_DB"))
        return xstrdup(env("BEDSIDE_DB"));
    if (a->cfg.database)
        return xstrdup(a->cfg.database);
    *is_default = 1;
    char *dir = xdg_dir("XDG_DATA_HOME", ".local/share");
    char *p = xasprintf("%s/bedside/bedside.db", dir);
    free(dir);
    return p;
}

static int open_db(app *a, const app_opts *o, int need)
{
    int is_default;
    a->db_path = db_path(a, o, &is_default);
    int exists = file_exists(a->db_path);
    int flags;
    if (need & APP_DB_WRITE) {
        /* A database we may not write is still opened, read-only: the TUI
         * can browse it, and writers refuse with store_can_write's reason. */
        flags = exists && access(a->db_path, W_OK) != 0 ? STORE_READONLY : STORE_CREATE;
        if (!exists && is_default) {
            char *dir = xdg_dir("XDG_DATA_HOME", ".local/share");
            int rc = make_dirs(dir);
            free(dir);
            if (rc)
                return 1;
        }
    } else {
        /* Reading never creates: a typo in --db must not yield an empty
         * database that looks like "no patients". */
        if (!exists) {
            fprintf(stderr, "bedside: %s: no such database\n", a->db_path);
            return 1;
        }
        flags = STORE_NOINIT | (access(a->db_path, W_OK) != 0 ? STORE_READONLY : 0);
    }
    /* A store that may write reads the ends of its tables at open, where
     * the rows it adds land: a file damaged there is refused before anything
     * is typed. A command that only reads is stopped by the pages it reads. */
    if (!(need & (APP_DB_WRITE | APP_WRITES)))
        flags |= STORE_NOPROBE;
    char *err = NULL;
    a->db = store_open(a->db_path, flags, &err);
    if (!a->db && exists && !folder_writable(a->db_path))
        /* SQLite's own words ("attempt to write a readonly database") do not
         * say that it is the folder, for the -wal and -shm files. */
        fprintf(stderr, "bedside: read-only folder: the database's -wal and -shm files cannot "
                "be made beside %s\n", a->db_path);
    if (!a->db) {
        fprintf(stderr, "bedside: %s\n", err ? err : "cannot open the database");
        free(err);
        return 1;
    }
    /* Every write keeps the next-due table in its own transaction. */
    store_set_derive(a->db, sched_due_derive, a);
    /* What a validation mark is measured against (store_mark.c). */
    const char **ids = xcalloc((size_t)a->forms.n + 1, sizeof *ids);
    unsigned char (*digest)[16] = xcalloc((size_t)a->forms.n + 1, sizeof *digest);
    for (int i = 0; i < a->forms.n; i++) {
        ids[i] = a->forms.v[i]->id;
        memcpy(digest[i], a->forms.v[i]->digest, sizeof digest[i]);
    }
    store_form_digests(a->db, a->forms.n, ids, (const unsigned char (*)[16])digest);
    free(ids);
    free(digest);
    return 0;
}

static int locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int app_init(app *a, const app_opts *o, int need)
{
    memset(a, 0, sizeof *a);
    a->today = date_today();
    a->ascii = o->ascii || !locale_is_utf8();
    if (!need)
        return 0;
    /* Checked forms, and the configuration's parsed tree, are kept in the
     * user's cache (form_cache.c). */
    char *cache = xdg_dir("XDG_CACHE_HOME", ".cache");
    char *forms_cache = xasprintf("%s/bedside/forms", cache);
    form_cache_use(forms_cache);
    free(forms_cache);
    free(cache);
    if (load_config(a, o))
        return 1;
    if (o->forms) {
        /* --forms replaces the configured folder for everyone (forms check too). */
        free(a->cfg.forms_dir);
        a->cfg.forms_dir = xstrdup(o->forms);
    } else if (!a->cfg.forms_dir) {
        /* No 'forms' in the configuration: the forms shipped with bedside. */
        char *data = app_data_dir();
        a->cfg.forms_dir = xasprintf("%s/forms", data);
        free(data);
    }
    if (!(need & (APP_FORMS | APP_DB_READ | APP_DB_WRITE)))
        return 0;
    if (load_forms(a, o))
        return 1;
    if (need & (APP_DB_READ | APP_DB_WRITE))
        return open_db(a, o, need);
    return 0;
}

void app_free(app *a)
{
    if (a->db)
        store_close(a->db);
    form_set_free(&a->forms);
    free(a->ends.v);
    config_free(&a->cfg);
    free(a->db_path);
    memset(a, 0, sizeof *a);
}

int app_form_rank(const app *a, int tp, const char *id)
{
    const config *c = &a->cfg;
    int n = 0;
    if (tp >= 0 && tp < c->n_tp) {
        n = c->tp[tp].n_forms;
        for (int i = 0; i < n; i++)
            if (strcmp(c->tp[tp].forms[i], id) == 0)
                return i;
    }
    for (int i = 0; i < a->forms.n; i++)
        if (strcmp(a->forms.v[i]->id, id) == 0)
            return n + i;
    return n + a->forms.n;
}
