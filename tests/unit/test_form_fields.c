/* test_form_fields.c — show_if, check and required for every field type,
 * input parsing and canonical values, pruning and the sandbox functions. */
#include <stdlib.h>

#include "form.h"
#include "form_internal.h"
#include "t.h"

static const char *const src =
    "id: every\n"
    "title: Every type\n"
    "version: 3\n"
    "scope: patient\n"
    "sections:\n"
    "  - title: Gate\n"
    "    fields:\n"
    "      - {id: gate, label: Gate, type: yesno}\n"
    "      - {id: lim, label: Limit, type: integer}\n"
    "  - title: All\n"
    "    show_if: gate = 1\n"
    "    fields:\n"
    "      - id: c\n"
    "        label: Choice\n"
    "        type: choice\n"
    "        required: true\n"
    "        show_if: lim IS NULL OR lim > 0\n"
    "        check: c <> 'bad'\n"
    "        check_message: not the bad one\n"
    "        options: [{code: good}, {code: bad}]\n"
    "      - id: m\n"
    "        label: Multi\n"
    "        type: multi\n"
    "        required: true\n"
    "        check: count_selected(m) <= 2\n"
    "        options: [{code: none, exclusive: true}, {code: a}, {code: b}, {code: c}]\n"
    "      - {id: y, label: Yes/no, type: yesno, required: true, check: y = 1}\n"
    "      - {id: i, label: Int, type: integer, required: true, min: -5, max: 10,\n"
    "         unit: kg, check: 'i <= lim'}\n"
    "      - {id: d, label: Dec, type: decimal, required: true, min: 0, max: 5,\n"
    "         decimals: 1, check: d <> 2.5}\n"
    "      - {id: t, label: Text, type: text, required: true, max_length: 5,\n"
    "         check: \"t <> 'no'\"}\n"
    "      - {id: dt, label: Date, type: date, required: true,\n"
    "         check: \"dt >= '2020-01-01'\"}\n"
    "      - {id: n, label: A note, type: note, show_if: \"selected(m, 'c')\"}\n"
    "      - {id: dep, label: Depends on c, type: text, show_if: \"c = 'good'\"}\n";

static form *f;

static int idx(const char *id)
{
    int i = form_field_index(f, id);
    CHECK(i >= 0);
    return i;
}

/* Set and return the canonical value, or "ERR: message". */
static const char *put(form_answers *a, const char *id, const char *text)
{
    static char out[300];
    char err[250];
    if (form_answer_set(a, idx(id), text, err, sizeof err) < 0)
        snprintf(out, sizeof out, "ERR: %s", err);
    else
        snprintf(out, sizeof out, "%s", a->val[idx(id)] ? a->val[idx(id)] : "(null)");
    return out;
}

typedef struct {
    char ids[512];
    int n;
} probs;

static void collect(void *ctx, const char *id, const char *msg)
{
    probs *p = ctx;
    p->n++;
    size_t l = strlen(p->ids);
    snprintf(p->ids + l, sizeof p->ids - l, "%s%s", l ? " " : "", id);
}

static void test_parsing(void)
{
    form_answers *a = form_answers_new(f);
    put(a, "gate", "yes");
    /* choice */
    CHECK_STR(put(a, "c", " good "), "good");
    CHECK_STR(put(a, "c", "GOOD"), "good");
    CHECK_STR(put(a, "c", "x"), "ERR: unknown option 'x' (choose good, bad)");
    CHECK_STR(put(a, "c", "bad"), "ERR: not the bad one ('bad')");
    CHECK_STR(a->val[idx("c")], "good");            /* unchanged after a refusal */
    /* multi: canonical order is option order */
    CHECK_STR(put(a, "m", "b, a"), "a,b");
    CHECK_STR(put(a, "m", "a,a"), "a");
    CHECK_STR(put(a, "m", "none, b"), "ERR: 'none' cannot be combined with 'b'");
    CHECK_STR(put(a, "m", "a,,b"), "ERR: empty option between commas");
    CHECK_STR(put(a, "m", "a,b,c"), "ERR: is not accepted by the form's check ('a,b,c')");
    CHECK_STR(put(a, "m", "zz"), "ERR: unknown option 'zz' (choose none, a, b, c)");
    CHECK_STR(put(a, "m", "none"), "none");
    /* yesno */
    const char *yes[] = {"yes", "Y", "1", "TRUE", "true"};
    for (int k = 0; k < 5; k++)
        CHECK_STR(put(a, "gate", yes[k]), "yes");
    CHECK_STR(put(a, "y", "maybe"), "ERR: must be yes or no");
    CHECK_STR(put(a, "y", "no"), "ERR: is not accepted by the form's check ('no')");
    CHECK_STR(put(a, "y", "y"), "yes");
    /* integer; the check `i <= lim` passes while lim is NULL */
    CHECK_STR(put(a, "i", "+7"), "7");
    CHECK_STR(put(a, "i", "-5"), "-5");
    CHECK_STR(put(a, "i", "11"), "ERR: must be between -5 and 10");
    CHECK_STR(put(a, "i", "7.0"), "ERR: must be a whole number");
    CHECK_STR(put(a, "i", "1e3"), "ERR: must be a whole number");
    put(a, "lim", "3");
    CHECK_STR(put(a, "i", "4"), "ERR: is not accepted by the form's check ('4')");
    CHECK_STR(put(a, "i", "3"), "3");
    /* decimal */
    CHECK_STR(put(a, "d", "1"), "1.0");
    CHECK_STR(put(a, "d", "1,5"), "1.5");
    CHECK_STR(put(a, "d", ".5"), "0.5");
    CHECK_STR(put(a, "d", "1.25"), "ERR: at most 1 decimal");
    CHECK_STR(put(a, "d", "5.1"), "ERR: must be between 0 and 5");
    CHECK_STR(put(a, "d", "abc"), "ERR: must be a number");
    CHECK_STR(put(a, "d", "2.5"), "ERR: is not accepted by the form's check ('2.5')");
    CHECK_STR(put(a, "d", "-0"), "0.0");          /* no negative zero */
    /* text: as typed, counted in characters */
    CHECK_STR(put(a, "t", " héé "), " héé ");     /* 5 characters, 7 bytes */
    CHECK_STR(put(a, "t", "toolong"), "ERR: must be at most 5 characters (this is 7)");
    CHECK_STR(put(a, "t", "a\xff"), "ERR: is not valid UTF-8 text");
    /* nothing a terminal would obey; a line break is text */
    CHECK_STR(put(a, "t", "a\nb"), "a\nb");
    CHECK_STR(put(a, "t", "a\x1b[2J"), "ERR: has a control character or an invisible formatting "
              "character at character 2 (only line breaks are allowed)");
    CHECK(strncmp(put(a, "t", "ab\tc"), "ERR: has a control", 18) == 0);
    CHECK(strncmp(put(a, "t", "a\r\nb"), "ERR: has a control", 18) == 0);
    CHECK(strncmp(put(a, "t", "é\xc2\x9b"), "ERR: has a control", 18) == 0);       /* C1 CSI */
    CHECK(strncmp(put(a, "t", "\xe2\x80\xae" "ab"), "ERR: has a control", 18) == 0); /* RLO */
    CHECK(strncmp(put(a, "t", "a\xe2\x80\x8b" "b"), "ERR: has a control", 18) == 0); /* ZWSP */
    CHECK_STR(put(a, "t", "no"), "ERR: is not accepted by the form's check ('no')");
    /* date */
    CHECK_STR(put(a, "dt", "2026-02-28"), "2026-02-28");
    CHECK_STR(put(a, "dt", "2026-02-30"), "ERR: must be a date as YYYY-MM-DD");
    CHECK_STR(put(a, "dt", "2026-2-3"), "ERR: must be a date as YYYY-MM-DD");
    CHECK_STR(put(a, "dt", "2019-12-31"), "ERR: is not accepted by the form's check ('2019-12-31')");
    /* note */
    CHECK_STR(put(a, "n", "x"), "ERR: a note cannot be answered");
    /* blank clears */
    CHECK_STR(put(a, "t", "   "), "(null)");
    char *disp = form_answer_display(a, idx("i"));
    CHECK_STR(disp, "3 kg");
    free(disp);
    put(a, "m", "b,a");
    disp = form_answer_display(a, idx("m"));
    CHECK_STR(disp, "a, b");
    free(disp);
    disp = form_answer_display(a, idx("gate"));
    CHECK_STR(disp, "Yes");
    free(disp);
    form_answers_free(a);
}

static void test_visibility(void)
{
    form_answers *a = form_answers_new(f);
    /* Section show_if NULL (gate unanswered) hides every field in it. */
    for (int i = idx("c"); i < f->n_field; i++)
        CHECK(!form_field_visible(a, i));
    probs p = {0};
    CHECK_INT(form_validate(a, collect, &p), 0);   /* hidden required: no problem */
    put(a, "gate", "no");
    CHECK(!form_field_visible(a, idx("y")));
    put(a, "gate", "yes");
    for (int i = idx("c"); i < idx("n"); i++)
        CHECK(form_field_visible(a, i));
    CHECK(!form_field_visible(a, idx("n")));       /* selected(NULL, 'c') is NULL */
    p = (probs){0};
    CHECK_INT(form_validate(a, collect, &p), 7);   /* every type reports required */
    CHECK_STR(p.ids, "c m y i d t dt");
    put(a, "m", "c");
    CHECK(form_field_visible(a, idx("n")));
    /* A field-level show_if: lim 0 hides c. */
    put(a, "c", "good");
    put(a, "dep", "kept?");
    CHECK(form_field_visible(a, idx("dep")));
    put(a, "lim", "0");
    CHECK(!form_field_visible(a, idx("c")));
    /* c hidden -> its answer drops -> dep (shown when c = 'good') drops too. */
    CHECK(!form_field_visible(a, idx("dep")));
    CHECK_INT(form_answers_prune(a), 2);
    CHECK(a->val[idx("c")] == NULL && a->val[idx("dep")] == NULL);
    CHECK_STR(a->val[idx("m")], "c");
    /* Closing the gate drops everything behind it. */
    put(a, "gate", "no");
    CHECK_INT(form_answers_prune(a), 1);
    CHECK_INT(form_answers_count(a), 2);
    form_answers_free(a);
}

static void test_validate(void)
{
    form_answers *a = form_answers_new(f);
    /* Stored values are re-checked: a resumed draft may be stale. */
    form_answer_load(a, idx("gate"), "yes");
    form_answer_load(a, idx("c"), "bad");
    form_answer_load(a, idx("m"), "a,zz");
    form_answer_load(a, idx("y"), "yes");
    form_answer_load(a, idx("i"), "99");
    form_answer_load(a, idx("d"), "1.0");
    form_answer_load(a, idx("t"), "ok");
    form_answer_load(a, idx("dt"), "2026-01-01");
    probs p = {0};
    CHECK_INT(form_validate(a, collect, &p), 3);
    CHECK_STR(p.ids, "c m i");
    form_answer_load(a, idx("c"), "good");
    form_answer_load(a, idx("m"), "a");
    form_answer_load(a, idx("i"), "1");
    p = (probs){0};
    CHECK_INT(form_validate(a, collect, &p), 0);
    /* A stored value is the text an entry saves, not just any text that
     * parses: "1,0" (saved under a decimal-comma locale before 47b6ca0),
     * "1" for one decimal, "+1" or "01" for an integer are not. */
    const char *bad_d[] = {"1,0", "1", "01.0"}, *bad_i[] = {"+1", "01"};
    for (size_t k = 0; k < sizeof bad_d / sizeof *bad_d; k++) {
        form_answer_load(a, idx("d"), bad_d[k]);
        p = (probs){0};
        CHECK_INT(form_validate(a, collect, &p), 1);
        CHECK_STR(p.ids, "d");
    }
    form_answer_load(a, idx("d"), "1.0");
    for (size_t k = 0; k < sizeof bad_i / sizeof *bad_i; k++) {
        form_answer_load(a, idx("i"), bad_i[k]);
        p = (probs){0};
        CHECK_INT(form_validate(a, collect, &p), 1);
        CHECK_STR(p.ids, "i");
    }
    char err[300];
    form_answer_load(a, idx("d"), "1,0");
    CHECK_INT(form_answer_recheck(a, idx("d"), err, sizeof err), -1);
    CHECK_STR(err, "\"1,0\" is not written as an entry saves it (\"1.0\")");
    /* A carriage return read back never reaches the message raw. */
    form_answer_load(a, idx("d"), "1.0\r");
    CHECK_INT(form_answer_recheck(a, idx("d"), err, sizeof err), -1);
    CHECK_STR(err, "\"1.0^M\" is not written as an entry saves it (\"1.0\")");
    form_answer_load(a, idx("i"), "1");
    form_answer_load(a, idx("d"), "1.0");
    p = (probs){0};
    CHECK_INT(form_validate(a, collect, &p), 0);
    form_answers_free(a);
}

static void test_defaults_and_scores(void)
{
    const char *y =
        "id: sc\ntitle: S\nversion: 1\nscope: hip\nsections:\n"
        "  - title: S\n    fields:\n"
        "      - {id: x, label: X, type: integer, default: 4}\n"
        "      - {id: ok, label: OK, type: yesno, default: false}\n"
        "      - {id: pick, label: P, type: multi, default: 'b,a',\n"
        "         options: [{code: a}, {code: b}]}\n"
        "scores:\n"
        "  - {id: half, label: Half, expr: x / 2.0, decimals: 1, min: 0, max: 2}\n"
        "  - {id: twice, label: Twice, expr: half * 2, decimals: 0}\n"
        "  - {id: neg, label: Neg, expr: -x / 8.0, decimals: 1}\n"
        "  - {id: txt, label: T, expr: \"'abc'\"}\n";
    diag d = {0};
    form *g = form_load_buffer("sc.yaml", y, strlen(y), &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(g != NULL);
    if (!g)
        return;
    form_answers *a = form_answers_new(g);
    form_answers_defaults(a);
    CHECK_STR(a->val[0], "4");
    CHECK_STR(a->val[1], "no");
    CHECK_STR(a->val[2], "a,b");
    double v[4];
    int null[4];
    form_compute(a, v, null);
    CHECK(!null[0] && !null[1]);
    CHECK_NEAR(v[0], 2);
    CHECK_NEAR(v[1], 4);
    CHECK_NEAR(v[2], -0.5);                  /* -0.5: half away from zero */
    CHECK(null[3]);                          /* text is not a score */
    char err[100];
    CHECK_INT(form_answer_set(a, 0, "5", err, sizeof err), 0);
    form_compute(a, v, null);
    CHECK_NEAR(v[0], 2.5);
    probs p = {0};
    CHECK_INT(form_validate(a, collect, &p), 1);   /* 2.5 is above half's max */
    CHECK_STR(p.ids, "half");
    form_answers_free(a);
    form_free(g);
}

/* For each type on its own: a field-level show_if, required and check. */
static void test_each_type(void)
{
    static const struct {
        const char *type, *extra, *check, *good, *bad;
    } ty[] = {
        {"choice", "options: [{code: a}, {code: b}]", "v = 'a'", "a", "b"},
        {"multi", "options: [{code: a}, {code: b}]", "selected(v, 'a')", "a,b", "b"},
        {"yesno", "", "v = 1", "yes", "no"},
        {"integer", "min: 0, max: 9", "v % 2 = 0", "4", "3"},
        {"decimal", "decimals: 2, max: 9", "v < 5", "4.25", "5.5"},
        {"text", "max_length: 9", "length(v) > 2", "abc", "ab"},
        {"date", "", "v < '2030-01-01'", "2026-06-15", "2031-01-01"},
    };
    for (size_t k = 0; k < sizeof ty / sizeof *ty; k++) {
        char *y = xasprintf(
            "id: one\ntitle: One\nversion: 1\nscope: hip\nsections:\n  - title: S\n"
            "    fields:\n      - {id: gate, label: G, type: yesno}\n"
            "      - {id: v, label: V, type: %s, required: true, show_if: gate = 1,\n"
            "         check: \"%s\"%s%s}\n",
            ty[k].type, ty[k].check, ty[k].extra[0] ? ", " : "", ty[k].extra);
        diag d = {0};
        form *g = form_load_buffer("one.yaml", y, strlen(y), &d);
        diag_print(&d, stdout);
        diag_free(&d);
        free(y);
        t_check(g != NULL, ty[k].type, __FILE__, __LINE__);
        if (!g)
            continue;
        form_answers *a = form_answers_new(g);
        char err[200];
        probs p = {0};
        t_check(!form_field_visible(a, 1), ty[k].type, __FILE__, __LINE__);   /* NULL gate */
        t_check(form_validate(a, collect, &p) == 0, ty[k].type, __FILE__, __LINE__);
        form_answer_set(a, 0, "yes", err, sizeof err);
        t_check(form_field_visible(a, 1), ty[k].type, __FILE__, __LINE__);
        p = (probs){0};
        t_check(form_validate(a, collect, &p) == 1 && strcmp(p.ids, "v") == 0, ty[k].type,
                __FILE__, __LINE__);
        t_check(form_answer_set(a, 1, ty[k].bad, err, sizeof err) == -1, ty[k].bad, __FILE__,
                __LINE__);
        t_check(form_answer_set(a, 1, ty[k].good, err, sizeof err) == 0, ty[k].good, __FILE__,
                __LINE__);
        p = (probs){0};
        t_check(form_validate(a, collect, &p) == 0, ty[k].type, __FILE__, __LINE__);
        form_answer_set(a, 0, "no", err, sizeof err);
        t_check(!form_field_visible(a, 1), ty[k].type, __FILE__, __LINE__);
        t_check(form_answers_prune(a) == 1 && a->val[1] == NULL, ty[k].type, __FILE__, __LINE__);
        form_answers_free(a);
        form_free(g);
    }
}

int main(void)
{
    test_each_type();
    diag d = {0};
    f = form_load_buffer("every.yaml", src, strlen(src), &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    if (!f)
        return t_done();
    CHECK_INT(f->version, 3);
    CHECK_INT(f->n_sec, 2);
    test_parsing();
    test_visibility();
    test_validate();
    test_defaults_and_scores();
    form_free(f);
    return t_done();
}
