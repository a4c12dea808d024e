/* test_ytree.c — the strict YAML reader: every refusal with its exact
 * position, and the schema helpers. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "ytree.h"

/* Parse s; return the first message (static copy) or "" when it parsed. */
static const char *first_problem(const char *s, size_t len, ynode **out)
{
    static char msg[512];
    diag d = {0};
    ynode *n = ytree_load_buffer("t.yaml", s, len, &d);
    snprintf(msg, sizeof msg, "%s", d.n ? d.msg[0] : "");
    if (out)
        *out = n;
    else
        ytree_free(n);
    if (n && d.n)
        printf("     parsed but reported: %s\n", msg);
    diag_free(&d);
    return msg;
}

static const char *p(const char *s)
{
    return first_problem(s, strlen(s), NULL);
}

static void test_tree(void)
{
    ynode *n = NULL;
    const char *src = "a: 1\nb: \"1\"\nc:\n  - x\n  - {k: v}\n";
    const char *m = first_problem(src, strlen(src), &n);
    CHECK_STR(m, "");
    CHECK(n && n->type == YT_MAP && n->n == 3);
    if (!n)
        return;
    const ynode *a = ytree_get(n, "a"), *b = ytree_get(n, "b"), *c = ytree_get(n, "c");
    CHECK(a && a->plain && strcmp(a->str, "1") == 0);
    CHECK(b && !b->plain && strcmp(b->str, "1") == 0);
    CHECK(c && c->type == YT_SEQ && c->n == 2);
    CHECK_INT(c->line, 4);
    CHECK_INT(c->col, 3);
    CHECK_INT(c->item[1]->type, YT_MAP);
    CHECK_INT(c->item[1]->col, 5);
    CHECK_INT(ytree_key(n, "b")->line, 2);
    CHECK(ytree_get(n, "zz") == NULL);
    ytree_free(n);
}

static void test_refusals(void)
{
    CHECK_STR(p("a: 1\nb: 2\na: 3\n"), "t.yaml:3:1: duplicate key 'a' (first at line 1)");
    CHECK_STR(p("x:\n  k: 1\n  k: 2\n"), "t.yaml:3:3: duplicate key 'k' (first at line 2)");
    CHECK_STR(p("a: &x 1\nb: 2\n"), "t.yaml:1:4: anchors are not allowed ('&x')");
    CHECK_STR(p("a: 1\nb: *x\n"), "t.yaml:2:4: aliases are not allowed ('*x')");
    CHECK_STR(p("&a [*a]\n"), "t.yaml:1:1: anchors are not allowed ('&a')");
    CHECK_STR(p("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\n"),
              "t.yaml:1:4: anchors are not allowed ('&a')");
    CHECK_STR(p("a: 1\n---\nb: 2\n"), "t.yaml:2:1: only one YAML document is allowed per file");
    CHECK_STR(first_problem("", 0, NULL), "t.yaml:1:1: empty file");
    CHECK_STR(p("# nothing but a comment\n\n"), "t.yaml:1:1: empty file (no YAML document)");
    CHECK_STR(p("a:\n\tb: 1\n"), "t.yaml:2:1: tab used for indentation (indent with spaces)");
    CHECK_STR(p("a:\n  b: 1\n  \tc: 2\n"),
              "t.yaml:3:3: tab used for indentation (indent with spaces)");
    /* The column counts characters: "é" is one. */
    CHECK_STR(p("a: 1\nbé: x\xff\n"), "t.yaml:2:6: invalid UTF-8 (byte 0xFF); save the file as UTF-8");
    CHECK_STR(p("\xc0\xaf: 1\n"), "t.yaml:1:1: invalid UTF-8 (byte 0xC0); save the file as UTF-8");
    CHECK_STR(p("a: 1\nb: x\x1b[31m\n"),
              "t.yaml:2:5: YAML syntax error: control characters are not allowed (character 0x1B)");
    CHECK_STR(p("\xef\xbb\xbf" "a: 1\n"), "");   /* a UTF-8 byte-order mark is fine */
    CHECK_STR(p("\xef\xbb\xbf" "a: 1\na: 2\n"), "t.yaml:2:1: duplicate key 'a' (first at line 1)");
    CHECK_STR(p("\xef\xbb\xbf" "x\x01: 1\n"),
              "t.yaml:1:2: YAML syntax error: control characters are not allowed (character 0x01)");
    CHECK_STR(first_problem("\xef\xbb\xbf", 3, NULL), "t.yaml:1:1: empty file");
    CHECK_STR(p("[a]: 1\n"), "t.yaml:1:1: mapping keys must be plain text");
    /* A key after a non-scalar one (found by fuzzing: compared a NULL string). */
    CHECK_STR(p("? {a: 1}\n: 1\nb: 2\n"), "t.yaml:1:3: mapping keys must be plain text");
    CHECK_STR(p("a: !!str 1\n"), "t.yaml:1:4: tags are not allowed ('tag:yaml.org,2002:str')");
    CHECK_STR(p("a: \"x\\0y\"\n"), "t.yaml:1:4: text must not contain a NUL character");
    CHECK_STR(p("a: [1, 2\n"),
              "t.yaml:2:1: YAML syntax error: did not find expected ',' or ']' "
              "(while parsing a flow sequence at line 1, column 4)");
    CHECK_STR(p("a: 1\n b: 2\n"), "t.yaml:2:3: YAML syntax error: mapping values are not "
                                  "allowed in this context");
    char deep[200] = {0};
    for (int i = 0; i < 40; i++)
        deep[i] = '[';
    for (int i = 40; i < 80; i++)
        deep[i] = ']';
    CHECK_STR(p(deep), "t.yaml:1:33: nesting deeper than 32 levels");
    deep[32] = '\0';   /* 32 levels deep is still fine */
    for (int i = 0; i < 32; i++)
        deep[32 + i] = ']';
    deep[64] = '\0';
    CHECK_STR(p(deep), "");
    /* Too many keys: refused before the duplicate search gets slow. */
    sbuf many = {0};
    for (int i = 0; i < 1200; i++)
        sbuf_printf(&many, "k%d: 1\n", i);
    CHECK_STR(p(many.s), "t.yaml:1001:1: more than 1000 keys in one mapping");
    sbuf_free(&many);
    for (int i = 0; i < 10001; i++)
        sbuf_add(&many, "- 1\n");
    CHECK_STR(p(many.s), "t.yaml:10001:3: more than 10000 items in one list");
    sbuf_free(&many);
    /* Too large: refused before parsing, whatever the content. */
    size_t big = YTREE_MAX_BYTES + 1;
    char *buf = malloc(big);
    memset(buf, 'a', big);
    CHECK_STR(first_problem(buf, big, NULL),
              "t.yaml:1:1: file is too large (1048577 bytes; at most 1048576)");
    free(buf);
    /* Several problems in one file are all reported. */
    diag d = {0};
    const char *two = "a: 1\na: 2\nb: &x 3\n";
    ytree_free(ytree_load_buffer("t.yaml", two, strlen(two), &d));
    CHECK_INT(d.n, 2);
    diag_free(&d);
}

static void test_file(void)
{
    diag d = {0};
    CHECK(ytree_load_file("/nonexistent/x.yaml", &d) == NULL);
    CHECK(d.n == 1 && strstr(d.msg[0], "/nonexistent/x.yaml:1:1: cannot open"));
    diag_free(&d);
    char path[] = "/tmp/test_ytree_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    /* A sparse 50 MB file: refused from its size alone, without reading. */
    CHECK(ftruncate(fd, 50L * 1024 * 1024) == 0);
    close(fd);
    CHECK(ytree_load_file(path, &d) == NULL);
    CHECK(d.n == 1 && strstr(d.msg[0], ":1:1: file is too large (52428800 bytes"));
    diag_free(&d);
    unlink(path);
}

/* A tree is carved from blocks its root owns: long lists (arrays regrown
 * many times), a scalar larger than a block, and a failure after thousands
 * of nodes (everything built so far is freed: the sanitizer build checks
 * for leaks). A file is read whole, whatever its size. */
static void test_big(void)
{
    sbuf b = {0};
    sbuf_add(&b, "items:\n");
    for (int i = 0; i < 5000; i++)
        sbuf_printf(&b, "  - {id: item%d, n: %d}\n", i, i);
    sbuf_add(&b, "long: ");
    for (int i = 0; i < 40000; i++)
        sbuf_addc(&b, (char)('a' + i % 26));
    sbuf_add(&b, "\nlast: end\n");
    diag d = {0};
    ynode *n = ytree_load_buffer("big.yaml", b.s, b.len, &d);
    CHECK_INT(d.n, 0);
    CHECK(n && n->type == YT_MAP && n->n == 3);
    const ynode *items = ytree_get(n, "items"), *lg = ytree_get(n, "long");
    CHECK(items && items->type == YT_SEQ && items->n == 5000);
    if (items && items->n == 5000) {
        CHECK_STR(ytree_get(items->item[4999], "id")->str, "item4999");
        CHECK_INT(items->item[4999]->line, 5001);
        CHECK_STR(ytree_get(items->item[0], "n")->str, "0");
    }
    CHECK(lg && strlen(lg->str) == 40000 && lg->str[39999] == 'a' + 39999 % 26);
    CHECK_STR(ytree_get(n, "last")->str, "end");
    ytree_free(n);

    char path[] = "/tmp/test_ytree_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, b.s, b.len) == (ssize_t)b.len);
    close(fd);
    n = ytree_load_file(path, &d);
    CHECK(n && d.n == 0 && strcmp(ytree_get(n, "last")->str, "end") == 0);
    ytree_free(n);
    unlink(path);

    sbuf_add(&b, "bad: [unclosed\n");
    n = ytree_load_buffer("big.yaml", b.s, b.len, &d);
    CHECK(n == NULL);
    CHECK(d.n == 1 && strstr(d.msg[0], "big.yaml:5005:1: YAML syntax error") &&
          strstr(d.msg[0], "flow sequence at line 5004"));
    diag_free(&d);
    sbuf_free(&b);
}

static void test_helpers(void)
{
    const char *src =
        "s: text\nlist: [a, b]\none: x\nnum: 2.5\nhex: 0x10\nnan: .nan\nq: \"3\"\n"
        "i: 7\nbig: 99\nb: true\nbb: yes\nempty:\nmap: {k: v}\nneg: -4\nexp: 1e3\n";
    diag d = {0};
    ynode *n = ytree_load_buffer("h.yaml", src, strlen(src), &d);
    CHECK(n != NULL);
    if (!n)
        return;
    ycheck c = {.file = "h.yaml", .d = &d};
    char *s = NULL;
    CHECK_INT(ytree_str(&c, n, "s", 1, &s), 0);
    CHECK_STR(s, "text");
    free(s);
    CHECK_INT(ytree_str(&c, n, "absent", 0, &s), 1);
    CHECK_INT(ytree_str(&c, n, "empty", 0, &s), 1);
    CHECK_INT(d.n, 0);
    CHECK_INT(ytree_str(&c, n, "absent", 1, &s), -1);
    CHECK_STR(d.msg[0], "h.yaml:1:1: missing required key 'absent'");
    CHECK_INT(ytree_str(&c, n, "empty", 1, &s), -1);
    CHECK_STR(d.msg[1], "h.yaml:12:7: 'empty' has no value");
    CHECK_INT(ytree_str(&c, n, "map", 1, &s), -1);
    CHECK_STR(d.msg[2], "h.yaml:13:6: 'map' must be text");
    diag_free(&d);

    long l = 0;
    CHECK_INT(ytree_int(&c, n, "i", 1, 0, 10, &l), 0);
    CHECK_INT(l, 7);
    CHECK_INT(ytree_int(&c, n, "neg", 1, -10, 10, &l), 0);
    CHECK_INT(l, -4);
    CHECK_INT(ytree_int(&c, n, "big", 1, 0, 10, &l), -1);
    CHECK_STR(d.msg[0], "h.yaml:9:6: 'big' must be between 0 and 10");
    CHECK_INT(ytree_int(&c, n, "q", 1, 0, 10, &l), -1);   /* quoted is text */
    CHECK_STR(d.msg[1], "h.yaml:7:4: 'q' must be an integer");
    CHECK_INT(ytree_int(&c, n, "num", 1, 0, 10, &l), -1);
    diag_free(&d);

    double x = 0;
    CHECK_INT(ytree_num(&c, n, "num", 1, &x), 0);
    CHECK_NEAR(x, 2.5);
    CHECK_INT(ytree_num(&c, n, "exp", 1, &x), 0);
    CHECK_NEAR(x, 1000);
    CHECK_INT(ytree_num(&c, n, "hex", 1, &x), -1);
    CHECK_INT(ytree_num(&c, n, "nan", 1, &x), -1);
    CHECK_STR(d.msg[1], "h.yaml:6:6: 'nan' must be a number");
    diag_free(&d);

    int b = 0;
    CHECK_INT(ytree_bool(&c, n, "b", 1, &b), 0);
    CHECK_INT(b, 1);
    CHECK_INT(ytree_bool(&c, n, "bb", 1, &b), -1);
    CHECK_STR(d.msg[0], "h.yaml:11:5: 'bb' must be true or false");
    diag_free(&d);

    char **list = NULL;
    size_t ln = 0;
    CHECK_INT(ytree_strlist(&c, n, "list", 1, &list, &ln), 0);
    CHECK_INT(ln, 2);
    CHECK(list && strcmp(list[1], "b") == 0 && list[2] == NULL);
    ytree_strlist_free(list);
    CHECK_INT(ytree_strlist(&c, n, "one", 1, &list, &ln), 0);
    CHECK(ln == 1 && strcmp(list[0], "x") == 0);
    ytree_strlist_free(list);
    CHECK_INT(ytree_strlist(&c, n, "map", 1, &list, &ln), -1);
    diag_free(&d);

    static const char *const allowed[] = {"s", "list", "one", "num", "hex", "nan", "q",
                                          "i", "big", "b", "bb", "empty", "neg", NULL};
    CHECK_INT(ytree_keys(&c, n, allowed, "the test"), 2);
    CHECK_STR(d.msg[0], "h.yaml:13:1: unknown key 'map' in the test");
    diag_free(&d);
    ytree_free(n);
}

/* A tree as text: every node's type, position, quoting and value. */
static void dump(sbuf *b, const ynode *n)
{
    sbuf_printf(b, "(%d %d:%d", (int)n->type, n->line, n->col);
    if (n->type == YT_SCALAR)
        sbuf_printf(b, " %d '%s'", n->plain, n->str);
    for (size_t i = 0; i < n->n; i++) {
        if (n->type == YT_MAP)
            dump(b, n->key[i]);
        dump(b, n->item[i]);
    }
    sbuf_addc(b, ')');
}

static char *dumped(const ynode *n)
{
    sbuf b = {0};
    dump(&b, n);
    return sbuf_take(&b);
}

/* Bytes of one node, built by hand (the format of ytree_encode). */
static void raw32(sbuf *b, uint32_t v)
{
    sbuf_addn(b, (const char *)&v, sizeof v);
}

/* A node's head: its type, line and column, then for a list or mapping its
 * count, for a scalar its quoting (plain). */
static void raw_head(sbuf *b, uint32_t type, uint32_t line, uint32_t n)
{
    raw32(b, type);
    raw32(b, line);
    raw32(b, 1);
    raw32(b, n);
}

static void raw_scalar(sbuf *b, const char *s, size_t len)
{
    raw_head(b, YT_SCALAR, 1, 1);
    raw32(b, (uint32_t)len);
    sbuf_addn(b, s, len);
}

static int decodes(const sbuf *b)
{
    ynode *n = ytree_decode((const unsigned char *)b->s, b->len);
    ytree_free(n);
    return n != NULL;
}

/* The tree the forms cache keeps for the configuration: back as parsed,
 * and only a tree the parser could have made from any other bytes. */
static void test_codec(void)
{
    const char *src = "a: 1\nb: \"1\"\nc:\n  - x\n  - {k: v, \"\": ''}\n  - []\n"
                      "d: {}\ne: caf\u00e9 \u2014 \u00e5\nf:\n  g:\n    h: [1, [2, [3]]]\n";
    ynode *n = NULL;
    CHECK_STR(first_problem(src, strlen(src), &n), "");
    if (!n)
        return;
    size_t len = 0;
    unsigned char *enc = ytree_encode(n, &len);
    ynode *back = ytree_decode(enc, len);
    CHECK(back != NULL);
    char *want = dumped(n), *got = back ? dumped(back) : NULL;
    CHECK_STR(got, want);
    free(got);
    ytree_free(back);
    int prefixes = 0;   /* every shorter read, and one byte more, refused */
    for (size_t k = 0; k < len; k++)
        prefixes += ytree_decode(enc, k) == NULL;
    CHECK_INT(prefixes, (long)len);
    unsigned char *more = xmalloc(len + 1);
    memcpy(more, enc, len);
    more[len] = 0;
    CHECK(ytree_decode(more, len + 1) == NULL);
    free(more);
    /* Bytes changed at random: refused, or a tree that encodes back to them. */
    uint32_t seed = 99;
    int refused = 0, same = 0;
    unsigned char *b = xmalloc(len);
    for (int round = 0; round < 2000; round++) {
        memcpy(b, enc, len);
        for (int k = 0; k <= round % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            b[(seed >> 8) % len] = (unsigned char)(seed >> 20);
        }
        ynode *t = ytree_decode(b, len);
        if (!t) {
            refused++;
            continue;
        }
        size_t n2 = 0;
        unsigned char *again = ytree_encode(t, &n2);
        same += n2 == len && memcmp(again, b, len) == 0;
        free(again);
        ytree_free(t);
    }
    CHECK(refused > 0);
    CHECK_INT(refused + same, 2000);
    free(b);
    free(enc);
    free(want);
    ytree_free(n);

    sbuf s = {0};
    raw_scalar(&s, "ok", 2);
    CHECK(decodes(&s));
    sbuf_free(&s);
    raw_scalar(&s, "a\0b", 3);   /* a NUL inside */
    CHECK(!decodes(&s));
    sbuf_free(&s);
    raw_scalar(&s, "\xc3\x28", 2);   /* not UTF-8 */
    CHECK(!decodes(&s));
    sbuf_free(&s);
    raw_head(&s, 3, 1, 0);   /* no such type */
    CHECK(!decodes(&s));
    sbuf_free(&s);
    raw_head(&s, YT_SEQ, 0, 0);   /* line 0 */
    CHECK(!decodes(&s));
    sbuf_free(&s);
    /* A mapping: the same key twice, then a list as a key. */
    for (int kind = 0; kind < 2; kind++) {
        raw_head(&s, YT_MAP, 1, 2);
        raw_scalar(&s, "k", 1);
        raw_scalar(&s, "v", 1);
        if (kind == 0) {
            raw_scalar(&s, "k", 1);
        } else {
            raw_head(&s, YT_SEQ, 1, 0);
        }
        raw_scalar(&s, "w", 1);
        CHECK(!decodes(&s));
        sbuf_free(&s);
    }
    /* Nesting: YTREE_MAX_DEPTH levels decode, one more does not. */
    for (int extra = 0; extra < 2; extra++) {
        for (int d = 0; d < YTREE_MAX_DEPTH - 1 + extra; d++) {
            raw_head(&s, YT_SEQ, 1, 1);
        }
        raw_scalar(&s, "deep", 4);
        CHECK_INT(decodes(&s), !extra);
        sbuf_free(&s);
    }
    /* More items than a list may hold, or than the bytes could carry. */
    raw_head(&s, YT_SEQ, 1, YTREE_MAX_ITEMS + 1);
    for (int i = 0; i <= YTREE_MAX_ITEMS; i++)
        raw_scalar(&s, "", 0);
    CHECK(!decodes(&s));
    sbuf_free(&s);
    raw_head(&s, YT_SEQ, 1, 1000);
    raw_scalar(&s, "", 0);
    CHECK(!decodes(&s));
    sbuf_free(&s);
}

int main(void)
{
    test_tree();
    test_refusals();
    test_file();
    test_big();
    test_helpers();
    test_codec();
    return t_done();
}
