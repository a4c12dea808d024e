/* form_set.c — the forms folder, and lookups by id. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        form *f = form_load(path, d);
        free(path);
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
