/* entry_diff.c — what an amendment changes: every answer and score whose
 * shown value differs between the stored record and the new answers, for
 * the review before saving. */
#include <stdlib.h>
#include <string.h>

#include "entry.h"

static int differ(const char *x, const char *y)
{
    return (x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0);
}

static void add(entry_change **v, int *n, int score, int index, char *old, char *new_)
{
    if (!differ(old, new_)) {
        free(old);
        free(new_);
        return;
    }
    *v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
    (*v)[(*n)++] = (entry_change){score, index, old, new_};
}

static char *score_text(const form_score *sc, int isnull, double v)
{
    if (isnull)
        return NULL;
    char out[32];
    form_score_format(sc, v, out);
    return xstrdup(out);
}

int entry_changes(const st_record *old, const form_answers *ans, entry_change **out)
{
    const form *f = ans->f;
    form_answers *was = entry_answers_of(f, old, NULL);
    entry_change *v = NULL;
    int n = 0;
    for (int i = 0; i < f->n_field; i++) {
        if (f->field[i].type == FT_NOTE)
            continue;
        char *o = form_field_visible(was, i) ? form_answer_display(was, i) : NULL;
        char *w = form_field_visible(ans, i) ? form_answer_display(ans, i) : NULL;
        add(&v, &n, 0, i, o, w);
    }
    double *val = xcalloc((size_t)f->n_score + 1, sizeof *val);
    int *isnull = xcalloc((size_t)f->n_score + 1, sizeof *isnull);
    form_compute(ans, val, isnull);
    for (int i = 0; i < f->n_score; i++) {
        char *o = NULL;
        for (int k = 0; k < old->n_score; k++)
            if (strcmp(old->score_id[k], f->score[i].id) == 0)
                o = score_text(&f->score[i], 0, old->score_val[k]);
        add(&v, &n, 1, i, o, score_text(&f->score[i], isnull[i], val[i]));
    }
    free(val);
    free(isnull);
    form_answers_free(was);
    *out = v;
    return n;
}

void entry_changes_free(entry_change *c, int n)
{
    for (int i = 0; i < n; i++) {
        free(c[i].old);
        free(c[i].new_);
    }
    free(c);
}
