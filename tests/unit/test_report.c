/* test_report.c — the report's building blocks: display widths, fitting
 * and wrapping, sparklines, side-by-side layout, ANSI output only when
 * asked, and the print command run without a shell. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_int.h"
#include "t.h"

static char *slurp(FILE *f)
{
    rewind(f);
    sbuf b = {0};
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sbuf_addn(&b, buf, n);
    return sbuf_take(&b);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = slurp(f);
    fclose(f);
    return s;
}

static void test_width(void)
{
    CHECK_INT(rtext_width(""), 0);
    CHECK_INT(rtext_width("abc"), 3);
    CHECK_INT(rtext_width("▁▂▃"), 3);
    CHECK_INT(rtext_width("+2.0↑"), 5);
    char *f = rtext_fit("▁▂▃▄", 2);
    CHECK_STR(f, "▁▂");            /* never cuts inside a character */
    free(f);
    f = rtext_fit("abc", 10);
    CHECK_STR(f, "abc");
    free(f);
    /* ASCII and other characters mixed: each byte below 0x80 one column. */
    CHECK_INT(rtext_width("a\tb▁c"), 5);
    f = rtext_fit("ab▁▂cd", 3);
    CHECK_STR(f, "ab▁");
    free(f);
    f = rtext_fit("ab▁▂cd", 5);
    CHECK_STR(f, "ab▁▂c");
    free(f);
    f = rtext_fit("ab▁▂cd", 2);
    CHECK_STR(f, "ab");
    free(f);
}

static void test_wrap(void)
{
    report_doc d = {0};
    rdoc_line(&d);
    rdoc_add(&d, "Label: ", 0);
    rdoc_wrap(&d, "one two three four five six", 0, 16, 4);
    CHECK_INT(d.n, 3);
    CHECK_STR(d.line[0].text, "Label: one two");
    CHECK_STR(d.line[1].text, "    three four");
    CHECK_STR(d.line[2].text, "    five six");
    for (int i = 0; i < d.n; i++)
        CHECK(rtext_width(d.line[i].text) <= 16);
    report_doc_free(&d);
    /* A word longer than a line is cut, not lost. */
    rdoc_line(&d);
    rdoc_wrap(&d, "abcdefghijkl", 0, 5, 0);
    CHECK_INT(d.n, 3);
    CHECK_STR(d.line[2].text, "kl");
    report_doc_free(&d);
}

/* Every line's kept width and length are its text's, whatever the mix of
 * calls that built it (wide and multi-byte characters included). */
static int lines_consistent(const report_doc *d)
{
    for (int i = 0; i < d->n; i++) {
        const report_line *l = &d->line[i];
        if (l->width != rtext_width(l->text) || l->len != strlen(l->text) || l->cap <= l->len)
            return 0;
        for (int k = 0; k < l->n_span; k++)
            if (l->span[k].start < 0 || (size_t)(l->span[k].start + l->span[k].len) > l->len)
                return 0;
    }
    return 1;
}

static void test_doc_kept_width(void)
{
    static const char *const words[] = {"a", "Tomás", "漢字", "Dvořák", "  ", "x y z",
                                        "─", "→ 12.5", "long-word-without-spaces", ""};
    const int nw = (int)(sizeof words / sizeof *words);
    unsigned seed = 12345;
    int ok = 1;
    for (int round = 0; round < 200 && ok; round++) {
        report_doc d = {0}, l = {0}, r = {0};
        for (int step = 0; step < 40; step++) {
            seed = seed * 1103515245u + 12345u;
            unsigned k = (seed >> 8) % 9, w = (seed >> 16) % (unsigned)nw;
            report_doc *t = k % 3 == 0 ? &l : k % 3 == 1 ? &r : &d;
            switch (k) {
            case 0: rdoc_line(t); break;
            case 1: rdoc_add(t, words[w], (int)(seed & 1) * RA_BOLD); break;
            case 2: rdoc_addf(t, 0, "%s %d", words[w], (int)w); break;
            case 3: rdoc_pad(t, (int)(seed >> 24) % 30); break;
            case 4: rdoc_wrap(t, words[w], RA_DIM, 6 + (int)(seed >> 20) % 12, 2); break;
            case 5: rdoc_rule(t, (int)(seed >> 20) % 20, (int)(seed & 1), 0); break;
            case 6: rdoc_trim(t); break;
            case 7: rdoc_beside(&d, &l, &r, 14, 2); break;
            default: rdoc_append(&d, &l); break;
            }
            ok = ok && lines_consistent(&d) && lines_consistent(&l) && lines_consistent(&r);
        }
        report_doc_free(&d);
        report_doc_free(&l);
        report_doc_free(&r);
    }
    CHECK(ok);
}

static void test_spark(void)
{
    double v[] = {0, 50, 100};
    char *s = rspark(v, 3, 0, 100, 0);
    CHECK_STR(s, "▁▅█");
    free(s);
    s = rspark(v, 3, 0, 100, 1);
    CHECK_STR(s, "_~^");
    free(s);
    double flat[] = {7, 7};
    s = rspark(flat, 2, 7, 7, 1);
    CHECK_STR(s, "--");            /* no range: the middle level */
    free(s);
    /* Values outside the range are clamped, not read past the table. */
    double wild[] = {-5, 500};
    s = rspark(wild, 2, 0, 10, 0);
    CHECK_STR(s, "▁█");
    free(s);
}

static void test_spans_and_ansi(void)
{
    report_doc d = {0};
    rdoc_line(&d);
    rdoc_add(&d, "HHS ", 0);
    rdoc_add(&d, "Good", RA_GOOD);
    rdoc_add_untrusted(&d, "x\033[2Jy", RA_BOLD);
    CHECK_STR(d.line[0].text, "HHS Goodx^[[2Jy");
    CHECK_INT(d.line[0].n_span, 2);
    CHECK_INT(d.line[0].span[0].start, 4);
    CHECK_INT(d.line[0].span[0].len, 4);
    FILE *f = tmpfile();
    report_write(&d, f, 0);
    char *plain = slurp(f);
    CHECK_STR(plain, "HHS Goodx^[[2Jy\n");
    free(plain);
    fclose(f);
    f = tmpfile();
    report_write(&d, f, 1);
    char *ansi = slurp(f);
    CHECK_STR(ansi, "HHS \033[32mGood\033[0m\033[1mx^[[2Jy\033[0m\n");
    free(ansi);
    fclose(f);
    report_doc_free(&d);
}

static void test_beside(void)
{
    report_doc l = {0}, r = {0}, d = {0};
    rdoc_line(&l);
    rdoc_add(&l, "left", RA_BOLD);
    rdoc_line(&l);
    rdoc_add(&l, "two", 0);
    rdoc_line(&r);
    rdoc_add(&r, "right", RA_BAD);
    rdoc_beside(&d, &l, &r, 6, 2);
    CHECK_INT(d.n, 2);
    CHECK_STR(d.line[0].text, "left    right");
    CHECK_STR(d.line[1].text, "two");
    CHECK_INT(d.line[0].n_span, 2);
    CHECK_INT(d.line[0].span[1].start, 8);   /* the right span moved along */
    CHECK_INT(d.line[0].span[1].attr, RA_BAD);
    CHECK_INT(l.n + r.n, 0);
    report_doc_free(&d);
}

static void test_print_command(void)
{
    char dir[] = "/tmp/bedside-report-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char *args = xasprintf("%s/args", dir), *in = xasprintf("%s/in", dir);
    char *pwned = xasprintf("%s/pwned", dir);
    char *script = xasprintf("printf '%%s\\n' \"$@\" >%s; cat >%s", args, in);
    char *argv[] = {"sh", "-c", script, "sh", NULL};
    char *printer = xasprintf("a; touch %s", pwned);
    char *err = NULL;
    CHECK_INT(report_run_print_command(argv, printer, "page\f2\n", 7, &err), 0);
    char *got = read_file(args);
    char *want = xasprintf("-P\n%s\n", printer);
    CHECK_STR(got, want);
    free(got);
    free(want);
    got = read_file(in);
    CHECK_STR(got, "page\f2\n");
    free(got);
    CHECK(access(pwned, F_OK) != 0);    /* no shell read the printer name */

    char *missing[] = {"/nonexistent/lpr", NULL};
    CHECK_INT(report_run_print_command(missing, NULL, "x", 1, &err), -1);
    CHECK(err && strstr(err, "cannot run the print command '/nonexistent/lpr'"));
    free(err);
    err = NULL;
    char *failing[] = {"false", NULL};
    CHECK_INT(report_run_print_command(failing, NULL, "x", 1, &err), -1);
    CHECK(err && strstr(err, "failed (exit status 1)"));
    free(err);
    err = NULL;
    /* A command that reads nothing and exits 0 with a large input pending:
     * no SIGPIPE death, and an error saying the summary was not read. */
    char *deaf[] = {"true", NULL};
    size_t big = 1 << 20;
    char *text = xmalloc(big);
    memset(text, 'x', big);
    CHECK_INT(report_run_print_command(deaf, NULL, text, big, &err), -1);
    CHECK(err && strstr(err, "did not read"));
    free(err);
    free(text);
    char *none[] = {NULL};
    err = NULL;
    CHECK_INT(report_run_print_command(none, NULL, "x", 1, &err), -1);
    CHECK(err != NULL);
    free(err);

    unlink(args);
    unlink(in);
    rmdir(dir);
    free(args);
    free(in);
    free(pwned);
    free(script);
    free(printer);
}

int main(void)
{
    test_width();
    test_wrap();
    test_doc_kept_width();
    test_spark();
    test_spans_and_ansi();
    test_beside();
    test_print_command();
    return t_done();
}
