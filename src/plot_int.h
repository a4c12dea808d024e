/* plot_int.h — private to src/plot*.c: drawing a chart into a cairo
 * context, text in the report fonts, and surfaces that write to memory. */
#ifndef BEDSIDE_PLOT_INT_H
#define BEDSIDE_PLOT_INT_H

#include "plot_cairo.h"

#include "plot.h"
#include "util.h"

#define PLOT_SANS "DejaVu Sans"
#define PLOT_MONO "DejaVu Sans Mono"
#define PLOT_MONO_ADVANCE 0.6021   /* DejaVu Sans Mono: 1233/2048 em */

/* Text at (x, y) (the baseline), aligned by `align` (0 left, 0.5 centred,
 * 1 right). The string must be valid UTF-8 (the module's contract). */
void plot_text(cairo_t *cr, const char *family, double size, int bold, double x, double y,
               double align, const char *s);
/* The chart c in the box (x, y, w, h) of cr. */
void plot_chart_draw(cairo_t *cr, const plot_chart *c, double x, double y, double w, double h);

/* A surface that appends what it writes to buf; finish with plot_finish. */
cairo_surface_t *plot_surface(enum plot_format f, double w, double h, sbuf *buf);
/* Finish (and for PNG, encode) the surface into buf; 0, or -1 with *err. */
int plot_finish(cairo_surface_t *s, cairo_t *cr, enum plot_format f, sbuf *buf, char **out,
                size_t *len, char **err);

#endif
