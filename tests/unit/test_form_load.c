/* test_form_load.c — every class of loader error with the exact line and
 * column it reports, and the sandbox's refusals (tables, writes, ATTACH,
 * PRAGMA, recursion, side-effect functions, runaway evaluation). */
#include <stdlib.h>
#include <time.h>

#include "form.h"
#include "t.h"

/* Lines 1-8; a case's own lines start at 9. */
#define HEAD                                                                   \
    "id: t\n"                                                                  \
    "title: T\n"                                                               \
    "version: 1\n"                                                             \
    "scope: hip\n"                                                             \
    "sections:\n"                                                              \
    "  - title: S\n"                                                           \
    "    fields:\n"                                                            \
    "      - {id: a, label: A, type: integer}\n"

static diag d;

static int load(const char *yaml)
{
    diag_free(&d);
    form *f = form_load_buffer("t.yaml", yaml, strlen(yaml), &d);
    int ok = f != NULL;
    form_free(f);
    return ok;
}

/* The form is refused with exactly this message among its problems. */
static void refused(const char *yaml, const char *want, int line)
{
    int ok = load(yaml);
    int found = 0;
    for (size_t i = 0; i < d.n; i++)
        found |= strcmp(d.msg[i], want) == 0;
    if (!found) {
        printf("     want: %s\n", want);
        for (size_t i = 0; i < d.n; i++)
            printf("     got:  %s\n", d.msg[i]);
    }
    t_check(!ok && found, want, __FILE__, line);
}
#define REFUSED(y, w) refused((y), (w), __LINE__)

static void test_good(void)
{
    CHECK(load(HEAD));
    CHECK_INT(d.n, 0);
}

static void test_keys_and_types(void)
{
    REFUSED(HEAD "      - id: b\n        label: B\n        type: yesno\n        requird: true\n",
            "t.yaml:12:9: unknown key 'requird' in field 'b'");
    REFUSED(HEAD "titel: x\n", "t.yaml:9:1: unknown key 'titel' in the form");
    REFUSED(HEAD "  - title: U\n    feilds: []\n",
            "t.yaml:10:5: unknown key 'feilds' in section 'U'");
    REFUSED(HEAD "      - {id: b, label: B, type: choice, options: [{code: x, pionts: 1}]}\n",
            "t.yaml:9:61: unknown key 'pionts' in option 'x' of field 'b'");
    REFUSED(HEAD "scores:\n  - {id: s, expr: a, trnd: true}\n",
            "t.yaml:10:22: unknown key 'trnd' in score 's'");
    REFUSED("id: t\ntitle: T\nversion: one\nscope: hip\nsections: []\n",
            "t.yaml:3:10: 'version' must be an integer");
    REFUSED("id: t\ntitle: T\nversion: \"1\"\nscope: hip\nsections: []\n",
            "t.yaml:3:10: 'version' must be an integer");
    REFUSED("id: t\ntitle: T\nversion: 1\nscope: ward\nsections: []\n",
            "t.yaml:4:8: 'scope' must be hip or patient, not 'ward'");
    REFUSED("id: t\ntitle: T\nversion: 1\nscope: hip\nsections: []\n",
            "t.yaml:5:11: 'sections' must be a non-empty list");
    REFUSED("id: t\nversion: 1\nscope: hip\nsections: []\n",
            "t.yaml:1:1: missing required key 'title'");
    REFUSED(HEAD "      - {id: b, label: B, type: yesno, required: yes}\n",
            "t.yaml:9:50: 'required' must be true or false");
    REFUSED(HEAD "      - {id: b, label: B, type: bool}\n",
            "t.yaml:9:33: field 'b': unknown type 'bool' (choose choice, multi, yesno, "
            "integer, decimal, text, date or note)");
    REFUSED(HEAD "      - {id: b, type: text}\n", "t.yaml:9:9: missing required key 'label'");
    REFUSED(HEAD "      - {id: b, label: B, type: integer, min: low}\n",
            "t.yaml:9:47: 'min' must be a number");
    REFUSED(HEAD "      - {id: b, label: B, type: text, max_length: 0}\n",
            "t.yaml:9:51: 'max_length' must be between 1 and 100000");
    REFUSED("- just\n- a list\n",
            "t.yaml:1:1: a form must be a YAML mapping (id:, title:, sections:, ...)");
}

static void test_ids(void)
{
    REFUSED(HEAD "      - {id: a, label: Again, type: text}\n",
            "t.yaml:9:14: duplicate id 'a' (first used at line 8)");
    REFUSED(HEAD "scores:\n  - {id: a, expr: a}\n",
            "t.yaml:10:10: duplicate id 'a' (first used at line 8)");
    REFUSED(HEAD "scores:\n  - {id: s, expr: a}\n  - {id: s, expr: a}\n",
            "t.yaml:11:10: duplicate id 's' (first used at line 10)");
    REFUSED(HEAD "      - {id: Pain, label: B, type: text}\n",
            "t.yaml:9:14: field id 'Pain' must match [a-z][a-z0-9_]*");
    REFUSED(HEAD "      - {id: order, label: B, type: text}\n",
            "t.yaml:9:14: field id 'order' is an SQL keyword; choose another id");
    REFUSED(HEAD "scores:\n  - {id: select, expr: a}\n",
            "t.yaml:10:10: score id 'select' is an SQL keyword; choose another id");
    REFUSED("id: 9t\ntitle: T\nversion: 1\nscope: hip\nsections: []\n",
            "t.yaml:1:5: form id '9t' must match [a-z][a-z0-9_]*");
}

static void test_options_and_ranges(void)
{
    REFUSED(HEAD "      - {id: b, label: B, type: choice, options: [{code: x}, {code: x}]}\n",
            "t.yaml:9:69: field 'b': duplicate option code 'x'");
    REFUSED(HEAD "      - {id: b, label: B, type: choice, options: []}\n",
            "t.yaml:9:50: field 'b': 'options' must be a non-empty list");
    REFUSED(HEAD "      - {id: b, label: B, type: multi}\n",
            "t.yaml:9:9: field 'b': a multi field needs 'options'");
    REFUSED(HEAD "      - {id: b, label: B, type: integer, options: [{code: x}]}\n",
            "t.yaml:9:42: field 'b': 'options' only applies to choice and multi fields");
    REFUSED(HEAD "      - {id: b, label: B, type: choice, options: [{code: x, exclusive: true}]}\n",
            "t.yaml:9:61: option 'x' of field 'b': 'exclusive' only applies to multi fields");
    REFUSED(HEAD "      - {id: b, label: B, type: choice, options: [{code: x, points: 1}, {code: y}]}\n",
            "t.yaml:9:50: field 'b': either every option has points or none has");
    REFUSED(HEAD "      - {id: b, label: B, type: choice, options: [{code: \"X y\"}]}\n",
            "t.yaml:9:58: field 'b': option code 'X y' must be lower-case letters, digits and _");
    REFUSED(HEAD "      - {id: b, label: B, type: integer, min: 10, max: 5}\n",
            "t.yaml:9:47: field 'b': min (10) is greater than max (5)");
    REFUSED(HEAD "      - {id: b, label: B, type: integer, min: 0.5}\n",
            "t.yaml:9:47: field 'b': 'min' must be a whole number");
    REFUSED(HEAD "      - {id: b, label: B, type: integer, decimals: 1}\n",
            "t.yaml:9:42: field 'b': 'decimals' only applies to decimal fields");
    REFUSED(HEAD "      - {id: b, label: B, type: yesno, default: maybe}\n",
            "t.yaml:9:49: field 'b': default 'maybe': must be yes or no");
    REFUSED(HEAD "      - {id: b, label: B, type: note, required: true}\n",
            "t.yaml:9:49: field 'b': a note cannot be required");
    REFUSED(HEAD "scores:\n  - {id: s, expr: a, min: 5, max: 1}\n",
            "t.yaml:10:27: score 's': min (5) is greater than max (1)");
    REFUSED(HEAD "scores:\n  - id: s\n    expr: a\n    bands:\n      - {min: 10, label: Lo}\n"
                 "      - {min: 20, label: Hi}\n",
            "t.yaml:14:15: score 's': bands must be listed from the highest min down "
            "(20 after 10)");
    REFUSED(HEAD "ends_follow_up: a\n",
            "t.yaml:9:17: 'ends_follow_up' must name a date field of this form, not 'a'");
    REFUSED(HEAD "summary: {show: sometimes, expr: a}\n",
            "t.yaml:9:17: summary: 'show' must be all, latest or alert");
}

static void test_expressions(void)
{
    REFUSED(HEAD "      - {id: b, label: B, type: yesno, show_if: painn = 1}\n",
            "t.yaml:9:49: field 'b': show_if: unknown field 'painn'");
    REFUSED(HEAD "      - {id: b, label: B, type: yesno, check: b = = 1}\n",
            "t.yaml:9:47: field 'b': check: not a valid SQL expression: near \"=\": syntax error");
    /* A show_if sees fields only; a score sees fields and earlier scores. */
    REFUSED(HEAD "      - {id: b, label: B, type: yesno, show_if: s > 1}\n"
                 "scores:\n  - {id: s, expr: a}\n",
            "t.yaml:9:49: field 'b': show_if: unknown field 's'");
    REFUSED(HEAD "scores:\n  - {id: s, expr: later}\n  - {id: later, expr: a}\n",
            "t.yaml:10:19: score 's': expr: unknown field 'later'");
    CHECK(load(HEAD "scores:\n  - {id: s, expr: a}\n  - {id: u, expr: s + a}\n"));
    REFUSED(HEAD "scores:\n  - {id: s, expr: nosuchfn(a)}\n",
            "t.yaml:10:19: score 's': expr: unknown function 'nosuchfn'");
    /* Columns of a subquery are not table reads (SQLite does not ask the
     * authorizer about them), so nested SELECTs and plain CTEs still work. */
    CHECK(load(HEAD "scores:\n  - {id: s, expr: \"(SELECT x + a FROM (SELECT 2 AS x))\"}\n"));
    CHECK(load(HEAD "scores:\n  - {id: s, expr: \"(WITH k(x) AS (SELECT 3) SELECT x FROM k)\"}\n"));
    CHECK(load(HEAD "scores:\n  - {id: s, expr: \"(SELECT max(column1) FROM (VALUES (1), (a)))\"}\n"));
    /* The sandbox: no table of any kind, no write, no ATTACH or PRAGMA. */
    const char *sm = "expressions may not read tables (reads 'sqlite_master')";
    char want[300];
    snprintf(want, sizeof want, "t.yaml:10:19: score 's': expr: %s", sm);
    REFUSED(HEAD "scores:\n  - {id: s, expr: (SELECT count(*) FROM sqlite_master)}\n", want);
    REFUSED(HEAD "scores:\n  - {id: s, expr: (SELECT 1 FROM sqlite_schema)}\n",
            "t.yaml:10:19: score 's': expr: expressions may not read tables (reads "
            "'sqlite_schema')");
    REFUSED(HEAD "scores:\n  - {id: s, expr: (SELECT 1 FROM sqlite_temp_master)}\n",
            "t.yaml:10:19: score 's': expr: expressions may not read tables (reads "
            "'sqlite_temp_master')");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"(SELECT count(*) FROM json_each('[1]'))\"}\n",
            "t.yaml:10:19: score 's': expr: expressions may not read tables (reads "
            "'json_each')");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"(SELECT 1 FROM pragma_table_info('x'))\"}\n",
            "t.yaml:10:19: score 's': expr: expressions may not read tables or "
            "table-valued functions");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"1) FROM (SELECT 1); DROP TABLE x; SELECT (1\"}\n",
            "t.yaml:10:19: score 's': expr: must be a single SQL expression (no ';')");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"1) FROM (SELECT 1); ATTACH 'x.db' AS y; --\"}\n",
            "t.yaml:10:19: score 's': expr: must be a single SQL expression (no ';')");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"1; DROP TABLE x\"}\n",
            "t.yaml:10:19: score 's': expr: not a valid SQL expression: near \";\": syntax error");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"(WITH x AS (INSERT INTO t VALUES (1)) SELECT 1)\"}\n",
            "t.yaml:10:19: score 's': expr: not a valid SQL expression: near \"INSERT\": syntax "
            "error");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"random()\"}\n",
            "t.yaml:10:19: score 's': expr: function 'random' is not allowed");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"load_extension('/tmp/x')\"}\n",
            "t.yaml:10:19: score 's': expr: function 'load_extension' is not allowed");
    REFUSED(HEAD "scores:\n  - {id: s, expr: \"(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL "
                 "SELECT n + 1 FROM c) SELECT max(n) FROM c)\"}\n",
            "t.yaml:10:19: score 's': expr: recursive queries are not allowed");
    /* Every problem of a file, not only the first. */
    load(HEAD "      - {id: b, label: B, type: yesno, requird: true, show_if: zz}\n"
              "titel: x\n");
    CHECK_INT(d.n, 3);
}

static void test_limits(void)
{
    sbuf b = {0};
    sbuf_add(&b, HEAD);
    for (int i = 0; i < 1000; i++)
        sbuf_printf(&b, "      - {id: f%d, label: F, type: text}\n", i);
    REFUSED(b.s, "t.yaml:6:3: a form may have at most 1000 fields (this one has 1001)");
    sbuf_free(&b);
    sbuf_add(&b, HEAD);
    for (int i = 0; i < 150; i++)
        sbuf_printf(&b, "      - {id: f%d, label: F, type: text, bad: 1}\n", i);
    REFUSED(b.s, "t.yaml:1:1: too many problems; only the first 100 are shown");
    CHECK_INT(d.n, 101);
    CHECK_STR(d.msg[0], "t.yaml:9:40: unknown key 'bad' in field 'f0'");
    sbuf_free(&b);
}

static void test_runaway(void)
{
    /* A cross join of VALUES lists reads no table but would run for ages:
     * the progress handler stops it, and the score is NULL. */
    sbuf b = {0};
    sbuf_add(&b, HEAD "scores:\n  - id: s\n    expr: >-\n      (SELECT count(*) FROM ");
    for (int t = 0; t < 4; t++) {
        sbuf_printf(&b, "%s(VALUES ", t ? ", " : "");
        for (int i = 0; i < 300; i++)
            sbuf_printf(&b, "%s(%d)", i ? "," : "", i);
        sbuf_printf(&b, ") v%d", t);
    }
    sbuf_add(&b, ")\n");
    diag_free(&d);
    form *f = form_load_buffer("t.yaml", b.s, b.len, &d);
    diag_print(&d, stdout);
    sbuf_free(&b);
    CHECK(f != NULL);
    if (!f)
        return;
    form_answers *a = form_answers_new(f);
    double v;
    int null = 0;
    time_t t0 = time(NULL);
    form_compute(a, &v, &null);
    CHECK(null);
    CHECK(time(NULL) - t0 < 5);
    form_answers_free(a);
    form_free(f);
}

int main(void)
{
    test_good();
    test_keys_and_types();
    test_ids();
    test_options_and_ranges();
    test_expressions();
    test_limits();
    test_runaway();
    diag_free(&d);
    return t_done();
}
