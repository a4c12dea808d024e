/* form_group.c — what a cohort can be grouped by (form.h): the identity
 * fields sex and side, and every choice field of an enrolment form, so a
 * site's new choice field is a stratum with no code change. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

static const char *const identity[] = {"sex", "side"};
enum { N_IDENTITY = 2 };

static int enrolment_choice(const form *f, int i)
{
    return f->enrolment && f->field[i].type == FT_CHOICE;
}

/* How many enrolment forms have a choice field of this id. */
static int owners(const form_set *s, const char *id)
{
    int n = 0;
    for (int k = 0; k < s->n; k++) {
        int i = form_field_index(s->v[k], id);
        n += i >= 0 && enrolment_choice(s->v[k], i);
    }
    return n;
}

/* A plain id names a field only when one enrolment form has it and it is
 * not an identity field. */
static int plain_ok(const form_set *s, const char *id)
{
    for (int k = 0; k < N_IDENTITY; k++)
        if (strcmp(identity[k], id) == 0)
            return 0;
    return owners(s, id) == 1;
}

int form_group_find(const form_set *s, const char *name, form_group *g)
{
    memset(g, 0, sizeof *g);
    g->field = -1;
    for (int k = 0; k < N_IDENTITY; k++)
        if (strcmp(identity[k], name) == 0) {
            g->identity = identity[k];
            return 0;
        }
    const char *dot = strchr(name, '.');
    for (int k = 0; k < s->n; k++) {
        const form *f = s->v[k];
        const char *id = name;
        if (dot) {
            size_t n = (size_t)(dot - name);
            if (strlen(f->id) != n || strncmp(f->id, name, n) != 0)
                continue;
            id = dot + 1;
        } else if (!plain_ok(s, name)) {
            return -1;
        }
        int i = form_field_index(f, id);
        if (i >= 0 && enrolment_choice(f, i)) {
            g->f = f;
            g->field = i;
            return 0;
        }
    }
    return -1;
}

char **form_group_names(const form_set *s, int *n)
{
    int cap = N_IDENTITY;
    for (int k = 0; k < s->n; k++)
        cap += s->v[k]->n_field;
    char **v = xcalloc((size_t)cap + 1, sizeof *v);
    *n = 0;
    for (int k = 0; k < N_IDENTITY; k++)
        v[(*n)++] = xstrdup(identity[k]);
    for (int k = 0; k < s->n; k++) {
        const form *f = s->v[k];
        for (int i = 0; i < f->n_field; i++) {
            if (!enrolment_choice(f, i))
                continue;
            const char *id = f->field[i].id;
            v[(*n)++] = plain_ok(s, id) ? xstrdup(id) : xasprintf("%s.%s", f->id, id);
        }
    }
    assert(*n <= cap);
    return v;
}

char *form_group_list(const form_set *s)
{
    int n;
    char **v = form_group_names(s, &n);
    sbuf b = {0};
    for (int i = 0; i < n; i++) {
        sbuf_printf(&b, "%s%s", i ? ", " : "", v[i]);
        free(v[i]);
    }
    free(v);
    return sbuf_take(&b);
}
