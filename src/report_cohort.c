/* report_cohort.c — the cohort report's hips, strata and baseline table,
 * and the order of the tables (report_cohort.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cohort.h"

static int add_hip(void *ctx, const st_patient *p, const st_hip *h, const st_followup *fu)
{
    rc_cohort *c = ctx;
    /* An index date that does not read as a date (a damaged or foreign
     * file) has no time axis: left out and counted, never a crash. */
    if (h->index_date == -1) {
        c->n_bad++;
        return 0;
    }
    if (c->n_hip % 256 == 0)
        c->hip = xrealloc(c->hip, (size_t)(c->n_hip + 256) * sizeof *c->hip);
    rc_hip *x = &c->hip[c->n_hip++];
    memset(x, 0, sizeof *x);
    memcpy(x->uuid, h->uuid, sizeof x->uuid);
    memcpy(x->patient, p->uuid, sizeof x->patient);
    x->mrn = xstrdup(p->mrn);
    x->sex = p->sex;
    x->born = p->born;
    x->side = h->side;
    x->index_date = h->index_date;
    /* The enrolment answers; a stage as the form names it ("IIIA"). */
    const char *inv = st_hip_answer(h, "involvement");
    char *end = NULL;
    x->etiology = xstrdup(st_hip_answer(h, "etiology"));
    x->stage_system = xstrdup(st_hip_answer(h, "stage_system"));
    x->stage = xstrdup(form_option_label(c->a->enrol[SCOPE_HIP], "stage",
                                         st_hip_answer(h, "stage")));
    x->involvement = inv ? strtod(inv, &end) : 0;
    x->has_involvement = inv && end != inv && !*end;
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

const char *rc_hip_field(const rc_hip *h, const char *field)
{
    static char one[2][2];
    const char *v = NULL;
    if (strcmp(field, "sex") == 0) {
        one[0][0] = h->sex;
        v = one[0];
    } else if (strcmp(field, "side") == 0) {
        one[1][0] = h->side;
        v = one[1];
    } else if (strcmp(field, "etiology") == 0) {
        v = h->etiology;
    } else if (strcmp(field, "stage_system") == 0) {
        v = h->stage_system;
    } else if (strcmp(field, "stage") == 0) {
        v = h->stage;
    }
    return v && *v ? v : "(missing)";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rc_strata(const rc_cohort *c, const char *by, char ***names, int **of_hip)
{
    *of_hip = xcalloc((size_t)c->n_hip + 1, sizeof **of_hip);
    if (!by) {
        *names = xcalloc(1, sizeof **names);
        (*names)[0] = xstrdup("all");
        return 1;
    }
    char **v = xcalloc((size_t)c->n_hip + 1, sizeof *v);
    int n = 0;
    for (int i = 0; i < c->n_hip; i++) {
        const char *f = rc_hip_field(&c->hip[i], by);
        int k = 0;
        while (k < n && strcmp(v[k], f) != 0)
            k++;
        if (k == n)
            v[n++] = xstrdup(f);
    }
    qsort(v, (size_t)n, sizeof *v, cmp_str);
    for (int i = 0; i < c->n_hip; i++) {
        const char *f = rc_hip_field(&c->hip[i], by);
        char **hit = bsearch(&f, v, (size_t)n, sizeof *v, cmp_str);
        (*of_hip)[i] = (int)(hit - v);
    }
    *names = v;
    return n;
}

void rc_strata_free(char **names, int n, int *of_hip)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(of_hip);
}

/* ---- baseline characteristics ---- */

enum { B_STRATUM, B_WHAT, B_LEVEL, B_N, B_PCT, B_MEAN, B_SD, B_MIN, B_MAX, B_MISSING, B_NCOL };
static const rc_col baseline_cols[B_NCOL] = {
    [B_STRATUM] = {"stratum", "", RC_TEXT, NULL, NULL, 0},
    [B_WHAT] = {"characteristic", "", RC_TEXT, NULL, NULL, 0},
    [B_LEVEL] = {"level", "", RC_TEXT, NULL, NULL, 0},
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

/* Every level of a field among hips of stratum s, with counts. */
static void levels(rc_table *t, const rc_cohort *c, const int *of, int s, const char *st,
                   const char *what, const char *field, int n_in)
{
    char **names;
    int *lv;
    int n = rc_strata(c, field, &names, &lv);
    for (int k = 0; k < n; k++) {
        int cnt = 0;
        for (int i = 0; i < c->n_hip; i++)
            cnt += of[i] == s && lv[i] == k;
        if (cnt)
            count_row(t, st, what, names[k], cnt, n_in);
    }
    rc_strata_free(names, n, lv);
}

void rc_baseline(report_cohort *rc, const rc_cohort *c, const char *by)
{
    rc_table *t = rc_table_new(rc, "baseline", baseline_cols, B_NCOL,
                               "Baseline characteristics%s%s", by ? " by " : "", by ? by : "");
    t->col[B_STRATUM].head = by ? by : "";
    char **names;
    int *of;
    int n_st = rc_strata(c, by, &names, &of);
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
        levels(t, c, of, s, st, "Side", "side", hips);
        levels(t, c, of, s, st, "Etiology", "etiology", hips);
        levels(t, c, of, s, st, "Stage system", "stage_system", hips);
        levels(t, c, of, s, st, "Stage", "stage", hips);
        int n = 0, missing = 0;
        for (int i = 0; i < c->n_hip; i++)
            if (of[i] == s) {
                if (c->hip[i].has_involvement)
                    x[n++] = c->hip[i].involvement;
                else
                    missing++;
            }
        number_row(t, st, "Involvement (%)", x, n, missing);
    }
    free(x);
    rc_note(t, "Patients are counted once per stratum; age is at their first index date in it "
               "(days / 365.25). Percentages of patients for sex and bilateral, of hips else.");
    rc_strata_free(names, n_st, of);
}

/* ---- the whole report ---- */

int report_cohort_build(app *a, const report_cohort_opts *o, report_cohort *rc, char **err)
{
    memset(rc, 0, sizeof *rc);
    *err = NULL;
    const config_report_item *ep = &a->cfg.rep_endpoint, *oc = &a->cfg.rep_outcome;
    rc_cohort c = {.a = a, .o = o};
    st_end event;
    if (ep->form && app_endpoint(a, &event) == 0) {
        c.end_form = form_set_find(&a->forms, event.form);
        c.end_field = event.field;
    }
    if (store_each_cohort_hip(a->db, o->from, o->to, c.end_form ? &event : NULL, &a->ends,
                              add_hip, &c) != 0) {
        *err = xstrdup("the cohort could not be read from the database");
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
    rc_baseline(rc, &c, o->by);
    rc_scores(rc, &c, o->by, err);
    if (!*err && oc->form)
        rcode = rc_outcome(rc, &c, o->by ? o->by : oc->by, err);
    if (!*err && c.end_form)
        rc_survival(rc, &c, o->by ? o->by : ep->by);
    if (*err)
        rcode = -1;
    for (int i = 0; i < c.n_hip; i++) {
        free(c.hip[i].mrn);
        free(c.hip[i].etiology);
        free(c.hip[i].stage_system);
        free(c.hip[i].stage);
    }
    free(c.hip);
    free(c.by_uuid);
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
