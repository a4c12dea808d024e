/* export_survival.c — `export survival`: one row per hip with the time to
 * the endpoint (the form whose ends_follow_up date ends a hip, THA) or to
 * censoring. The rule is surv_hip's and the hips and dates are
 * store_each_cohort_hip's, exactly as `bedside report` uses them, so the
 * file and the report's Kaplan–Meier agree. */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "store_export.h"
#include "surv.h"

enum {
    S_HIP, S_PATIENT, S_SIDE, S_INDEX, S_STAGE, S_EVENT, S_TIME, S_WHY, S_END, S_ETIOLOGY,
    S_STAGE_SYSTEM, S_INVOLVEMENT, S_SEX, S_AGE, S_N
};
static const struct {
    const char *name, *type, *label;
} col[S_N] = {
    {"hip_id", "uuid", "Hip id (study id and side when de-identified)"},
    {"patient_id", "uuid", "Patient id (a study id S0001... when de-identified)"},
    {"side", "code", "Side of the hip (L, R)"},
    {"index_date", "date", "Index date of the hip (day 0)"},
    {"stage", "code", "Stage at enrolment"},
    {"event", "integer", "1 if the endpoint (conversion to THA) happened, else 0"},
    {"time_days", "integer", "Days from the index date to the endpoint or censoring"},
    {"censor_reason", "code",
     "Why a hip without the endpoint is censored: end of follow-up form, last record, "
     "study end"},
    {"end_date", "date", "Date of the endpoint or censoring"},
    {"etiology", "code", "Etiology of the osteonecrosis"},
    {"stage_system", "code", "Staging system"},
    {"involvement", "decimal", "Involvement of the femoral head, %"},
    {"sex", "code", "Sex (F, M, X)"},
    {"age_at_index", "decimal", "Age at the index date, years, cut to one decimal"},
};

typedef struct {
    const export_opts *o;
    FILE *out;
    st_study_ids ids;
} surv_ctx;

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
    if (x->o->deidentify) {
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
    c[S_STAGE] = st_hip_answer(h, "stage");
    snprintf(event, sizeof event, "%d", o.event);
    c[S_EVENT] = event;
    snprintf(time, sizeof time, "%d", o.time_days);
    c[S_TIME] = time;
    c[S_WHY] = o.event ? "" : surv_censor_name(o.why);
    date_format(o.stop_date, end);
    c[S_END] = end;
    c[S_ETIOLOGY] = st_hip_answer(h, "etiology");
    c[S_STAGE_SYSTEM] = st_hip_answer(h, "stage_system");
    c[S_INVOLVEMENT] = st_hip_answer(h, "involvement");
    c[S_SEX] = sex;
    export_age(p->born, h->index_date, age);
    c[S_AGE] = age;
    const char *row[S_N];
    int n = 0;
    for (int i = 0; i < S_N; i++)
        if (kept(x->o, i))
            row[n++] = c[i];
    export_row(x->out, row, n);
    return ferror(x->out) ? 1 : 0;
}

int export_survival_column(const export_opts *o, int i, const char **name, const char **type,
                           const char **label)
{
    for (; i < S_N; i++)
        if (kept(o, i)) {
            *name = col[i].name;
            *type = col[i].type;
            *label = col[i].label;
            return i + 1;
        }
    return 0;
}

int export_survival(app *a, const export_opts *o, FILE *out)
{
    surv_ctx x = {.o = o, .out = out};
    if (export_deid_begin(a, o, "export survival", 0) < 0)
        return -1;
    if (o->deidentify && store_study_id_map(a->db, &x.ids) != 0)
        return -1;
    const char *row[S_N];
    int n = 0;
    for (int i = 0; i < S_N; i++)
        if (kept(o, i))
            row[n++] = col[i].name;
    export_row(out, row, n);
    st_end event;
    int has_event = app_endpoint(a, &event) == 0;
    int rc = store_each_cohort_hip(a->db, -1, -1, has_event ? &event : NULL, &a->ends, put_hip,
                                   &x);
    st_study_ids_free(&x.ids);
    if (rc != 0 || ferror(out)) {
        fprintf(stderr, "bedside: the export stopped: cannot read the hips or write the "
                        "output\n");
        return -1;
    }
    return 0;
}
