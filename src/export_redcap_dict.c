/* export_redcap_dict.c — the REDCap data dictionary: variable names that
 * are unique, lower-case and at most 26 characters (a field id clashing
 * with another form's takes its form's id as prefix), REDCap field types
 * and validations from the form's, and show_if as branching logic where it
 * is a plain comparison of fields (else a note in the annotation). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "export_redcap.h"

static const char *const hip_names[RH_N] = {
    "record_id", "patient_id", "side", "sex", "age_at_index", "index_date",
};
static const char *const hip_labels[RH_N] = {
    "Record ID (one per hip)", "Patient", "Side", "Sex", "Age at index (years)",
    "Index date (day 0)",
};

int rc_covers(const export_opts *o, const form *f)
{
    return export_covers(o, f) || f->enrolment;
}

const char *rc_form_name(app *a, int fk)
{
    return fk < 0 ? RC_HIP_FORM : a->forms.v[fk]->id;
}

static int taken(const rc_vars *vs, const char *name)
{
    for (int i = 0; i < vs->n; i++)
        if (strcmp(vs->v[i].name, name) == 0)
            return 1;
    return 0;
}

/* How many forms (and the hip instrument) have a variable called id. */
static int uses(app *a, const export_opts *o, const char *id)
{
    int n = 0;
    for (int i = 0; i < RH_N; i++)
        n += strcmp(hip_names[i], id) == 0;
    for (int k = 0; k < a->forms.n; k++) {
        const form *f = a->forms.v[k];
        if (!rc_covers(o, f))
            continue;
        int here = 0;
        for (int i = 0; i < f->n_field; i++)
            here |= export_keeps_field(o, &f->field[i]) && strcmp(f->field[i].id, id) == 0;
        for (int i = 0; i < f->n_score; i++)
            here |= strcmp(f->score[i].id, id) == 0;
        n += here;
    }
    return n;
}

/* Lower-case letters, digits and _, starting with a letter, at most 26;
 * a clash after cutting gets a number at the end. */
static void add_var(rc_vars *vs, const char *prefix, const char *id, int fk, int field,
                    int score)
{
    char base[200];
    snprintf(base, sizeof base, "%s%s%s", prefix ? prefix : "", prefix ? "_" : "", id);
    char name[RC_NAME_MAX + 1];
    size_t j = 0;
    for (const char *p = base; *p && j < RC_NAME_MAX; p++)
        name[j++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    name[j] = '\0';
    for (int k = 2; taken(vs, name); k++) {
        char tail[12];
        int t = snprintf(tail, sizeof tail, "_%d", k);
        size_t keep = j + (size_t)t > RC_NAME_MAX ? RC_NAME_MAX - (size_t)t : j;
        snprintf(name + keep, sizeof name - keep, "%s", tail);
    }
    rc_var *v = &vs->v[vs->n++];
    memcpy(v->name, name, sizeof v->name);
    v->form = fk;
    v->field = field;
    v->score = score;
}

void rc_vars_build(app *a, const export_opts *o, rc_vars *vs)
{
    int cap = RH_N;
    for (int k = 0; k < a->forms.n; k++)
        cap += a->forms.v[k]->n_field + a->forms.v[k]->n_score;
    vs->v = xcalloc((size_t)cap + 1, sizeof *vs->v);
    vs->first = xcalloc((size_t)a->forms.n + 1, sizeof *vs->first);
    vs->count = xcalloc((size_t)a->forms.n + 1, sizeof *vs->count);
    vs->n = 0;
    vs->first[a->forms.n] = 0;
    for (int i = 0; i < RH_N; i++)
        if (!(o->deidentify && i == RH_INDEX))
            add_var(vs, NULL, hip_names[i], -1, i, -1);
    vs->count[a->forms.n] = vs->n;
    for (int k = 0; k < a->forms.n; k++) {
        const form *f = a->forms.v[k];
        vs->first[k] = vs->n;
        if (!rc_covers(o, f))
            continue;
        for (int i = 0; i < f->n_field; i++)
            if (export_keeps_field(o, &f->field[i]))
                add_var(vs, uses(a, o, f->field[i].id) > 1 ? f->id : NULL, f->field[i].id, k, i,
                        -1);
        for (int i = 0; i < f->n_score; i++)
            add_var(vs, uses(a, o, f->score[i].id) > 1 ? f->id : NULL, f->score[i].id, k, -1, i);
        vs->count[k] = vs->n - vs->first[k];
    }
}

void rc_vars_free(rc_vars *vs)
{
    free(vs->v);
    free(vs->first);
    free(vs->count);
    memset(vs, 0, sizeof *vs);
}

/* The variable of field id in form k, or NULL. */
static const rc_var *var_of(const rc_vars *vs, int k, const char *id, app *a)
{
    const form *f = a->forms.v[k];
    for (int i = vs->first[k]; i < vs->first[k] + vs->count[k]; i++)
        if (vs->v[i].field >= 0 && strcmp(f->field[vs->v[i].field].id, id) == 0)
            return &vs->v[i];
    return NULL;
}

/* show_if as REDCap branching logic: comparisons of a field with a quoted
 * or numeric literal, joined by and/or and parentheses. A choice's code
 * becomes its numeric code, yes/no 1/0. Anything else (functions, IS NULL,
 * arithmetic, multi fields): NULL, and the caller notes it. */
static char *branching(app *a, const rc_vars *vs, int k, const char *src)
{
    const form *f = a->forms.v[k];
    sbuf b = {0};
    const form_field *lhs = NULL;   /* the field of the comparison being read */
    int expect = 0;                 /* 0 operand/paren, 1 operator, 2 literal, 3 and/or/) */
    const char *p = src;
    while (*p) {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (isalpha((unsigned char)*p) || *p == '_') {
            const char *s = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            char word[64];
            snprintf(word, sizeof word, "%.*s", (int)(p - s), s);
            if (expect == 3 && (strcasecmp(word, "and") == 0 || strcasecmp(word, "or") == 0)) {
                sbuf_printf(&b, " %c%s ", tolower((unsigned char)word[0]), word[0] == 'a' || word[0] == 'A' ? "nd" : "r");
                expect = 0;
                continue;
            }
            int fi = expect == 0 ? form_field_index(f, word) : -1;
            const rc_var *v = fi >= 0 ? var_of(vs, k, word, a) : NULL;
            if (!v || f->field[fi].type == FT_MULTI)
                goto no;
            lhs = &f->field[fi];
            sbuf_printf(&b, "[%s]", v->name);
            expect = 1;
        } else if (*p == '(' && expect == 0) {
            sbuf_addc(&b, '(');
            p++;
        } else if (*p == ')' && expect == 3) {
            sbuf_addc(&b, ')');
            p++;
        } else if (expect == 1 && strchr("=<>!", *p)) {
            const char *s = p;
            while (*p && strchr("=<>!", *p))
                p++;
            size_t n = (size_t)(p - s);
            const char *op = n == 1 && *s == '=' ? "=" : n == 2 && s[0] == '=' && s[1] == '=' ? "="
                           : n == 2 && (strncmp(s, "<>", 2) == 0 || strncmp(s, "!=", 2) == 0) ? "<>"
                           : n == 1 && *s == '<' ? "<" : n == 1 && *s == '>' ? ">"
                           : n == 2 && strncmp(s, "<=", 2) == 0 ? "<="
                           : n == 2 && strncmp(s, ">=", 2) == 0 ? ">=" : NULL;
            if (!op)
                goto no;
            sbuf_printf(&b, " %s ", op);
            expect = 2;
        } else if (expect == 2 && (*p == '\'' || isdigit((unsigned char)*p) || *p == '-')) {
            char lit[200];
            size_t n = 0;
            if (*p == '\'') {
                for (p++; *p && !(*p == '\'' && p[1] != '\''); p++) {
                    if (*p == '\'')
                        p++;
                    if (n < sizeof lit - 1)
                        lit[n++] = *p;
                }
                if (*p != '\'')
                    goto no;
                p++;
            } else {
                while (*p && (isdigit((unsigned char)*p) || *p == '.' || *p == '-'))
                    if (n < sizeof lit - 1)
                        lit[n++] = *p++;
            }
            lit[n] = '\0';
            char code[200];
            snprintf(code, sizeof code, "%s", lit);
            if (lhs->type == FT_CHOICE) {
                int oi = form_option_index(lhs, lit);
                if (oi < 0)
                    goto no;
                snprintf(code, sizeof code, "%d", lhs->opt[oi].value);
            } else if (lhs->type == FT_YESNO) {
                if (strcmp(lit, "yes") != 0 && strcmp(lit, "no") != 0)
                    goto no;
                snprintf(code, sizeof code, "%d", strcmp(lit, "yes") == 0);
            }
            if (strchr(code, '\'') || strchr(code, '"'))
                goto no;
            sbuf_printf(&b, "'%s'", code);
            expect = 3;
        } else {
            goto no;
        }
    }
    if (expect == 3) {
        /* Balanced parentheses, or SQLite would not have accepted it. */
        return sbuf_take(&b);
    }
no:
    sbuf_free(&b);
    return NULL;
}

static void choices(sbuf *b, const form_field *fl)
{
    for (int i = 0; i < fl->n_opt; i++)
        sbuf_printf(b, "%s%d, %s", i ? " | " : "", fl->opt[i].value, fl->opt[i].label);
}

static const char *number_validation(int decimals)
{
    static const char *const v[] = {"integer", "number_1dp", "number_2dp", "number_3dp",
                                    "number_4dp"};
    return decimals >= 0 && decimals <= 4 ? v[decimals] : "number";
}

enum { D_NAME, D_FORM, D_SECTION, D_TYPE, D_LABEL, D_CHOICES, D_NOTE, D_VALID, D_MIN, D_MAX,
       D_IDENT, D_BRANCH, D_REQUIRED, D_ALIGN, D_QNUM, D_MATRIX, D_RANK, D_ANNOT, D_N };
static const char *const dict_head[D_N] = {
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
    "Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
    "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
};

static void hip_row(const export_opts *o, const rc_var *v, FILE *out)
{
    const char *c[D_N] = {0};
    c[D_NAME] = v->name;
    c[D_FORM] = RC_HIP_FORM;
    c[D_TYPE] = "text";
    c[D_LABEL] = hip_labels[v->field];
    if (v->field == RH_SIDE) {
        c[D_TYPE] = "radio";
        c[D_CHOICES] = "L, Left | R, Right";
    } else if (v->field == RH_SEX) {
        c[D_TYPE] = "radio";
        c[D_CHOICES] = "F, Female | M, Male | X, Other or not stated";
    } else if (v->field == RH_AGE) {
        c[D_VALID] = "number";
    } else if (v->field == RH_INDEX) {
        c[D_VALID] = "date_ymd";
        c[D_IDENT] = "y";
    } else if (v->field == RH_RECORD || v->field == RH_PATIENT) {
        c[D_IDENT] = o->deidentify ? NULL : "y";
    }
    if (v->field == RH_RECORD)
        c[D_SECTION] = "Enrolment";
    export_row(out, c, D_N);
}

static void field_row(app *a, const export_opts *o, const rc_vars *vs, const rc_var *v, FILE *out)
{
    const form *f = a->forms.v[v->form];
    const form_field *fl = &f->field[v->field];
    const char *c[D_N] = {0};
    char mn[32] = "", mx[32] = "";
    sbuf ch = {0}, note = {0};
    c[D_NAME] = v->name;
    c[D_FORM] = f->id;
    if (f->sec[fl->section].first == v->field)
        c[D_SECTION] = f->sec[fl->section].title;
    c[D_LABEL] = fl->label ? fl->label : fl->id;
    c[D_NOTE] = fl->unit;
    c[D_REQUIRED] = fl->required ? "y" : NULL;
    c[D_TYPE] = "text";
    switch (fl->type) {
    case FT_CHOICE: c[D_TYPE] = "radio"; choices(&ch, fl); break;
    case FT_MULTI: c[D_TYPE] = "checkbox"; choices(&ch, fl); break;
    case FT_YESNO: c[D_TYPE] = "yesno"; break;
    case FT_INTEGER: c[D_VALID] = "integer"; break;
    case FT_DECIMAL: c[D_VALID] = number_validation(fl->decimals); break;
    case FT_DATE:
        c[D_VALID] = o->deidentify ? "integer" : "date_ymd";
        if (o->deidentify)
            c[D_NOTE] = "days from the index date";
        break;
    case FT_TEXT:
        c[D_TYPE] = fl->max_length > 0 && fl->max_length <= 200 ? "text" : "notes";
        break;
    default: break;
    }
    if (fl->type == FT_INTEGER || fl->type == FT_DECIMAL) {
        if (fl->has_min)
            snprintf(mn, sizeof mn, "%.10g", fl->min);
        if (fl->has_max)
            snprintf(mx, sizeof mx, "%.10g", fl->max);
    }
    c[D_MIN] = mn;
    c[D_MAX] = mx;
    c[D_CHOICES] = ch.s;
    /* The section's condition and the field's, both must hold. */
    char *ss = form_expr_text(f->sec[fl->section].show_if), *fs = form_expr_text(fl->show_if);
    char *sb = ss ? branching(a, vs, v->form, ss) : NULL, *fb = fs ? branching(a, vs, v->form, fs) : NULL;
    char *both = NULL;
    if ((ss && !sb) || (fs && !fb)) {
        sbuf_printf(&note, "show_if not expressible as branching logic: %s%s%s", ss ? ss : "",
                    ss && fs ? " AND " : "", fs ? fs : "");
    } else if (sb && fb) {
        both = xasprintf("(%s) and (%s)", sb, fb);
    }
    c[D_BRANCH] = both ? both : sb ? sb : fb;
    c[D_ANNOT] = note.s;
    export_row(out, c, D_N);
    free(both);
    free(ss);
    free(fs);
    free(sb);
    free(fb);
    sbuf_free(&ch);
    sbuf_free(&note);
}

static void score_row(app *a, const rc_var *v, FILE *out)
{
    const form *f = a->forms.v[v->form];
    const form_score *sc = &f->score[v->score];
    char mn[32] = "", mx[32] = "";
    if (sc->has_min)
        snprintf(mn, sizeof mn, "%.10g", sc->min);
    if (sc->has_max)
        snprintf(mx, sizeof mx, "%.10g", sc->max);
    char *from = form_expr_inputs(f, sc->expr);
    /* The action tag may stand anywhere; a leading @ would get the formula
     * guard's quote, which REDCap would not read as a tag. */
    char *annot = xasprintf("Score computed by bedside from %s @READONLY",
                            from ? from : "no fields");
    const char *c[D_N] = {0};
    c[D_NAME] = v->name;
    c[D_FORM] = f->id;
    c[D_TYPE] = "text";
    c[D_LABEL] = sc->label ? sc->label : sc->id;
    c[D_VALID] = number_validation(sc->decimals);
    c[D_MIN] = mn;
    c[D_MAX] = mx;
    c[D_ANNOT] = annot;
    export_row(out, c, D_N);
    free(from);
    free(annot);
}

void rc_write_dictionary(app *a, const export_opts *o, const rc_vars *vs, FILE *out)
{
    /* The header byte for byte as REDCap writes it (it quotes the names
     * with a blank); a CSV reader gets the same 18 names either way. */
    for (int i = 0; i < D_N; i++)
        fprintf(out, strchr(dict_head[i], ' ') ? "%s\"%s\"" : "%s%s", i ? "," : "", dict_head[i]);
    fputs("\r\n", out);
    for (int i = 0; i < vs->n; i++) {
        const rc_var *v = &vs->v[i];
        if (v->form < 0)
            hip_row(o, v, out);
        else if (v->field >= 0)
            field_row(a, o, vs, v, out);
        else
            score_row(a, v, out);
    }
}
