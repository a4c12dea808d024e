/* export_csv.c — rows of RFC 4180 cells (util's csv_cell, with the formula
 * guard), and the small value rules every export shares (dates, ages, which
 * fields go out, what de-identification says it removed). */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "store_export.h"

void export_row(FILE *out, const char *const *cell, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            putc(',', out);
        csv_cell(out, cell[i]);
    }
    fputs("\r\n", out);
}

int export_keeps_field(const export_opts *o, const form_field *fl)
{
    if (fl->type == FT_NOTE)
        return 0;
    return fl->type != FT_TEXT || !o->deidentify || o->keep_text;
}

int export_covers(const export_opts *o, const form *f)
{
    return !o->form || strcmp(o->form, f->id) == 0;
}

int export_enrol_next(const app *a, const export_opts *o, int *k, int *field)
{
    for (; *k < a->forms.n; (*k)++, *field = -1) {
        const form *f = a->forms.v[*k];
        if (!f->enrolment || (o->form && strcmp(o->form, f->id) == 0))
            continue;
        while (++*field < f->n_field)
            if (export_keeps_field(o, &f->field[*field]))
                return 1;
    }
    return 0;
}

void export_date(const export_opts *o, int date, int index_date, char out[16])
{
    out[0] = '\0';
    if (date < 0)
        return;
    if (!o->deidentify)
        date_format(date, out);
    else if (index_date >= 0)
        snprintf(out, 16, "%d", date - index_date);
}

const char *export_date_text(const export_opts *o, const char *text, int index_date,
                             char out[16])
{
    if (!text || !o->deidentify)
        return text;
    int d;
    if (date_parse(text, &d) != 0)
        return NULL;
    export_date(o, d, index_date, out);
    return out;
}

void export_age(int born, int index_date, char out[16])
{
    out[0] = '\0';
    if (index_date < 0 || index_date < born)   /* born may be before 1970: negative */
        return;
    /* Days / 365.25, cut (not rounded) to one decimal, so that nobody is a
     * year older in the file than on the day. */
    int tenths = (int)((index_date - born) * 10.0 / 365.25 + 1e-9);
    snprintf(out, 16, "%d.%d", tenths / 10 % 100000, tenths % 10);
}

int export_deid_begin(app *a, const export_opts *o, const char *what, int forms)
{
    if (!o->deidentify)
        return 0;
    char *err = NULL;
    if (store_study_ids(a->db, &err) < 0) {
        fprintf(stderr, "bedside: cannot give study ids: %s\n", err ? err : "?");
        free(err);
        return -1;
    }
    export_deid_note(a, o, what, forms);
    return 0;
}

void export_deid_note(app *a, const export_opts *o, const char *what, int forms)
{
    if (!o->deidentify)
        return;
    fprintf(stderr,
            "bedside: %s de-identified: MRN, name and birth date left out; patients are "
            "study ids (S0001...); dates are days from the hip's index date; "
            "who entered a record and when left out\n",
            what);
    if (o->keep_text || !forms)
        return;
    sbuf b = {0};
    if (forms == EXPORT_NOTE_FORMS)
        sbuf_add(&b, "amendment reasons");
    for (int k = 0; k < a->forms.n; k++) {
        const form *f = a->forms.v[k];
        if (!f->enrolment && (forms == EXPORT_NOTE_ENROL || !export_covers(o, f)))
            continue;   /* enrolment: on every row */
        for (int i = 0; i < f->n_field; i++)
            if (f->field[i].type == FT_TEXT)
                sbuf_printf(&b, "%s%s.%s", b.len ? ", " : "", f->id, f->field[i].id);
    }
    if (b.len)
        fprintf(stderr, "bedside: free text left out (--keep-text keeps it): %s\n", b.s);
    sbuf_free(&b);
}
