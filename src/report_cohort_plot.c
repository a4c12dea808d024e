/* report_cohort_plot.c — the Kaplan–Meier curves as a text plot: the
 * proportion free of the endpoint (0 to 1) against days, one mark per
 * stratum, fitting `width` columns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cohort.h"

#define PLOT_ROWS 15

static const char marks[] = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static double surv_at(const stat_km *k, double t)
{
    double s = 1;
    for (int i = 0; i < k->n && k->t[i] <= t; i++)
        s = k->surv[i];
    return s;
}

static void add_line(report_cohort *rc, char *s)
{
    size_t n = strlen(s);   /* no trailing blanks from the empty right of the grid */
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    rc->plot = xrealloc(rc->plot, (size_t)(rc->n_plot + 1) * sizeof *rc->plot);
    rc->plot[rc->n_plot++] = s;
}

void rc_plot(report_cohort *rc, char *const *names, const stat_km *km, int n, double t_max, int width,
             int ascii)
{
    if (width < 40)
        width = 40;
    int cols = width - 7;   /* "1.00 |" before, one column spare */
    if (t_max <= 0 || n == 0)
        return;
    char *grid = xmalloc((size_t)PLOT_ROWS * (size_t)cols);
    memset(grid, ' ', (size_t)PLOT_ROWS * (size_t)cols);
    for (int s = 0; s < n; s++) {
        double last = stat_km_last(&km[s]);
        char m = s < (int)sizeof marks - 1 ? marks[s] : '*';
        for (int x = 0; x < cols; x++) {
            double t = t_max * x / (cols - 1);
            if (isnan(last) || t > last)
                break;
            int y = (int)lround((1 - surv_at(&km[s], t)) * (PLOT_ROWS - 1));
            char *cell = &grid[(size_t)y * (size_t)cols + (size_t)x];
            *cell = *cell == ' ' || *cell == m ? m : '*';
        }
    }
    add_line(rc, xstrdup("Proportion free of the endpoint, by days from the index date:"));
    for (int y = 0; y < PLOT_ROWS; y++) {
        double v = 1 - (double)y / (PLOT_ROWS - 1);
        char lab[8] = "     ";
        if (y % 7 == 0 || y == PLOT_ROWS - 1)
            snprintf(lab, sizeof lab, "%4.2f ", v);
        add_line(rc, xasprintf("%s%s%.*s", lab, ascii ? "|" : "│", cols,
                               &grid[(size_t)y * (size_t)cols]));
    }
    sbuf axis = {0};
    sbuf_add(&axis, "     ");
    sbuf_add(&axis, ascii ? "+" : "└");
    for (int x = 0; x < cols; x++)
        sbuf_add(&axis, ascii ? "-" : "─");
    add_line(rc, sbuf_take(&axis));
    char right[32];
    snprintf(right, sizeof right, "%.0f days", t_max);
    add_line(rc, xasprintf("      0%*s", cols - 1, right));
    sbuf leg = {0};
    sbuf_add(&leg, "      ");
    for (int s = 0; s < n; s++) {
        char *e = text_escape(names[s]);
        sbuf_printf(&leg, "%s%c = %s", s ? ", " : "", s < (int)sizeof marks - 1 ? marks[s] : '*',
                    e);
        free(e);
    }
    sbuf_add(&leg, n > 1 ? " (* where curves overlap)" : "");
    add_line(rc, sbuf_take(&leg));
    free(grid);
}
