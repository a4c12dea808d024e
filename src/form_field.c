/* form_field.c — one field of a form file and its options, checked
 * against its type: which keys apply, ranges, defaults. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "form_internal.h"

static const char *const type_names[] = {
    [FT_CHOICE] = "choice", [FT_MULTI] = "multi", [FT_YESNO] = "yesno",
    [FT_INTEGER] = "integer", [FT_DECIMAL] = "decimal", [FT_TEXT] = "text",
    [FT_DATE] = "date", [FT_NOTE] = "note",
};

const char *form_type_name(enum form_type t)
{
    return (unsigned)t < sizeof type_names / sizeof *type_names ? type_names[t] : "?";
}

/* A key that only makes sense for some field types. */
static int only_for(form_loader *L, const ynode *m, const char *key, int ok, const char *types,
                    const char *what)
{
    const ynode *k = ytree_key(m, key);
    if (k && !ok) {
        form_load_problem(L, k, "%s: '%s' only applies to %s fields", what, key, types);
        return 0;
    }
    return k != NULL;
}

static void parse_options(form_loader *L, form_field *fl, const ynode *opts, const char *what)
{
    if (opts->type != YT_SEQ || opts->n == 0) {
        form_load_problem(L, opts, "%s: 'options' must be a non-empty list", what);
        return;
    }
    static const char *const keys[] = {"code", "label", "points", "exclusive", "value", NULL};
    fl->opt = xcalloc(opts->n, sizeof *fl->opt);
    int with_points = 0, with_value = 0;
    for (size_t i = 0; i < opts->n; i++) {
        const ynode *o = opts->item[i];
        form_option *op = &fl->opt[fl->n_opt];
        if (o->type != YT_MAP) {
            form_load_problem(L, o, "%s: each option must be a mapping {code: ..., label: ...}", what);
            continue;
        }
        char *code = NULL;
        if (ytree_str(&L->c, o, "code", 1, &code) != 0)
            continue;
        char owner[200];
        snprintf(owner, sizeof owner, "option '%s' of %s", form_load_quote(code), what);
        ytree_keys(&L->c, o, keys, owner);
        const ynode *cn = ytree_get(o, "code");
        if (!form_code_ok(code))
            form_load_problem(L, cn, "%s: option code '%s' must be lower-case letters, digits and _",
                    what, form_load_quote(code));
        for (int j = 0; j < fl->n_opt; j++)
            if (strcmp(fl->opt[j].code, code) == 0)
                form_load_problem(L, cn, "%s: duplicate option code '%s'", what, form_load_quote(code));
        op->code = code;
        if (ytree_str(&L->c, o, "label", 0, &op->label) == 1)
            op->label = xstrdup(code);
        if (ytree_get(o, "points")) {
            with_points++;   /* counted even when malformed: one message is enough */
            if (ytree_num(&L->c, o, "points", 0, &op->points) == 0)
                only_for(L, o, "points", fl->type == FT_CHOICE, "choice", owner);
        }
        if (ytree_bool(&L->c, o, "exclusive", 0, &op->exclusive) == 0)
            only_for(L, o, "exclusive", fl->type == FT_MULTI, "multi", owner);
        /* The numeric code exports give the option: its 1-based position
         * unless the author fixes it with `value:`. */
        long value = fl->n_opt + 1;
        if (ytree_get(o, "value")) {
            with_value++;
            if (ytree_int(&L->c, o, "value", 0, 0, FORM_VALUE_MAX, &value) == 0)
                for (int j = 0; j < fl->n_opt; j++)
                    if (fl->opt[j].value == (int)value)
                        form_load_problem(L, ytree_get(o, "value"),
                                          "%s: value %ld is used twice (option '%s' has it)",
                                          what, value, form_load_quote(fl->opt[j].code));
        }
        op->value = (int)value;
        fl->n_opt++;
    }
    if (with_value && with_value != fl->n_opt)
        form_load_problem(L, opts, "%s: either every option has a value or none has", what);
    if (with_points && with_points != fl->n_opt)
        form_load_problem(L, opts, "%s: either every option has points or none has", what);
    fl->has_points = fl->type == FT_CHOICE && with_points && with_points == fl->n_opt;
}

void form_load_field(form_loader *L, form_field *fl, const ynode *m, int index)
{
    static const char *const keys[] = {
        "id", "label", "type", "required", "help", "show_if", "check", "check_message",
        "default", "options", "min", "max", "unit", "decimals", "max_length", NULL,
    };
    char what[160];
    fl->line = m->line;
    fl->col = m->col;
    if (ytree_str(&L->c, m, "id", 1, &fl->id) == 0) {
        const ynode *idn = ytree_get(m, "id");
        if (!form_id_ok(fl->id))
            form_load_problem(L, idn, "field id '%s' must match [a-z][a-z0-9_]*", form_load_quote(fl->id));
        else if (!form_expr_name_ok(L->f->sb, fl->id))
            form_load_problem(L, idn, "field id '%s' is an SQL keyword; choose another id", form_load_quote(fl->id));
    }
    if (fl->id)
        snprintf(what, sizeof what, "field '%s'", form_load_quote(fl->id));
    else
        snprintf(what, sizeof what, "field %d", index + 1);
    ytree_keys(&L->c, m, keys, what);
    ytree_str(&L->c, m, "label", 1, &fl->label);
    char *type = NULL;
    fl->type = FT_NOTE;
    int typed = ytree_str(&L->c, m, "type", 1, &type) == 0;
    if (typed) {
        int found = 0;
        for (size_t t = 0; t < sizeof type_names / sizeof *type_names; t++)
            if (strcmp(type, type_names[t]) == 0) {
                fl->type = (enum form_type)t;
                found = 1;
            }
        if (!found) {
            form_load_problem(L, ytree_get(m, "type"),
                    "%s: unknown type '%s' (choose choice, multi, yesno, integer, decimal, "
                    "text, date or note)", what, form_load_quote(type));
            typed = 0;
        }
    }
    free(type);
    ytree_bool(&L->c, m, "required", 0, &fl->required);
    ytree_str(&L->c, m, "help", 0, &fl->help);
    ytree_str(&L->c, m, "check_message", 0, &fl->check_message);
    L->fshow[index] = form_load_expr(L, m, "show_if", what);
    L->fcheck[index] = form_load_expr(L, m, "check", what);
    if (!typed)
        return;          /* the rest depends on the type */
    enum form_type t = fl->type;
    int numeric = t == FT_INTEGER || t == FT_DECIMAL;
    if (t == FT_NOTE && fl->required)
        form_load_problem(L, ytree_get(m, "required"), "%s: a note cannot be required", what);
    if (t == FT_NOTE && L->fcheck[index])
        form_load_problem(L, L->fcheck[index], "%s: a note cannot have a check", what);
    if (fl->check_message && !ytree_get(m, "check"))
        form_load_problem(L, ytree_get(m, "check_message"), "%s: 'check_message' needs a 'check'", what);
    const ynode *opts = ytree_get(m, "options");
    if (only_for(L, m, "options", t == FT_CHOICE || t == FT_MULTI, "choice and multi", what))
        parse_options(L, fl, opts, what);
    else if ((t == FT_CHOICE || t == FT_MULTI) && !opts)
        form_load_problem(L, m, "%s: a %s field needs 'options'", what, type_names[t]);
    if (only_for(L, m, "unit", numeric, "integer and decimal", what))
        ytree_str(&L->c, m, "unit", 0, &fl->unit);
    if (only_for(L, m, "min", numeric, "integer and decimal", what))
        fl->has_min = ytree_num(&L->c, m, "min", 0, &fl->min) == 0;
    if (only_for(L, m, "max", numeric, "integer and decimal", what))
        fl->has_max = ytree_num(&L->c, m, "max", 0, &fl->max) == 0;
    if (t == FT_INTEGER) {
        if (fl->has_min && fl->min != floor(fl->min))
            form_load_problem(L, ytree_get(m, "min"), "%s: 'min' must be a whole number", what);
        if (fl->has_max && fl->max != floor(fl->max))
            form_load_problem(L, ytree_get(m, "max"), "%s: 'max' must be a whole number", what);
    }
    if (fl->has_min && fl->has_max && fl->min > fl->max)
        form_load_problem(L, ytree_get(m, "min"), "%s: min (%g) is greater than max (%g)", what, fl->min,
                fl->max);
    long n = 1;
    if (only_for(L, m, "decimals", t == FT_DECIMAL, "decimal", what))
        ytree_int(&L->c, m, "decimals", 0, 0, 6, &n);
    fl->decimals = t == FT_DECIMAL ? (int)n : 0;
    n = 0;
    if (only_for(L, m, "max_length", t == FT_TEXT, "text", what))
        ytree_int(&L->c, m, "max_length", 0, 1, 100000, &n);
    fl->max_length = (int)n;
    const ynode *def = ytree_get(m, "default");
    if (def && t == FT_NOTE) {
        form_load_problem(L, def, "%s: a note cannot have a default", what);
    } else if (def && def->type != YT_SCALAR) {
        form_load_problem(L, def, "%s: 'default' must be a single value", what);
    } else if (def && !((t == FT_CHOICE || t == FT_MULTI) && fl->n_opt == 0)) {
        char err[300];
        fl->def = form_parse_value(fl, def->str, err, sizeof err);
        if (!fl->def)
            form_load_problem(L, def, "%s: default '%s': %s", what, form_load_quote(def->str), err);
    }
}


const char *form_option_label(const form *f, const char *field, const char *code)
{
    int i = f && code ? form_field_index(f, field) : -1;
    int k = i >= 0 ? form_option_index(&f->field[i], code) : -1;
    return k >= 0 ? f->field[i].opt[k].label : code;
}
