/* form_answer.c — answers: what a nurse types, made canonical and checked,
 * and shown back in words. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form_internal.h"

form_answers *form_answers_new(const form *f)
{
    form_answers *a = xcalloc(1, sizeof *a);
    a->f = f;
    a->val = xcalloc((size_t)f->n_field + 1, sizeof *a->val);
    return a;
}

void form_answers_free(form_answers *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->f->n_field; i++)
        free(a->val[i]);
    free(a->val);
    free(a);
}

int form_answers_count(const form_answers *a)
{
    int n = 0;
    for (int i = 0; i < a->f->n_field; i++)
        n += a->val[i] != NULL;
    return n;
}

void form_answers_defaults(form_answers *a)
{
    for (int i = 0; i < a->f->n_field; i++)
        if (!a->val[i] && a->f->field[i].def)
            a->val[i] = xstrdup(a->f->field[i].def);
}

/* Copy of s without leading and trailing blanks. */
static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return xstrndup(s, n);
}

/* "unknown option 'x' (choose none, slight, ...)" */
static void unknown_option(const form_field *fl, const char *code, char *err, size_t errlen)
{
    sbuf b = {0};
    char *e = text_escape(code);
    sbuf_printf(&b, "unknown option '%s' (choose ", e);
    free(e);
    for (int i = 0; i < fl->n_opt; i++) {
        if (i == 10) {
            sbuf_add(&b, ", …");
            break;
        }
        sbuf_printf(&b, "%s%s", i ? ", " : "", fl->opt[i].code);
    }
    sbuf_add(&b, ")");
    snprintf(err, errlen, "%s", b.s);
    sbuf_free(&b);
}

static int find_option(const form_field *fl, const char *code)
{
    for (int i = 0; i < fl->n_opt; i++)
        if (strcasecmp(fl->opt[i].code, code) == 0)
            return i;
    return -1;
}

static char *parse_multi(const form_field *fl, const char *s, char *err, size_t errlen)
{
    int *on = xcalloc((size_t)fl->n_opt + 1, sizeof *on);
    char *res = NULL;
    const char *p = s;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *code = trimmed(p, len);
        int k = code[0] ? find_option(fl, code) : -2;
        if (k == -2)
            snprintf(err, errlen, "empty option between commas");
        else if (k < 0)
            unknown_option(fl, code, err, errlen);
        free(code);
        if (k < 0)
            goto out;
        on[k] = 1;
        if (!end)
            break;
        p = end + 1;
    }
    for (int i = 0; i < fl->n_opt; i++)
        for (int j = 0; on[i] && fl->opt[i].exclusive && j < fl->n_opt; j++)
            if (j != i && on[j]) {
                snprintf(err, errlen, "'%s' cannot be combined with '%s'", fl->opt[i].code,
                         fl->opt[j].code);
                goto out;
            }
    sbuf b = {0};
    for (int i = 0; i < fl->n_opt; i++)
        if (on[i])
            sbuf_printf(&b, "%s%s", b.len ? "," : "", fl->opt[i].code);
    res = sbuf_take(&b);
out:
    free(on);
    return res;
}

static void range_message(const form_field *fl, char *err, size_t errlen)
{
    if (fl->has_min && fl->has_max)
        snprintf(err, errlen, "must be between %g and %g", fl->min, fl->max);
    else if (fl->has_min)
        snprintf(err, errlen, "must be at least %g", fl->min);
    else
        snprintf(err, errlen, "must be at most %g", fl->max);
}

static int in_range(const form_field *fl, double v)
{
    return !(fl->has_min && v < fl->min) && !(fl->has_max && v > fl->max);
}

static char *parse_integer(const form_field *fl, const char *s, char *err, size_t errlen)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t digits = strspn(p, "0123456789");
    if (!digits || p[digits] || digits > 15) {
        snprintf(err, errlen, "must be a whole number");
        return NULL;
    }
    long long v = strtoll(s, NULL, 10);
    if (!in_range(fl, (double)v)) {
        range_message(fl, err, errlen);
        return NULL;
    }
    return xasprintf("%lld", v);
}

static char *parse_decimal(const form_field *fl, const char *s, char *err, size_t errlen)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t whole = strspn(p, "0123456789"), frac = 0;
    const char *q = p + whole;
    if (*q == '.' || *q == ',') {
        frac = strspn(q + 1, "0123456789");
        q += 1 + frac;
    }
    if ((!whole && !frac) || *q || whole > 15) {
        snprintf(err, errlen, "must be a number");
        return NULL;
    }
    if ((int)frac > fl->decimals) {
        if (fl->decimals == 0)
            snprintf(err, errlen, "must be a whole number (no decimals)");
        else
            snprintf(err, errlen, "at most %d decimal%s", fl->decimals,
                     fl->decimals == 1 ? "" : "s");
        return NULL;
    }
    /* A decimal comma is common on European keyboards. */
    char *dot = xstrdup(s);
    char *c = strchr(dot, ',');
    if (c)
        *c = '.';
    double v = strtod(dot, NULL);
    free(dot);
    if (!in_range(fl, v)) {
        range_message(fl, err, errlen);
        return NULL;
    }
    if (v == 0)
        v = 0;   /* no "-0.0" */
    return xasprintf("%.*f", fl->decimals, v);
}

char *form_parse_value(const form_field *fl, const char *text, char *err, size_t errlen)
{
    char *s = trimmed(text, strlen(text));
    char *res = NULL;
    int k, days;
    switch (fl->type) {
    case FT_CHOICE:
        k = find_option(fl, s);
        if (k < 0)
            unknown_option(fl, s, err, errlen);
        else
            res = xstrdup(fl->opt[k].code);
        break;
    case FT_MULTI:
        res = parse_multi(fl, s, err, errlen);
        break;
    case FT_YESNO:
        if (!strcasecmp(s, "yes") || !strcasecmp(s, "y") || !strcmp(s, "1") ||
            !strcasecmp(s, "true"))
            res = xstrdup("yes");
        else if (!strcasecmp(s, "no") || !strcasecmp(s, "n") || !strcmp(s, "0") ||
                 !strcasecmp(s, "false"))
            res = xstrdup("no");
        else
            snprintf(err, errlen, "must be yes or no");
        break;
    case FT_INTEGER:
        res = parse_integer(fl, s, err, errlen);
        break;
    case FT_DECIMAL:
        res = parse_decimal(fl, s, err, errlen);
        break;
    case FT_TEXT: {
        int max = fl->max_length ? fl->max_length : 1000;
        long at;
        if (!utf8_valid(text, strlen(text), NULL))
            snprintf(err, errlen, "is not valid UTF-8 text");
        else if ((at = text_unsafe_at(text, 1)) >= 0)
            /* What a terminal, printer or spreadsheet would obey: text
             * is stored only as it can be shown (line breaks allowed). */
            snprintf(err, errlen, "has a control character or an invisible formatting "
                     "character at character %ld (only line breaks are allowed)", at + 1);
        else if (utf8_chars(text) > (size_t)max)
            snprintf(err, errlen, "must be at most %d characters (this is %zu)", max,
                     utf8_chars(text));
        else
            res = xstrdup(text);   /* as typed */
        break;
    }
    case FT_DATE:
        if (date_parse(s, &days) < 0)
            snprintf(err, errlen, "must be a date as YYYY-MM-DD");
        else
            res = xstrdup(s);
        break;
    case FT_NOTE:
        snprintf(err, errlen, "a note cannot be answered");
        break;
    }
    free(s);
    return res;
}

/* Does the field's check accept canonical value v among the answers?
 * 0 yes (or NULL), -1 no with the message in err. */
static int run_check(const form_answers *a, int field, const char *v, char *err, size_t errlen)
{
    const form *f = a->f;
    const form_field *fl = &f->field[field];
    if (!fl->check)
        return 0;
    int n = f->n_field + f->n_score;
    int *vis = xcalloc((size_t)n + 1, sizeof *vis);
    form_value *vals = xcalloc((size_t)n + 1, sizeof *vals);
    form_effective(a, field, v, vis, vals);
    /* The field being set is checked on its own value, even if hidden. */
    form_bind_value(fl, v, &vals[field]);
    form_value out;
    char *text = NULL, why[200];
    int rc = 0;
    if (form_expr_eval(fl->check, vals, n, &out, &text, why, sizeof why) < 0) {
        snprintf(err, errlen, "cannot check this answer: %s", why);
        rc = -1;
    } else if (form_expr_truth(&out) == 0) {
        /* The value is named: an option by its label, as the nurse saw it. */
        int k = fl->type == FT_CHOICE ? form_option_index(fl, v) : -1;
        const char *shown = k >= 0 ? fl->opt[k].label : v;
        snprintf(err, errlen, "%s ('%.40s%s')",
                 fl->check_message ? fl->check_message : "is not accepted by the form's check",
                 shown, strlen(shown) > 40 ? "..." : "");
        rc = -1;
    }
    free(text);
    free(vals);
    free(vis);
    return rc;
}

int form_answer_set(form_answers *a, int field, const char *text, char *err, size_t errlen)
{
    if (field < 0 || field >= a->f->n_field) {
        snprintf(err, errlen, "no such field");
        return -1;
    }
    const form_field *fl = &a->f->field[field];
    char *t = trimmed(text ? text : "", text ? strlen(text) : 0);
    int blank = !t[0];
    free(t);
    if (fl->type == FT_NOTE) {
        snprintf(err, errlen, "a note cannot be answered");
        return -1;
    }
    if (blank) {
        form_answer_clear(a, field);
        return 0;
    }
    char *v = form_parse_value(fl, text, err, errlen);
    if (!v)
        return -1;
    if (run_check(a, field, v, err, errlen) < 0) {
        free(v);
        return -1;
    }
    free(a->val[field]);
    a->val[field] = v;
    return 0;
}

int form_answer_recheck(const form_answers *a, int field, char *err, size_t errlen)
{
    const char *cur = a->val[field];
    char *v = form_parse_value(&a->f->field[field], cur, err, errlen);
    if (!v)
        return -1;
    /* What is saved is always the parsed text: "7,0" or "07.8" in a file
     * did not come from an entry (a decimal comma stored under a
     * decimal-comma locale before 47b6ca0, or a hand edit). */
    int same = strcmp(v, cur) == 0;
    if (!same) {   /* the stored text is untrusted: escaped, as unknown_option does */
        char *e = text_escape(cur);
        snprintf(err, errlen, "\"%s\" is not written as an entry saves it (\"%s\")", e, v);
        free(e);
    }
    free(v);
    return same ? run_check(a, field, cur, err, errlen) : -1;
}

void form_answer_load(form_answers *a, int field, const char *value)
{
    if (field < 0 || field >= a->f->n_field)
        return;
    free(a->val[field]);
    a->val[field] = xstrdup(value);
}

void form_answer_clear(form_answers *a, int field)
{
    if (field < 0 || field >= a->f->n_field)
        return;
    free(a->val[field]);
    a->val[field] = NULL;
}

char *form_answer_display(const form_answers *a, int field)
{
    if (field < 0 || field >= a->f->n_field || !a->val[field])
        return NULL;
    const form_field *fl = &a->f->field[field];
    const char *v = a->val[field];
    int k;
    switch (fl->type) {
    case FT_CHOICE:
        k = form_option_index(fl, v);
        return xstrdup(k >= 0 ? fl->opt[k].label : v);
    case FT_MULTI: {
        sbuf b = {0};
        const char *p = v;
        for (;;) {
            const char *end = strchr(p, ',');
            char *code = xstrndup(p, end ? (size_t)(end - p) : strlen(p));
            k = form_option_index(fl, code);
            sbuf_printf(&b, "%s%s", b.len ? ", " : "", k >= 0 ? fl->opt[k].label : code);
            free(code);
            if (!end)
                break;
            p = end + 1;
        }
        return sbuf_take(&b);
    }
    case FT_YESNO:
        return xstrdup(strcmp(v, "yes") == 0 ? "Yes" : "No");
    case FT_INTEGER:
    case FT_DECIMAL:
        return fl->unit ? xasprintf("%s %s", v, fl->unit) : xstrdup(v);
    default:
        return xstrdup(v);
    }
}
