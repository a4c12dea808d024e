/* report_print.c — the paginated, plain-text summary for paper: the trend
 * view, the records, a sign-off line; a header and a footer on every page
 * and a form feed between pages. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report_int.h"

#define HEAD_LINES 3
#define FOOT_LINES 3

typedef struct {
    char **v;
    int n, cap;
} rlines;

static void lines_add(rlines *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static void lines_free(rlines *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* A document's lines as plain text: no trailing blanks, and a line wider
 * than the paper continued on the next one rather than cut off. */
static void flatten(rlines *out, const report_doc *d, int width)
{
    for (int i = 0; i < d->n; i++) {
        const char *s = d->line[i].text;
        if (d->line[i].width <= width) {   /* the common case: it fits */
            size_t len = d->line[i].len;
            while (len && s[len - 1] == ' ')
                len--;
            lines_add(out, xstrndup(s, len));
            continue;
        }
        do {
            char *part = rtext_fit(s, width);
            size_t len = strlen(part);
            if (len == 0 && *s) {   /* one character wider than the paper */
                free(part);
                part = xstrndup(s, len = 1);
            }
            s += len;
            while (len && part[len - 1] == ' ')
                part[--len] = 0;
            lines_add(out, part);
        } while (*s);
    }
}

/* The printed time: $SOURCE_DATE_EPOCH (in UTC) for reproducible output,
 * else the local time now. */
static int printed_at(char out[64], char **err)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    struct tm tm;
    time_t t;
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (*end || errno || v < 0) {
            char *e = text_escape(sde);
            *err = xasprintf("SOURCE_DATE_EPOCH: '%s' is not a number of seconds", e);
            free(e);
            return -1;
        }
        t = (time_t)v;
        gmtime_r(&t, &tm);
        strftime(out, 64, "%Y-%m-%d %H:%M UTC", &tm);
        return 0;
    }
    t = time(NULL);
    localtime_r(&t, &tm);
    strftime(out, 64, "%Y-%m-%d %H:%M %Z", &tm);
    return 0;
}

/* Lines from an empty line to the next one form a block; a block that
 * does not fit on the rest of a page (but fits on a page) starts a new
 * one. A short block (a heading) stays with the block after it. */
static int block_len(const rlines *l, int pos)
{
    int j = pos + 1;
    while (j < l->n && l->v[j][0])
        j++;
    int len = j - pos;
    if (len <= 3 && j < l->n)
        len += block_len(l, j);
    return len;
}

typedef struct {
    int start, n;
} rpage;

static rpage *paginate(const rlines *l, int body, int *n_pages)
{
    rpage *p = NULL;
    int np = 0, pos = 0;
    do {
        while (pos < l->n && !l->v[pos][0])
            pos++;   /* no blank lines at the top of a page */
        rpage pg = {.start = pos};
        while (pos < l->n && pg.n < body) {
            if (!l->v[pos][0] && pg.n > 0) {
                int len = block_len(l, pos);
                if (pg.n + len > body && len <= body)
                    break;
            }
            pg.n++, pos++;
        }
        p = xrealloc(p, (size_t)(np + 1) * sizeof *p);
        p[np++] = pg;
    } while (pos < l->n);
    *n_pages = np;
    return p;
}

/* A rule of width columns and its newline (made once, added on every page). */
static char *make_rule(int width, int ascii)
{
    const char *h = rglyphs_get(ascii)->hrule;
    size_t n = strlen(h);
    sbuf b = {0};
    for (int i = 0; i < width; i++)
        sbuf_addn(&b, h, n);
    sbuf_addc(&b, '\n');
    return sbuf_take(&b);
}

static void add_fit(sbuf *b, const char *s, int width)
{
    char *f = rtext_fit(s, width);
    sbuf_add(b, f);
    sbuf_addc(b, '\n');
    free(f);
}

/* Printer-safe: --ascii, or the configuration's print_ascii. */
static int print_ascii(const app *a, const report_print_opts *o)
{
    return o->ascii || a->cfg.print_ascii;
}

int rprint_build(app *a, const char *mrn, const report_print_opts *o, rprint *r,
                 void (*fn)(void *ctx, const rhip *h), void *ctx, char **err)
{
    memset(r, 0, sizeof *r);
    char when[64];
    if (printed_at(when, err) < 0)
        return -1;
    int width = o->width > 20 ? o->width : 80;
    report_opts ro = {.width = width, .ascii = print_ascii(a, o), .today = o->today};
    rtrend_read got = {.rec = NULL};
    int rc = rtrend_hips(a, mrn, &ro, &r->doc, fn, ctx, &got, err);
    if (rc)
        return rc;
    const st_patient p = got.p;
    r->trend_lines = r->doc.n;
    report_records(&r->doc, a, got.rec, got.n_rec, width, print_ascii(a, o));
    rdoc_line(&r->doc);
    rdoc_line(&r->doc);
    rdoc_line(&r->doc);
    rdoc_add(&r->doc, "Reviewed by ______________________________   Date ______________", 0);
    const rglyphs *g = rglyphs_get(print_ascii(a, o));
    char born[11];
    date_format(p.born, born);
    char *e_mrn = text_escape(p.mrn), *e_name = text_escape(p.name);
    char *e_login = text_escape(util_login());
    r->head = xasprintf("MRN %s%sborn %s%s%s", e_mrn, g->sep, born, g->sep, e_name);
    r->foot = xasprintf("Printed %s by %s%sbedside %s", when, e_login, g->sep, BEDSIDE_VERSION);
    free(e_mrn);
    free(e_name);
    free(e_login);
    rtrend_read_free(&got);
    return 0;
}

void rprint_free(rprint *r)
{
    report_doc_free(&r->doc);
    free(r->head);
    free(r->foot);
    memset(r, 0, sizeof *r);
}

int report_print_text(app *a, const char *mrn, const report_print_opts *o, char **text,
                      size_t *len, char **err)
{
    *text = NULL;
    *len = 0;
    int width = o->width > 20 ? o->width : 80;
    rprint r;
    int rc = rprint_build(a, mrn, o, &r, NULL, NULL, err);
    if (rc)
        return rc;
    rlines lines = {0};
    flatten(&lines, &r.doc, width);

    int body = o->page_length - HEAD_LINES - FOOT_LINES;
    if (body < REPORT_PAGE_MIN - HEAD_LINES - FOOT_LINES)
        body = REPORT_PAGE_MIN - HEAD_LINES - FOOT_LINES;
    int n_pages;
    rpage *pg = paginate(&lines, body, &n_pages);
    sbuf b = {0};
    char *rule = make_rule(width, print_ascii(a, o));
    for (int k = 0; k < n_pages; k++) {
        if (k)
            sbuf_addc(&b, '\f');
        add_fit(&b, r.head, width);
        sbuf_add(&b, rule);
        sbuf_addc(&b, '\n');
        for (int i = 0; i < body; i++) {
            if (i < pg[k].n)
                sbuf_add(&b, lines.v[pg[k].start + i]);
            sbuf_addc(&b, '\n');
        }
        sbuf_add(&b, rule);
        add_fit(&b, r.foot, width);
        char page[48];
        snprintf(page, sizeof page, "Page %d of %d", k + 1, n_pages);
        sbuf_printf(&b, "%*s\n", width, page);
    }
    free(rule);
    free(pg);
    lines_free(&lines);
    rprint_free(&r);
    *text = sbuf_take(&b);
    if (print_ascii(a, o)) {     /* printer-safe: names too, not only the glyphs */
        char *t = text_ascii(*text);
        free(*text);
        *text = t;
    }
    *len = strlen(*text);
    return 0;
}

int report_print(app *a, const char *mrn, const report_print_opts *o, FILE *out, char **err)
{
    char *text;
    size_t len;
    int rc = report_print_text(a, mrn, o, &text, &len, err);
    if (rc)
        return rc;
    if (fwrite(text, 1, len, out) != len || fflush(out) != 0) {
        *err = xasprintf("cannot write the summary: %s", strerror(errno));
        rc = -1;
    }
    free(text);
    return rc;
}

int report_write_file(const char *path, const char *data, size_t len, char **err)
{
    char *e = text_escape(path);
    struct stat st;
    int fd = -1, rc = 0;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        *err = xasprintf("%s: is a folder; name a file to write", e);
        rc = -1;
    } else if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0) {
        *err = errno == ELOOP ? xasprintf("%s: is a symbolic link; not followed", e)
                              : xasprintf("%s: %s", e, strerror(errno));
        rc = -1;
    } else {
        int short_write = write_all(fd, data, len) != 0;
        if (short_write || close(fd) != 0) {
            *err = xasprintf("%s: cannot write: %s", e, strerror(errno));
            if (short_write)
                close(fd);
            rc = -1;
        }
    }
    free(e);
    return rc;
}

int report_print_file(app *a, const char *mrn, const report_print_opts *o, const char *path,
                      char **err)
{
    char *text;
    size_t len;
    /* Build first: an unknown MRN must not truncate the file. */
    int rc = report_print_text(a, mrn, o, &text, &len, err);
    if (rc)
        return rc;
    rc = report_write_file(path, text, len, err);
    free(text);
    return rc;
}

int report_print_lpr(app *a, const char *mrn, const report_print_opts *o, const char *printer,
                     char **err)
{
    char *text;
    size_t len;
    int rc = a->cfg.print_pdf ? report_print_pdf(a, mrn, o, NULL, &text, &len, err)
                              : report_print_text(a, mrn, o, &text, &len, err);
    if (rc)
        return rc;
    rc = report_run_print_command(a->cfg.print_cmd, printer, text, len, err);
    free(text);
    return rc;
}
