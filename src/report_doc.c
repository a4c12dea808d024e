/* report_doc.c — the neutral document the trend view is drawn into: lines
 * of UTF-8 text with attribute spans, measured in display columns, and its
 * plain or ANSI output. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "report_int.h"

void rdoc_line(report_doc *d)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->line = xrealloc(d->line, (size_t)d->cap * sizeof *d->line);
    }
    /* 128: an 80-column line with some box drawing fits without growing. */
    d->line[d->n++] = (report_line){.text = xcalloc(1, 128), .cap = 128};
}

/* Room on line l for n more bytes and the NUL. */
static void line_reserve(report_line *l, size_t n)
{
    if (l->len + n + 1 <= l->cap)
        return;
    size_t cap = l->cap ? l->cap : 32;
    while (cap < l->len + n + 1)
        cap *= 2;
    l->text = xrealloc(l->text, cap);
    l->cap = cap;
}

/* A line's spans are allocated for span_cap(n_span) of them: powers of two
 * from 4, so that adding one at a time does not reallocate each time. */
static size_t span_cap(int n)
{
    size_t c = 4;
    while (c < (size_t)n)
        c *= 2;
    return n > 0 ? c : 0;
}

static void span_reserve(report_line *l, int more)
{
    if (l->n_span + more > (int)span_cap(l->n_span))
        l->span = xrealloc(l->span, span_cap(l->n_span + more) * sizeof *l->span);
}

/* n bytes of s (whole characters), w columns wide, to the last line. */
static void add_bytes(report_doc *d, const char *s, size_t n, int w, int attr)
{
    if (!d->n)
        rdoc_line(d);
    if (!n)
        return;
    report_line *l = &d->line[d->n - 1];
    line_reserve(l, n);
    memcpy(l->text + l->len, s, n);
    if (attr) {
        span_reserve(l, 1);
        l->span[l->n_span++] = (report_span){.start = (int)l->len, .len = (int)n, .attr = attr};
    }
    l->len += n;
    l->text[l->len] = '\0';
    l->width += w;
}

void rdoc_add(report_doc *d, const char *s, int attr)
{
    add_bytes(d, s, strlen(s), rtext_width(s), attr);
}

void rdoc_addf(report_doc *d, int attr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        rdoc_add(d, tmp, attr);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rdoc_add(d, big, attr);
    free(big);
}

void rdoc_add_untrusted(report_doc *d, const char *s, int attr)
{
    char *e = text_escape(s);
    rdoc_add(d, e, attr);
    free(e);
}

int rdoc_width(const report_doc *d)
{
    return d->n ? d->line[d->n - 1].width : 0;
}

void rdoc_pad(report_doc *d, int col)
{
    if (!d->n)
        rdoc_line(d);
    report_line *l = &d->line[d->n - 1];
    if (l->width >= col)
        return;
    size_t n = (size_t)(col - l->width);
    line_reserve(l, n);
    memset(l->text + l->len, ' ', n);
    l->len += n;
    l->text[l->len] = '\0';
    l->width = col;
}

void rdoc_trim(report_doc *d)
{
    if (!d->n)
        return;
    report_line *l = &d->line[d->n - 1];
    while (l->len > 0 && l->text[l->len - 1] == ' ') {
        l->len--;
        l->width--;
    }
    l->text[l->len] = '\0';
    for (int i = 0; i < l->n_span; i++)
        if ((size_t)l->span[i].start + (size_t)l->span[i].len > l->len)
            l->span[i].len = l->span[i].start < (int)l->len ? (int)l->len - l->span[i].start : 0;
}

void rdoc_append(report_doc *dst, report_doc *src)
{
    if (!src->n)
        return;
    dst->line = xrealloc(dst->line, (size_t)(dst->n + src->n) * sizeof *dst->line);
    memcpy(dst->line + dst->n, src->line, (size_t)src->n * sizeof *src->line);
    dst->n += src->n;
    dst->cap = dst->n;
    free(src->line);
    *src = (report_doc){0};
}

/* Append line src (text and spans) to the last line of d. */
static void rdoc_join(report_doc *d, const report_line *src)
{
    if (!d->n)
        rdoc_line(d);
    report_line *l = &d->line[d->n - 1];
    int base = (int)l->len;
    add_bytes(d, src->text, src->len, src->width, 0);
    if (!src->n_span)
        return;
    span_reserve(l, src->n_span);
    for (int i = 0; i < src->n_span; i++) {
        report_span s = src->span[i];
        s.start += base;
        l->span[l->n_span++] = s;
    }
}

void rdoc_beside(report_doc *dst, report_doc *l, report_doc *r, int lw, int gap)
{
    int n = l->n > r->n ? l->n : r->n;
    for (int i = 0; i < n; i++) {
        rdoc_line(dst);
        if (i < l->n)
            rdoc_join(dst, &l->line[i]);
        if (i < r->n && r->line[i].text[0]) {
            rdoc_pad(dst, lw + gap);
            rdoc_join(dst, &r->line[i]);
        }
    }
    report_doc_free(l);
    report_doc_free(r);
}

void report_doc_free(report_doc *doc)
{
    for (int i = 0; i < doc->n; i++) {
        free(doc->line[i].text);
        free(doc->line[i].span);
    }
    free(doc->line);
    *doc = (report_doc){0};
}

/* Decode one UTF-8 character at s; returns its length (1 for a stray byte). */
static int utf8_next(const unsigned char *s, unsigned *cp)
{
    int len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
            : (s[0] & 0xf8) == 0xf0 ? 4 : 1;
    unsigned c = len == 1 ? s[0] : s[0] & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = s[0];
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    *cp = c;
    return len;
}

static int char_width(unsigned cp)
{
    if (cp < 0x80)
        return 1;
    int w = wcwidth((wchar_t)cp);
    /* Outside a UTF-8 locale wcwidth knows nothing: count one column. */
    return w < 0 ? 1 : w;
}

int rtext_width(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    int w = 0;
    while (*u) {
        if (*u < 0x80) {   /* ASCII, most of what is laid out: a byte, a column */
            u++;
            w++;
            continue;
        }
        unsigned cp;
        u += utf8_next(u, &cp);
        w += char_width(cp);
    }
    return w;
}

/* The bytes of s that fit width columns (never inside a character), and
 * their columns in *w. */
static size_t fit_len(const char *s, int width, int *w)
{
    const unsigned char *u = (const unsigned char *)s;
    *w = 0;
    while (*u) {
        if (*u < 0x80) {
            if (*w + 1 > width)
                break;
            (*w)++;
            u++;
            continue;
        }
        unsigned cp;
        int len = utf8_next(u, &cp);
        int cw = char_width(cp);
        if (*w + cw > width)
            break;
        *w += cw;
        u += len;
    }
    return (size_t)((const char *)u - s);
}

/* Display columns of the first n bytes of s (whole characters). */
static int cols_of(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s, *end = u + n;
    int w = 0;
    while (u < end) {
        if (*u < 0x80) {
            u++;
            w++;
            continue;
        }
        unsigned cp;
        u += utf8_next(u, &cp);
        w += char_width(cp);
    }
    return w;
}

char *rtext_fit(const char *s, int width)
{
    int w;
    return xstrndup(s, fit_len(s, width, &w));
}

/* SGR parameters for a span's attributes. */
static void sgr(FILE *out, int attr)
{
    static const struct {
        int attr;
        const char *code;
    } map[] = {
        {RA_BOLD, "1"}, {RA_DIM, "2"}, {RA_REVERSE, "7"}, {RA_GOOD, "32"},
        {RA_BAD, "31"}, {RA_WARN, "33"}, {RA_ALERT, "1;7;31"},
    };
    fputs("\033[", out);
    int first = 1;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (attr & map[i].attr) {
            fprintf(out, "%s%s", first ? "" : ";", map[i].code);
            first = 0;
        }
    }
    fputc('m', out);
}

void report_write(const report_doc *doc, FILE *out, int ansi)
{
    for (int i = 0; i < doc->n; i++) {
        const report_line *l = &doc->line[i];
        if (!ansi || !l->n_span) {
            fputs(l->text, out);
            fputc('\n', out);
            continue;
        }
        int pos = 0, len = (int)strlen(l->text);
        for (int k = 0; k < l->n_span; k++) {
            const report_span *s = &l->span[k];
            if (s->start < pos || s->start + s->len > len)
                continue;   /* overlapping spans are never built; be safe */
            fwrite(l->text + pos, 1, (size_t)(s->start - pos), out);
            sgr(out, s->attr);
            fwrite(l->text + s->start, 1, (size_t)s->len, out);
            fputs("\033[0m", out);
            pos = s->start + s->len;
        }
        fputs(l->text + pos, out);
        fputc('\n', out);
    }
}

static const char *const spark_utf8[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char *const spark_ascii[8] = {"_", ".", ",", "-", "~", "=", "+", "^"};

const rglyphs *rglyphs_get(int ascii)
{
    static const rglyphs utf8 = {
        .up = "↑", .down = "↓", .flat = "→", .ended = "—", .hrule = "─",
        .box_tl = "╔", .box_tr = "╗", .box_bl = "╚", .box_br = "╝", .box_h = "═", .box_v = "║",
        .spark = spark_utf8, .sep = " · ",
    };
    static const rglyphs asc = {
        .up = "^", .down = "v", .flat = "=", .ended = "n/a", .hrule = "-",
        .box_tl = "+", .box_tr = "+", .box_bl = "+", .box_br = "+", .box_h = "=", .box_v = "!",
        .spark = spark_ascii, .sep = " | ",
    };
    return ascii ? &asc : &utf8;
}

char *rspark(const double *v, int n, double lo, double hi, int ascii)
{
    const rglyphs *g = rglyphs_get(ascii);
    sbuf b = {0};
    for (int i = 0; i < n; i++) {
        int level = 3;
        if (hi > lo) {
            double x = (v[i] - lo) / (hi - lo);
            x = x < 0 ? 0 : x > 1 ? 1 : x;
            level = (int)(x * 7 + 0.5);
        }
        sbuf_add(&b, g->spark[level]);
    }
    return sbuf_take(&b);
}

void rdoc_rule(report_doc *d, int width, int ascii, int attr)
{
    const char *h = rglyphs_get(ascii)->hrule;
    size_t n = strlen(h);
    sbuf b = {0};
    for (int i = 0; i < width; i++)
        sbuf_addn(&b, h, n);
    add_bytes(d, b.s ? b.s : "", b.len, width > 0 ? width : 0, attr);
    sbuf_free(&b);
}

void rdoc_wrap(report_doc *d, const char *s, int attr, int width, int indent)
{
    if (width <= indent + 1)
        width = indent + 2;   /* always room for at least some text */
    while (*s) {
        int room = width - rdoc_width(d);
        if (room <= 0) {
            rdoc_line(d);
            rdoc_pad(d, indent);
            while (*s == ' ')
                s++;
            continue;
        }
        int w;
        size_t cut = fit_len(s, room, &w);
        if (!s[cut]) {
            add_bytes(d, s, cut, w, attr);
            return;
        }
        /* Break at the last space that fits, unless that leaves nothing. */
        const char *sp = s[cut] == ' ' ? s + cut : memrchr(s, ' ', cut);
        if (sp && sp > s)
            cut = (size_t)(sp - s);
        else if (rdoc_width(d) > indent)
            cut = 0;   /* the word may fit whole on the next line */
        add_bytes(d, s, cut, cols_of(s, cut), attr);
        s += cut;
        rdoc_line(d);
        rdoc_pad(d, indent);
        while (*s == ' ')
            s++;
    }
}

void report_refusal_doc(const char *title, char *const *problems, int n, int total, int width,
                        report_doc *doc)
{
    rdoc_line(doc);
    rdoc_addf(doc, RA_ALERT, "%s refused: %d problem%s in the stored data", title, total,
              total == 1 ? "" : "s");
    rdoc_line(doc);
    rdoc_line(doc);
    rdoc_wrap(doc, "Records that fail validation never feed a report. Amend or void them "
                   "first; bedside check lists them all.", 0, width, 0);
    rdoc_line(doc);
    for (int i = 0; i < n; i++) {
        char *t = text_escape(problems[i]);
        rdoc_line(doc);
        rdoc_wrap(doc, t, 0, width, 2);
        free(t);
    }
    if (total > n) {
        rdoc_line(doc);
        rdoc_addf(doc, 0, "... and %d more", total - n);
    }
}
