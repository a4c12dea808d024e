/* tests/bench/search_keys.c — the cost of each keystroke of a search in the
 * TUI patient list: for every search given, each prefix as it is typed reads
 * the first screen of matches (store_patient_page, as ui_list.c does: 21 rows,
 * with the list's score), RUNS times; prints the median and worst CPU time of
 * a read per prefix, and the rows it found.
 *
 *   build/bench_search DB FORM SCORE RUNS SEARCH...
 *
 * A figure, not a test: `make bench` runs it (tests/bench/run). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    if (argc < 6) {
        fprintf(stderr, "usage: bench_search DB FORM SCORE RUNS SEARCH...\n");
        return 2;
    }
    char *err = NULL;
    store *s = store_open(argv[1], 0, &err);
    if (!s) {
        fprintf(stderr, "bench_search: %s\n", err ? err : argv[1]);
        return 1;
    }
    int runs = atoi(argv[4]);
    if (runs < 1)
        runs = 1;
    double *t = calloc((size_t)runs, sizeof *t);
    double worst_all = 0;
    for (int a = 5; a < argc; a++) {
        const char *word = argv[a];
        size_t len = strlen(word);
        for (size_t k = 1; k <= len; k++) {
            if ((word[k] & 0xc0) == 0x80)
                continue;   /* not a whole character typed yet */
            char prefix[256];
            snprintf(prefix, sizeof prefix, "%.*s", (int)k, word);
            size_t n = 0;
            for (int r = 0; r < runs; r++) {
                double t0 = cpu_ms();
                st_patient_row *rows =
                    store_patient_page(s, prefix, NULL, 1, argv[2], argv[3], 21, &n);
                t[r] = cpu_ms() - t0;
                store_patient_rows_free(rows, n);
            }
            qsort(t, (size_t)runs, sizeof *t, by_value);
            if (t[runs - 1] > worst_all)
                worst_all = t[runs - 1];
            printf("  %-24s %3zu rows  median %7.2f ms  worst %7.2f ms\n", prefix, n,
                   t[runs / 2], t[runs - 1]);
        }
    }
    printf("  worst keystroke: %.2f ms CPU\n", worst_all);
    free(t);
    store_close(s);
    return 0;
}
