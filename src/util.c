/* util.c — memory, strings, diagnostics, dates, identity, UTF-8, escaping. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
    fputs("bedside: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Formatted once into a stack buffer, which most texts fit; formatted
 * again only when it did not. */
static char *xvasprintf(const char *fmt, va_list ap)
{
    char small[256];
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(small, sizeof small, fmt, aq);
    va_end(aq);
    if (n < 0)
        oom();
    char *s = xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof small)
        memcpy(s, small, (size_t)n + 1);
    else
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, c + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

long read_upto(int fd, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, c + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long)got;
}

int mkdir_p(const char *path, unsigned mode, char **failed)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
            int e = errno;
            if (failed)
                *failed = xstrdup(p);
            errno = e;
            rc = -1;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return rc;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

int err_set(char **err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        char *m = xvasprintf(fmt, ap);
        va_end(ap);
        free(*err);
        *err = m;
    }
    return -1;
}

/* Room for n more bytes and the NUL. */
static void sbuf_reserve(sbuf *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
}

void sbuf_addn(sbuf *b, const char *s, size_t n)
{
    sbuf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sbuf_add(sbuf *b, const char *s)
{
    sbuf_addn(b, s, strlen(s));
}

void sbuf_addc(sbuf *b, char c)
{
    sbuf_addn(b, &c, 1);
}

void sbuf_add_u32(sbuf *b, uint32_t v)
{
    sbuf_addn(b, (const char *)&v, sizeof v);
}

int breader_take(breader *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        memset(out, 0, n);
        return -1;
    }
    memcpy(out, r->p, n);
    r->p += n;
    return 0;
}

uint32_t breader_u32(breader *r)
{
    uint32_t v;
    breader_take(r, &v, sizeof v);
    return v;
}

/* Formatted straight into the free space at the end, and once more after
 * growing the buffer when it did not fit. */
void sbuf_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    if (b->s && (size_t)n < room) {
        b->len += (size_t)n;
        return;
    }
    sbuf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *sbuf_take(sbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void sbuf_free(sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void diag_add(diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    d->msg = xrealloc(d->msg, (d->n + 1) * sizeof *d->msg);
    d->msg[d->n++] = xasprintf("%s:%d:%d: %s", file, line, col, m);
    free(m);
}

void diag_print(const diag *d, FILE *out)
{
    /* File names and quoted text come from outside: nothing raw reaches
     * the terminal. */
    for (size_t i = 0; i < d->n; i++) {
        char *safe = text_escape(d->msg[i]);
        fprintf(out, "%s\n", safe);
        free(safe);
    }
}

void diag_free(diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->msg[i]);
    free(d->msg);
    d->msg = NULL;
    d->n = 0;
}

/* Days from civil date: Howard Hinnant's public-domain algorithm. */
static int days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int date_parse(const char *s, int *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

void date_format(int days, char out[11])
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    /* clamp so the compiler can see the output always fits */
    unsigned yy = (unsigned)y % 10000u, mm = (unsigned)m % 100u, dd = (unsigned)d % 100u;
    snprintf(out, 11, "%04u-%02u-%02u", yy, mm, dd);
}

static int pinned_day;
static int pinned;

void date_pin(int days)
{
    pinned_day = days;
    pinned = 1;
}

int date_is_pinned(void)
{
    return pinned;
}

int date_today(void)
{
    if (pinned)
        return pinned_day;
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int age_years(int born, int today)
{
    int by, bm, bd, ty, tm, td;
    civil_from_days(born, &by, &bm, &bd);
    civil_from_days(today, &ty, &tm, &td);
    int age = ty - by;
    if (tm < bm || (tm == bm && td < bd))
        age--;
    return age;
}

static void fill_random(unsigned char *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fputs("bedside: no randomness for UUIDs\n", stderr);
            abort();
        }
        got += (size_t)r;
    }
}

/* Random bytes for UUIDs, drawn 4 KiB at a time: one getrandom call a UUID
 * was about 1 % of the demo's CPU (57,163 calls at 1,000 patients). A child
 * of fork (report_lpr.c) must never hand out the bytes its parent hands out
 * next: the pool is a page the kernel gives the child zeroed
 * (MADV_WIPEONFORK, Linux 4.14), its count of bytes left included. Without
 * it, a call a UUID as before. */
struct uuid_pool {
    size_t left;
    unsigned char bytes[4096 - sizeof(size_t)];
};

static struct uuid_pool *uuid_pool_get(void)
{
    static struct uuid_pool *pool;
    static int tried;
    if (!tried) {
        tried = 1;
#ifdef MADV_WIPEONFORK
        void *p = mmap(NULL, sizeof *pool, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        if (p != MAP_FAILED && madvise(p, sizeof *pool, MADV_WIPEONFORK) == 0)
            pool = p;
        else if (p != MAP_FAILED)
            munmap(p, sizeof *pool);
#endif
    }
    return pool;
}

static void uuid_random(unsigned char *b, size_t n)
{
    struct uuid_pool *pool = uuid_pool_get();
    if (!pool) {
        fill_random(b, n);
        return;
    }
    if (pool->left < n) {
        fill_random(pool->bytes, sizeof pool->bytes);
        pool->left = sizeof pool->bytes;
    }
    unsigned char *from = pool->bytes + sizeof pool->bytes - pool->left;
    memcpy(b, from, n);
    memset(from, 0, n);
    pool->left -= n;
}

void uuid_v4(char out[37])
{
    unsigned char b[16];
    uuid_random(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    /* 8-4-4-4-12 hex digits, lower case, spelled from a table: the demo
     * makes a UUID for every record and audit entry, and snprintf's sixteen
     * conversions were about 2 % of its CPU. */
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
}

const char *util_login(void)
{
    static char name[64];
    if (!name[0]) {
        struct passwd *pw = getpwuid(getuid());
        if (pw && pw->pw_name)
            snprintf(name, sizeof name, "%s", pw->pw_name);
        else
            snprintf(name, sizeof name, "uid%ld", (long)getuid());
    }
    return name;
}

void util_timestamp(char out[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
        len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = utf8_seq(u + i, n - i);
        if (!l) {
            if (bad_offset)
                *bad_offset = i;
            return 0;
        }
        i += l;
    }
    return 1;
}

size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

/* Is the code point at u (sequence length l) a C1 control (U+0080..U+009F)? */
static int is_c1(const unsigned char *u, size_t l)
{
    return l == 2 && u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f;
}

/* Invisible characters that change how the text around them reads: bidi
 * embeddings, overrides and isolates, marks, zero-width characters, the
 * byte order mark. */
static int is_invisible(const unsigned char *u, size_t l)
{
    unsigned cp;
    if (l == 2)
        cp = (unsigned)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
    else if (l == 3)
        cp = (unsigned)(u[0] & 0x0f) << 12 | (unsigned)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
    else
        return 0;
    return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static unsigned codepoint(const unsigned char *u, size_t l)
{
    return l == 2 ? (unsigned)(u[0] & 0x1f) << 6 | (u[1] & 0x3f)
                  : (unsigned)(u[0] & 0x0f) << 12 | (unsigned)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
}

char text_ascii_char(unsigned cp)
{
    /* U+00C0..U+017F, Latin-1 Supplement letters and Latin Extended-A. */
    static const char latin[] =
        "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty"
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlL"
        "lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    _Static_assert(sizeof latin == 0x17f - 0xc0 + 2, "one letter per code point");
    if (cp < 0x80)
        return (char)cp;
    if (cp >= 0xc0 && cp <= 0x17f)
        return latin[cp - 0xc0];
    return '?';
}

char *text_ascii(const char *s)
{
    sbuf b = {0};
    sbuf_add(&b, "");
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p, cp = c;
        int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                             : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (len > 1) {
            cp = c & (0xff >> (len + 1));
            for (int i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80) {
                    len = 0;
                    break;
                }
                cp = (cp << 6) | (p[i] & 0x3f);
            }
        }
        if (len == 0) {     /* an invalid byte */
            sbuf_addc(&b, '?');
            p++;
            continue;
        }
        sbuf_addc(&b, text_ascii_char(cp));
        p += len;
    }
    return sbuf_take(&b);
}

/* Would a terminal act on the character at u (sequence length l, 0 for an
 * invalid byte) rather than show it? C0 controls, DEL, C1 controls, invalid
 * bytes, bidi controls and zero-width characters. */
static int is_unsafe(const unsigned char *u, size_t l)
{
    return l == 0 || (l == 1 && (u[0] < 0x20 || u[0] == 0x7f)) || is_c1(u, l) ||
           is_invisible(u, l);
}

static char *escape(const char *s, int keep_newline)
{
    sbuf b = {0};
    if (!s)
        return xstrdup("");
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        /* Printable ASCII is always safe: copied a run at a time. */
        size_t run = 0;
        while (i + run < n && u[i + run] >= 0x20 && u[i + run] < 0x7f)
            run++;
        if (run) {
            sbuf_addn(&b, s + i, run);
            i += run;
            continue;
        }
        size_t l = utf8_seq(u + i, n - i);
        if (!is_unsafe(u + i, l) || (keep_newline && u[i] == '\n')) {
            sbuf_addn(&b, s + i, l);
        } else if (l == 1) {
            char esc[3] = {'^', (char)(u[i] == 0x7f ? '?' : u[i] + '@'), 0};
            sbuf_add(&b, esc);
        } else if (is_invisible(u + i, l)) {
            sbuf_printf(&b, "<U+%04X>", codepoint(u + i, l));
        } else {        /* C1, or bytes that are not UTF-8 */
            size_t k = l ? l : 1;
            for (size_t j = 0; j < k; j++)
                sbuf_printf(&b, "\\x%02X", u[i + j]);
        }
        i += l ? l : 1;
    }
    return sbuf_take(&b);
}

char *text_escape(const char *s)
{
    return escape(s, 0);
}

char *text_escape_lines(const char *s)
{
    return escape(s, 1);
}

long text_unsafe_at(const char *s, int allow_newline)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)u), i = 0;
    for (long chars = 0; i < n; chars++) {
        size_t l = utf8_seq(u + i, n - i);
        if (is_unsafe(u + i, l) && !(allow_newline && u[i] == '\n'))
            return chars;
        i += l ? l : 1;
    }
    return -1;
}

int text_needs_escape(const char *s)
{
    return text_unsafe_at(s, 0) >= 0;
}

/* ---- CSV ---- */

/* A cell a spreadsheet would run as a formula, unless it is a plain
 * number: a negative value is data and must stay numeric for R. */
static int plain_number(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

void csv_cell(FILE *out, const char *s)
{
    if (!s)
        s = "";
    /* Data bedside accepted never holds a control character but a newline
     * in free text; a tampered database's is shown as on a terminal. */
    char *esc = NULL;
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if ((*u < 0x20 && *u != '\n') || *u >= 0x7f) {
            if (text_unsafe_at(s, 1) >= 0)
                s = esc = text_escape_lines(s);
            break;
        }
    int neutral = s[0] && strchr("=+-@\t\r", s[0]) && !plain_number(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        putc('"', out);
    if (neutral)
        putc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    if (quote)
        putc('"', out);
    free(esc);
}

int util_sha256_file(const char *path, char hex[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[65536];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        sha256_update(&ctx, (size_t)r, buf);
    }
    close(fd);
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 0;
}

/* A stored UTC time (YYYY-MM-DDTHH:MM:SSZ) in local time, like the footer;
 * anything else is shown as stored (escaped). */
char *time_local(const char *iso)
{
    char day[11];
    int days, ok = iso && strlen(iso) == 20 && iso[10] == 'T' && iso[13] == ':' &&
                   iso[16] == ':' && iso[19] == 'Z';
    for (int i = 11; ok && i < 19; i++)
        ok = i == 13 || i == 16 || (iso[i] >= '0' && iso[i] <= '9');
    if (ok) {
        memcpy(day, iso, 10);
        day[10] = '\0';
        ok = date_parse(day, &days) == 0;
    }
    int h = ok ? atoi(iso + 11) : 0, m = ok ? atoi(iso + 14) : 0, sec = ok ? atoi(iso + 17) : 0;
    if (ok && h < 24 && m < 60 && sec < 61) {
        time_t t = (time_t)days * 86400 + h * 3600 + m * 60 + sec;
        struct tm lt;
        char out[64];
        if (localtime_r(&t, &lt) && strftime(out, sizeof out, "%Y-%m-%d %H:%M %Z", &lt) > 0)
            return xstrdup(out);
    }
    return text_escape(iso ? iso : "?");
}
