/* stat.h — the statistics of the cohort report: descriptive statistics,
 * paired tests against baseline, Kaplan–Meier with Greenwood errors and
 * the log-rank test. Pure numerics: no data access, no curses. The
 * distributions (t, normal, chi-square) come from GSL; every result is
 * meant to agree with R (t.test, wilcox.test, survfit, survdiff) to 1e-6.
 * A figure that cannot be computed is NAN. */
#ifndef BEDSIDE_STAT_H
#define BEDSIDE_STAT_H

/* Open GSL (once a process; src/stat_gsl.c): before the first paired test,
 * Kaplan–Meier point, log-rank test or chi-square p (they assert it).
 * Returns 0, or -1 with *err naming the library or function missing. */
int stat_load(char **err);

typedef struct {
    int n;
    double mean, sd, min, max;   /* sd with n - 1; NAN when n < 2 */
} stat_desc;
void stat_describe(const double *x, int n, stat_desc *d);

/* after[i] - before[i] for n pairs, as R's t.test(after, before,
 * paired = TRUE) and wilcox.test(after, before, paired = TRUE). */
typedef struct {
    int n;                        /* pairs */
    double mean, sd;              /* of the differences */
    double lo, hi;                /* 95 % CI of the mean difference (t) */
    double t, p_t;                /* NAN when n < 2 or the differences are constant */
    double v, p_w;                /* signed-rank V (sum of positive ranks), p */
    int w_exact;                  /* 1: exact distribution; 0: normal approximation */
} stat_paired;
/* Wilcoxon as R's default: exact when fewer than 50 non-zero differences
 * and no ties or zeros; otherwise zeros dropped and the normal
 * approximation with continuity and tie correction. Two-sided. */
void stat_paired_test(const double *before, const double *after, int n, stat_paired *r);

/* Kaplan–Meier. time >= 0 in days; event 1 (endpoint) or 0 (censored). */
typedef struct {
    int n;                        /* distinct times */
    double *t;
    int *risk, *event, *censor;   /* at each distinct time */
    double *surv;                 /* S(t) just after t */
    double *se_log;               /* Greenwood SE of -log S (R's std.err) */
} stat_km;
int stat_km_fit(const double *time, const int *event, int n, stat_km *k);
void stat_km_free(stat_km *k);

/* The curve at day `at` as R's summary(fit, times = ...): estimate, its
 * standard error (S times se_log), the 95 % interval on the log-log scale
 * (NAN where S is 0 or 1, but 1 to 1 before the first time, as R),
 * at risk at `at`, events and censored in (after, at] (after < 0 for the
 * first row, counting from 0). Returns 0, or -1 when `at` is past the last
 * time (R leaves such rows out). */
typedef struct {
    double surv, se, lo, hi;
    int risk, event, censor;
} stat_km_point;
int stat_km_at(const stat_km *k, double at, double after, stat_km_point *p);
double stat_km_last(const stat_km *k);     /* the last time, or NAN */
/* The median survival time as R prints it, NAN when not reached. */
double stat_km_median(const stat_km *k);

/* Log-rank test across groups 0 .. n_group-1 (R's survdiff, rho = 0).
 * Groups with no expected events are left out, as R does; *df is the
 * number of groups kept minus one. Returns chi-square (0 when df < 1, as
 * R; NAN if the variance matrix is singular). */
double stat_logrank(const double *time, const int *event, const int *group, int n, int n_group,
                    int *df);
double stat_chisq_p(double chisq, int df);   /* upper tail */

#endif
