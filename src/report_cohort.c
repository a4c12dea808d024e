/* report_cohort.c — the cohort report's hips, strata and baseline table,
 * and the order of the tables (report_cohort.h). The baseline's rows after
 * the identity ones are the enrolment forms' fields, in their order: a
 * choice field's levels (its strata, form_group.c), a number field's mean,
 * so a site's new enrolment field is a row with no code change. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cohort.h"

/* A stored number answer, or NAN when there is none or it does not read. */
static double number(const char *v)
{
    char *end = NULL;
    double x = v ? strtod(v, &end) : NAN;
    return v && end != v && !*end ? x : NAN;
}

static int add_hip(void *ctx, const st_patient *p, const st_hip *h, const st_followup *fu)
{
    rc_cohort *c = ctx;
    /* An index date that does not read as a date (a damaged or foreign
     * file) has no time axis: left out and counted, never a crash. */
    if (h->index_date == -1) {
        c->n_bad++;
        return 0;
    }
    if (c->n_hip % 256 == 0) {
        c->hip = xrealloc(c->hip, (size_t)(c->n_hip + 256) * sizeof *c->hip);
        for (int k = 0; k < c->n_grp; k++)
            if (c->grp[k].g.f && c->grp[k].g.f->scope == SCOPE_HIP)
                c->grp[k].val = xrealloc(c->grp[k].val,
                                         (size_t)(c->n_hip + 256) * sizeof *c->grp[k].val);
        for (int k = 0; k < c->n_num; k++)
            c->num[k].v = xrealloc(c->num[k].v, (size_t)(c->n_hip + 256) * sizeof *c->num[k].v);
    }
    /* A hip field's answer comes with the hip (its enrolment answers). */
    for (int k = 0; k < c->n_grp; k++) {
        const form_group *g = &c->grp[k].g;
        if (g->f && g->f->scope == SCOPE_HIP) {
            const char *v = st_hip_answer(h, g->f->field[g->field].id);
            c->grp[k].val[c->n_hip] = v ? xstrdup(v) : NULL;
        }
    }
    for (int k = 0; k < c->n_num; k++) {
        const rc_number *m = &c->num[k];
        m->v[c->n_hip] =
            m->f->scope == SCOPE_HIP ? number(st_hip_answer(h, m->f->field[m->field].id)) : NAN;
    }
    rc_hip *x = &c->hip[c->n_hip++];
    memset(x, 0, sizeof *x);
    memcpy(x->uuid, h->uuid, sizeof x->uuid);
    memcpy(x->patient, p->uuid, sizeof x->patient);
    x->mrn = xstrdup(p->mrn);
    x->sex = p->sex;
    x->born = p->born;
    x->side = h->side;
    x->index_date = h->index_date;
    x->end_date = fu->event_date;
    x->last_date = fu->last_date;
    /* --to is the study's end: censored there, later events ignored. */
    surv_hip_in in = {.index_date = h->index_date, .event_date = fu->event_date,
                      .end_date = fu->end_date, .last_record = fu->last_date,
                      .study_end = c->o->to};
    x->surv = surv_hip(&in);
    c->n_rule[x->surv.why]++;
    return 0;
}

static const rc_cohort *g_sort;   /* qsort has no context argument */
static int cmp_uuid(const void *a, const void *b)
{
    return strcmp(g_sort->hip[*(const int *)a].uuid, g_sort->hip[*(const int *)b].uuid);
}

int rc_hip_find(const rc_cohort *c, const char *uuid)
{
    int lo = 0, hi = c->n_hip - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, k = c->by_uuid[mid];
        int r = strcmp(c->hip[k].uuid, uuid);
        if (r == 0)
            return k;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* ---- strata ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const rc_cohort *g_pat;   /* qsort has no context argument */
static int cmp_patient(const void *a, const void *b)
{
    return strcmp(g_pat->hip[*(const int *)a].patient, g_pat->hip[*(const int *)b].patient);
}

/* Each hip's answer to a patient's field, from the store (the answer of
 * the latest visit when a merge left two). */
typedef struct {
    const rc_cohort *c;
    const int *by_patient;    /* hip indexes sorted by patient uuid */
    char **val;
} answers;

static void put(answers *x, int i, const char *v)
{
    free(x->val[i]);
    x->val[i] = xstrdup(v);
}

static int take_patient(void *ctx, const char *patient, const char *v, int date)
{
    answers *x = ctx;
    (void)date;
    const rc_cohort *c = x->c;
    if (!patient || !v)
        return 0;
    int lo = 0, hi = c->n_hip;   /* the first hip of the patient */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (strcmp(c->hip[x->by_patient[mid]].patient, patient) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < c->n_hip && strcmp(c->hip[x->by_patient[lo]].patient, patient) == 0; lo++)
        put(x, x->by_patient[lo], v);
    return 0;
}

/* Each hip's answer to field of patient-scope form f into val (n_hip
 * slots): its patient's. 0, or -1 when the store fails. */
static int patient_answers(rc_cohort *c, const form *f, int field, char **val)
{
    int n = c->n_hip;
    if (!c->by_patient) {
        c->by_patient = xmalloc(((size_t)n + 1) * sizeof *c->by_patient);
        for (int i = 0; i < n; i++)
            c->by_patient[i] = i;
        g_pat = c;
        qsort(c->by_patient, (size_t)n, sizeof *c->by_patient, cmp_patient);
        g_pat = NULL;
    }
    answers x = {.c = c, .by_patient = c->by_patient, .val = val};
    return store_each_patient_answer(c->a->db, f->id, f->field[field].id, take_patient, &x) == 0
               ? 0
               : -1;
}

/* The patient-scope number fields' answers, each hip its patient's. */
static int patient_numbers(rc_cohort *c)
{
    int rc = 0;
    char **val = xcalloc((size_t)c->n_hip + 1, sizeof *val);
    for (int k = 0; k < c->n_num && rc == 0; k++) {
        rc_number *m = &c->num[k];
        if (m->f->scope != SCOPE_PATIENT)
            continue;
        rc = patient_answers(c, m->f, m->field, val);
        for (int i = 0; i < c->n_hip; i++) {
            m->v[i] = number(val[i]);
            free(val[i]);
            val[i] = NULL;
        }
    }
    free(val);
    return rc;
}

/* The strata of g over the cohort: a choice field's options that occur,
 * in the form's order and named by their labels (a code the form does not
 * know by itself, after them), sex and side as stored; hips with no
 * answer in a last stratum RC_NOT_RECORDED. -1 when the store fails. */
static int group(rc_cohort *c, rc_grouping *out)
{
    int n = c->n_hip;
    if (!out->by) {
        out->names = xcalloc(2, sizeof *out->names);
        out->names[0] = xstrdup("all");
        out->n = 1;
        out->of_hip = xcalloc((size_t)n + 1, sizeof *out->of_hip);
        return 0;
    }
    const form_group *g = &out->g;
    if (!out->val)   /* hip fields: filled as the hips were read */
        out->val = xcalloc((size_t)n + 1, sizeof *out->val);
    answers x = {.c = c, .val = out->val};
    int rc = 0;
    if (g->identity) {
        for (int i = 0; i < n; i++) {
            char v = strcmp(g->identity, "sex") == 0 ? c->hip[i].sex : c->hip[i].side;
            x.val[i] = v ? xasprintf("%c", v) : NULL;
        }
    } else if (g->f->scope == SCOPE_PATIENT) {
        rc = patient_answers(c, g->f, g->field, x.val);
    }
    const form_field *fl = g->f ? &g->f->field[g->field] : NULL;
    /* Codes: the options in order, then any other value sorted. */
    char **code = xcalloc((size_t)n + (fl ? (size_t)fl->n_opt : 0) + 1, sizeof *code);
    int n_code = 0, n_opt = fl ? fl->n_opt : 0, missing = 0;
    for (int i = 0; i < n; i++) {
        const char *v = x.val[i];
        missing |= !v || !*v;
        if (!v || !*v || (fl && form_option_index(fl, v) >= 0))
            continue;
        int k = 0;
        while (k < n_code && strcmp(code[k], v) != 0)
            k++;
        if (k == n_code)
            code[n_code++] = x.val[i];
    }
    qsort(code, (size_t)n_code, sizeof *code, cmp_str);
    out->of_hip = xcalloc((size_t)n + 1, sizeof *out->of_hip);
    out->names = xcalloc((size_t)(n_opt + n_code) + 2, sizeof *out->names);
    int *at = xmalloc(((size_t)(n_opt + n_code) + 1) * sizeof *at);   /* stratum of a code */
    for (int k = 0; k < n_opt + n_code; k++)
        at[k] = -1;
    for (int i = 0; i < n; i++) {
        const char *v = x.val[i];
        int k = -1;
        if (v && *v) {
            k = fl ? form_option_index(fl, v) : -1;
            if (k < 0) {
                char **hit = bsearch(&v, code, (size_t)n_code, sizeof *code, cmp_str);
                k = n_opt + (int)(hit - code);
            }
        }
        out->of_hip[i] = k;   /* a code index for now */
        if (k >= 0)
            at[k] = 0;
    }
    out->n = 0;
    for (int k = 0; k < n_opt + n_code; k++)
        if (at[k] == 0) {
            at[k] = out->n;
            out->names[out->n++] = xstrdup(k < n_opt ? fl->opt[k].label : code[k - n_opt]);
        }
    if (missing)
        out->names[out->n++] = xstrdup(RC_NOT_RECORDED);
    for (int i = 0; i < n; i++)
        out->of_hip[i] = out->of_hip[i] >= 0 ? at[out->of_hip[i]] : out->n - 1;
    free(at);
    free(code);
    for (int i = 0; i < n; i++)
        free(x.val[i]);
    free(x.val);
    out->val = NULL;
    return rc == 0 ? 0 : -1;
}

/* Name a grouping before the hips are read (NULL: the whole cohort):
 * 0, or 1 when the forms have no such field. */
static int prepare(rc_cohort *c, const char *by)
{
    if (rc_strata(c, by))
        return 0;
    if (c->n_grp == c->cap_grp) {
        c->cap_grp = c->cap_grp ? 2 * c->cap_grp : 16;
        c->grp = xrealloc(c->grp, (size_t)c->cap_grp * sizeof *c->grp);
    }
    rc_grouping *out = &c->grp[c->n_grp];
    memset(out, 0, sizeof *out);
    if (by && form_group_find(&c->a->forms, by, &out->g) != 0)
        return 1;
    out->by = by;
    c->n_grp++;
    return 0;
}

static void cohort_free(rc_cohort *c)
{
    for (int i = 0; i < c->n_hip; i++)
        free(c->hip[i].mrn);
    for (int k = 0; k < c->n_grp; k++) {
        for (int s = 0; s < c->grp[k].n; s++)
            free(c->grp[k].names[s]);
        free(c->grp[k].names);
        free(c->grp[k].of_hip);
        for (int i = 0; c->grp[k].val && i < c->n_hip; i++)
            free(c->grp[k].val[i]);
        free(c->grp[k].val);
    }
    free(c->grp);
    for (int k = 0; k < c->n_num; k++)
        free(c->num[k].v);
    free(c->num);
    for (int k = 0; k < c->n_names; k++)
        free(c->names[k]);
    free(c->names);
    free(c->hip);
    free(c->by_uuid);
    free(c->by_patient);
}

const rc_grouping *rc_strata(const rc_cohort *c, const char *by)
{
    for (int k = 0; k < c->n_grp; k++)
        if (by ? c->grp[k].by && strcmp(c->grp[k].by, by) == 0 : !c->grp[k].by)
            return &c->grp[k];
    return NULL;
}

/* ---- baseline characteristics ---- */

enum { B_STRATUM, B_WHAT, B_LEVEL, B_N, B_PCT, B_MEAN, B_SD, B_MIN, B_MAX, B_MISSING, B_NCOL };
static const rc_col baseline_cols[B_NCOL] = {
    [B_STRATUM] = {"stratum", "", RC_TEXT, NULL, NULL, 0},
    [B_WHAT] = {"characteristic", "", RC_TEXT, NULL, NULL, 0, 18},
    [B_LEVEL] = {"level", "", RC_TEXT, NULL, NULL, 0, 14},
    [B_N] = {"n", "n (%)", RC_INT, NULL, NULL, 0},
    [B_PCT] = {"percent", "", 1, " (", ")", 0},
    [B_MEAN] = {"mean", "mean ± SD (range)", 1, NULL, NULL, 0},
    [B_SD] = {"sd", "", 1, " ± ", NULL, 0},
    [B_MIN] = {"min", "", 1, " (", NULL, 0},
    [B_MAX] = {"max", "", 1, "–", ")", 0},
    [B_MISSING] = {"missing", "missing", RC_INT, NULL, NULL, 0},
};

static rc_val *brow(rc_table *t, const char *stratum, const char *what, const char *level)
{
    rc_val *r = rc_row(t);
    rc_set_s(r, B_STRATUM, stratum);
    rc_set_s(r, B_WHAT, what);
    rc_set_s(r, B_LEVEL, level);
    return r;
}

static void count_row(rc_table *t, const char *st, const char *what, const char *level, int n,
                      int of)
{
    rc_val *r = brow(t, st, what, level);
    r[B_N].v = n;
    r[B_PCT].v = of ? 100.0 * n / of : NAN;
}

static void number_row(rc_table *t, const char *st, const char *what, const double *x, int n,
                       int missing)
{
    stat_desc d;
    stat_describe(x, n, &d);
    rc_val *r = brow(t, st, what, "");
    r[B_N].v = n;
    r[B_MEAN].v = d.mean;
    r[B_SD].v = d.sd;
    r[B_MIN].v = d.min;
    r[B_MAX].v = d.max;
    r[B_MISSING].v = missing;
}

/* Every level of a grouping among hips of stratum s, with counts. */
static void levels(rc_table *t, const rc_cohort *c, const int *of, int s, const char *st,
                   const char *what, const rc_grouping *lv, int n_in)
{
    for (int k = 0; lv && k < lv->n; k++) {
        int cnt = 0;
        for (int i = 0; i < c->n_hip; i++)
            cnt += of[i] == s && lv->of_hip[i] == k;
        if (cnt)
            count_row(t, st, what, lv->names[k], cnt, n_in);
    }
}

/* The rows of every choice and number field of the enrolment forms, in
 * the forms' order, among the hips of stratum s (x: room for n_hip). */
static void enrolment_rows(rc_table *t, const rc_cohort *c, const int *of, int s,
                           const char *st, double *x, int hips)
{
    const form_set *fs = &c->a->forms;
    for (int k = 0; k < fs->n; k++) {
        const form *f = fs->v[k];
        for (int i = 0; f->enrolment && i < f->n_field; i++) {
            const form_field *fl = &f->field[i];
            const char *what = fl->label ? fl->label : fl->id;
            if (fl->type == FT_CHOICE) {
                for (int g = 0; g < c->n_grp; g++)
                    if (c->grp[g].g.f == f && c->grp[g].g.field == i) {
                        levels(t, c, of, s, st, what, &c->grp[g], hips);
                        break;
                    }
                continue;
            }
            const rc_number *m = NULL;
            for (int j = 0; j < c->n_num && !m; j++)
                if (c->num[j].f == f && c->num[j].field == i)
                    m = &c->num[j];
            if (!m)
                continue;
            int n = 0, missing = 0;
            for (int h = 0; h < c->n_hip; h++)
                if (of[h] == s) {
                    if (isnan(m->v[h]))
                        missing++;
                    else
                        x[n++] = m->v[h];
                }
            char *name = fl->unit ? xasprintf("%s (%s)", what, fl->unit) : xstrdup(what);
            number_row(t, st, name, x, n, missing);
            free(name);
        }
    }
}

void rc_baseline(report_cohort *rc, const rc_cohort *c, const char *by)
{
    rc_table *t = rc_table_new(rc, "baseline", baseline_cols, B_NCOL,
                               "Baseline characteristics%s%s", by ? " by " : "", by ? by : "");
    t->col[B_STRATUM].head = by ? by : "";
    const rc_grouping *g = rc_strata(c, by);
    char *const *names = g->names;
    const int *of = g->of_hip;
    int n_st = g->n;
    double *x = xmalloc((size_t)(c->n_hip + 1) * sizeof *x);
    for (int s = 0; s < n_st; s++) {
        /* Patients: counted once, aged at the first index date in the stratum. */
        int n_pat = 0, bilateral = 0, hips = 0, men = 0, women = 0, other = 0;
        for (int i = 0; i < c->n_hip; i++) {
            if (of[i] != s)
                continue;
            hips++;
            double age = (c->hip[i].index_date - c->hip[i].born) / 365.25;
            if (i > 0 && strcmp(c->hip[i - 1].patient, c->hip[i].patient) == 0 &&
                of[i - 1] == s) {
                bilateral++;
                x[n_pat - 1] = fmin(x[n_pat - 1], age);
                continue;
            }
            x[n_pat++] = age;
            men += c->hip[i].sex == 'M';
            women += c->hip[i].sex == 'F';
            other += c->hip[i].sex != 'M' && c->hip[i].sex != 'F';
        }
        const char *st = names[s];
        count_row(t, st, "Patients", "", n_pat, 0);
        count_row(t, st, "Hips", "", hips, 0);
        count_row(t, st, "Bilateral", "patients", bilateral, n_pat);
        number_row(t, st, "Age (years)", x, n_pat, 0);
        count_row(t, st, "Sex", "M", men, n_pat);
        count_row(t, st, "Sex", "F", women, n_pat);
        if (other)
            count_row(t, st, "Sex", "X", other, n_pat);
        levels(t, c, of, s, st, "Side", rc_strata(c, "side"), hips);
        enrolment_rows(t, c, of, s, st, x, hips);
    }
    free(x);
    rc_note(t, "Patients are counted once per stratum; age is at their first index date in it "
               "(days / 365.25). Percentages of patients for sex and bilateral, of hips else.");
    rc_note(t, "Then every field of the enrolment forms, a patient's answers counted with "
               "each of its hips: a choice by option, a number's mean of the hips with an "
               "answer.");
}

/* ---- the whole report ---- */

int report_cohort_build(app *a, const report_cohort_opts *o, report_cohort *rc, char **err)
{
    memset(rc, 0, sizeof *rc);
    *err = NULL;
    if (stat_load(err) != 0)   /* GSL, opened for the tables' statistics */
        return -1;
    const config_report_item *ep = &a->cfg.rep_endpoint, *oc = &a->cfg.rep_outcome;
    rc_cohort c = {.a = a, .o = o};
    st_end event;
    if (ep->form && app_endpoint(a, &event) == 0) {
        c.end_form = form_set_find(&a->forms, event.form);
        c.end_field = event.field;
    }
    /* Every grouping a table uses, named before the hips are read: --by,
     * the config's by: (both checked against the forms before), the
     * baseline's side and the enrolment forms' choice fields (their names
     * from form_group_names, so each is found); and their number fields. */
    const char *use[] = {NULL, o->by, oc->form ? (o->by ? o->by : oc->by) : NULL,
                         c.end_form ? (o->by ? o->by : ep->by) : NULL, "side"};
    for (size_t k = 0; k < sizeof use / sizeof *use && !*err; k++)
        if ((k == 0 || use[k]) && prepare(&c, use[k]) != 0)
            *err = xasprintf("cannot group by %s", use[k]);
    c.names = form_group_names(&a->forms, &c.n_names);
    for (int k = 0; k < c.n_names && !*err; k++) {
        form_group g;
        if (form_group_find(&a->forms, c.names[k], &g) == 0 && g.f && prepare(&c, c.names[k]))
            *err = xasprintf("cannot group by %s", c.names[k]);
    }
    for (int k = 0; k < a->forms.n; k++) {
        const form *f = a->forms.v[k];
        for (int i = 0; f->enrolment && i < f->n_field; i++)
            if (f->field[i].type == FT_INTEGER || f->field[i].type == FT_DECIMAL) {
                c.num = xrealloc(c.num, (size_t)(c.n_num + 1) * sizeof *c.num);
                c.num[c.n_num++] = (rc_number){.f = f, .field = i};
            }
    }
    if (!*err && store_each_cohort_hip(a->db, o->from, o->to, c.end_form ? &event : NULL,
                                       &a->ends, add_hip, &c) != 0)
        *err = xstrdup("the cohort could not be read from the database");
    if (*err) {
        cohort_free(&c);
        return -1;
    }
    c.by_uuid = xmalloc((size_t)(c.n_hip + 1) * sizeof *c.by_uuid);
    for (int i = 0; i < c.n_hip; i++)
        c.by_uuid[i] = i;
    g_sort = &c;
    qsort(c.by_uuid, (size_t)c.n_hip, sizeof *c.by_uuid, cmp_uuid);
    g_sort = NULL;

    char from[11] = "start", to[11] = "today";
    if (o->from >= 0)
        date_format(o->from, from);
    if (o->to >= 0)
        date_format(o->to, to);
    char bad[160] = "";
    int observed = store_count_observed(a->db);
    if (c.n_bad)
        snprintf(bad, sizeof bad, " (%d more left out: no readable index date)", c.n_bad);
    if (observed > 0)
        snprintf(bad + strlen(bad), sizeof bad - strlen(bad),
                 " (%d observed hip%s, with no index procedure, not in these tables)", observed,
                 observed == 1 ? "" : "s");
    rc->caption = xasprintf("%d hips%s, index dates %s to %s%s. Censoring: a hip without the "
                            "endpoint is censored at the date of a form that ends its "
                            "follow-up, else at its last record%s (surv_hip).",
                            c.n_hip, bad, from, to, o->to >= 0 ? " (the study end)" : "",
                            o->to >= 0 ? ", and at the study end at the latest" : "");
    int rcode = 0;
    if (patient_numbers(&c) != 0)
        *err = xstrdup("the enrolment answers could not be read from the database");
    for (int k = 0; k < c.n_grp && !*err; k++)
        if (group(&c, &c.grp[k]) != 0)
            *err = xasprintf("the answers to %s could not be read from the database",
                             c.grp[k].by);
    if (!*err)
        rc_baseline(rc, &c, o->by);
    if (!*err)
        rc_scores(rc, &c, o->by, err);
    if (!*err && oc->form)
        rcode = rc_outcome(rc, &c, o->by ? o->by : oc->by, err);
    if (!*err && c.end_form)
        rc_survival(rc, &c, o->by ? o->by : ep->by);
    if (*err)
        rcode = -1;
    cohort_free(&c);
    if (rcode)
        report_cohort_free(rc);
    return rcode;
}

void report_cohort_free(report_cohort *rc)
{
    for (int i = 0; i < rc->n; i++) {
        rc_table *t = &rc->t[i];
        for (int k = 0; k < t->n_row * t->n_col; k++)
            free(t->cell[k].s);
        free(t->cell);
        free(t->col);
        free(t->title);
        for (int k = 0; k < t->n_note; k++)
            free(t->note[k]);
        free(t->note);
        for (int k = 0; k < t->n_own; k++)
            free(t->own[k]);
        free(t->own);
    }
    free(rc->t);
    for (int i = 0; i < rc->n_plot; i++)
        free(rc->plot[i]);
    free(rc->plot);
    free(rc->caption);
    for (int s = 0; s < rc->n_km; s++) {
        stat_km_free(&rc->km[s]);
        free(rc->km_name[s]);
    }
    free(rc->km);
    free(rc->km_name);
    free(rc->km_title);
    free(rc->km_what);
    memset(rc, 0, sizeof *rc);
}
