/* form_load.c — a form's YAML tree to a struct form, checking everything.
 *
 * Every problem is added to the diag list with the position of the node it
 * concerns, and loading goes on, so that `bedside forms check` can show a
 * form author all of them at once. Expressions are compiled last, when every
 * field and score id is known. */
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form_internal.h"

void form_load_problem(form_loader *L, const ynode *at, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(L->c.d, L->c.file, at ? at->line : 1, at ? at->col : 1, "%s", msg);
}

/* Text from the file, escaped for messages; a small ring of buffers so that
 * a message can quote two values. */
const char *form_load_quote(const char *s)
{
    static char ring[4][128];
    static int next;
    char *buf = ring[next++ & 3];
    char *e = text_escape(s ? s : "");
    snprintf(buf, sizeof ring[0], "%s", e);
    free(e);
    return buf;
}

/* An expression must be a scalar; returns its node or NULL. */
const ynode *form_load_expr(form_loader *L, const ynode *map, const char *key, const char *what)
{
    const ynode *v = ytree_get(map, key);
    if (!v)
        return NULL;
    if (v->type != YT_SCALAR || !v->str[0]) {
        form_load_problem(L, v, "%s: '%s' must be an SQL expression (text)", what, key);
        return NULL;
    }
    return v;
}

static void parse_sections(form_loader *L, const ynode *secs)
{
    form *f = L->f;
    if (!secs)
        return;
    if (secs->type != YT_SEQ || secs->n == 0) {
        form_load_problem(L, secs, "'sections' must be a non-empty list");
        return;
    }
    static const char *const keys[] = {"title", "show_if", "fields", NULL};
    size_t total = 0;
    for (size_t i = 0; i < secs->n; i++) {
        const ynode *fs = ytree_get(secs->item[i], "fields");
        if (fs && fs->type == YT_SEQ)
            total += fs->n;
    }
    /* Each expression binds every field: keep a hostile file from costing
     * minutes of compiling. No real form comes near this. */
    if (total > FORM_MAX_FIELDS) {
        form_load_problem(L, secs, "a form may have at most %d fields (this one has %zu)",
                          FORM_MAX_FIELDS, total);
        return;
    }
    f->sec = xcalloc(secs->n, sizeof *f->sec);
    f->field = xcalloc(total, sizeof *f->field);
    L->fshow = xcalloc(total, sizeof *L->fshow);
    L->fcheck = xcalloc(total, sizeof *L->fcheck);
    L->fnode = xcalloc(total, sizeof *L->fnode);
    L->sshow = xcalloc(secs->n, sizeof *L->sshow);
    for (size_t i = 0; i < secs->n; i++) {
        const ynode *s = secs->item[i];
        form_section *sec = &f->sec[f->n_sec];
        if (s->type != YT_MAP) {
            form_load_problem(L, s, "each section must be a mapping (title:, fields:)");
            continue;
        }
        char what[160];
        ytree_str(&L->c, s, "title", 1, &sec->title);
        snprintf(what, sizeof what, "section '%s'", form_load_quote(sec->title ? sec->title : "?"));
        ytree_keys(&L->c, s, keys, what);
        L->sshow[f->n_sec] = form_load_expr(L, s, "show_if", what);
        sec->first = f->n_field;
        const ynode *fs = ytree_get(s, "fields");
        if (!fs) {
            form_load_problem(L, s, "%s: missing required key 'fields'", what);
        } else if (fs->type != YT_SEQ || fs->n == 0) {
            form_load_problem(L, fs, "%s: 'fields' must be a non-empty list", what);
        } else {
            for (size_t j = 0; j < fs->n; j++) {
                if (fs->item[j]->type != YT_MAP) {
                    form_load_problem(L, fs->item[j], "%s: each field must be a mapping (id:, type:, ...)",
                            what);
                    continue;
                }
                form_field *fl = &f->field[f->n_field];
                fl->section = f->n_sec;
                L->fnode[f->n_field] = fs->item[j];
                form_load_field(L, fl, fs->item[j], f->n_field);
                f->n_field++;
            }
        }
        sec->count = f->n_field - sec->first;
        f->n_sec++;
    }
}

static void parse_bands(form_loader *L, form_score *s, const ynode *b, const char *what)
{
    if (b->type != YT_SEQ || b->n == 0) {
        form_load_problem(L, b, "%s: 'bands' must be a non-empty list", what);
        return;
    }
    static const char *const keys[] = {"min", "label", NULL};
    s->band = xcalloc(b->n, sizeof *s->band);
    for (size_t i = 0; i < b->n; i++) {
        const ynode *m = b->item[i];
        if (m->type != YT_MAP) {
            form_load_problem(L, m, "%s: each band must be a mapping {min: ..., label: ...}", what);
            continue;
        }
        form_band *bd = &s->band[s->n_band];
        ytree_keys(&L->c, m, keys, what);
        if (ytree_num(&L->c, m, "min", 1, &bd->min) != 0 ||
            ytree_str(&L->c, m, "label", 1, &bd->label) != 0) {
            free(bd->label);
            bd->label = NULL;
            continue;
        }
        if (s->n_band && bd->min >= s->band[s->n_band - 1].min)
            form_load_problem(L, ytree_get(m, "min"),
                    "%s: bands must be listed from the highest min down (%g after %g)", what,
                    bd->min, s->band[s->n_band - 1].min);
        s->n_band++;
    }
}

static void parse_scores(form_loader *L, const ynode *scs)
{
    form *f = L->f;
    if (!scs)
        return;
    if (scs->type != YT_SEQ) {
        form_load_problem(L, scs, "'scores' must be a list");
        return;
    }
    static const char *const keys[] = {
        "id", "label", "expr", "decimals", "min", "max", "trend", "better", "mcid", "bands", NULL,
    };
    if (scs->n > FORM_MAX_SCORES) {
        form_load_problem(L, scs, "a form may have at most %d scores (this one has %zu)",
                          FORM_MAX_SCORES, scs->n);
        return;
    }
    f->score = xcalloc(scs->n, sizeof *f->score);
    L->sexpr = xcalloc(scs->n, sizeof *L->sexpr);
    L->scnode = xcalloc(scs->n, sizeof *L->scnode);
    for (size_t i = 0; i < scs->n; i++) {
        const ynode *m = scs->item[i];
        if (m->type != YT_MAP) {
            form_load_problem(L, m, "each score must be a mapping (id:, expr:, ...)");
            continue;
        }
        form_score *s = &f->score[f->n_score];
        L->scnode[f->n_score] = m;
        char what[160];
        if (ytree_str(&L->c, m, "id", 1, &s->id) == 0) {
            const ynode *idn = ytree_get(m, "id");
            if (!form_id_ok(s->id))
                form_load_problem(L, idn, "score id '%s' must match [a-z][a-z0-9_]*", form_load_quote(s->id));
            else if (!form_expr_name_ok(f->sb, s->id))
                form_load_problem(L, idn, "score id '%s' is an SQL keyword; choose another id", form_load_quote(s->id));
        }
        snprintf(what, sizeof what, "score '%s'", form_load_quote(s->id ? s->id : "?"));
        ytree_keys(&L->c, m, keys, what);
        if (ytree_str(&L->c, m, "label", 0, &s->label) == 1 && s->id)
            s->label = xstrdup(s->id);
        L->sexpr[f->n_score] = form_load_expr(L, m, "expr", what);
        if (!ytree_get(m, "expr"))
            form_load_problem(L, m, "%s: missing required key 'expr'", what);
        long dec = 0;
        ytree_int(&L->c, m, "decimals", 0, 0, 6, &dec);
        s->decimals = (int)dec;
        s->has_min = ytree_num(&L->c, m, "min", 0, &s->min) == 0;
        s->has_max = ytree_num(&L->c, m, "max", 0, &s->max) == 0;
        if (s->has_min && s->has_max && s->min > s->max)
            form_load_problem(L, ytree_get(m, "min"), "%s: min (%g) is greater than max (%g)", what,
                    s->min, s->max);
        ytree_bool(&L->c, m, "trend", 0, &s->trend);
        char *better = NULL;
        if (ytree_str(&L->c, m, "better", 0, &better) == 0) {
            if (strcmp(better, "higher") == 0)
                s->better = BETTER_HIGHER;
            else if (strcmp(better, "lower") == 0)
                s->better = BETTER_LOWER;
            else
                form_load_problem(L, ytree_get(m, "better"), "%s: 'better' must be higher or lower", what);
        }
        free(better);
        s->has_mcid = ytree_num(&L->c, m, "mcid", 0, &s->mcid) == 0;
        if (s->has_mcid && s->mcid <= 0)
            form_load_problem(L, ytree_get(m, "mcid"), "%s: 'mcid' must be greater than 0", what);
        const ynode *b = ytree_get(m, "bands");
        if (b)
            parse_bands(L, s, b, what);
        f->n_score++;
    }
}

static void parse_summary(form_loader *L, const ynode *m)
{
    form *f = L->f;
    if (m->type != YT_MAP) {
        form_load_problem(L, m, "'summary' must be a mapping (label:, show:, expr:)");
        return;
    }
    static const char *const keys[] = {"label", "show", "expr", NULL};
    ytree_keys(&L->c, m, keys, "summary");
    ytree_str(&L->c, m, "label", 0, &f->summary_label);
    char *show = NULL;
    f->summary_show = SHOW_ALL;
    if (ytree_str(&L->c, m, "show", 0, &show) == 0) {
        if (strcmp(show, "all") == 0)
            f->summary_show = SHOW_ALL;
        else if (strcmp(show, "latest") == 0)
            f->summary_show = SHOW_LATEST;
        else if (strcmp(show, "alert") == 0)
            f->summary_show = SHOW_ALERT;
        else
            form_load_problem(L, ytree_get(m, "show"), "summary: 'show' must be all, latest or alert");
    }
    free(show);
    L->summary_expr = form_load_expr(L, m, "expr", "summary");
    if (!ytree_get(m, "expr"))
        form_load_problem(L, m, "summary: missing required key 'expr'");
}

/* Field and score ids share one namespace: expressions see both. */
static void check_ids(form_loader *L)
{
    form *f = L->f;
    int n = f->n_field + f->n_score;
    for (int i = 0; i < n; i++) {
        const char *id = i < f->n_field ? f->field[i].id : f->score[i - f->n_field].id;
        const ynode *at = i < f->n_field ? L->fnode[i] : L->scnode[i - f->n_field];
        for (int j = 0; id && j < i; j++) {
            const char *o = j < f->n_field ? f->field[j].id : f->score[j - f->n_field].id;
            const ynode *oat = j < f->n_field ? L->fnode[j] : L->scnode[j - f->n_field];
            if (o && strcmp(id, o) == 0) {
                form_load_problem(L, ytree_get(at, "id"), "duplicate id '%s' (first used at line %d)",
                        form_load_quote(id), oat->line);
                break;
            }
        }
    }
}

/* Compile one expression; `kind` and `name` say whose it is ("field",
 * "pain"; a NULL name for the form's own summary), put into words only for
 * a problem, since nearly every form has none. */
static form_expr *compile(form_loader *L, const ynode *n, const char *const *names, int count,
                          const char *kind, const char *name, const char *key)
{
    if (!n)
        return NULL;
    char err[300];
    form_expr *e = form_expr_new(L->f->sb, n->str, names, count, err, sizeof err);
    if (!e) {
        /* SQLite quotes the author's text back ("near ..."): make it safe. */
        char *safe = text_escape(err);
        if (name)
            form_load_problem(L, n, "%s '%s': %s: %s", kind, form_load_quote(name), key, safe);
        else
            form_load_problem(L, n, "%s: %s: %s", kind, key, safe);
        free(safe);
    }
    return e;
}

static void compile_all(form_loader *L)
{
    form *f = L->f;
    int n = f->n_field + f->n_score;
    char **names = xcalloc((size_t)n + 1, sizeof *names);
    /* A bad id still takes its place, so parameter k stays value k. */
    for (int i = 0; i < n; i++) {
        const char *id = i < f->n_field ? f->field[i].id : f->score[i - f->n_field].id;
        if (id && form_id_ok(id) && form_expr_name_ok(f->sb, id))
            names[i] = xstrdup(id);
        else
            names[i] = xasprintf("_bad%d", i);
    }
    const char *const *nm = (const char *const *)names;
    for (int i = 0; i < f->n_sec; i++)
        f->sec[i].show_if = compile(L, L->sshow[i], nm, f->n_field, "section",
                                    f->sec[i].title ? f->sec[i].title : "?", "show_if");
    for (int i = 0; i < f->n_field; i++) {
        const char *id = f->field[i].id ? f->field[i].id : "?";
        f->field[i].show_if = compile(L, L->fshow[i], nm, f->n_field, "field", id, "show_if");
        f->field[i].check = compile(L, L->fcheck[i], nm, f->n_field, "field", id, "check");
    }
    for (int i = 0; i < f->n_score; i++)
        f->score[i].expr = compile(L, L->sexpr[i], nm, f->n_field + i, "score",
                                   f->score[i].id ? f->score[i].id : "?", "expr");
    f->summary = compile(L, L->summary_expr, nm, n, "summary", NULL, "expr");
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ends_follow_up: FIELD, or {field: FIELD, event: BOOL, reason: FIELD}: the
 * date field that ends the hip's follow-up (a patient-scope form's: every
 * hip's); event (default true) says the end is the survival endpoint (a
 * conversion) rather than a censoring (an end of follow-up); reason names a
 * choice field that says why. */
static void parse_ends(form_loader *L, const ynode *root)
{
    form *f = L->f;
    f->ends_follow_up = f->end_reason = -1;
    f->end_is_event = 1;
    const ynode *n = ytree_get(root, "ends_follow_up");
    if (!n)
        return;
    char *efu = NULL, *why = NULL;
    const ynode *at = n;
    if (n->type == YT_MAP) {
        static const char *const keys[] = {"field", "event", "reason", NULL};
        ytree_keys(&L->c, n, keys, "ends_follow_up");
        if (ytree_str(&L->c, n, "field", 1, &efu) == 0)
            at = ytree_get(n, "field");
        ytree_bool(&L->c, n, "event", 0, &f->end_is_event);
        if (ytree_str(&L->c, n, "reason", 0, &why) == 0) {
            int i = form_field_index(f, why);
            if (i < 0 || f->field[i].type != FT_CHOICE)
                form_load_problem(L, ytree_get(n, "reason"),
                        "'ends_follow_up.reason' must name a choice field of this form, not '%s'",
                        form_load_quote(why));
            else
                f->end_reason = i;
        }
    } else {
        ytree_str(&L->c, root, "ends_follow_up", 0, &efu);
    }
    if (efu) {
        int i = form_field_index(f, efu);
        if (i < 0 || f->field[i].type != FT_DATE)
            form_load_problem(L, at, "'ends_follow_up' must name a date field of this form, not '%s'",
                    form_load_quote(efu));
        else if (f->scope != SCOPE_HIP && f->end_is_event)
            /* The endpoint (a conversion) happens to one hip. */
            form_load_problem(L, at, "'ends_follow_up' of a patient-scope form ends every hip's "
                    "follow-up by censoring: it needs 'event: false' (or 'scope: hip')");
        else
            f->ends_follow_up = i;
    }
    free(efu);
    free(why);
}

static void parse_top(form_loader *L, const ynode *root)
{
    form *f = L->f;
    static const char *const keys[] = {
        "id", "title", "version", "scope", "description", "sections", "scores", "summary",
        "ends_follow_up", "enrolment", NULL,
    };
    ytree_keys(&L->c, root, keys, "the form");
    if (ytree_str(&L->c, root, "id", 1, &f->id) == 0) {
        const ynode *idn = ytree_get(root, "id");
        f->id_line = idn->line;
        f->id_col = idn->col;
        if (!form_id_ok(f->id))
            form_load_problem(L, idn, "form id '%s' must match [a-z][a-z0-9_]*", form_load_quote(f->id));
    }
    ytree_str(&L->c, root, "title", 1, &f->title);
    long version = 0;
    ytree_int(&L->c, root, "version", 1, 1, 1000000, &version);
    f->version = (int)version;
    char *scope = NULL;
    if (ytree_str(&L->c, root, "scope", 1, &scope) == 0) {
        if (strcmp(scope, "hip") == 0)
            f->scope = SCOPE_HIP;
        else if (strcmp(scope, "patient") == 0)
            f->scope = SCOPE_PATIENT;
        else
            form_load_problem(L, ytree_get(root, "scope"), "'scope' must be hip or patient, not '%s'",
                    form_load_quote(scope));
    }
    free(scope);
    ytree_str(&L->c, root, "description", 0, &f->description);
    const ynode *secs = ytree_get(root, "sections");
    if (!secs)
        form_load_problem(L, root, "missing required key 'sections'");
    parse_sections(L, secs);
    parse_scores(L, ytree_get(root, "scores"));
    const ynode *sum = ytree_get(root, "summary");
    if (sum)
        parse_summary(L, sum);
    parse_ends(L, root);
    ytree_bool(&L->c, root, "enrolment", 0, &f->enrolment);
    if (f->enrolment && f->ends_follow_up >= 0)
        form_load_problem(L, ytree_get(root, "enrolment"),
                "an enrolment form describes the hip or patient at entry; it cannot also end "
                "follow-up ('ends_follow_up')");
    if (f->enrolment && f->n_score > 0)
        form_load_problem(L, ytree_get(root, "enrolment"),
                "an enrolment form has no scores (they would have no visit to trend over)");
}

static form *build(const char *name, ynode *root, diag *d)
{
    if (!root)
        return NULL;
    size_t before = d->n;
    form *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(name);
    f->ends_follow_up = f->end_reason = -1;
    f->sb = form_sandbox_new();
    form_loader L = {.c = {.file = name, .d = d}, .f = f};
    if (root->type != YT_MAP) {
        form_load_problem(&L, root, "a form must be a YAML mapping (id:, title:, sections:, ...)");
    } else {
        parse_top(&L, root);
        check_ids(&L);
        compile_all(&L);
    }
    free(L.fshow);
    free(L.fcheck);
    free(L.sshow);
    free(L.sexpr);
    free(L.fnode);
    free(L.scnode);
    ytree_free(root);
    if (d->n - before > FORM_MAX_PROBLEMS) {
        /* Past this, a broken or hostile file only buries the first ones. */
        for (size_t i = before + FORM_MAX_PROBLEMS; i < d->n; i++)
            free(d->msg[i]);
        d->n = before + FORM_MAX_PROBLEMS;
        diag_add(d, name, 1, 1, "too many problems; only the first %d are shown",
                 FORM_MAX_PROBLEMS);
    }
    if (d->n != before) {
        form_free(f);
        return NULL;
    }
    return f;
}

form *form_load(const char *path, diag *d)
{
    size_t len = 0;
    char *buf = ytree_read_file(path, &len, d);
    if (!buf)
        return NULL;
    form *f = form_cache_get(path, buf, len);
    if (!f) {
        f = form_load_buffer(path, buf, len, d);
        if (f)
            form_cache_put(f, buf, len);
    }
    free(buf);
    return f;
}

/* The digest of what decides a record's validity: this program's version
 * (its validation code) and the form's bytes (form.h, digest). */
static void digest(form *f, const char *buf, size_t len)
{
    static const char rules[] = "bedside " BEDSIDE_VERSION " validation";
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, sizeof rules, (const uint8_t *)rules);   /* with its NUL */
    sha256_update(&h, len, (const uint8_t *)buf);
    sha256_digest(&h, sizeof f->digest, f->digest);   /* nettle truncates */
}

form *form_load_buffer(const char *name, const char *buf, size_t len, diag *d)
{
    form *f = build(name, ytree_load_buffer(name, buf, len, d), d);
    if (f)
        digest(f, buf, len);
    return f;
}

int form_text_in_block(const form *f, const char *s)
{
    uintptr_t a = (uintptr_t)s, b = (uintptr_t)f->texts;   /* compared as addresses */
    return f->texts && a >= b && a < b + f->texts_len;
}

/* A text of f: in its block of texts (a form from the cache), or its own. */
static void free_text(const form *f, char *s)
{
    if (!form_text_in_block(f, s))
        free(s);
}

void form_free(form *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n_field; i++) {
        form_field *fl = &f->field[i];
        free_text(f, fl->id);
        free_text(f, fl->label);
        free_text(f, fl->help);
        free_text(f, fl->check_message);
        free_text(f, fl->unit);
        free_text(f, fl->def);
        form_expr_free(fl->show_if);
        form_expr_free(fl->check);
        for (int j = 0; j < fl->n_opt; j++) {
            free_text(f, fl->opt[j].code);
            free_text(f, fl->opt[j].label);
        }
        free(fl->opt);
    }
    free(f->field);
    for (int i = 0; i < f->n_sec; i++) {
        free_text(f, f->sec[i].title);
        form_expr_free(f->sec[i].show_if);
    }
    free(f->sec);
    for (int i = 0; i < f->n_score; i++) {
        form_score *s = &f->score[i];
        free_text(f, s->id);
        free_text(f, s->label);
        form_expr_free(s->expr);
        for (int j = 0; j < s->n_band; j++)
            free_text(f, s->band[j].label);
        free(s->band);
    }
    free(f->score);
    free_text(f, f->summary_label);
    form_expr_free(f->summary);
    form_sandbox_free(f->sb);
    free(f->path);
    free_text(f, f->id);
    free_text(f, f->title);
    free_text(f, f->description);
    free(f->texts);
    free(f);
}
