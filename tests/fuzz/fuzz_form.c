/* fuzz_form.c — libFuzzer target: any bytes as a form file. Loading must
 * never crash, leak or hang; a form that loads is also exercised (defaults,
 * one answer per field, visibility, scores, validation, summary). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const char *id, const char *msg)
{
    (void)ctx, (void)id, (void)msg;
}

static void exercise(const form *f)
{
    form_answers *a = form_answers_new(f);
    form_answers_defaults(a);
    char err[256];
    for (int i = 0; i < f->n_field; i++) {
        const form_field *fl = &f->field[i];
        const char *v = fl->n_opt ? fl->opt[0].code : fl->def ? fl->def : "1";
        form_answer_set(a, i, v, err, sizeof err);
        free(form_answer_display(a, i));
        form_field_visible(a, i);
    }
    double *val = calloc((size_t)f->n_score + 1, sizeof *val);
    int *null = calloc((size_t)f->n_score + 1, sizeof *null);
    if (val && null) {
        form_compute(a, val, null);
        for (int k = 0; k < f->n_score; k++) {
            char buf[32];
            if (!null[k]) {
                form_score_format(&f->score[k], val[k], buf);
                form_score_band(&f->score[k], val[k]);
            }
        }
    }
    free(val);
    free(null);
    free(form_summary(a));
    form_validate(a, ignore, NULL);
    form_answers_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag d = {0};
    form *f = form_load_buffer("fuzz.yaml", (const char *)data, size, &d);
    if (f)
        exercise(f);
    form_free(f);
    diag_free(&d);
    return 0;
}
