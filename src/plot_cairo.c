/* plot_cairo.c — cairo and fontconfig opened on first use (plot_cairo.h). */
#define PLOT_CAIRO_IMPL
#include "plot_cairo.h"

#include <dlfcn.h>
#include <string.h>

#include "util.h"

/* The libraries' run-time names (their sonames), as the -dev packages the
 * build uses link them. */
#define CAIRO_SO "libcairo.so.2"
#define FONTCONFIG_SO "libfontconfig.so.1"

plot_cairo_fns plot_cairo;
static int state;   /* 0 not tried, 1 loaded, -1 failed */
static char *why;   /* the failure, kept for every later call */

static int find(void *lib, const char *so, const char *name, void *slot)
{
    void *p = dlsym(lib, name);
    if (!p) {
        why = xasprintf("cannot draw: %s has no %s", so, name);
        return -1;
    }
    memcpy(slot, &p, sizeof p);   /* object to function pointer, as POSIX allows */
    return 0;
}

int plot_cairo_load(char **err)
{
    if (state == 0) {
        /* Never closed: cairo keeps fonts and caches until exit. */
        void *cairo = dlopen(CAIRO_SO, RTLD_NOW | RTLD_LOCAL);
        void *fc = cairo ? dlopen(FONTCONFIG_SO, RTLD_NOW | RTLD_LOCAL) : NULL;
        state = 1;
        if (!cairo || !fc) {
            const char *e = dlerror();
            why = xasprintf("cannot draw: %s", e ? e : "cannot open cairo");
            state = -1;
        }
#define PLOT_CAIRO_FIND(f)                                                                    \
    if (state == 1 && find(strncmp(#f, "Fc", 2) == 0 ? fc : cairo,                            \
                           strncmp(#f, "Fc", 2) == 0 ? FONTCONFIG_SO : CAIRO_SO, #f,          \
                           &plot_cairo.f) < 0)                                                \
        state = -1;
        PLOT_CAIRO_FNS(PLOT_CAIRO_FIND)
#undef PLOT_CAIRO_FIND
    }
    if (state < 0 && err)
        *err = xstrdup(why);
    return state > 0 ? 0 : -1;
}

int plot_cairo_loaded(void)
{
    return state > 0;
}
