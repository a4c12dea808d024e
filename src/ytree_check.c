/* ytree_check.c — the schema helpers of ytree.h: typed reads of a mapping's
 * keys, each reporting a problem with the position of the value. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ytree.h"

static void cproblem(ycheck *c, const ynode *at, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Key names come from C, never from the file, so they need no escaping. */
static void cproblem(ycheck *c, const ynode *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(c->d, c->file, at ? at->line : 1, at ? at->col : 1, "%s", msg);
}

/* A plain empty value, "~" or "null" means "not given". */
static int is_null(const ynode *v)
{
    return v->type == YT_SCALAR && v->plain &&
           (!v->str[0] || strcmp(v->str, "~") == 0 || strcmp(v->str, "null") == 0);
}

/* The value node for key, NULL if absent (then reports it when required). */
static const ynode *lookup(ycheck *c, const ynode *map, const char *key, int required,
                           int *rc)
{
    const ynode *v = ytree_get(map, key);
    if (v && is_null(v)) {
        if (required) {
            cproblem(c, v, "'%s' has no value", key);
            *rc = -1;
        } else {
            *rc = 1;
        }
        return NULL;
    }
    if (!v) {
        if (required) {
            cproblem(c, map, "missing required key '%s'", key);
            *rc = -1;
        } else {
            *rc = 1;
        }
        return NULL;
    }
    *rc = 0;
    return v;
}

int ytree_keys(ycheck *c, const ynode *map, const char *const *allowed, const char *what)
{
    if (!map || map->type != YT_MAP)
        return 0;
    int unknown = 0;
    for (size_t i = 0; i < map->n; i++) {
        const ynode *k = map->key[i];
        if (k->type != YT_SCALAR)
            continue;
        int ok = 0;
        for (size_t j = 0; allowed[j]; j++)
            if (strcmp(allowed[j], k->str) == 0)
                ok = 1;
        if (!ok) {
            char *ek = text_escape(k->str);
            diag_add(c->d, c->file, k->line, k->col, "unknown key '%s' in %s", ek, what);
            free(ek);
            unknown++;
        }
    }
    return unknown;
}

int ytree_str(ycheck *c, const ynode *map, const char *key, int required, char **out)
{
    int rc;
    const ynode *v = lookup(c, map, key, required, &rc);
    if (!v)
        return rc;
    if (v->type != YT_SCALAR) {
        cproblem(c, v, "'%s' must be text", key);
        return -1;
    }
    *out = xstrdup(v->str);
    return 0;
}

/* Optional sign, then digits only. */
static int parse_long(const char *s, long *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int ytree_int(ycheck *c, const ynode *map, const char *key, int required, long min, long max,
              long *out)
{
    int rc;
    const ynode *v = lookup(c, map, key, required, &rc);
    if (!v)
        return rc;
    long x;
    if (v->type != YT_SCALAR || !v->plain || parse_long(v->str, &x) < 0) {
        cproblem(c, v, "'%s' must be an integer", key);
        return -1;
    }
    if (x < min || x > max) {
        cproblem(c, v, "'%s' must be between %ld and %ld", key, min, max);
        return -1;
    }
    *out = x;
    return 0;
}

/* A decimal number as people write it: -12, 3.5, 1e3. No hex, inf or nan. */
static int parse_num(const char *s, double *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return -1;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return -1;
    double v = strtod(s, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int ytree_num(ycheck *c, const ynode *map, const char *key, int required, double *out)
{
    int rc;
    const ynode *v = lookup(c, map, key, required, &rc);
    if (!v)
        return rc;
    double x;
    if (v->type != YT_SCALAR || !v->plain || parse_num(v->str, &x) < 0) {
        cproblem(c, v, "'%s' must be a number", key);
        return -1;
    }
    *out = x;
    return 0;
}

int ytree_bool(ycheck *c, const ynode *map, const char *key, int required, int *out)
{
    int rc;
    const ynode *v = lookup(c, map, key, required, &rc);
    if (!v)
        return rc;
    if (v->type == YT_SCALAR && v->plain && strcmp(v->str, "true") == 0) {
        *out = 1;
        return 0;
    }
    if (v->type == YT_SCALAR && v->plain && strcmp(v->str, "false") == 0) {
        *out = 0;
        return 0;
    }
    cproblem(c, v, "'%s' must be true or false", key);
    return -1;
}

int ytree_strlist(ycheck *c, const ynode *map, const char *key, int required, char ***out,
                  size_t *n)
{
    int rc;
    const ynode *v = lookup(c, map, key, required, &rc);
    if (!v)
        return rc;
    if (v->type == YT_SCALAR) {
        char **l = xcalloc(2, sizeof *l);
        l[0] = xstrdup(v->str);
        *out = l;
        *n = 1;
        return 0;
    }
    if (v->type != YT_SEQ) {
        cproblem(c, v, "'%s' must be a list of text", key);
        return -1;
    }
    for (size_t i = 0; i < v->n; i++)
        if (v->item[i]->type != YT_SCALAR || is_null(v->item[i])) {
            cproblem(c, v->item[i], "'%s' must be a list of text", key);
            return -1;
        }
    char **l = xcalloc(v->n + 1, sizeof *l);
    for (size_t i = 0; i < v->n; i++)
        l[i] = xstrdup(v->item[i]->str);
    *out = l;
    *n = v->n;
    return 0;
}

void ytree_strlist_free(char **list)
{
    if (!list)
        return;
    for (size_t i = 0; list[i]; i++)
        free(list[i]);
    free(list);
}
