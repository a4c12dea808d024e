/* export_survival.c — `export survival`: one row per hip with the time to
 * the endpoint (the form whose ends_follow_up date ends a hip, THA) or to
 * censoring. The rule is surv_hip's and the hips and dates are
 * store_each_cohort_hip's, exactly as `bedside report` uses them, so the
 * file and the report's Kaplan–Meier agree. After its own columns come the
 * enrolment forms' answers, as export csv gives them (export_enrol_next:
 * <form>_<field>, dates through export_date_text), so a site's new
 * enrolment field is a column here with no code change. */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "store_export.h"
#include "surv.h"

enum { S_HIP, S_PATIENT, S_SIDE, S_INDEX, S_EVENT, S_TIME, S_WHY, S_END, S_SEX, S_AGE, S_N };
static const struct {
    const char *name, *type, *label;
} col[S_N] = {
    {"hip_id", "uuid", "Hip id (study id and side when de-identified)"},
    {"patient_id", "uuid", "Patient id (a study id S0001... when de-identified)"},
    {"side", "code", "Side of the hip (L, R)"},
    {"index_date", "date", "Index date of the hip (day 0)"},
    {"event", "integer", "1 if the endpoint (conversion to THA) happened, else 0"},
    {"time_days", "integer", "Days from the index date to the endpoint or censoring"},
    {"censor_reason", "code",
     "Why a hip without the endpoint is censored: end of follow-up form, last record, "
     "study end"},
    {"end_date", "date", "Date of the endpoint or censoring"},
    {"sex", "code", "Sex (F, M, X)"},
    {"age_at_index", "decimal", "Age at the index date, years, cut to one decimal"},
};

typedef struct {
    app *a;
    export_opts o;            /* export_survival_opts' */
    FILE *out;
    st_study_ids ids;
    st_enrol_walk *walk;
    const char **row;         /* S_N + the enrolment columns */
    char (*edate)[16];        /* their de-identified dates */
    int stop;                 /* the walk failed */
} surv_ctx;

export_opts export_survival_opts(const export_opts *o)
{
    return (export_opts){.deidentify = o->deidentify, .keep_text = o->keep_text};
}

static int kept(const export_opts *o, int i)
{
    return !(o->deidentify && (i == S_INDEX || i == S_END));
}

static int put_hip(void *ctx, const st_patient *p, const st_hip *h, const st_followup *fu)
{
    surv_ctx *x = ctx;
    /* As report_cohort.c, without a study end. */
    surv_hip_in in = {.index_date = h->index_date, .event_date = fu->event_date,
                      .end_date = fu->end_date, .last_record = fu->last_date, .study_end = -1};
    surv_hip_out o = surv_hip(&in);
    const char *c[S_N];
    char hip[48], index[16], event[4], time[16], end[16], sex[2] = {p->sex, 0}, age[16];
    const char *sid = st_study_id(&x->ids, p->uuid);
    if (x->o.deidentify) {
        snprintf(hip, sizeof hip, "%s-%c", sid ? sid : "", h->side);
        c[S_HIP] = hip;
        c[S_PATIENT] = sid;
    } else {
        c[S_HIP] = h->uuid;
        c[S_PATIENT] = p->uuid;
    }
    c[S_SIDE] = h->side == 'L' ? "L" : "R";
    date_format(h->index_date, index);
    c[S_INDEX] = index;
    snprintf(event, sizeof event, "%d", o.event);
    c[S_EVENT] = event;
    snprintf(time, sizeof time, "%d", o.time_days);
    c[S_TIME] = time;
    c[S_WHY] = o.event ? "" : surv_censor_name(o.why);
    date_format(o.stop_date, end);
    c[S_END] = end;
    c[S_SEX] = sex;
    export_age(p->born, h->index_date, age);
    c[S_AGE] = age;
    const char **row = x->row;
    int n = 0;
    for (int i = 0; i < S_N; i++)
        if (kept(&x->o, i))
            row[n++] = c[i];
    const st_enrol_answer *v;
    size_t nv;
    if (st_enrol_walk_to(x->walk, p, &v, &nv) != 0) {
        x->stop = 1;
        return 1;
    }
    for (int k = 0, i = -1, e = 0; export_enrol_next(x->a, &x->o, &k, &i); e++) {
        const form *f = x->a->forms.v[k];
        const char *a = st_enrol_find(v, nv, p, h, f->id, f->field[i].id);
        if (f->field[i].type == FT_DATE)
            a = export_date_text(&x->o, a, h->index_date, x->edate[e]);
        row[n++] = a;
    }
    export_row(x->out, row, n);
    return ferror(x->out) ? 1 : 0;
}

int export_survival_column(const export_opts *o, int i, const char **name, const char **type,
                           const char **label)
{
    /* The enrolment columns are export csv's: the codebook lists them once. */
    for (; i < S_N; i++)
        if (kept(o, i)) {
            *name = col[i].name;
            *type = col[i].type;
            *label = col[i].label;
            return i + 1;
        }
    return 0;
}

int export_survival(app *a, const export_opts *opts, FILE *out)
{
    surv_ctx x = {.a = a, .o = export_survival_opts(opts), .out = out};
    const export_opts *o = &x.o;
    if (export_deid_begin(a, o, "export survival", EXPORT_NOTE_ENROL) < 0)
        return -1;
    if (o->deidentify && store_study_id_map(a->db, &x.ids) != 0)
        return -1;
    if (!(x.walk = store_enrol_walk(a->db))) {
        st_study_ids_free(&x.ids);
        return -1;
    }
    int n_enrol = 0;
    for (int k = 0, i = -1; export_enrol_next(a, o, &k, &i);)
        n_enrol++;
    x.row = xcalloc((size_t)(S_N + n_enrol), sizeof *x.row);
    x.edate = xcalloc((size_t)n_enrol + 1, sizeof *x.edate);
    /* The header: the names are the cells of a first row. */
    char **name = xcalloc((size_t)n_enrol + 1, sizeof *name);
    int n = 0;
    for (int i = 0; i < S_N; i++)
        if (kept(o, i))
            x.row[n++] = col[i].name;
    for (int k = 0, i = -1, e = 0; export_enrol_next(a, o, &k, &i); e++)
        x.row[n++] = name[e] = xasprintf("%s_%s", a->forms.v[k]->id, a->forms.v[k]->field[i].id);
    export_row(out, x.row, n);
    for (int e = 0; e < n_enrol; e++)
        free(name[e]);
    free(name);
    st_end event;
    int has_event = app_endpoint(a, &event) == 0;
    int rc = store_each_cohort_hip(a->db, -1, -1, has_event ? &event : NULL, &a->ends, put_hip,
                                   &x);
    st_study_ids_free(&x.ids);
    st_enrol_walk_free(x.walk);
    free(x.row);
    free(x.edate);
    if (rc != 0 || x.stop || ferror(out)) {
        fprintf(stderr, "bedside: the export stopped: cannot read the hips or write the "
                        "output\n");
        return -1;
    }
    return 0;
}
