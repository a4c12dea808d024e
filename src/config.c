/* config.c — config/bedside.yaml: paths, print command, patient-list score
 * and the follow-up schedule.
 *
 * ytree does the YAML level (syntax, tabs, aliases, duplicate keys, UTF-8,
 * size); this file checks the meaning. Every problem is collected, so a
 * person fixing the file sees all of them at once. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "form.h"    /* the forms cache keeps the parsed tree */
#include "store.h"   /* TIMEPOINT_UNSCHEDULED */
#include "ytree.h"

#define TP_ID_MAX 32
#define DAY_MIN (-3650)      /* a pre-operative visit may come before day 0 */
#define DAY_MAX 36500
#define WINDOW_MAX 3650

static const char *const top_keys[] = {"database", "forms", "print_command", "print_format",
                                       "print_ascii", "paper", "patient_list", "schedule",
                                       "report", NULL};
static const char *const list_keys[] = {"form", "score", NULL};
static const char *const report_keys[] = {"outcome", "endpoint", NULL};
static const char *const outcome_keys[] = {"form", "field", "by", NULL};

static const char *const tp_keys[] = {"id", "label", "day", "before", "after", "forms", NULL};

static int valid_id(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return strlen(s) <= TP_ID_MAX;
}

static const char *home_dir(void)
{
    const char *h = getenv("HOME");
    if (h && *h)
        return h;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_dir : NULL;
}

/* A path from the file, made usable: "~/x" under the home folder, absolute
 * paths kept, anything else relative to the config file's folder (so the
 * file works wherever it is run from). Adds a diag and returns NULL if bad. */
static char *resolve_path(ycheck *yc, const ynode *map, const char *key, const char *value,
                          const char *cfg_path)
{
    const ynode *v = ytree_get(map, key);
    if (!*value) {
        diag_add(yc->d, yc->file, v->line, v->col, "'%s' is empty; give a path", key);
        return NULL;
    }
    if (value[0] == '~') {
        if (value[1] != '\0' && value[1] != '/') {
            char *e = text_escape(value);
            diag_add(yc->d, yc->file, v->line, v->col,
                     "'%s': only \"~/\" is expanded, not \"%s\"", key, e);
            free(e);
            return NULL;
        }
        const char *home = home_dir();
        if (!home) {
            diag_add(yc->d, yc->file, v->line, v->col,
                     "'%s': cannot expand \"~\": no home folder", key);
            return NULL;
        }
        return xasprintf("%s%s", home, value + 1);
    }
    if (value[0] == '/')
        return xstrdup(value);
    const char *slash = strrchr(cfg_path, '/');
    if (!slash)
        return xstrdup(value);
    return xasprintf("%.*s/%s", (int)(slash - cfg_path), cfg_path, value);
}

/* A string is split at blanks (no shell quoting: nothing is run by a shell);
 * a list is taken as argv as it is. */
static int read_print_cmd(ycheck *yc, const ynode *root, config *c)
{
    const ynode *v = ytree_get(root, "print_command");
    char **list = NULL;
    size_t n = 0;
    if (!v) {
        c->print_cmd = xcalloc(2, sizeof *c->print_cmd);
        c->print_cmd[0] = xstrdup("lpr");
        return 0;
    }
    if (ytree_strlist(yc, root, "print_command", 0, &list, &n) < 0)
        return -1;
    if (v->type == YT_SCALAR) {
        c->print_cmd = xcalloc(strlen(v->str) / 2 + 2, sizeof *c->print_cmd);
        n = 0;
        for (const char *p = v->str; *p;) {
            size_t len = strcspn(p, " \t");
            if (len)
                c->print_cmd[n++] = xstrndup(p, len);
            p += len;
            p += strspn(p, " \t");
        }
    } else {
        c->print_cmd = xcalloc(n + 1, sizeof *c->print_cmd);
        for (size_t i = 0; i < n; i++)
            c->print_cmd[i] = xstrdup(list[i]);
    }
    ytree_strlist_free(list);
    if (n == 0) {
        diag_add(yc->d, yc->file, v->line, v->col,
                 "'print_command' is empty; give a program, e.g. [lpr]");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (!*c->print_cmd[i]) {
            diag_add(yc->d, yc->file, v->line, v->col,
                     "'print_command': argument %zu is empty", i + 1);
            return -1;
        }
    return 0;
}

/* A key whose value is one of choices (NULL-terminated): *out is its
 * index, left as it is when the key is absent. */
static int read_choice(ycheck *yc, const ynode *root, const char *key,
                       const char *const *choices, int *out)
{
    char *s = NULL;
    int r = ytree_str(yc, root, key, 0, &s);
    if (r != 0)
        return r < 0 ? -1 : 0;
    int bad = -1;
    for (int i = 0; choices[i]; i++)
        if (strcmp(s, choices[i]) == 0)
            *out = i, bad = 0;
    if (bad) {
        const ynode *v = ytree_get(root, key);
        char *e = text_escape(s);
        sbuf ok = {0};
        for (int i = 0; choices[i]; i++)
            sbuf_printf(&ok, "%s%s", i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
        diag_add(yc->d, yc->file, v->line, v->col, "'%s: %s' is not %s", key, e, ok.s);
        sbuf_free(&ok);
        free(e);
    }
    free(s);
    return bad;
}

static int read_patient_list(ycheck *yc, const ynode *root, config *c)
{
    const ynode *v = ytree_get(root, "patient_list");
    if (!v)
        return 0;
    if (v->type != YT_MAP) {
        diag_add(yc->d, yc->file, v->line, v->col,
                 "'patient_list' must be a mapping like {form: hhs, score: total}");
        return -1;
    }
    int bad = ytree_keys(yc, v, list_keys, "'patient_list'") ? -1 : 0;
    if (ytree_str(yc, v, "form", 1, &c->list_form) < 0)
        bad = -1;
    if (ytree_str(yc, v, "score", 1, &c->list_score) < 0)
        bad = -1;
    return bad;
}

/* report: {outcome: {form, field, by}, endpoint: {form, field, by}}.
 * Forms and fields are checked against the forms once they are loaded. */
static int read_report_item(ycheck *yc, const ynode *rep, const char *key, int need_field,
                            config_report_item *it)
{
    const ynode *v = ytree_get(rep, key);
    if (!v)
        return 0;
    it->line = v->line;
    it->col = v->col;
    if (v->type != YT_MAP) {
        diag_add(yc->d, yc->file, v->line, v->col,
                 "'report.%s' must be a mapping like {form: %s, %sby: stage}", key,
                 need_field ? "mri" : "tha", need_field ? "field: judgement, " : "");
        return -1;
    }
    char *what = xasprintf("'report.%s'", key);
    int bad = ytree_keys(yc, v, outcome_keys, what) ? -1 : 0;
    free(what);
    if (ytree_str(yc, v, "form", 1, &it->form) < 0)
        bad = -1;
    if (ytree_str(yc, v, "field", need_field, &it->field) < 0)
        bad = -1;
    if (ytree_str(yc, v, "by", 0, &it->by) < 0)
        bad = -1;
    /* Which fields a report can group by comes from the forms, checked
     * once they are loaded (app.c); here only where it is written. */
    const ynode *b = ytree_get(v, "by");
    if (b) {
        it->by_line = b->line;
        it->by_col = b->col;
    }
    return bad;
}

static int read_report(ycheck *yc, const ynode *root, config *c)
{
    const ynode *v = ytree_get(root, "report");
    if (!v)
        return 0;
    if (v->type != YT_MAP) {
        diag_add(yc->d, yc->file, v->line, v->col,
                 "'report' must be a mapping with 'outcome' and/or 'endpoint'");
        return -1;
    }
    int bad = ytree_keys(yc, v, report_keys, "'report'") ? -1 : 0;
    if (read_report_item(yc, v, "outcome", 1, &c->rep_outcome) < 0)
        bad = -1;
    if (read_report_item(yc, v, "endpoint", 0, &c->rep_endpoint) < 0)
        bad = -1;
    return bad;
}

/* One schedule entry. Returns 0, or -1 after adding its problems. */
static int read_tp(ycheck *yc, const ynode *m, sched_tp *t)
{
    int bad = 0;
    long day = 0, before = 0, after = 0;
    if (m->type != YT_MAP) {
        diag_add(yc->d, yc->file, m->line, m->col,
                 "a schedule entry must be a mapping with id, label, day, before, after, forms");
        return -1;
    }
    if (ytree_keys(yc, m, tp_keys, "schedule entry"))
        bad = -1;
    int r = ytree_str(yc, m, "id", 1, &t->id);
    if (r < 0) {
        bad = -1;
    } else if (r == 0) {
        const ynode *v = ytree_get(m, "id");
        if (strcmp(t->id, TIMEPOINT_UNSCHEDULED) == 0) {
            diag_add(yc->d, yc->file, v->line, v->col,
                     "timepoint id 'unscheduled' is reserved for visits outside every window");
            bad = -1;
        } else if (strcmp(t->id, TIMEPOINT_ENROLMENT) == 0) {
            diag_add(yc->d, yc->file, v->line, v->col,
                     "timepoint id 'enrolment' is reserved for the records of enrolment forms");
            bad = -1;
        } else if (!valid_id(t->id)) {
            char *e = text_escape(t->id);
            diag_add(yc->d, yc->file, v->line, v->col,
                     "timepoint id '%s' must be 1-%d of a-z, 0-9 and '_', starting with a "
                     "letter or digit", e, TP_ID_MAX);
            free(e);
            bad = -1;
        }
    }
    r = ytree_str(yc, m, "label", 0, &t->label);
    if (r < 0) {
        bad = -1;
    } else if (r == 0 && (!*t->label || text_needs_escape(t->label))) {
        /* Labels are drawn on screens and printed: no control characters. */
        const ynode *v = ytree_get(m, "label");
        diag_add(yc->d, yc->file, v->line, v->col,
                 "'label' must be non-empty text without control characters");
        bad = -1;
    }
    if (ytree_int(yc, m, "day", 1, DAY_MIN, DAY_MAX, &day) < 0)
        bad = -1;
    if (ytree_int(yc, m, "before", 0, 0, WINDOW_MAX, &before) < 0)
        bad = -1;
    if (ytree_int(yc, m, "after", 0, 0, WINDOW_MAX, &after) < 0)
        bad = -1;
    t->day = (int)day;
    t->before = (int)before;
    t->after = (int)after;
    char **forms = NULL;
    size_t nf = 0;
    r = ytree_strlist(yc, m, "forms", 1, &forms, &nf);
    if (r < 0) {
        bad = -1;
    } else if (r == 0) {
        const ynode *v = ytree_get(m, "forms");
        t->forms = forms;
        t->n_forms = (int)nf;
        if (nf == 0) {
            diag_add(yc->d, yc->file, v->line, v->col,
                     "'forms' is empty; list the forms expected at this visit");
            bad = -1;
        }
        for (size_t i = 0; i < nf; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(forms[i], forms[j]) == 0) {
                    const ynode *at = v->type == YT_SEQ ? v->item[i] : v;
                    char *e = text_escape(forms[i]);
                    diag_add(yc->d, yc->file, at->line, at->col,
                             "form '%s' is listed twice in 'forms'", e);
                    free(e);
                    bad = -1;
                }
    }
    if (!t->label && t->id)
        t->label = xstrdup(t->id);
    return bad;
}

/* Ids unique, days strictly increasing, consecutive windows apart: a visit
 * date must never belong to two timepoints by accident. The file's order is
 * what screens show, so an unsorted schedule is refused, not re-sorted. */
static int check_schedule(ycheck *yc, const ynode *seq, const config *c)
{
    int bad = 0;
    for (int i = 0; i < c->n_tp; i++) {
        const sched_tp *t = &c->tp[i];
        const ynode *at = seq->item[i];
        for (int j = 0; j < i; j++)
            if (strcmp(t->id, c->tp[j].id) == 0) {
                const ynode *idn = ytree_get(at, "id");
                diag_add(yc->d, yc->file, idn->line, idn->col,
                         "timepoint id '%s' is used twice (first at line %d)", t->id,
                         seq->item[j]->line);
                bad = -1;
            }
        if (i == 0)
            continue;
        const sched_tp *p = &c->tp[i - 1];
        const ynode *dayn = ytree_get(at, "day");
        if (t->day <= p->day) {
            diag_add(yc->d, yc->file, dayn->line, dayn->col,
                     "'day': timepoint '%s' (day %d) must come after '%s' (day %d); list the "
                     "schedule in increasing day order",
                     t->id, t->day, p->id, p->day);
            bad = -1;
        } else if (p->day + p->after >= t->day - t->before) {
            diag_add(yc->d, yc->file, at->line, at->col,
                     "the window of '%s' (days %d..%d) overlaps that of '%s' (days %d..%d); "
                     "narrow 'after' or 'before'",
                     t->id, t->day - t->before, t->day + t->after, p->id, p->day - p->before,
                     p->day + p->after);
            bad = -1;
        }
    }
    return bad;
}

static int read_schedule(ycheck *yc, const ynode *root, config *c)
{
    const ynode *seq = ytree_get(root, "schedule");
    if (!seq) {
        diag_add(yc->d, yc->file, root->line, root->col,
                 "'schedule' is missing; list the follow-up timepoints");
        return -1;
    }
    if (seq->type != YT_SEQ || seq->n == 0) {
        diag_add(yc->d, yc->file, seq->line, seq->col,
                 "'schedule' must be a list of at least one timepoint");
        return -1;
    }
    c->tp = xcalloc(seq->n, sizeof *c->tp);
    c->n_tp = (int)seq->n;
    int bad = 0;
    for (size_t i = 0; i < seq->n; i++)
        if (read_tp(yc, seq->item[i], &c->tp[i]) < 0)
            bad = -1;
    /* Order and overlap only mean something once every entry is readable. */
    if (bad == 0)
        bad = check_schedule(yc, seq, c);
    return bad;
}

static int load_tree(config *c, const char *name, ynode *root, diag *d)
{
    memset(c, 0, sizeof *c);
    if (!root)
        return -1;
    c->path = xstrdup(name);
    ycheck yc = {.file = name, .d = d};
    int bad = 0;
    if (root->type != YT_MAP) {
        diag_add(d, name, root->line, root->col,
                 "the configuration must be a mapping of keys (database, forms, "
                 "print_command, patient_list, schedule)");
        ytree_free(root);
        config_free(c);
        return -1;
    }
    if (ytree_keys(&yc, root, top_keys, "the configuration"))
        bad = -1;
    char *s = NULL;
    int r = ytree_str(&yc, root, "database", 0, &s);
    if (r < 0)
        bad = -1;
    else if (r == 0 && !(c->database = resolve_path(&yc, root, "database", s, name)))
        bad = -1;
    free(s);
    s = NULL;
    r = ytree_str(&yc, root, "forms", 0, &s);
    if (r < 0)
        bad = -1;
    else if (r == 0 && !(c->forms_dir = resolve_path(&yc, root, "forms", s, name)))
        bad = -1;
    free(s);
    if (read_print_cmd(&yc, root, c) < 0)
        bad = -1;
    static const char *const papers[] = {"a4", "letter", NULL}, *const formats[] = {"text", "pdf",
                                                                                      NULL};
    if (read_choice(&yc, root, "paper", papers, &c->paper_letter) < 0)
        bad = -1;
    if (read_choice(&yc, root, "print_format", formats, &c->print_pdf) < 0)
        bad = -1;
    if (ytree_bool(&yc, root, "print_ascii", 0, &c->print_ascii) < 0)
        bad = -1;
    if (read_patient_list(&yc, root, c) < 0)
        bad = -1;
    if (read_schedule(&yc, root, c) < 0)
        bad = -1;
    if (read_report(&yc, root, c) < 0)
        bad = -1;
    ytree_free(root);
    if (bad)
        config_free(c);
    return bad;
}

int config_load(config *c, const char *path, diag *d)
{
    /* The tree libyaml parses, from the forms cache when it keeps these
     * bytes (form_cache_use); the checks below run on it every time. */
    size_t len = 0;
    char *buf = ytree_read_file(path, &len, d);
    ynode *root = NULL;
    if (buf && !(root = form_cache_tree_get(buf, len)) &&
        (root = ytree_load_buffer(path, buf, len, d)))
        form_cache_tree_put(root, buf, len);
    free(buf);
    return load_tree(c, path, root, d);
}

int config_load_buffer(config *c, const char *name, const char *buf, size_t len, diag *d)
{
    return load_tree(c, name, ytree_load_buffer(name, buf, len, d), d);
}

void config_free(config *c)
{
    free(c->path);
    free(c->database);
    free(c->forms_dir);
    for (char **p = c->print_cmd; p && *p; p++)
        free(*p);
    free(c->print_cmd);
    free(c->list_form);
    free(c->list_score);
    for (int i = 0; i < c->n_tp; i++) {
        free(c->tp[i].id);
        free(c->tp[i].label);
        if (c->tp[i].forms)
            ytree_strlist_free(c->tp[i].forms);
    }
    free(c->tp);
    config_report_item *it[] = {&c->rep_outcome, &c->rep_endpoint};
    for (int i = 0; i < 2; i++) {
        free(it[i]->form);
        free(it[i]->field);
        free(it[i]->by);
    }
    memset(c, 0, sizeof *c);
}

int config_timepoint(const config *c, const char *id)
{
    for (int i = 0; i < c->n_tp; i++)
        if (strcmp(c->tp[i].id, id) == 0)
            return i;
    return -1;
}
