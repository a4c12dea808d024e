/* form_eval.c — visibility, validation, scores and the summary line: the
 * answers bound into the form's expressions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "form_internal.h"

void form_bind_value(const form_field *fl, const char *canon, form_value *v)
{
    v->kind = FV_NULL;
    if (!canon)
        return;
    int k;
    switch (fl->type) {
    case FT_CHOICE:
        k = form_option_index(fl, canon);
        if (k < 0)
            return;
        if (!fl->has_points) {
            v->kind = FV_TEXT;
            v->s = fl->opt[k].code;
        } else if (fl->opt[k].points == floor(fl->opt[k].points) &&
                   fabs(fl->opt[k].points) < 1e15) {
            /* Whole points bind as integers, so "||" shows "44", not "44.0". */
            v->kind = FV_INT;
            v->i = (long long)fl->opt[k].points;
        } else {
            v->kind = FV_REAL;
            v->r = fl->opt[k].points;
        }
        return;
    case FT_YESNO:
        v->kind = FV_INT;
        v->i = strcmp(canon, "yes") == 0;
        return;
    case FT_INTEGER:
        v->kind = FV_INT;
        v->i = strtoll(canon, NULL, 10);
        return;
    case FT_DECIMAL:
        v->kind = FV_REAL;
        v->r = strtod(canon, NULL);
        return;
    case FT_MULTI:
    case FT_TEXT:
    case FT_DATE:
        v->kind = FV_TEXT;
        v->s = canon;
        return;
    case FT_NOTE:
        return;
    }
}

/* show_if: NULL and errors count as false. */
static int shown(form_expr *e, const form_value *vals, int n)
{
    if (!e)
        return 1;
    form_value out;
    char *text = NULL, err[200];
    int t = form_expr_eval(e, vals, n, &out, &text, err, sizeof err) < 0 ? 0
                                                                          : form_expr_truth(&out);
    free(text);
    return t == 1;
}

/* The general rule, for forms whose show_if rules form a cycle: hide to a
 * fixed point. Dropping only grows, so this ends within n_field + 1 rounds. */
static void fixed_point(const form_answers *a, int ov, const char *override, int *vis,
                        form_value *vals)
{
    const form *f = a->f;
    int nf = f->n_field, n = nf + f->n_score;
    int *dropped = xcalloc((size_t)nf + 1, sizeof *dropped);
    int *secvis = xcalloc((size_t)f->n_sec + 1, sizeof *secvis);
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < n; i++)
            vals[i].kind = FV_NULL;
        for (int i = 0; i < nf; i++) {
            const char *v = i == ov ? override : a->val[i];
            if (!dropped[i])
                form_bind_value(&f->field[i], v, &vals[i]);
        }
        for (int s = 0; s < f->n_sec; s++)
            secvis[s] = shown(f->sec[s].show_if, vals, nf);
        for (int i = 0; i < nf; i++) {
            vis[i] = secvis[f->field[i].section] && shown(f->field[i].show_if, vals, nf);
            if (!vis[i] && !dropped[i] && vals[i].kind != FV_NULL) {
                dropped[i] = 1;
                changed = 1;
            }
        }
    }
    free(dropped);
    free(secvis);
}

/* Fields in an order where every field comes after the fields its (and its
 * section's) show_if reads; 0, or -1 if they form a cycle. */
static int visibility_order(const form *f, int *order)
{
    int nf = f->n_field;
    int *waits = xcalloc((size_t)nf + 1, sizeof *waits);   /* unsettled reads */
    int *first = xcalloc((size_t)nf + 2, sizeof *first);   /* readers, CSR */
    int pass, nr;
    /* Edges j -> i for "i's visibility reads j": counted, then filled. */
    int *readers = NULL;
    for (pass = 0; pass < 2; pass++) {
        int *fill = pass ? xcalloc((size_t)nf + 1, sizeof *fill) : NULL;
        for (int i = 0; i < nf; i++)
            for (int which = 0; which < 2; which++) {
                const form_expr *e = which ? f->field[i].show_if : f->sec[f->field[i].section].show_if;
                const int *r = form_expr_reads(e, &nr);
                for (int k = 0; k < nr; k++) {
                    int j = r[k];
                    if (j >= nf)
                        continue;
                    if (!pass) {
                        first[j + 1]++;
                        waits[i]++;
                    } else {
                        readers[first[j] + fill[j]++] = i;
                    }
                }
            }
        if (!pass) {
            for (int j = 0; j < nf; j++)
                first[j + 1] += first[j];
            readers = xcalloc((size_t)first[nf] + 1, sizeof *readers);
        }
        free(fill);
    }
    int head = 0, tail = 0;
    for (int i = 0; i < nf; i++)
        if (!waits[i])
            order[tail++] = i;
    while (head < tail) {
        int j = order[head++];
        for (int k = first[j]; k < first[j + 1]; k++)
            if (--waits[readers[k]] == 0)
                order[tail++] = readers[k];
    }
    free(waits);
    free(first);
    free(readers);
    return tail == nf ? 0 : -1;
}

void form_effective(const form_answers *a, int ov, const char *override, int *vis,
                    form_value *vals)
{
    const form *f = a->f;
    int nf = f->n_field, n = nf + f->n_score;
    int *order = xcalloc((size_t)nf + 1, sizeof *order);
    if (visibility_order(f, order) < 0) {
        free(order);
        fixed_point(a, ov, override, vis, vals);
        return;
    }
    /* One pass in dependency order: when a field's turn comes, every value
     * its show_if reads is final, so it is evaluated once. */
    for (int i = 0; i < n; i++)
        vals[i].kind = FV_NULL;
    for (int i = 0; i < nf; i++)
        form_bind_value(&f->field[i], i == ov ? override : a->val[i], &vals[i]);
    int *secvis = xcalloc((size_t)f->n_sec + 1, sizeof *secvis);
    for (int s = 0; s < f->n_sec; s++)
        secvis[s] = -1;   /* not evaluated yet */
    for (int k = 0; k < nf; k++) {
        int i = order[k], s = f->field[i].section;
        if (secvis[s] < 0)
            secvis[s] = shown(f->sec[s].show_if, vals, nf);
        vis[i] = secvis[s] && shown(f->field[i].show_if, vals, nf);
        if (!vis[i])
            vals[i].kind = FV_NULL;
    }
    free(secvis);
    free(order);
}

/* Fields' effective values and visibility, in fresh arrays. */
static form_value *effective(const form_answers *a, int **vis)
{
    size_t n = (size_t)(a->f->n_field + a->f->n_score) + 1;
    *vis = xcalloc(n, sizeof **vis);
    form_value *vals = xcalloc(n, sizeof *vals);
    form_effective(a, -1, NULL, *vis, vals);
    return vals;
}

int form_field_visible(const form_answers *a, int field)
{
    if (field < 0 || field >= a->f->n_field)
        return 0;
    int *vis;
    form_value *vals = effective(a, &vis);
    int v = vis[field];
    free(vis);
    free(vals);
    return v;
}

int form_answers_prune(form_answers *a)
{
    int *vis;
    form_value *vals = effective(a, &vis);
    int n = 0;
    for (int i = 0; i < a->f->n_field; i++)
        if (a->val[i] && vals[i].kind == FV_NULL) {
            form_answer_clear(a, i);
            n++;
        }
    free(vis);
    free(vals);
    return n;
}

double form_round(double v, int decimals)
{
    double p = pow(10, decimals), x = v * p;
    /* The small nudge makes 4.35 (stored as 4.34999...) round like on paper. */
    double r = x >= 0 ? floor(x + 0.5 + 1e-9) : -floor(-x + 0.5 + 1e-9);
    r /= p;
    return r == 0 ? 0 : r;
}

/* The first n scores only (a score reads the fields and the scores before it). */
static void compute_first(const form *f, int n, form_value *vals, double *val, int *isnull,
                          char **why)
{
    int nf = f->n_field;
    for (int k = 0; k < n; k++) {
        const form_score *s = &f->score[k];
        form_value out = {.kind = FV_NULL};
        char *text = NULL, err[200];
        double v = 0;
        int null = 1;
        if (s->expr && form_expr_eval(s->expr, vals, nf + k, &out, &text, err, sizeof err) == 0) {
            if (out.kind == FV_INT)
                v = (double)out.i, null = 0;
            else if (out.kind == FV_REAL && isfinite(out.r))
                v = out.r, null = 0;
            else if (out.kind == FV_REAL && why)
                why[k] = xasprintf("the score is not a finite number (%g)", out.r);
        } else if (s->expr && why) {
            why[k] = xstrdup(err);
        }
        free(text);
        if (!null)
            v = form_round(v, s->decimals);
        vals[nf + k].kind = null ? FV_NULL : FV_REAL;
        vals[nf + k].r = v;
        val[k] = null ? 0 : v;
        isnull[k] = null;
    }
}

/* Scores in order into vals[n_field ..]; val/isnull as form_compute. With
 * why, why[k] gets (to free) the reason a score could not be computed: its
 * expression failed or gave a non-finite number. */
static void compute(const form *f, form_value *vals, double *val, int *isnull, char **why)
{
    compute_first(f, f->n_score, vals, val, isnull, why);
}

void form_compute(const form_answers *a, double *val, int *isnull)
{
    int *vis;
    form_value *vals = effective(a, &vis);
    compute(a->f, vals, val, isnull, NULL);
    free(vis);
    free(vals);
}

int form_validate(form_answers *a, form_problem_fn cb, void *ctx)
{
    return form_validate_all(a, NULL, NULL, NULL, cb, ctx);
}

int form_validate_all(form_answers *a, int *pruned, double *val_out, int *isnull_out,
                      form_problem_fn cb, void *ctx)
{
    const form *f = a->f;
    int *vis;
    form_value *vals = effective(a, &vis);
    /* Pruning drops only answers whose effective value is already NULL, so
     * the effective values and visibility stay what they are: one pass. */
    int n_pruned = 0;
    for (int i = 0; i < f->n_field; i++)
        if (a->val[i] && vals[i].kind == FV_NULL) {
            form_answer_clear(a, i);
            n_pruned++;
        }
    if (pruned)
        *pruned = n_pruned;
    int problems = 0;
    char err[300];
    for (int i = 0; i < f->n_field; i++) {
        const form_field *fl = &f->field[i];
        if (!vis[i] || fl->type == FT_NOTE)
            continue;
        if (a->val[i]) {
            if (form_answer_recheck(a, i, err, sizeof err) < 0) {
                cb(ctx, fl->id, err);
                problems++;
            }
        } else if (fl->required) {
            cb(ctx, fl->id, "an answer is required");
            problems++;
        }
    }
    size_t ns = (size_t)f->n_score + 1;
    double *val = xcalloc(ns, sizeof *val);
    int *isnull = xcalloc(ns, sizeof *isnull);
    char **why = xcalloc(ns, sizeof *why);
    compute(f, vals, val, isnull, why);
    if (val_out)
        memcpy(val_out, val, (size_t)f->n_score * sizeof *val);
    if (isnull_out)
        memcpy(isnull_out, isnull, (size_t)f->n_score * sizeof *isnull);
    for (int k = 0; k < f->n_score; k++) {
        const form_score *s = &f->score[k];
        if (why[k]) {
            char *safe = text_escape(why[k]);
            cb(ctx, s->id, safe);
            free(safe);
            free(why[k]);
            problems++;
            continue;
        }
        if (isnull[k] || ((!s->has_min || val[k] >= s->min) && (!s->has_max || val[k] <= s->max)))
            continue;
        char v[32];
        form_score_format(s, val[k], v);
        if (s->has_min && val[k] < s->min)
            snprintf(err, sizeof err, "score %s is below its minimum %g", v, s->min);
        else
            snprintf(err, sizeof err, "score %s is above its maximum %g", v, s->max);
        cb(ctx, s->id, err);
        problems++;
    }
    free(why);
    free(val);
    free(isnull);
    free(vis);
    free(vals);
    return problems;
}

void form_score_format(const form_score *s, double v, char out[32])
{
    v = form_round(v, s->decimals);
    snprintf(out, 32, "%.*f", s->decimals, v == 0 ? 0 : v);
}

const char *form_score_band(const form_score *s, double v)
{
    for (int i = 0; i < s->n_band; i++)
        if (v >= s->band[i].min)
            return s->band[i].label;
    return NULL;
}

char *form_summary(const form_answers *a)
{
    const form *f = a->f;
    if (!f->summary)
        return NULL;
    int *vis;
    form_value *vals = effective(a, &vis);
    size_t ns = (size_t)f->n_score + 1;
    double *val = xcalloc(ns, sizeof *val);
    int *isnull = xcalloc(ns, sizeof *isnull);
    /* Only the scores the summary reads, and those they read: most
     * summaries read answers alone. */
    int nr;
    const int *reads = form_expr_reads(f->summary, &nr);
    int last = nr ? reads[nr - 1] : -1;   /* ascending */
    compute_first(f, last >= f->n_field ? last - f->n_field + 1 : 0, vals, val, isnull, NULL);
    form_value out;
    char *text = NULL, err[200], *res = NULL;
    if (form_expr_eval(f->summary, vals, f->n_field + f->n_score, &out, &text, err,
                       sizeof err) == 0) {
        if (out.kind == FV_TEXT && out.s[0])
            res = xstrdup(out.s);
        else if (out.kind == FV_INT)
            res = xasprintf("%lld", out.i);
        else if (out.kind == FV_REAL)
            res = xasprintf("%g", out.r);
    }
    free(text);
    free(val);
    free(isnull);
    free(vis);
    free(vals);
    return res;
}
