/* export_table.c — `export csv`: the analysis file. One row per record
 * (wide: every form's fields and scores as columns) or one per answer
 * (--long), each with the patient's and hip's covariates, the record's
 * place in the schedule and its version. Streamed: memory stays flat. */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "store_export.h"

/* The bookkeeping columns. Wide rows keep today's eight first (X_MRN ..
 * X_AT), then the form's columns, then the rest, so that scripts reading
 * older exports by position still work; long rows have them all first.
 * Wide rows put the enrolment columns (export_enrol_next) before X_INDEX. */
enum {
    X_MRN, X_HIP, X_TP, X_DATE, X_FORM, X_FORM_VERSION, X_BY, X_AT, X_RECORD, X_PATIENT,
    X_HIP_ID, X_SEX, X_AGE, X_INDEX, X_DAYS, X_IN_WINDOW, X_OOW, X_VERSION, X_REASON,
    X_STATUS, X_N
};
enum { IDENT = 1, FREE_TEXT = 2, ALL_ONLY = 4, WIDE_ONLY = 8 };
static const struct {
    const char *name;
    int flags;
    const char *type, *label;
} fixed[X_N] = {
    {"mrn", IDENT, "text", "Medical record number"},
    {"hip", 0, "code", "Side of the hip (L, R; empty for a record about the patient)"},
    {"timepoint", 0, "code", "Schedule timepoint id, or unscheduled"},
    {"visit_date", IDENT, "date", "Visit date"},
    {"form", 0, "code", "Form id"},
    {"form_version", WIDE_ONLY, "integer", "Version of the form the record was entered with"},
    {"entered_by", IDENT | WIDE_ONLY, "text", "Login of whoever saved the record"},
    {"entered_at", IDENT | WIDE_ONLY, "text", "When it was saved (UTC, ISO 8601)"},
    {"record_id", 0, "uuid", "Record id (each version has its own)"},
    {"patient_id", 0, "uuid", "Patient id (a study id S0001... when de-identified)"},
    {"hip_id", 0, "uuid", "Hip id (study id and side when de-identified)"},
    {"sex", WIDE_ONLY, "code", "Sex (F, M, X)"},
    {"age_at_index", WIDE_ONLY, "decimal", "Age at the index date, years, cut to one decimal"},
    {"index_date", IDENT, "date", "Index date of the hip (day 0)"},
    {"days_from_index", 0, "integer", "Days from the index date to the visit"},
    {"in_window", 0, "integer", "1 if the visit date is in its timepoint's window, else 0"},
    {"out_of_window", 0, "integer", "1 if the visit was kept for its timepoint outside the window (confirmed at entry)"},
    {"version", 0, "integer", "1 for the original record, 2 and up for each amendment or void"},
    {"amended_reason", FREE_TEXT | WIDE_ONLY, "text", "Reason given for the amendment or void"},
    {"status", ALL_ONLY, "code", "current, superseded or void"},
};

typedef struct {
    app *a;
    const export_opts *o;
    FILE *out;
    form_answers **fa;        /* per form, one answer at a time, for labels */
    const char **cell;        /* the form columns of this row */
    char (*num)[32];          /* formatted scores and days */
    char **own;               /* labels made for this row, freed after it */
    int *first;               /* first form column of each form */
    int ncol, unknown;
    const char **ecell;       /* the enrolment columns of this row */
    char (*edate)[16];        /* their de-identified dates */
    int necol;
} table;

static int kept(const export_opts *o, int i)
{
    int fl = fixed[i].flags;
    if ((fl & IDENT) && o->deidentify)
        return 0;
    if ((fl & FREE_TEXT) && o->deidentify && !o->keep_text)
        return 0;
    if ((fl & ALL_ONLY) && !o->all_versions)
        return 0;
    return !((fl & WIDE_ONLY) && o->long_rows);
}

static int fixed_kept(const table *t, int i)
{
    return kept(t->o, i);
}

int export_table_column(const app *a, const export_opts *o, int i, const char **name,
                        const char **type, const char **label)
{
    (void)a;
    for (; i < X_N; i++)
        if (kept(o, i)) {
            *name = fixed[i].name;
            *type = fixed[i].type;
            *label = fixed[i].label;
            return i + 1;
        }
    return 0;
}

static int coded(const form_field *fl)
{
    return fl->type == FT_CHOICE || fl->type == FT_MULTI || fl->type == FT_YESNO;
}

static int form_columns(const table *t, const form *f)
{
    int n = f->n_score;
    for (int i = 0; i < f->n_field; i++)
        if (export_keeps_field(t->o, &f->field[i]))
            n += 1 + (t->o->labels && coded(&f->field[i]));
    return n;
}

/* The names of fixed columns from..to-1; *first tracks the commas. */
static void put_names(table *t, int from, int to, int *first)
{
    for (int i = from; i < to; i++)
        if (fixed_kept(t, i)) {
            fprintf(t->out, "%s%s", *first ? "" : ",", fixed[i].name);
            *first = 0;
        }
}

static void put_header(table *t)
{
    int first = 1;
    if (t->o->long_rows) {
        put_names(t, 0, X_N, &first);
        fputs(",field,value,label\r\n", t->out);
        return;
    }
    put_names(t, 0, X_RECORD, &first);
    for (int k = 0; k < t->a->forms.n; k++) {
        const form *f = t->a->forms.v[k];
        if (!export_covers(t->o, f))
            continue;
        const char *pre = t->o->form ? "" : f->id, *dot = t->o->form ? "" : ".";
        for (int i = 0; i < f->n_field; i++) {
            const form_field *fl = &f->field[i];
            if (!export_keeps_field(t->o, fl))
                continue;
            fprintf(t->out, ",%s%s%s", pre, dot, fl->id);
            if (t->o->labels && coded(fl))
                fprintf(t->out, ",%s%s%s_label", pre, dot, fl->id);
        }
        for (int i = 0; i < f->n_score; i++)
            fprintf(t->out, ",%s%s%s", pre, dot, f->score[i].id);
    }
    put_names(t, X_RECORD, X_INDEX, &first);
    for (int k = 0, i = -1; export_enrol_next(t->a, t->o, &k, &i);) {
        const form *f = t->a->forms.v[k];
        fprintf(t->out, ",%s_%s", f->id, f->field[i].id);
        if (t->o->labels && coded(&f->field[i]))
            fprintf(t->out, ",%s_%s_label", f->id, f->field[i].id);
    }
    put_names(t, X_INDEX, X_N, &first);
    fputs("\r\n", t->out);
}

/* The label of a coded answer, as the form shows it; NULL otherwise. */
static char *label_of(table *t, int k, int field, const char *value)
{
    if (!value || !coded(&t->a->forms.v[k]->field[field]))
        return NULL;
    form_answer_load(t->fa[k], field, value);
    char *s = form_answer_display(t->fa[k], field);
    form_answer_clear(t->fa[k], field);
    return s;
}

/* The covariate and bookkeeping cells of a row. */
static void fixed_cells(table *t, const st_export_row *x, const char **c, char (*buf)[40])
{
    const st_record *r = x->r;
    const st_hip *h = x->h;
    int index = h->uuid[0] ? h->index_date : -1;
    c[X_MRN] = x->p->mrn;
    c[X_HIP] = r->side == 'L' ? "L" : r->side == 'R' ? "R" : "";
    c[X_TP] = r->timepoint;
    export_date(t->o, r->visit_date, index, buf[0]);
    c[X_DATE] = buf[0];
    c[X_FORM] = r->form;
    snprintf(buf[1], 40, "%d", r->form_version);
    c[X_FORM_VERSION] = buf[1];
    c[X_BY] = r->entered_by;
    c[X_AT] = r->entered_at;
    c[X_RECORD] = r->uuid;
    if (t->o->deidentify) {
        c[X_PATIENT] = x->study_id;
        if (h->uuid[0])
            snprintf(buf[2], 40, "%s-%c", x->study_id ? x->study_id : "", h->side);
        else
            buf[2][0] = '\0';
        c[X_HIP_ID] = buf[2];
    } else {
        c[X_PATIENT] = x->p->uuid;
        c[X_HIP_ID] = h->uuid;
    }
    buf[3][0] = x->p->sex;
    buf[3][1] = '\0';
    c[X_SEX] = buf[3];
    export_age(x->p->born, index, buf[4]);
    c[X_AGE] = buf[4];
    if (index >= 0) {
        date_format(index, buf[6]);
        snprintf(buf[7], 40, "%d", r->visit_date - index);
        /* The window as entry marked it (bedside check holds the mark true). */
        int in = config_timepoint(&t->a->cfg, r->timepoint) >= 0 && !r->out_of_window;
        snprintf(buf[8], 40, "%d", in);
    } else {
        buf[6][0] = buf[7][0] = buf[8][0] = '\0';
    }
    c[X_INDEX] = buf[6];
    c[X_DAYS] = buf[7];
    c[X_IN_WINDOW] = buf[8];
    c[X_OOW] = r->out_of_window ? "1" : "0";
    snprintf(buf[9], 40, "%d", x->version);
    c[X_VERSION] = buf[9];
    c[X_REASON] = r->supersedes[0] ? r->reason : NULL;
    c[X_STATUS] = x->state;
}

/* The cells of fixed columns from..to-1; *first tracks the commas. */
static void put_fixed(table *t, const char **c, int from, int to, int *first)
{
    for (int i = from; i < to; i++)
        if (fixed_kept(t, i)) {
            if (!*first)
                putc(',', t->out);
            csv_cell(t->out, c[i]);
            *first = 0;
        }
}

static void put_long(table *t, const char **c, const st_export_row *x, int k)
{
    const form *f = t->a->forms.v[k];
    const st_record *r = x->r;
    int index = x->h->uuid[0] ? x->h->index_date : -1;
    for (int i = 0; i < f->n_field; i++) {
        const form_field *fl = &f->field[i];
        const char *v = st_record_get(r, fl->id);
        if (!v || !export_keeps_field(t->o, fl))
            continue;
        char days[16];
        if (fl->type == FT_DATE && !(v = export_date_text(t->o, v, index, days)))
            continue;
        char *label = label_of(t, k, i, v);
        int first = 1;
        put_fixed(t, c, 0, X_N, &first);
        const char *tail[] = {fl->id, v, label};
        for (int j = 0; j < 3; j++) {
            putc(',', t->out);
            csv_cell(t->out, tail[j]);
        }
        fputs("\r\n", t->out);
        free(label);
    }
    for (int i = 0; i < f->n_score; i++)
        for (int j = 0; j < r->n_score; j++)
            if (strcmp(r->score_id[j], f->score[i].id) == 0) {
                char num[32];
                form_score_format(&f->score[i], r->score_val[j], num);
                int first = 1;
                put_fixed(t, c, 0, X_N, &first);
                fprintf(t->out, ",%s,%s,\r\n", f->score[i].id, num);
            }
}

/* The enrolment cells of a wide row: the hip's and the patient's current
 * enrolment answers (labels made here go to t->own from nown on). */
static int enrol_cells(table *t, const st_export_row *x, int nown)
{
    int index = x->h->uuid[0] ? x->h->index_date : -1, col = 0;
    for (int k = 0, i = -1; export_enrol_next(t->a, t->o, &k, &i);) {
        const form *f = t->a->forms.v[k];
        const char *v = st_export_enrol(x, f->id, f->field[i].id);
        if (f->field[i].type == FT_DATE)
            v = export_date_text(t->o, v, index, t->edate[col]);
        t->ecell[col++] = v;
        if (t->o->labels && coded(&f->field[i]))
            t->ecell[col++] = t->own[nown++] = label_of(t, k, i, v);
    }
    return nown;
}

static void put_wide(table *t, const char **c, const st_export_row *x, int k)
{
    const form *f = t->a->forms.v[k];
    const st_record *r = x->r;
    int index = x->h->uuid[0] ? x->h->index_date : -1;
    int col = t->first[k], nown = 0;
    memset(t->cell, 0, (size_t)t->ncol * sizeof *t->cell);
    for (int i = 0; i < f->n_field; i++) {
        const form_field *fl = &f->field[i];
        if (!export_keeps_field(t->o, fl))
            continue;
        const char *v = st_record_get(r, fl->id);
        if (fl->type == FT_DATE)
            v = export_date_text(t->o, v, index, t->num[col]);
        t->cell[col++] = v;
        if (t->o->labels && coded(fl))
            t->cell[col++] = t->own[nown++] = label_of(t, k, i, v);
    }
    for (int i = 0; i < f->n_score; i++, col++)
        for (int j = 0; j < r->n_score; j++)
            if (strcmp(r->score_id[j], f->score[i].id) == 0) {
                form_score_format(&f->score[i], r->score_val[j], t->num[col]);
                t->cell[col] = t->num[col];
            }
    nown = enrol_cells(t, x, nown);
    int first = 1;
    put_fixed(t, c, 0, X_RECORD, &first);
    for (int i = 0; i < t->ncol; i++) {
        if (!first)
            putc(',', t->out);
        csv_cell(t->out, t->cell[i]);
        first = 0;
    }
    put_fixed(t, c, X_RECORD, X_INDEX, &first);
    for (int i = 0; i < t->necol; i++) {
        putc(',', t->out);
        csv_cell(t->out, t->ecell[i]);
    }
    put_fixed(t, c, X_INDEX, X_N, &first);
    fputs("\r\n", t->out);
    for (int i = 0; i < nown; i++)
        free(t->own[i]);
}

static int put_record(void *ctx, const st_export_row *x)
{
    table *t = ctx;
    int k = 0;
    while (k < t->a->forms.n && strcmp(t->a->forms.v[k]->id, x->r->form) != 0)
        k++;
    if (k == t->a->forms.n) {
        t->unknown++;
        return 0;
    }
    const char *c[X_N];
    char buf[10][40];
    fixed_cells(t, x, c, buf);
    if (t->o->long_rows)
        put_long(t, c, x, k);
    else
        put_wide(t, c, x, k);
    return ferror(t->out) ? 1 : 0;
}

int export_table(app *a, const export_opts *o, FILE *out)
{
    table t = {.a = a, .o = o, .out = out};
    if (export_deid_begin(a, o, "export csv", 1) < 0)
        return -1;
    int n = a->forms.n;
    t.first = xcalloc((size_t)n + 1, sizeof *t.first);
    t.fa = xcalloc((size_t)n + 1, sizeof *t.fa);
    for (int k = 0; k < n; k++) {
        const form *f = a->forms.v[k];
        t.fa[k] = form_answers_new(f);
        if (!export_covers(o, f))
            continue;
        t.first[k] = t.ncol;
        t.ncol += form_columns(&t, f);
    }
    for (int k = 0, i = -1; !o->long_rows && export_enrol_next(a, o, &k, &i);)
        t.necol += 1 + (o->labels && coded(&a->forms.v[k]->field[i]));
    t.cell = xcalloc((size_t)t.ncol + 1, sizeof *t.cell);
    t.num = xcalloc((size_t)t.ncol + 1, sizeof *t.num);
    t.own = xcalloc((size_t)(t.ncol + t.necol) + 1, sizeof *t.own);
    t.ecell = xcalloc((size_t)t.necol + 1, sizeof *t.ecell);
    t.edate = xcalloc((size_t)t.necol + 1, sizeof *t.edate);
    put_header(&t);
    int rc = 0;
    if (store_each_export(a->db, o->form, o->all_versions, put_record, &t) != 0 ||
        ferror(out)) {
        fprintf(stderr, "bedside: the export stopped: cannot read the records or write "
                        "the output\n");
        rc = -1;
    }
    if (t.unknown)
        fprintf(stderr, "bedside: %d record%s of forms not in the forms folder left out\n",
                t.unknown, t.unknown == 1 ? "" : "s");
    for (int k = 0; k < n; k++)
        form_answers_free(t.fa[k]);
    free(t.fa);
    free(t.first);
    free(t.cell);
    free(t.num);
    free(t.own);
    free(t.ecell);
    free(t.edate);
    return rc;
}
