/* stat_gsl.h — private to src/stat_*.c: GSL, opened when the cohort report
 * first needs a distribution or a matrix rather than when bedside starts.
 *
 * GSL and its CBLAS are two large libraries that only the cohort report
 * uses; linked, every command paid for loading and relocating them at
 * start (about 0.25 ms of CPU, as much as a tenth of what `show` costs
 * beyond the sqlite3 shell). The stat files call GSL as usual: after this
 * header, each GSL function they use names its pointer in stat_gsl, filled
 * by stat_load (stat.h). A function added goes into STAT_GSL_FNS and gets
 * its line below (the linker says which are missing: GSL is not linked).
 * The sonames come from the build (BEDSIDE_GSL_SO, BEDSIDE_GSLCBLAS_SO: the
 * Makefile reads them from the libraries it compiles against). */
#ifndef BEDSIDE_STAT_GSL_H
#define BEDSIDE_STAT_GSL_H

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

#define STAT_GSL_FNS(X)                                                                       \
    X(gsl_cdf_chisq_Q) X(gsl_cdf_tdist_Q) X(gsl_cdf_tdist_Qinv) X(gsl_cdf_ugaussian_P)        \
    X(gsl_cdf_ugaussian_Pinv) X(gsl_cdf_ugaussian_Q) X(gsl_linalg_LU_decomp)                   \
    X(gsl_linalg_LU_solve) X(gsl_matrix_alloc) X(gsl_matrix_free) X(gsl_matrix_set)           \
    X(gsl_permutation_alloc) X(gsl_permutation_free) X(gsl_set_error_handler)                 \
    X(gsl_set_error_handler_off) X(gsl_vector_alloc) X(gsl_vector_free) X(gsl_vector_get)     \
    X(gsl_vector_set)

#define STAT_GSL_MEMBER(f) __typeof__(f) *f;
typedef struct {
    STAT_GSL_FNS(STAT_GSL_MEMBER)
} stat_gsl_fns;
#undef STAT_GSL_MEMBER

extern stat_gsl_fns stat_gsl;

/* 1 once stat_load succeeded: every function below asserts it. */
int stat_gsl_loaded(void);

#ifndef STAT_GSL_IMPL
#define gsl_cdf_chisq_Q (stat_gsl.gsl_cdf_chisq_Q)
#define gsl_cdf_tdist_Q (stat_gsl.gsl_cdf_tdist_Q)
#define gsl_cdf_tdist_Qinv (stat_gsl.gsl_cdf_tdist_Qinv)
#define gsl_cdf_ugaussian_P (stat_gsl.gsl_cdf_ugaussian_P)
#define gsl_cdf_ugaussian_Pinv (stat_gsl.gsl_cdf_ugaussian_Pinv)
#define gsl_cdf_ugaussian_Q (stat_gsl.gsl_cdf_ugaussian_Q)
#define gsl_linalg_LU_decomp (stat_gsl.gsl_linalg_LU_decomp)
#define gsl_linalg_LU_solve (stat_gsl.gsl_linalg_LU_solve)
#define gsl_matrix_alloc (stat_gsl.gsl_matrix_alloc)
#define gsl_matrix_free (stat_gsl.gsl_matrix_free)
#define gsl_matrix_set (stat_gsl.gsl_matrix_set)
#define gsl_permutation_alloc (stat_gsl.gsl_permutation_alloc)
#define gsl_permutation_free (stat_gsl.gsl_permutation_free)
#define gsl_set_error_handler (stat_gsl.gsl_set_error_handler)
#define gsl_set_error_handler_off (stat_gsl.gsl_set_error_handler_off)
#define gsl_vector_alloc (stat_gsl.gsl_vector_alloc)
#define gsl_vector_free (stat_gsl.gsl_vector_free)
#define gsl_vector_get (stat_gsl.gsl_vector_get)
#define gsl_vector_set (stat_gsl.gsl_vector_set)
#endif

#endif
