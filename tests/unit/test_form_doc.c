/* test_form_doc.c — the example in bedside-forms(5) loads and behaves as the
 * page says, so the documentation cannot drift from the code. */
#include <stdlib.h>

#include "form.h"
#include "t.h"

/* The first literal block after ".Sh EXAMPLES" in the man page; caller frees. */
static char *example(void)
{
    FILE *fp = fopen("man/bedside-forms.5", "r");
    if (!fp)
        return NULL;
    sbuf page = {0};
    char line[1024];
    while (fgets(line, sizeof line, fp))
        sbuf_add(&page, line);
    fclose(fp);
    char *res = NULL;
    const char *ex = page.s ? strstr(page.s, "\n.Sh EXAMPLES\n") : NULL;
    const char *bd = ex ? strstr(ex, "\n.Bd -literal -offset indent\n") : NULL;
    if (bd) {
        bd += strlen("\n.Bd -literal -offset indent\n");
        const char *ed = strstr(bd, "\n.Ed\n");
        if (ed)
            res = xstrndup(bd, (size_t)(ed - bd) + 1);
    }
    sbuf_free(&page);
    return res;
}

static void set(form_answers *a, const char *id, const char *v)
{
    char err[200];
    int rc = form_answer_set(a, form_field_index(a->f, id), v, err, sizeof err);
    if (rc)
        printf("     %s=%s: %s\n", id, v, err);
    CHECK_INT(rc, 0);
}

int main(void)
{
    char *y = example();
    CHECK(y != NULL);
    if (!y)
        return t_done();
    diag d = {0};
    form *f = form_load_buffer("bedside-forms.5", y, strlen(y), &d);
    diag_print(&d, stdout);
    diag_free(&d);
    free(y);
    CHECK(f != NULL);
    if (!f)
        return t_done();
    CHECK_STR(f->id, "ohs_short");
    form_answers *a = form_answers_new(f);
    set(a, "pain", "mild");
    set(a, "washing", "little");
    set(a, "limping", "sometimes");
    set(a, "walking_min", "20");
    double v[2];
    int null[2];
    form_compute(a, v, null);
    CHECK(!null[1]);
    CHECK_NEAR(v[1], 11);                       /* 2 + 3 + 3 + 3 */
    CHECK_STR(form_score_band(&f->score[1], v[1]), "Mild to moderate");
    int dose = form_field_index(f, "opioid_mg");
    CHECK(!form_field_visible(a, dose));
    set(a, "analgesics", "opioid, paracetamol");
    CHECK(form_field_visible(a, dose));
    char err[200];
    CHECK_INT(form_answer_set(a, dose, "0", err, sizeof err), -1);
    CHECK_STR(err, "give the daily dose, or untick opioid ('0.0')");
    set(a, "opioid_mg", "30");
    char *s = form_summary(a);
    CHECK_STR(s, "Taking opioids: 30.0 mg/day");
    free(s);
    form_answer_clear(a, form_field_index(f, "walking_min"));
    form_compute(a, v, null);
    CHECK(null[0] && null[1]);                  /* missing, not 0 */
    form_answers_free(a);
    form_free(f);
    return t_done();
}
