/* t.h — a minimal unit-test harness: CHECK macros and a closing
 * "N passed, N failed" line. Include once per test program. */
#ifndef BEDSIDE_T_H
#define BEDSIDE_T_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond) t_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(got, want) t_check_str((got), (want), #got, __FILE__, __LINE__)
#define CHECK_INT(got, want) t_check_int((long)(got), (long)(want), #got, __FILE__, __LINE__)
#define CHECK_NEAR(got, want) t_check_near((got), (want), #got, __FILE__, __LINE__)

static inline void t_check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        t_pass++;
    } else {
        t_fail++;
        printf("FAIL %s:%d: %s\n", file, line, what);
    }
}

static inline void t_check_str(const char *got, const char *want, const char *what,
                               const char *file, int line)
{
    int ok = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
    if (!ok)
        printf("     got \"%s\", want \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
    t_check(ok, what, file, line);
}

static inline void t_check_int(long got, long want, const char *what, const char *file, int line)
{
    if (got != want)
        printf("     got %ld, want %ld\n", got, want);
    t_check(got == want, what, file, line);
}

static inline void t_check_near(double got, double want, const char *what, const char *file,
                                int line)
{
    int ok = fabs(got - want) < 1e-9;
    if (!ok)
        printf("     got %.10g, want %.10g\n", got, want);
    t_check(ok, what, file, line);
}

/* Call at the end of main: prints the closing line, exit status. */
static inline int t_done(void)
{
    printf("%d passed, %d failed\n", t_pass, t_fail);
    return t_fail ? 1 : 0;
}

#endif
