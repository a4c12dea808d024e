/* test_stat.c — the statistics against figures R printed for the same
 * data (t.test, wilcox.test, survfit with conf.type = "log-log",
 * summary.survfit, survdiff). */
#include <math.h>

#include "stat.h"
#include "stat_gsl.h"
#include "t.h"

#define NEAR(got, want) t_check(fabs((got) - (want)) < 1e-9, #got, __FILE__, __LINE__)

static void test_describe(void)
{
    double b[] = {7.1, 8.0, 6.5, 9.2, 7.7, 8.4, 6.9, 7.5};
    stat_desc d;
    stat_describe(b, 8, &d);
    CHECK_INT(d.n, 8);
    NEAR(d.mean, 7.6625);
    NEAR(d.sd, 0.87003694502836226);
    NEAR(d.min, 6.5);
    NEAR(d.max, 9.2);
    stat_describe(b, 1, &d);
    CHECK(isnan(d.sd));
    stat_describe(b, 0, &d);
    CHECK(d.n == 0 && isnan(d.mean));
}

static void test_paired(void)
{
    double b[] = {7.1, 8.0, 6.5, 9.2, 7.7, 8.4, 6.9, 7.5};
    double a[] = {3.2, 4.1, 5.0, 2.2, 3.9, 6.3, 2.0, 4.4};
    stat_paired r;
    stat_paired_test(b, a, 8, &r);
    NEAR(r.t, -6.295571381662206534);
    NEAR(r.p_t, 0.000405892377295527);
    NEAR(r.lo, -5.192894581540893562);
    NEAR(r.hi, -2.357105418459106261);
    NEAR(r.v, 0);
    NEAR(r.p_w, 0.0078125);
    CHECK_INT(r.w_exact, 1);
    /* A zero difference and ties: normal approximation, like R. */
    double b2[] = {1, 2, 3, 4, 5, 6}, a2[] = {2, 3, 3, 6, 4, 9};
    stat_paired_test(b2, a2, 6, &r);
    NEAR(r.v, 13);
    NEAR(r.p_w, 0.16956414519056334);
    CHECK_INT(r.w_exact, 0);
    /* Constant differences: R refuses the t-test; so do we. */
    double c[] = {1, 2, 3}, c1[] = {2, 3, 4};
    stat_paired_test(c, c1, 3, &r);
    CHECK(isnan(r.p_t) && isnan(r.lo));
    stat_paired_test(c, c, 3, &r);
    CHECK(isnan(r.p_w));
}

static void test_km(void)
{
    double time[] = {5, 8, 8, 12, 15, 15, 20, 22, 30, 30};
    int ev[] = {1, 0, 1, 1, 0, 1, 1, 0, 1, 0};
    int g[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    stat_km k;
    stat_km_fit(time, ev, 10, &k);
    CHECK_INT(k.n, 7);
    static const double at[] = {0, 10, 15, 30};
    static const double surv[] = {1, 0.79999999999999993, 0.57142857142857140,
                                  0.21428571428571427};
    static const double se[] = {0, 0.12649110640673517, 0.16377471549174596,
                                0.17480726579558159};
    static const double lo[] = {1, 0.408690781633404332, 0.217192702382283997,
                                0.012916601156909272};
    static const double hi[] = {1, 0.94587264583891162, 0.81457213792077943,
                                0.57949071124986073};
    static const int risk[] = {10, 7, 6, 2}, nev[] = {0, 2, 2, 2}, ncen[] = {0, 1, 1, 2};
    double prev = -1;
    for (int i = 0; i < 4; i++) {
        stat_km_point p;
        CHECK(stat_km_at(&k, at[i], prev, &p) == 0);
        NEAR(p.surv, surv[i]);
        NEAR(p.se, se[i]);
        NEAR(p.lo, lo[i]);
        NEAR(p.hi, hi[i]);
        CHECK_INT(p.risk, risk[i]);
        CHECK_INT(p.event, nev[i]);
        CHECK_INT(p.censor, ncen[i]);
        prev = at[i];
    }
    stat_km_point p;
    CHECK(stat_km_at(&k, 31, 30, &p) == -1);
    NEAR(stat_km_median(&k), 20);
    NEAR(stat_km_last(&k), 30);
    stat_km_free(&k);
    int df = 0;
    double chi = stat_logrank(time, ev, g, 10, 2, &df);
    NEAR(chi, 3.0601469926503699);
    CHECK_INT(df, 1);
    CHECK(stat_chisq_p(chi, df) > 0.05 && stat_chisq_p(chi, df) < 0.1);
    /* One group has no expected events: no test. */
    double t2[] = {1, 2, 3};
    int e2[] = {1, 1, 0}, g2[] = {0, 0, 1};
    chi = stat_logrank(t2, e2, g2, 3, 2, &df);
    CHECK_INT(df, 1);
    CHECK(!isnan(chi));
}

/* GSL is opened on first use (src/stat_gsl.c), once: what the statistics
 * below call is there after it. */
static void test_load(void)
{
    CHECK(!stat_gsl_loaded());
    char *err = NULL;
    CHECK(stat_load(&err) == 0 && err == NULL);
    CHECK(stat_gsl_loaded());
    CHECK(stat_load(&err) == 0 && err == NULL);
    NEAR(stat_chisq_p(3.841458820694124, 1), 0.05);
}

int main(void)
{
    test_load();
    test_describe();
    test_paired();
    test_km();
    return t_done();
}
