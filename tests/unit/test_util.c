/* test_util.c — dates, UUIDs, UTF-8 checks and escaping of untrusted text. */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "util.h"

static void test_dates(void)
{
    int d;
    CHECK_INT(date_parse("1970-01-01", &d), 0);
    CHECK_INT(d, 0);
    CHECK_INT(date_parse("2024-02-29", &d), 0);     /* leap year */
    CHECK_INT(date_parse("2023-02-29", &d), -1);
    CHECK_INT(date_parse("1900-02-29", &d), -1);    /* century, not leap */
    CHECK_INT(date_parse("2000-02-29", &d), 0);     /* 400-year leap */
    CHECK_INT(date_parse("2026-13-01", &d), -1);
    CHECK_INT(date_parse("2026-1-01", &d), -1);
    CHECK_INT(date_parse("2026-01-01x", &d), -1);
    CHECK_INT(date_parse("", &d), -1);
    CHECK_INT(date_parse(NULL, &d), -1);
    char buf[11];
    date_parse("2026-11-21", &d);
    date_format(d, buf);
    CHECK_STR(buf, "2026-11-21");
    date_format(d + 41, buf);
    CHECK_STR(buf, "2027-01-01");
    int born, today;
    date_parse("1990-06-15", &born);
    date_parse("2026-06-14", &today);
    CHECK_INT(age_years(born, today), 35);
    date_parse("2026-06-15", &today);
    CHECK_INT(age_years(born, today), 36);
    date_pin(today);
    CHECK_INT(date_today(), today);
    CHECK(date_is_pinned());
}

/* UUIDs come from a pool of random bytes: a child of fork must not make
 * the UUIDs its parent makes next from the same pool. */
static void test_uuid_fork(void)
{
    char a[37], b[37] = "";
    uuid_v4(a);   /* the pool filled */
    int fd[2];
    CHECK_INT(pipe(fd), 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        uuid_v4(a);
        _exit(write(fd[1], a, sizeof a) == (ssize_t)sizeof a ? 0 : 1);
    }
    close(fd[1]);
    CHECK_INT(read(fd[0], b, sizeof b), sizeof b);
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    uuid_v4(a);
    CHECK_INT(strlen(b), 36);
    CHECK(strcmp(a, b) != 0);
}

static void test_uuid(void)
{
    char a[37], b[37];
    uuid_v4(a);
    uuid_v4(b);
    CHECK_INT(strlen(a), 36);
    CHECK(a[14] == '4');
    CHECK(strchr("89ab", a[19]) != NULL);
    CHECK(strcmp(a, b) != 0);
    /* 8-4-4-4-12 lower-case hex digits; over many, every digit shows up in
     * every free position (a slip in the spelling table would not). */
    unsigned seen[36] = {0};
    for (int n = 0; n < 2000; n++) {
        uuid_v4(a);
        CHECK_INT(strlen(a), 36);
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                CHECK(a[i] == '-');
                continue;
            }
            const char *d = strchr("0123456789abcdef", a[i]);
            CHECK(a[i] && d);
            if (a[i] && d)
                seen[i] |= 1u << (d - "0123456789abcdef");
        }
    }
    for (int i = 0; i < 36; i++)
        if (i != 8 && i != 13 && i != 18 && i != 23 && i != 14 && i != 19)
            CHECK_INT(seen[i], 0xffff);
    CHECK_INT(seen[14], 1u << 4);
    CHECK_INT(seen[19], 0xf00);
}

static void test_utf8(void)
{
    size_t off = 99;
    CHECK(utf8_valid("Zoë Łukasz", strlen("Zoë Łukasz"), &off));
    CHECK(!utf8_valid("ab\xff", 3, &off));
    CHECK_INT(off, 2);
    CHECK(!utf8_valid("\xc0\xaf", 2, &off));          /* overlong '/' */
    CHECK(!utf8_valid("\xed\xa0\x80", 3, &off));      /* surrogate */
    CHECK(!utf8_valid("\xe2\x82", 2, &off));          /* truncated */
    CHECK_INT(utf8_chars("Zoë"), 3);
}

static void test_escape(void)
{
    char *e = text_escape("a\x1b[2Jb");
    CHECK_STR(e, "a^[[2Jb");
    free(e);
    e = text_escape("tab\there\nnl\x7f");
    CHECK_STR(e, "tab^Ihere^Jnl^?");
    free(e);
    e = text_escape("c1\xc2\x9b" "x");                 /* CSI as a C1 control */
    CHECK_STR(e, "c1\\xC2\\x9Bx");
    free(e);
    e = text_escape("bad\xff");
    CHECK_STR(e, "bad\\xFF");
    free(e);
    e = text_escape("José");
    CHECK_STR(e, "José");
    free(e);
    CHECK(!text_needs_escape("Zoë"));
    CHECK(text_needs_escape("x\x1b"));
    CHECK(text_needs_escape("a\xe2\x80\xae" "b"));           /* RLO */
    e = text_escape_lines("two\nlines\x1b\t\xe2\x80\x8b");
    CHECK_STR(e, "two\nlines^[^I<U+200B>");
    free(e);
    CHECK_INT(text_unsafe_at("Zoë\nx", 1), -1);
    CHECK_INT(text_unsafe_at("Zoë\nx", 0), 3);
    CHECK_INT(text_unsafe_at("Zoë\xc2\x9b", 1), 3);
    CHECK_INT(text_unsafe_at("é\xff", 1), 1);
    CHECK_INT(text_unsafe_at(NULL, 0), -1);
}

/* A tampered database's control characters never reach a CSV file raw;
 * what bedside accepts is written as it is. */
static void test_csv_cell(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csv_cell(f, "Zoë");
    putc('|', f);
    csv_cell(f, "two\nlines");
    putc('|', f);
    csv_cell(f, "a\x1b[2J\a\xc2\x9b\xe2\x80\xae\xff");
    putc('|', f);
    csv_cell(f, "=1+\x1b");
    fclose(f);
    CHECK_STR(buf, "Zoë|\"two\nlines\"|a^[[2J^G\\xC2\\x9B<U+202E>\\xFF|'=1+^[");
    free(buf);
}

/* Formatting lands whole whatever the length: texts that fit the first
 * try (stack buffer, free space) and texts that need the second. */
static void test_format_lengths(void)
{
    char want[2100];
    for (int n = 0; n < 2048; n += (n < 300 ? 1 : 97)) {
        memset(want, 'x', (size_t)n);
        want[n] = '\0';
        char *s = xasprintf("%s", want);
        CHECK_STR(s, want);
        free(s);
        sbuf b = {0};
        for (int k = 0; k < 3; k++)
            sbuf_printf(&b, "%d:%s;", k, want);
        char *expect = xasprintf("0:%s;1:%s;2:%s;", want, want, want);
        CHECK_INT(b.len, strlen(expect));
        CHECK_STR(b.s, expect);
        free(expect);
        sbuf_free(&b);
    }
    sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    CHECK(b.s != NULL);
    CHECK_STR(b.s, "");
    sbuf_free(&b);
}

/* A stored UTC time in local time; anything not exactly YYYY-MM-DDTHH:MM:SSZ
 * (an impossible date or hour included) is shown as stored, escaped. */
static void test_time_local(void)
{
    static const struct {
        const char *tz, *in, *want;
    } cases[] = {
        {"UTC0", "2026-06-15T10:20:30Z", "2026-06-15 10:20 UTC"},
        {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-06-15T10:20:30Z", "2026-06-15 12:20 CEST"},
        {"CET-1CEST,M3.5.0,M10.5.0/3", "2026-01-15T23:30:00Z", "2026-01-16 00:30 CET"},
        {"UTC0", "2024-02-29T00:00:00Z", "2024-02-29 00:00 UTC"},
        {"UTC0", "2026-02-30T10:00:00Z", "2026-02-30T10:00:00Z"},
        {"UTC0", "2026-06-15T24:00:00Z", "2026-06-15T24:00:00Z"},
        {"UTC0", "2026-06-15 10:20:30", "2026-06-15 10:20:30"},
        {"UTC0", "2026-06-15T10:20:30", "2026-06-15T10:20:30"},
        {"UTC0", "2026-6-15T10:20:30Z", "2026-6-15T10:20:30Z"},
        {"UTC0", "2026-06-15T1a:20:30Z", "2026-06-15T1a:20:30Z"},
        {"UTC0", "x\033y", "x^[y"},
    };
    const char *was = getenv("TZ");
    char *keep = was ? xstrdup(was) : NULL;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        setenv("TZ", cases[i].tz, 1);
        tzset();
        char *got = time_local(cases[i].in);
        CHECK_STR(got, cases[i].want);
        free(got);
    }
    char *q = time_local(NULL);
    CHECK_STR(q, "?");
    free(q);
    if (keep)
        setenv("TZ", keep, 1);
    else
        unsetenv("TZ");
    tzset();
    free(keep);
}

static void test_sbuf_diag(void)
{
    sbuf b = {0};
    sbuf_add(&b, "a");
    sbuf_printf(&b, "%d", 42);
    sbuf_addc(&b, '!');
    char *s = sbuf_take(&b);
    CHECK_STR(s, "a42!");
    free(s);
    diag d = {0};
    diag_add(&d, "f.yaml", 3, 7, "unknown key '%s'", "requird");
    CHECK_INT(d.n, 1);
    CHECK_STR(d.msg[0], "f.yaml:3:7: unknown key 'requird'");
    diag_free(&d);
    /* err_set: the message replaces an earlier one; a NULL err is allowed. */
    char *err = NULL;
    CHECK_INT(err_set(&err, "%s: bad %d", "x.db", 1), -1);
    CHECK_STR(err, "x.db: bad 1");
    CHECK_INT(err_set(&err, "second"), -1);
    CHECK_STR(err, "second");
    free(err);
    CHECK_INT(err_set(NULL, "nowhere"), -1);
}

int main(void)
{
    test_dates();
    test_csv_cell();
    test_uuid();
    test_uuid_fork();
    test_utf8();
    test_escape();
    test_format_lengths();
    test_time_local();
    test_sbuf_diag();
    return t_done();
}
