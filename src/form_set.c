/* form_set.c — the forms folder, and lookups by id. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "form_internal.h"

int form_id_ok(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return strlen(s) <= 64;
}

int form_code_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

int form_field_index(const form *f, const char *id)
{
    for (int i = 0; id && i < f->n_field; i++)
        if (f->field[i].id && strcmp(f->field[i].id, id) == 0)
            return i;
    return -1;
}

int form_score_index(const form *f, const char *id)
{
    for (int i = 0; id && i < f->n_score; i++)
        if (f->score[i].id && strcmp(f->score[i].id, id) == 0)
            return i;
    return -1;
}

int form_option_index(const form_field *fl, const char *code)
{
    for (int i = 0; code && i < fl->n_opt; i++)
        if (strcmp(fl->opt[i].code, code) == 0)
            return i;
    return -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_yaml(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

int form_set_load(form_set *s, const char *dir, diag *d)
{
    s->v = NULL;
    s->n = 0;
    DIR *dp = opendir(dir);
    if (!dp) {
        diag_add(d, dir, 1, 1, "cannot open the forms folder: %s", strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (!is_yaml(de->d_name))
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(dp);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    /* Every file as it was when the folder was last kept: its forms at once;
     * else each from its bytes (form_load), and kept together if all load. */
    struct stat *st = xcalloc(n + 1, sizeof *st);
    int stated = 1;
    for (size_t i = 0; i < n && stated; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        stated = stat(path, &st[i]) == 0 && S_ISREG(st[i].st_mode);
        free(path);
    }
    size_t problems = d ? d->n : 0;
    form **loaded = NULL;
    int from_set = stated && form_cache_set_get(dir, names, st, n, &loaded);
    if (!from_set) {
        loaded = xcalloc(n + 1, sizeof *loaded);
        for (size_t i = 0; i < n; i++) {
            char *path = xasprintf("%s/%s", dir, names[i]);
            loaded[i] = form_load(path, d);
            free(path);
        }
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        form *f = loaded[i];
        if (!f) {
            bad++;
            continue;
        }
        const form *other = form_set_find(s, f->id);
        if (other) {
            diag_add(d, f->path, f->id_line, f->id_col,
                     "form id '%s' is already used by %s", f->id, other->path);
            form_free(f);
            bad++;
            continue;
        }
        s->v = xrealloc(s->v, ((size_t)s->n + 1) * sizeof *s->v);
        s->v[s->n++] = f;
    }
    if (!from_set && stated && !bad && (d ? d->n : 0) == problems)
        form_cache_set_put(dir, names, st, n, s->v);
    free(loaded);
    free(st);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return bad;
}

const form *form_set_find(const form_set *s, const char *id)
{
    for (int i = 0; id && i < s->n; i++)
        if (strcmp(s->v[i]->id, id) == 0)
            return s->v[i];
    return NULL;
}

void form_set_free(form_set *s)
{
    for (int i = 0; i < s->n; i++)
        form_free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}
