/* export_codebook.c — `export codebook`: one row per variable of the
 * exports (the analysis file's own columns, every kept field and score of
 * the forms, the survival file's columns), one row per option for coded
 * fields, with the stable numeric codes Stata and SPSS value labels need. */
#include <stdlib.h>
#include <string.h>

#include "export.h"

enum { C_VAR, C_FORM, C_LABEL, C_TYPE, C_UNIT, C_MIN, C_MAX, C_DECIMALS, C_CODE, C_VLABEL,
       C_NUM, C_SHOW, C_FROM, C_N };
static const char *const head[C_N] = {
    "variable", "form", "label", "type", "unit", "min", "max", "decimals", "code",
    "value_label", "numeric_code", "show_if", "derived_from",
};

static void num(char out[32], int has, double v)
{
    out[0] = '\0';
    if (has)
        snprintf(out, 32, "%.10g", v);
}

/* The field's show_if with its section's, as the form author wrote them. */
static char *show_if_of(const form *f, const form_field *fl)
{
    char *sec = form_expr_text(f->sec[fl->section].show_if);
    char *own = form_expr_text(fl->show_if);
    char *both = sec && own ? xasprintf("(%s) AND (%s)", sec, own) : NULL;
    if (both) {
        free(sec);
        free(own);
        return both;
    }
    return sec ? sec : own;
}

/* A field's rows; sep joins form id and field id in the variable's name
 * (NULL: the field id alone). */
static void put_field(FILE *out, const export_opts *o, const form *f, const form_field *fl,
                      const char *sep)
{
    const char *c[C_N] = {0};
    char var[200], lab[200], mn[32], mx[32], dec[16], code[16];
    snprintf(var, sizeof var, "%s%s%s", sep ? f->id : "", sep ? sep : "", fl->id);
    c[C_VAR] = var;
    c[C_FORM] = f->id;
    c[C_LABEL] = fl->label;
    c[C_TYPE] = form_type_name(fl->type);
    c[C_UNIT] = fl->unit;
    num(mn, fl->has_min, fl->min);
    num(mx, fl->has_max, fl->max);
    c[C_MIN] = mn;
    c[C_MAX] = mx;
    dec[0] = '\0';
    if (fl->type == FT_DECIMAL)
        snprintf(dec, sizeof dec, "%d", fl->decimals);
    c[C_DECIMALS] = dec;
    if (fl->type == FT_DATE && o->deidentify) {
        c[C_TYPE] = "integer";
        c[C_UNIT] = "days from the index date";
    }
    char *show = show_if_of(f, fl);
    c[C_SHOW] = show;
    if (fl->type == FT_CHOICE || fl->type == FT_MULTI) {
        for (int i = 0; i < fl->n_opt; i++) {
            snprintf(code, sizeof code, "%d", fl->opt[i].value);
            c[C_CODE] = fl->opt[i].code;
            c[C_VLABEL] = fl->opt[i].label;
            c[C_NUM] = code;
            export_row(out, c, C_N);
        }
    } else if (fl->type == FT_YESNO) {
        /* As REDCap's yesno: 1 yes, 0 no. */
        static const char *const yn[2][3] = {{"yes", "Yes", "1"}, {"no", "No", "0"}};
        for (int i = 0; i < 2; i++) {
            c[C_CODE] = yn[i][0];
            c[C_VLABEL] = yn[i][1];
            c[C_NUM] = yn[i][2];
            export_row(out, c, C_N);
        }
    } else {
        export_row(out, c, C_N);
    }
    if (o->labels && (fl->type == FT_CHOICE || fl->type == FT_MULTI || fl->type == FT_YESNO)) {
        snprintf(var, sizeof var, "%s%s%s_label", sep ? f->id : "", sep ? sep : "", fl->id);
        snprintf(lab, sizeof lab, "%s (option labels)", fl->label ? fl->label : fl->id);
        const char *l[C_N] = {var, f->id, lab, "text"};
        l[C_FROM] = fl->id;
        export_row(out, l, C_N);
    }
    free(show);
}

static void put_score(FILE *out, const export_opts *o, const form *f, const form_score *sc)
{
    char var[200], mn[32], mx[32], dec[16];
    snprintf(var, sizeof var, "%s%s%s", o->form ? "" : f->id, o->form ? "" : ".", sc->id);
    num(mn, sc->has_min, sc->min);
    num(mx, sc->has_max, sc->max);
    snprintf(dec, sizeof dec, "%d", sc->decimals);
    char *from = form_expr_inputs(f, sc->expr);
    const char *c[C_N] = {var, f->id, sc->label, "score", NULL, mn, mx, dec};
    c[C_FROM] = from;
    export_row(out, c, C_N);
    free(from);
}

int export_codebook(app *a, const export_opts *o, FILE *out)
{
    export_deid_note(a, o, "export codebook", 1);
    export_row(out, head, C_N);
    const char *name, *type, *label;
    for (int i = 0; (i = export_table_column(a, o, i, &name, &type, &label)) != 0;) {
        const char *c[C_N] = {name, "", label, type};
        export_row(out, c, C_N);
    }
    /* The enrolment answers named form_field: on every row of the analysis
     * file (but with --long, or for the form exported alone) and of the
     * survival file, which always has them all. */
    export_opts so = export_survival_opts(o);
    for (int k = 0, i = -1; export_enrol_next(a, &so, &k, &i);)
        put_field(out, o, a->forms.v[k], &a->forms.v[k]->field[i], "_");
    for (int k = 0; k < a->forms.n; k++) {
        const form *f = a->forms.v[k];
        if (!export_covers(o, f))
            continue;
        for (int i = 0; i < f->n_field; i++)
            if (export_keeps_field(o, &f->field[i]))
                put_field(out, o, f, &f->field[i], o->form ? NULL : ".");
        for (int i = 0; i < f->n_score; i++)
            put_score(out, o, f, &f->score[i]);
    }
    for (int i = 0; (i = export_survival_column(o, i, &name, &type, &label)) != 0;) {
        const char *c[C_N] = {name, "survival", label, type};
        export_row(out, c, C_N);
    }
    if (ferror(out)) {
        fprintf(stderr, "bedside: the codebook stopped: cannot write the output\n");
        return -1;
    }
    return 0;
}
