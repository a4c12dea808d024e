/* stat_test.c — descriptive statistics and the paired tests against
 * baseline (t-test, Wilcoxon signed-rank), computed as R computes them. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stat.h"
#include "stat_gsl.h"
#include "util.h"

void stat_describe(const double *x, int n, stat_desc *d)
{
    assert(n >= 0);
    d->n = n;
    d->mean = d->sd = d->min = d->max = NAN;
    if (n == 0)
        return;
    double sum = 0;
    d->min = d->max = x[0];
    for (int i = 0; i < n; i++) {
        sum += x[i];
        if (x[i] < d->min)
            d->min = x[i];
        if (x[i] > d->max)
            d->max = x[i];
    }
    d->mean = sum / n;
    if (n < 2)
        return;
    /* Two passes, with the correction term, like R's var(). */
    double ss = 0, c = 0;
    for (int i = 0; i < n; i++) {
        ss += (x[i] - d->mean) * (x[i] - d->mean);
        c += x[i] - d->mean;
    }
    d->sd = sqrt((ss - c * c / n) / (n - 1));
}

static int cmp_abs(const void *a, const void *b)
{
    double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
    return x < y ? -1 : x > y;
}

/* P(V <= q) for the signed-rank statistic of n untied ranks (psignrank):
 * the number of subsets of 1..n with sum <= q, over 2^n. */
static double psignrank(double q, int n)
{
    int max = n * (n + 1) / 2;
    if (q < 0)
        return 0;
    if (q >= max)
        return 1;
    double *w = xcalloc((size_t)max + 1, sizeof *w);
    w[0] = 1;
    for (int k = 1; k <= n; k++)
        for (int s = k * (k + 1) / 2; s >= k; s--)
            w[s] += w[s - k];
    double cum = 0;
    for (int s = 0; s <= (int)floor(q + 1e-7); s++)
        cum += w[s];
    free(w);
    return cum / ldexp(1.0, n);
}

static void wilcoxon(const double *d, int n, stat_paired *r)
{
    double *x = xmalloc((size_t)(n ? n : 1) * sizeof *x);
    int m = 0, zeros = 0;
    for (int i = 0; i < n; i++) {
        if (d[i] == 0)
            zeros = 1;
        else
            x[m++] = d[i];
    }
    r->v = r->p_w = NAN;
    r->w_exact = 0;
    if (m == 0) {
        free(x);
        return;
    }
    qsort(x, (size_t)m, sizeof *x, cmp_abs);
    /* Average ranks over runs of equal |x|; ties feed the correction. */
    double v = 0, tie_term = 0;
    int ties = 0;
    for (int i = 0; i < m;) {
        int j = i;
        while (j + 1 < m && fabs(x[j + 1]) == fabs(x[i]))
            j++;
        double rank = (i + j + 2) / 2.0;
        int t = j - i + 1;
        if (t > 1) {
            ties = 1;
            tie_term += (double)t * t * t - t;
        }
        for (int k = i; k <= j; k++)
            if (x[k] > 0)
                v += rank;
        i = j + 1;
    }
    free(x);
    r->v = v;
    double nn = m;
    if (m < 50 && !ties && !zeros) {
        r->w_exact = 1;
        double p = v > nn * (nn + 1) / 4 ? 1 - psignrank(v - 1, m) : psignrank(v, m);
        r->p_w = fmin(2 * p, 1);
        return;
    }
    double z = v - nn * (nn + 1) / 4;
    double sigma = sqrt(nn * (nn + 1) * (2 * nn + 1) / 24 - tie_term / 48);
    double corr = z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
    if (sigma > 0) {
        z = (z - corr) / sigma;
        r->p_w = 2 * fmin(gsl_cdf_ugaussian_P(z), gsl_cdf_ugaussian_Q(z));
    }
}

void stat_paired_test(const double *before, const double *after, int n, stat_paired *r)
{
    assert(n >= 0 && stat_gsl_loaded());
    memset(r, 0, sizeof *r);
    r->n = n;
    double *d = xmalloc((size_t)(n ? n : 1) * sizeof *d);
    for (int i = 0; i < n; i++)
        d[i] = after[i] - before[i];
    stat_desc ds;
    stat_describe(d, n, &ds);
    r->mean = ds.mean;
    r->sd = ds.sd;
    r->lo = r->hi = r->t = r->p_t = NAN;
    /* R refuses "essentially constant" data: sd tiny against the mean. */
    if (n >= 2 && ds.sd > 10 * 2.220446049250313e-16 * fabs(ds.mean)) {
        double se = ds.sd / sqrt(n), df = n - 1;
        double q = gsl_cdf_tdist_Qinv(0.025, df);
        r->lo = ds.mean - q * se;
        r->hi = ds.mean + q * se;
        r->t = ds.mean / se;
        r->p_t = 2 * gsl_cdf_tdist_Q(fabs(r->t), df);
    }
    wilcoxon(d, n, r);
    free(d);
}
