/* stat_gsl.c — GSL opened on first use (stat_gsl.h; stat_load in stat.h). */
#define STAT_GSL_IMPL
#include "stat_gsl.h"

#include <dlfcn.h>
#include <string.h>

#include "stat.h"
#include "util.h"

#if !defined(BEDSIDE_GSL_SO) || !defined(BEDSIDE_GSLCBLAS_SO)
#error "BEDSIDE_GSL_SO and BEDSIDE_GSLCBLAS_SO name GSL's libraries (the Makefile sets them)"
#endif
_Static_assert(sizeof BEDSIDE_GSL_SO > 1 && sizeof BEDSIDE_GSLCBLAS_SO > 1,
               "the Makefile found no soname for GSL (is libgsl-dev installed?)");

stat_gsl_fns stat_gsl;
static int state;   /* 0 not tried, 1 loaded, -1 failed */
static char *why;   /* the failure, kept for every later call */

int stat_load(char **err)
{
    if (state == 0) {
        /* CBLAS first and global: GSL's matrix code calls it by name. Never
         * closed: the report may compute until exit. */
        void *cblas = dlopen(BEDSIDE_GSLCBLAS_SO, RTLD_NOW | RTLD_GLOBAL);
        void *gsl = cblas ? dlopen(BEDSIDE_GSL_SO, RTLD_NOW | RTLD_LOCAL) : NULL;
        state = 1;
        if (!gsl) {
            const char *e = dlerror();
            why = xasprintf("cannot compute the statistics: %s", e ? e : "cannot open GSL");
            state = -1;
        }
#define STAT_GSL_FIND(f)                                                                      \
    if (state == 1) {                                                                         \
        void *p = dlsym(gsl, #f);                                                             \
        if (p)                                                                                \
            memcpy(&stat_gsl.f, &p, sizeof p); /* object to function pointer, as POSIX allows */ \
        else {                                                                                \
            why = xasprintf("cannot compute the statistics: %s has no %s", BEDSIDE_GSL_SO, #f); \
            state = -1;                                                                       \
        }                                                                                     \
    }
        STAT_GSL_FNS(STAT_GSL_FIND)
#undef STAT_GSL_FIND
    }
    if (state < 0 && err)
        *err = xstrdup(why);
    return state > 0 ? 0 : -1;
}

int stat_gsl_loaded(void)
{
    return state > 0;
}
