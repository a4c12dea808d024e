/* test_form_group.c — what a cohort can be grouped by: sex and side, every
 * choice field of an enrolment form by its id or FORM.FIELD, nothing else. */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "t.h"

static form *load(const char *yaml)
{
    diag d = {0};
    form *f = form_load_buffer("t.yaml", yaml, strlen(yaml), &d);
    diag_print(&d, stdout);
    diag_free(&d);
    CHECK(f != NULL);
    return f;
}

#define CHOICE(id) "      - {id: " id ", label: " id ", type: choice, options: [{code: a, label: A}, {code: b, label: B}]}\n"

int main(void)
{
    form *hip = load("id: hipe\ntitle: Hip\nversion: 1\nscope: hip\nenrolment: true\n"
                     "sections:\n  - title: S\n    fields:\n" CHOICE("stage") CHOICE("grade")
                     CHOICE("sex") "      - {id: size, label: Size, type: decimal}\n");
    form *pat = load("id: pate\ntitle: Patient\nversion: 1\nscope: patient\nenrolment: true\n"
                     "sections:\n  - title: S\n    fields:\n" CHOICE("grade") CHOICE("smoking"));
    form *visit = load("id: visit\ntitle: Visit\nversion: 1\nscope: hip\n"
                       "sections:\n  - title: S\n    fields:\n" CHOICE("pain"));
    if (!hip || !pat || !visit)
        return t_done();
    form *v[] = {hip, pat, visit};
    form_set s = {v, 3};
    form_group g;

    CHECK_INT(form_group_find(&s, "sex", &g), 0);        /* identity, not hipe.sex */
    CHECK_STR(g.identity, "sex");
    CHECK(g.f == NULL);
    CHECK_INT(form_group_find(&s, "side", &g), 0);
    CHECK_STR(g.identity, "side");
    CHECK_INT(form_group_find(&s, "stage", &g), 0);      /* unique: its id */
    CHECK(g.f == hip && g.field == 0 && !g.identity);
    CHECK_INT(form_group_find(&s, "smoking", &g), 0);    /* patient scope too */
    CHECK(g.f == pat && g.field == 1);
    CHECK_INT(form_group_find(&s, "grade", &g), -1);     /* in both: ambiguous */
    CHECK_INT(form_group_find(&s, "pate.grade", &g), 0);
    CHECK(g.f == pat && g.field == 0);
    CHECK_INT(form_group_find(&s, "hipe.grade", &g), 0);
    CHECK(g.f == hip && g.field == 1);
    CHECK_INT(form_group_find(&s, "hipe.sex", &g), 0);   /* the form's own sex */
    CHECK(g.f == hip && g.field == 2);
    CHECK_INT(form_group_find(&s, "hipe.stage", &g), 0); /* always accepted */
    CHECK_INT(form_group_find(&s, "size", &g), -1);      /* not a choice */
    CHECK_INT(form_group_find(&s, "pain", &g), -1);      /* not an enrolment form */
    CHECK_INT(form_group_find(&s, "visit.pain", &g), -1);
    CHECK_INT(form_group_find(&s, "pate.stage", &g), -1);
    CHECK_INT(form_group_find(&s, "colour", &g), -1);
    CHECK_INT(form_group_find(&s, ".stage", &g), -1);
    CHECK_INT(form_group_find(&s, "stage.", &g), -1);
    CHECK_INT(form_group_find(&s, "", &g), -1);

    /* The list: every name find accepts, shortest form, in the forms' order. */
    char *list = form_group_list(&s);
    CHECK_STR(list, "sex, side, stage, hipe.grade, hipe.sex, pate.grade, smoking");
    free(list);
    int n;
    char **names = form_group_names(&s, &n);
    CHECK_INT(n, 7);
    for (int i = 0; i < n; i++) {
        CHECK_INT(form_group_find(&s, names[i], &g), 0);
        free(names[i]);
    }
    free(names);
    form_set empty = {NULL, 0};
    list = form_group_list(&empty);
    CHECK_STR(list, "sex, side");
    free(list);
    form_free(hip);
    form_free(pat);
    form_free(visit);
    return t_done();
}
