/* test_plot.c — the drawing module: tidy axis ranges, a line's points
 * where plot_chart_area says they are (read back from the SVG), steps of a
 * step function, pagination of text pages, and the PNG and PDF signatures. */
#include <stdlib.h>

#include "plot.h"
#include "t.h"
#include "util.h"

/* The coordinates of the n-th path with "stroke-width:1.6" in svg. */
static int line_points(const char *svg, double *x, double *y, int max)
{
    const char *p = strstr(svg, "stroke-width:1.6;");
    if (!p || !(p = strstr(p, " d=\"")))
        return -1;
    p += 4;
    int n = 0;
    while (*p && *p != '"' && n < max) {
        char op;
        int used;
        if (sscanf(p, " %c %lf %lf%n", &op, &x[n], &y[n], &used) != 3)
            break;
        n++;
        p += used;
    }
    return n;
}

int main(void)
{
    double lo, hi, step;
    plot_nice_range(3, 97, 5, NULL, 0, &lo, &hi, &step);
    CHECK_NEAR(lo, 0);
    CHECK_NEAR(hi, 100);
    CHECK_NEAR(step, 20);
    static const double months[] = {1, 3, 6, 12, 24};
    plot_nice_range(0, 25, 6, months, 5, &lo, &hi, &step);
    CHECK_NEAR(step, 6);
    CHECK_NEAR(hi, 30);
    plot_nice_range(5, 5, 5, NULL, 0, &lo, &hi, &step);
    CHECK(hi > lo);

    plot_pt pt[] = {{0, 40}, {3, 55}, {12.5, 80}};
    plot_series s = {.label = "Zoë Łukasz", .pt = pt, .n = 3, .marker = 1};
    plot_band band = {70, 80, "Fair"};
    plot_ref ref = {40, 0, PR_BASELINE, "baseline"};
    plot_mark mark = {6, "missed"};
    plot_chart c = {
        .title = "HHS", .x0 = 0, .x1 = 24, .x_step = 6, .y0 = 0, .y1 = 100, .y_step = 20,
        .series = &s, .n_series = 1, .band = &band, .n_band = 1, .ref = &ref, .n_ref = 1,
        .mark = &mark, .n_mark = 1,
    };
    char *out, *err = NULL;
    size_t len;
    CHECK(plot_chart_render(&c, PLOT_SVG, 400, 300, &out, &len, &err) == 0);
    plot_area a;
    plot_chart_area(&c, 400, 300, &a);
    double x[8], y[8];
    CHECK_INT(line_points(out, x, y, 8), 3);
    for (int i = 0; i < 3; i++) {
        CHECK(fabs(x[i] - (a.left + pt[i].x / 24 * a.width)) < 0.01);
        CHECK(fabs(y[i] - (a.top + a.height - pt[i].y / 100 * a.height)) < 0.01);
    }
    free(out);

    /* A step function: a horizontal then a vertical segment per point. */
    s.step = 1, s.marker = 0;
    CHECK(plot_chart_render(&c, PLOT_SVG, 400, 300, &out, &len, &err) == 0);
    CHECK_INT(line_points(out, x, y, 8), 5);
    CHECK(fabs(y[1] - y[0]) < 0.01 && fabs(x[2] - x[1]) < 0.01);
    free(out);

    CHECK(plot_chart_render(&c, PLOT_PNG, 200, 150, &out, &len, &err) == 0);
    CHECK(len > 8 && memcmp(out, "\x89PNG", 4) == 0);
    free(out);

    /* 200 lines at 80 columns on A4: several pages, each with its foot. */
    plot_block *b = xcalloc(201, sizeof *b);
    char **txt = xcalloc(201, sizeof *txt);
    for (int i = 0; i < 200; i++)
        b[i].text = txt[i] = xasprintf(i % 10 ? "line %d" : "", i);
    b[200].chart = &c;
    b[200].chart_height = 300;
    plot_pages pg = {.width = PLOT_A4_W, .height = PLOT_A4_H, .columns = 80, .head = "head",
                     .foot = "foot", .block = b, .n_block = 201};
    int np = 0;
    CHECK(plot_pages_pdf(&pg, &out, &len, &np, &err) == 0);
    CHECK(np >= 3 && np <= 6);
    CHECK(len > 5 && memcmp(out, "%PDF-", 5) == 0);
    free(out);
    for (int i = 0; i < 200; i++)
        free(txt[i]);
    free(txt);
    free(b);
    free(err);
    return t_done();
}
