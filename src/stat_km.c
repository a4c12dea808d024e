/* stat_km.c — Kaplan–Meier with Greenwood standard errors and log-log
 * intervals, the median, and the log-rank test, as R's survival package
 * computes them (survfit, summary.survfit, survdiff). */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"
#include "stat_gsl.h"
#include "util.h"

typedef struct {
    double t;
    int e, g;
} obs;

static int cmp_obs(const void *a, const void *b)
{
    const obs *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

static obs *sorted(const double *time, const int *event, const int *group, int n)
{
    obs *o = xmalloc((size_t)(n ? n : 1) * sizeof *o);
    for (int i = 0; i < n; i++) {
        assert(time[i] >= 0 && (event[i] == 0 || event[i] == 1));
        o[i] = (obs){time[i], event[i], group ? group[i] : 0};
    }
    qsort(o, (size_t)n, sizeof *o, cmp_obs);
    return o;
}

int stat_km_fit(const double *time, const int *event, int n, stat_km *k)
{
    memset(k, 0, sizeof *k);
    obs *o = sorted(time, event, NULL, n);
    size_t cap = (size_t)(n ? n : 1);
    k->t = xmalloc(cap * sizeof *k->t);
    k->risk = xmalloc(cap * sizeof *k->risk);
    k->event = xmalloc(cap * sizeof *k->event);
    k->censor = xmalloc(cap * sizeof *k->censor);
    k->surv = xmalloc(cap * sizeof *k->surv);
    k->se_log = xmalloc(cap * sizeof *k->se_log);
    double s = 1, var = 0;
    for (int i = 0; i < n;) {
        int j = i, d = 0;
        while (j < n && o[j].t == o[i].t)
            d += o[j++].e;
        int risk = n - i;
        s *= 1.0 - (double)d / risk;
        var += risk > d ? (double)d / ((double)risk * (risk - d)) : INFINITY;
        k->t[k->n] = o[i].t;
        k->risk[k->n] = risk;
        k->event[k->n] = d;
        k->censor[k->n] = (j - i) - d;
        k->surv[k->n] = s;
        k->se_log[k->n] = sqrt(var);
        k->n++;
        i = j;
    }
    free(o);
    return 0;
}

void stat_km_free(stat_km *k)
{
    free(k->t);
    free(k->risk);
    free(k->event);
    free(k->censor);
    free(k->surv);
    free(k->se_log);
    memset(k, 0, sizeof *k);
}

double stat_km_last(const stat_km *k)
{
    return k->n ? k->t[k->n - 1] : NAN;
}

int stat_km_at(const stat_km *k, double at, double after, stat_km_point *p)
{
    assert(stat_gsl_loaded());
    memset(p, 0, sizeof *p);
    if (k->n == 0 || at > k->t[k->n - 1])
        return -1;
    double s = 1, se = 0;
    for (int i = 0; i < k->n; i++) {
        if (k->t[i] <= at) {
            s = k->surv[i];
            se = k->se_log[i];
            if (k->t[i] > after) {
                p->event += k->event[i];
                p->censor += k->censor[i];
            }
        }
    }
    /* At risk at `at`: those whose time is `at` or later. */
    for (int i = 0; i < k->n; i++)
        if (k->t[i] >= at) {
            p->risk = k->risk[i];
            break;
        }
    p->surv = s;
    p->se = s > 0 ? s * se : NAN;
    p->lo = p->hi = NAN;
    /* R: no log-log interval where S is 0 or 1, except before the first
     * time, where the curve starts at 1 with the interval [1, 1]. */
    if (s > 0 && s < 1) {
        double z = gsl_cdf_ugaussian_Pinv(0.975);
        double a = log(-log(s)), b = z * se / log(s);
        p->lo = exp(-exp(a - b));
        p->hi = exp(-exp(a + b));
    } else if (at < k->t[0]) {
        p->lo = p->hi = 1;
    }
    return 0;
}

double stat_km_median(const stat_km *k)
{
    const double tol = sqrt(2.220446049250313e-16);
    for (int i = 0; i < k->n; i++) {
        if (!(k->surv[i] < 0.5 + tol))
            continue;
        if (fabs(k->surv[i] - 0.5) < tol)
            for (int j = i + 1; j < k->n; j++)
                if (k->surv[j] < k->surv[i])
                    return (k->t[i] + k->t[j]) / 2;
        return k->t[i];
    }
    return NAN;
}

double stat_logrank(const double *time, const int *event, const int *group, int n, int n_group,
                    int *df)
{
    assert(n_group >= 1 && stat_gsl_loaded());
    obs *o = sorted(time, event, group, n);
    int g = n_group;
    double *obsd = xcalloc((size_t)g, sizeof *obsd), *expd = xcalloc((size_t)g, sizeof *expd);
    double *var = xcalloc((size_t)g * g, sizeof *var);
    int *risk = xcalloc((size_t)g, sizeof *risk), *dg = xcalloc((size_t)g, sizeof *dg);
    for (int i = 0; i < n; i++)
        risk[o[i].g]++;
    for (int i = 0; i < n;) {
        int j = i, d = 0;
        memset(dg, 0, (size_t)g * sizeof *dg);
        while (j < n && o[j].t == o[i].t) {
            d += o[j].e;
            dg[o[j].g] += o[j].e;
            j++;
        }
        double nr = n - i;
        if (d > 0) {
            for (int a = 0; a < g; a++) {
                obsd[a] += dg[a];
                expd[a] += d * risk[a] / nr;
            }
            if (nr > 1) {
                double f = d * (nr - d) / (nr * nr * (nr - 1));
                for (int a = 0; a < g; a++)
                    for (int b = 0; b < g; b++)
                        var[a * g + b] += f * risk[a] * ((a == b ? nr : 0) - risk[b]);
            }
        }
        for (int m = i; m < j; m++)
            risk[o[m].g]--;
        i = j;
    }
    /* Keep groups with expected events, drop the first kept one, solve. */
    int *keep = xmalloc((size_t)g * sizeof *keep), nk = 0;
    for (int a = 0; a < g; a++)
        if (expd[a] > 0)
            keep[nk++] = a;
    double chi = nk < 2 ? 0 : NAN;   /* R: no test, chi-square 0 */
    *df = nk - 1;
    if (nk >= 2) {
        int m = nk - 1;
        gsl_matrix *v = gsl_matrix_alloc((size_t)m, (size_t)m);
        gsl_vector *u = gsl_vector_alloc((size_t)m), *x = gsl_vector_alloc((size_t)m);
        gsl_permutation *perm = gsl_permutation_alloc((size_t)m);
        for (int a = 0; a < m; a++) {
            gsl_vector_set(u, (size_t)a, obsd[keep[a + 1]] - expd[keep[a + 1]]);
            for (int b = 0; b < m; b++)
                gsl_matrix_set(v, (size_t)a, (size_t)b, var[keep[a + 1] * g + keep[b + 1]]);
        }
        int sign = 0;
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        if (gsl_linalg_LU_decomp(v, perm, &sign) == 0 &&
            gsl_linalg_LU_solve(v, perm, u, x) == 0) {
            chi = 0;
            for (int a = 0; a < m; a++)
                chi += gsl_vector_get(x, (size_t)a) * gsl_vector_get(u, (size_t)a);
        }
        gsl_set_error_handler(old);
        gsl_matrix_free(v);
        gsl_vector_free(u);
        gsl_vector_free(x);
        gsl_permutation_free(perm);
    }
    free(keep);
    free(o);
    free(obsd);
    free(expd);
    free(var);
    free(risk);
    free(dg);
    return chi;
}

double stat_chisq_p(double chisq, int df)
{
    assert(stat_gsl_loaded());
    if (!(df >= 1) || isnan(chisq))
        return NAN;
    return gsl_cdf_chisq_Q(chisq, df);
}
