/* plot_cairo.h — private to src/plot*.c: cairo and fontconfig, opened when
 * the first chart or page is drawn rather than when bedside starts.
 *
 * They and the two dozen libraries they bring (pixman, freetype, X11, ...)
 * cost every command a third of its start-up; most commands never draw. The
 * plot files call cairo as usual: after this header, each cairo function
 * they use names its pointer in plot_cairo, filled by plot_cairo_load. A
 * function added to the drawing goes into PLOT_CAIRO_FNS and gets its line
 * below (the compiler says which are missing: the library is not linked). */
#ifndef BEDSIDE_PLOT_CAIRO_H
#define BEDSIDE_PLOT_CAIRO_H

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#define PLOT_CAIRO_FNS(X)                                                                     \
    X(cairo_arc) X(cairo_create) X(cairo_debug_reset_static_data) X(cairo_destroy)            \
    X(cairo_fill) X(cairo_image_surface_create) X(cairo_line_to) X(cairo_move_to)             \
    X(cairo_new_path) X(cairo_new_sub_path) X(cairo_paint) X(cairo_pdf_surface_create_for_stream) \
    X(cairo_rectangle) X(cairo_restore) X(cairo_rotate) X(cairo_save)                        \
    X(cairo_select_font_face) X(cairo_set_dash) X(cairo_set_font_size) X(cairo_set_line_join) \
    X(cairo_set_line_width) X(cairo_set_source_rgb) X(cairo_show_page) X(cairo_show_text)     \
    X(cairo_status) X(cairo_status_to_string) X(cairo_stroke) X(cairo_surface_destroy)        \
    X(cairo_surface_finish) X(cairo_surface_status) X(cairo_surface_write_to_png_stream)      \
    X(cairo_svg_surface_create_for_stream) X(cairo_text_extents) X(cairo_translate) X(FcFini)

#define PLOT_CAIRO_MEMBER(f) __typeof__(f) *f;
typedef struct {
    PLOT_CAIRO_FNS(PLOT_CAIRO_MEMBER)
} plot_cairo_fns;
#undef PLOT_CAIRO_MEMBER

extern plot_cairo_fns plot_cairo;

/* Open cairo and fontconfig (once a process); 0, or -1 with *err saying
 * which library or function is missing. */
int plot_cairo_load(char **err);
/* 1 once plot_cairo_load succeeded. */
int plot_cairo_loaded(void);

#ifndef PLOT_CAIRO_IMPL
#define cairo_arc (plot_cairo.cairo_arc)
#define cairo_create (plot_cairo.cairo_create)
#define cairo_debug_reset_static_data (plot_cairo.cairo_debug_reset_static_data)
#define cairo_destroy (plot_cairo.cairo_destroy)
#define cairo_fill (plot_cairo.cairo_fill)
#define cairo_image_surface_create (plot_cairo.cairo_image_surface_create)
#define cairo_line_to (plot_cairo.cairo_line_to)
#define cairo_move_to (plot_cairo.cairo_move_to)
#define cairo_new_path (plot_cairo.cairo_new_path)
#define cairo_new_sub_path (plot_cairo.cairo_new_sub_path)
#define cairo_paint (plot_cairo.cairo_paint)
#define cairo_pdf_surface_create_for_stream (plot_cairo.cairo_pdf_surface_create_for_stream)
#define cairo_rectangle (plot_cairo.cairo_rectangle)
#define cairo_restore (plot_cairo.cairo_restore)
#define cairo_rotate (plot_cairo.cairo_rotate)
#define cairo_save (plot_cairo.cairo_save)
#define cairo_select_font_face (plot_cairo.cairo_select_font_face)
#define cairo_set_dash (plot_cairo.cairo_set_dash)
#define cairo_set_font_size (plot_cairo.cairo_set_font_size)
#define cairo_set_line_join (plot_cairo.cairo_set_line_join)
#define cairo_set_line_width (plot_cairo.cairo_set_line_width)
#define cairo_set_source_rgb (plot_cairo.cairo_set_source_rgb)
#define cairo_show_page (plot_cairo.cairo_show_page)
#define cairo_show_text (plot_cairo.cairo_show_text)
#define cairo_status (plot_cairo.cairo_status)
#define cairo_status_to_string (plot_cairo.cairo_status_to_string)
#define cairo_stroke (plot_cairo.cairo_stroke)
#define cairo_surface_destroy (plot_cairo.cairo_surface_destroy)
#define cairo_surface_finish (plot_cairo.cairo_surface_finish)
#define cairo_surface_status (plot_cairo.cairo_surface_status)
#define cairo_surface_write_to_png_stream (plot_cairo.cairo_surface_write_to_png_stream)
#define cairo_svg_surface_create_for_stream (plot_cairo.cairo_svg_surface_create_for_stream)
#define cairo_text_extents (plot_cairo.cairo_text_extents)
#define cairo_translate (plot_cairo.cairo_translate)
#define FcFini (plot_cairo.FcFini)
#endif

#endif
