/* report_cohort_out.c — the cohort report's tables as data, and written
 * out: aligned text or Markdown into a report_doc, or one CSV per table. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_cohort.h"
#include "report_int.h"

rc_table *rc_table_new(report_cohort *rc, const char *id, const rc_col *cols, int n_col,
                       const char *title_fmt, ...)
{
    if (!rc->t)
        rc->t = xcalloc(RC_MAX_TABLES, sizeof *rc->t);
    assert(rc->n < RC_MAX_TABLES);
    rc_table *t = &rc->t[rc->n++];
    memset(t, 0, sizeof *t);
    t->id = id;
    t->col = xmalloc((size_t)n_col * sizeof *t->col);
    memcpy(t->col, cols, (size_t)n_col * sizeof *cols);
    t->n_col = n_col;
    va_list ap;
    va_start(ap, title_fmt);
    if (vasprintf(&t->title, title_fmt, ap) < 0)
        t->title = xstrdup(id);
    va_end(ap);
    return t;
}

rc_val *rc_row(rc_table *t)
{
    if (t->n_row % 64 == 0)
        t->cell = xrealloc(t->cell, (size_t)(t->n_row + 64) * (size_t)t->n_col * sizeof *t->cell);
    rc_val *r = &t->cell[(size_t)t->n_row++ * (size_t)t->n_col];
    for (int i = 0; i < t->n_col; i++)
        r[i] = (rc_val){NULL, NAN};
    return r;
}

void rc_set_s(rc_val *row, int col, const char *s)
{
    free(row[col].s);
    row[col].s = xstrdup(s ? s : "");
}

void rc_note(rc_table *t, const char *fmt, ...)
{
    t->note = xrealloc(t->note, (size_t)(t->n_note + 1) * sizeof *t->note);
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&t->note[t->n_note], fmt, ap) < 0)
        t->note[t->n_note] = xstrdup("");
    va_end(ap);
    t->n_note++;
}

int rc_col_index(const rc_table *t, const char *csv)
{
    for (int c = 0; c < t->n_col; c++)
        if (strcmp(t->col[c].csv, csv) == 0)
            return c;
    return -1;
}

/* ---- text ---- */

static void fmt_num(char *out, size_t n, double v, int dec)
{
    if (isnan(v)) {
        snprintf(out, n, "%s", "");
    } else if (dec == RC_INT) {
        snprintf(out, n, "%.0f", v);
    } else if (dec == RC_P) {
        if (v < 0.001)
            snprintf(out, n, "<0.001");
        else
            snprintf(out, n, "%.3f", v);
    } else {
        snprintf(out, n, "%.*f", dec < 0 ? 0 : dec, v);
    }
}

/* The text of cell (row, col) including the columns joined to it. */
static char *cell_text(const rc_table *t, const rc_val *r, int col, int escape)
{
    sbuf b = {0};
    for (int c = col; c < t->n_col; c++) {
        if (c > col && !t->col[c].join)
            break;
        char num[64];
        const char *s = r[c].s;
        if (!s) {
            fmt_num(num, sizeof num, r[c].v, t->col[c].dec);
            s = num;
        }
        if (!*s)
            continue;
        if (c > col && b.len == 0)
            continue;   /* nothing to join to */
        if (c > col)
            sbuf_add(&b, t->col[c].join);
        if (escape) {
            char *e = text_escape(s);
            sbuf_add(&b, e);
            free(e);
        } else {
            sbuf_add(&b, s);
        }
        if (c > col && t->col[c].close)
            sbuf_add(&b, t->col[c].close);
    }
    return sbuf_take(&b);
}

/* A column is shown unless joined to another, or a stratum column of an
 * unstratified table ("all" everywhere). */
static int shown(const rc_table *t, int c)
{
    if (t->col[c].join || t->col[c].csv_only)
        return 0;
    if (strcmp(t->col[c].csv, "stratum") == 0 && c == 0) {
        for (int r = 0; r < t->n_row; r++) {
            const char *s = t->cell[(size_t)r * (size_t)t->n_col].s;
            if (s && strcmp(s, "all") != 0)
                return 1;
        }
        return 0;
    }
    return 1;
}

/* s with its words wrapped into lines of at most width columns ('\n'
 * between them; a longer word stays whole). */
static char *wrap_text(char *s, int width)
{
    sbuf b = {0};
    int used = 0;
    for (char *w = strtok(s, " "); w; w = strtok(NULL, " ")) {
        int ww = rtext_width(w);
        if (used && used + 1 + ww > width) {
            sbuf_add(&b, "\n");
            used = 0;
        } else if (used) {
            sbuf_add(&b, " ");
            used++;
        }
        sbuf_add(&b, w);
        used += ww;
    }
    free(s);
    return b.s ? sbuf_take(&b) : xstrdup("");
}

/* Line j of a wrapped cell into out ("" past its last). */
static const char *cell_line(const char *s, int j, char *out, size_t n)
{
    for (; j > 0 && s; j--)
        if ((s = strchr(s, '\n')))
            s++;
    if (!s)
        return "";
    size_t len = strcspn(s, "\n");
    snprintf(out, n, "%.*s", (int)len, s);
    return out;
}

static int cell_lines(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static int widest_line(const char *s)
{
    char buf[1024];
    int w = 0;
    for (int j = 0, n = cell_lines(s); j < n; j++) {
        int lw = rtext_width(cell_line(s, j, buf, sizeof buf));
        w = lw > w ? lw : w;
    }
    return w;
}

static void table_doc(const rc_table *t, int markdown, int ascii, report_doc *d)
{
    int nc = t->n_col;
    int *w = xcalloc((size_t)nc, sizeof *w);
    char **txt = xcalloc((size_t)t->n_row * (size_t)nc + 1, sizeof *txt);
    for (int c = 0; c < nc; c++)
        if (shown(t, c))
            w[c] = rtext_width(t->col[c].head);
    for (int r = 0; r < t->n_row; r++)
        for (int c = 0; c < nc; c++) {
            if (!shown(t, c))
                continue;
            char *s = cell_text(t, &t->cell[(size_t)r * (size_t)nc], c, 1);
            if (t->col[c].wrap && !markdown && rtext_width(s) > t->col[c].wrap)
                s = wrap_text(s, t->col[c].wrap);
            txt[(size_t)r * (size_t)nc + (size_t)c] = s;
            int cw = widest_line(s);
            if (cw > w[c])
                w[c] = cw;
        }
    rdoc_line(d);
    rdoc_line(d);
    rdoc_add(d, markdown ? "### " : "", 0);
    rdoc_add_untrusted(d, t->title, RA_BOLD);
    rdoc_line(d);
    const char *sep = markdown ? " | " : "  ";
    char part[1024];
    for (int r = -1; r < t->n_row; r++) {
        /* A row's wrapped cells take more lines, its other cells the first. */
        int lines = 1;
        for (int c = 0; r >= 0 && c < nc; c++)
            if (shown(t, c) && cell_lines(txt[(size_t)r * (size_t)nc + (size_t)c]) > lines)
                lines = cell_lines(txt[(size_t)r * (size_t)nc + (size_t)c]);
        for (int j = 0; j < lines; j++) {
            rdoc_line(d);
            if (markdown)
                rdoc_add(d, "| ", 0);
            int first = 1;
            for (int c = 0; c < nc; c++) {
                if (!shown(t, c))
                    continue;
                if (!first)
                    rdoc_add(d, sep, 0);
                first = 0;
                const char *s = r < 0 ? t->col[c].head
                                      : cell_line(txt[(size_t)r * (size_t)nc + (size_t)c], j,
                                                  part, sizeof part);
                int right = t->col[c].dec != RC_TEXT;
                int pad = w[c] - rtext_width(s);
                if (right)
                    rdoc_addf(d, 0, "%*s", pad, "");
                rdoc_add(d, s, r < 0 ? RA_BOLD : 0);
                if (!right && (markdown || c + 1 < nc))
                    rdoc_addf(d, 0, "%*s", pad, "");
            }
            if (markdown)
                rdoc_add(d, " |", 0);
            rdoc_trim(d);   /* empty cells at the end of a row */
        }
        if (r < 0 && markdown) {
            rdoc_line(d);
            rdoc_add(d, "|", 0);
            for (int c = 0; c < nc; c++)
                if (shown(t, c)) {
                    rdoc_add(d, t->col[c].dec != RC_TEXT ? " " : " :", 0);
                    for (int k = 0; k < w[c] - 1; k++)
                        rdoc_add(d, "-", 0);
                    rdoc_add(d, t->col[c].dec != RC_TEXT ? ": |" : " |", 0);
                }
        } else if (r < 0) {
            rdoc_line(d);
            int total = 0;
            for (int c = 0; c < nc; c++)
                if (shown(t, c))
                    total += w[c] + 2;
            rdoc_rule(d, total > 2 ? total - 2 : 1, ascii, RA_DIM);
        }
    }
    for (int i = 0; i < t->n_note; i++) {
        rdoc_line(d);
        if (markdown)
            rdoc_line(d);
        rdoc_wrap(d, t->note[i], RA_DIM, 78, 0);
    }
    for (int i = 0; i < t->n_row * nc; i++)
        free(txt[i]);
    free(txt);
    free(w);
}

void report_cohort_doc(const report_cohort *rc, int markdown, int ascii, report_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    rdoc_line(doc);
    rdoc_add(doc, markdown ? "## " : "", 0);
    rdoc_add(doc, "Cohort report", RA_BOLD);
    rdoc_line(doc);
    rdoc_wrap(doc, rc->caption, 0, 78, 0);
    for (int i = 0; i < rc->n; i++) {
        table_doc(&rc->t[i], markdown, ascii, doc);
        if (strcmp(rc->t[i].id, "survival_summary") == 0 && rc->n_plot) {
            rdoc_line(doc);
            if (markdown) {
                rdoc_line(doc);
                rdoc_add(doc, "```", 0);
            }
            for (int k = 0; k < rc->n_plot; k++) {
                rdoc_line(doc);
                rdoc_add(doc, rc->plot[k], 0);
            }
            if (markdown) {
                rdoc_line(doc);
                rdoc_add(doc, "```", 0);
            }
        }
    }
}

/* ---- CSV ---- */

static void put_num(FILE *f, double v, int dec)
{
    if (isnan(v))
        return;
    if (dec == RC_INT) {
        fprintf(f, "%.0f", v);
        return;
    }
    /* Fixed notation (never an exponent, which a spreadsheet may mangle),
     * enough digits for a 1e-12 comparison, trailing zeros cut. */
    char b[64];
    snprintf(b, sizeof b, "%.12f", v);
    char *e = b + strlen(b) - 1;
    while (e > b && *e == '0')
        *e-- = '\0';
    if (*e == '.')
        *e = '\0';
    fputs(strcmp(b, "-0") == 0 ? "0" : b, f);
}

int report_cohort_csv(const report_cohort *rc, const char *dir, char **err)
{
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        *err = xasprintf("%s: cannot create the folder: %s", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < rc->n; i++) {
        const rc_table *t = &rc->t[i];
        int first = 1;   /* tables sharing an id share one file, one header */
        for (int k = 0; k < i; k++)
            first &= strcmp(rc->t[k].id, t->id) != 0;
        char *path = xasprintf("%s/%s.csv", dir, t->id);
        FILE *f = fopen(path, first ? "w" : "a");
        if (!f) {
            *err = xasprintf("%s: %s", path, strerror(errno));
            free(path);
            return -1;
        }
        if (first) {
            for (int c = 0; c < t->n_col; c++) {
                fputs(c ? "," : "", f);
                csv_cell(f, t->col[c].csv);
            }
            fputs("\r\n", f);
        }
        for (int r = 0; r < t->n_row; r++) {
            for (int c = 0; c < t->n_col; c++) {
                const rc_val *v = &t->cell[(size_t)r * (size_t)t->n_col + (size_t)c];
                fputs(c ? "," : "", f);
                if (v->s)
                    csv_cell(f, v->s);
                else
                    put_num(f, v->v, t->col[c].dec);
            }
            fputs("\r\n", f);
        }
        int bad = ferror(f) | (fclose(f) != 0);
        if (bad) {
            *err = xasprintf("%s: cannot write: %s", path, strerror(errno));
            free(path);
            return -1;
        }
        free(path);
    }
    return 0;
}
