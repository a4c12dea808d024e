/* demo.c — the synthetic cohort: patients, hips, their course and visits.
 *
 * Proportions and trajectories follow the first seeded study (46 patients,
 * 58 hips; ../shared/seeds/000), dealt out exactly by demo_shape.c: 26 %
 * bilateral, 70 % male, Steinberg I/II/III 24/50/26 %, its MRI outcome by
 * stage and 6 of 15 stage III hips converting to hip replacement; VAS
 * 7.8 -> 2.1 and HHS 54.6 -> 84.2 over 24 months. Index dates are spread
 * over the last ~4 years so every stage of follow-up exists today (or, with
 * `complete`, far enough back for every scheduled visit). demo_forms.c turns a visit into form answers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "entry.h"
#include "sched.h"

/* Index of a weighted choice; weights sum to 1. */
static int pick(demo_rng *r, const double *w, int n)
{
    double u = demo_rng_unit(r);
    for (int i = 0; i < n - 1; i++) {
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return n - 1;
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* ---- names ---- */

static const char *const male[] = {
    "James",  "Mohamed", "Luca",  "José",   "Łukasz",   "Ahmed",  "Pierre", "Jan",
    "Kwame",  "Hiroshi", "Daniel", "Omar",  "Mateo",    "Sören",  "Ivan",   "Chinedu",
    "André",  "Rafael",  "Tomás", "Yusuf",  "Thomas",   "Bjørn",  "Karim",  "Nikolai",
    "Samuel", "Oliver",  "Arjun", "François", "Diego",  "Mehmet", "Paul",   "Ali"};
static const char *const female[] = {
    "Zoë",   "Maria", "Amira", "Chloé", "Fatima", "Ana",   "Sofia",  "Ingrid",
    "Aisha", "Małgorzata", "Emma", "Leïla", "Yuki", "Grace", "Lucía", "Hannah",
    "Nadia", "Ewa",   "Ama",   "Irène", "Priya",  "Olga",  "Sarah",  "Élodie"};
static const char *const surname[] = {
    "Martin",  "Dubois",  "Kowalski", "Nowak",    "García",  "Fernández", "Müller",
    "Schmidt", "Rossi",   "Bianchi",  "Okafor",   "Mensah",  "Diallo",    "Nguyen",
    "Tanaka",  "Kim",     "Haddad",   "Yılmaz",   "Petrov",  "Jansen",    "O'Brien",
    "Smith",   "Johnson", "Brown",    "Silva",    "Santos",  "Pereira",   "Andersson",
    "Nielsen", "Öztürk",  "Łuczak",   "Benali",   "Traoré",  "Cohen",     "Patel",
    "Singh",   "Moreau",  "Lefèvre",  "Hernández", "Novák",  "Dvořák",    "Wójcik",
    "Murphy",  "Costa",   "Ahmed",    "Osei",     "Lambert", "Weber"};
static const char *const nurses[] = {"amartin", "jdubois", "ekowalska", "sfernandez",
                                     "lnguyen", "mobrien"};
static const char *const amend_reasons[] = {
    "transcription error", "wrong option ticked on the paper form",
    "corrected after checking the source document"};

#define NELEM(a) ((int)(sizeof(a) / sizeof *(a)))

/* ---- population curves (study means by day) ---- */

static const double curve_day[] = {0, 30, 91, 182, 365, 547, 730};
static const double curve_vas[] = {7.8, 5.6, 4.3, 3.0, 2.2, 2.0, 1.9};
static const double curve_hhs[] = {54.6, 61.0, 66.5, 73.5, 82.0, 84.0, 85.2};

static double curve(const double *y, int day)
{
    int n = NELEM(curve_day);
    if (day <= 0)
        return y[0];
    for (int i = 1; i < n; i++)
        if (day <= curve_day[i]) {
            double f = (day - curve_day[i - 1]) / (curve_day[i] - curve_day[i - 1]);
            return y[i - 1] + f * (y[i] - y[i - 1]);
        }
    return y[n - 1];
}

/* ---- one hip's course ---- */

typedef struct {
    st_hip h;
    int stage;               /* 1..3 */
    int etiology;            /* index into demo_shape's etiologies */
    double involvement;      /* % of the head at day 0 */
    double base_vas, base_hhs, response;
    int tha_date;            /* -1 if the hip keeps its head */
    int comp_tp;             /* timepoint index of the complication, -1 none */
    int comp_event, comp_grade;
    int mri_final;           /* -1 improved, 0 stable, 1 progressed */
} hip_plan;

/* Patient-scope forms are filled once per patient and timepoint. */
typedef struct {
    int tp;
    const char *form;
} pdone;

typedef struct {
    store *s;
    const config *c;
    const form_set *fs;
    demo_rng *r;
    int today;
    demo_stats *st;
    char **err;
    pdone *pd;
    int n_pd, cap_pd;
    char uuid[37];           /* patient */
    demo_shape shape;        /* the study's proportions, dealt out */
    int hip_no;              /* hips planned so far: index into shape */
    const hip_plan *hp;      /* the patient's hips planned so far (n_hp) */
    int n_hp;
    int defer;               /* hold scheduled patient-scope records (held) */
    struct held *held;       /* until every hip of the patient is planned */
    int n_held, cap_held;
    int complete;            /* demo --complete */
    uint64_t seed;
} gen;

static void plan_hip(gen *g, hip_plan *hp, int etio, int index_date)
{
    demo_rng *r = g->r;
    int k = g->hip_no++;
    hp->stage = g->shape.stage[k];
    hp->etiology = etio;
    double inv = demo_rng_normal(r, 5.0 + 10.0 * hp->stage, 6.0);
    hp->involvement = round(clampd(inv, 5, 80));
    hp->h.index_date = index_date;

    static const double stage_adj[] = {0.4, 0.0, -0.5};
    static const double etio_adj[] = {0.0, 0.25, -0.1, -0.4};
    hp->response = demo_rng_normal(r, stage_adj[hp->stage - 1] + etio_adj[etio], 1.0);
    hp->base_vas = clampd(demo_rng_normal(r, 7.7 + 0.2 * (hp->stage - 2), 1.0), 4.5, 10);
    hp->base_hhs = clampd(demo_rng_normal(r, 54.6 - 2.0 * (hp->stage - 2), 6.3), 30, 75);

    /* Radiological outcome by stage (study Table 3); every THA progressed. */
    hp->mri_final = g->shape.mri[k];
    hp->tha_date = -1;
    if (g->shape.tha[k]) {
        /* After the 6-month MRI, which already shows the progression. */
        hp->tha_date = index_date + demo_rng_int(r, 210, 700);
        hp->mri_final = 1;
        hp->response = -1.5;
    }

    /* Mostly mild events at the first visit after an injection. */
    hp->comp_tp = -1;
    if (demo_rng_chance(r, 0.15)) {
        static const double ev_w[] = {0.5, 0.32, 0.1, 0.04, 0.04};
        hp->comp_event = pick(r, ev_w, 5);
        hp->comp_grade = demo_rng_chance(r, 0.9) ? 1 : 2;
        hp->comp_tp = demo_rng_chance(r, 0.7) ? 1 : demo_rng_int(r, 1, 3);
    }
}

/* The course of a hip at `day`: VAS and Harris total to aim for. */
static void course(const hip_plan *hp, int day, demo_rng *r, demo_visit *v)
{
    double vas = hp->base_vas, hhs = hp->base_hhs;
    if (day > 0) {
        vas = hp->base_vas - (7.8 - curve(curve_vas, day)) * (1 + 0.18 * hp->response) +
              demo_rng_normal(r, 0, 0.6);
        hhs = hp->base_hhs + (curve(curve_hhs, day) - 54.6) * (1 + 0.2 * hp->response) +
              demo_rng_normal(r, 0, 3.0);
    }
    /* A hip heading for replacement improves, then slides back. */
    if (hp->tha_date >= 0 && day > 90) {
        double f = clampd((double)(day - 90) / (hp->tha_date - hp->h.index_date - 90), 0, 1);
        vas = vas * (1 - f) + 7.2 * f;
        hhs = hhs * (1 - f) + 50.0 * f;
    }
    v->vas = round(clampd(vas, 0, 10) * 10) / 10;
    v->hhs = clampd(hhs, 15, 100);
}

static int mri_trend_at(const hip_plan *hp, int day)
{
    /* The verdict shows by 6 months in most hips, later in some. */
    if (day < 150)
        return 0;
    if (hp->tha_date >= 0)
        return 1;
    if (day < 300 && hp->mri_final != 0 && (hp->h.index_date + day) % 3 == 0)
        return 0;
    return hp->mri_final;
}

static int satisfaction_of(double hhs)
{
    return hhs >= 88 ? 5 : hhs >= 78 ? 4 : hhs >= 68 ? 3 : hhs >= 55 ? 2 : 1;
}

/* ---- saving ---- */

/* Who entered r and when: on `date`, a little after the visit, but never
 * after today (bedside check reports an entry from the future). */
static void stamp(gen *g, st_record *r, int date)
{
    char d[11];
    date_format(date < g->today ? date : g->today, d);
    r->entered_by = xstrdup(nurses[demo_rng_int(g->r, 0, NELEM(nurses) - 1)]);
    r->entered_at = xasprintf("%sT%02d:%02d:%02dZ", d, demo_rng_int(g->r, 7, 17),
                              demo_rng_int(g->r, 0, 59), demo_rng_int(g->r, 0, 59));
}

typedef struct {
    sbuf msg;
    int n;
} problems;

static void on_problem(void *ctx, const char *field, const char *msg)
{
    problems *p = ctx;
    if (p->n++ < 3)
        sbuf_printf(&p->msg, "%s%s: %s", p->n > 1 ? "; " : "", field, msg);
}

/* Answers for v, checked like the command line checks them; then the row. */
static int build(gen *g, const form *f, const demo_visit *v, st_record *rec)
{
    form_answers *a = form_answers_new(f);
    int rc = demo_fill(a, v, g->r, g->err);
    problems p = {{0}, 0};
    if (rc == 0 && form_validate(a, on_problem, &p) > 0) {
        *g->err = xasprintf("form '%s' refused the demo's answers: %s", f->id, p.msg.s);
        rc = -1;
    }
    sbuf_free(&p.msg);
    if (rc == 0) {
        entry_record_fill(rec, a);
        rec->validated = 1;   /* as `record` validates: the store marks it */
    }
    form_answers_free(a);
    return rc;
}

static void record_key(gen *g, st_record *rec, const hip_plan *hp, const form *f,
                       const char *tp, int date)
{
    memcpy(rec->patient, g->uuid, sizeof rec->patient);
    if (f->scope == SCOPE_HIP) {
        memcpy(rec->hip, hp->h.uuid, sizeof rec->hip);
        rec->side = hp->h.side;
    }
    rec->timepoint = xstrdup(tp);
    rec->visit_date = date;
    rec->status = 'f';
}

static int same_answers(const st_record *a, const st_record *b)
{
    if (a->n_ans != b->n_ans)
        return 0;
    for (int i = 0; i < a->n_ans; i++) {
        const char *v = st_record_get(b, a->ans[i].key);
        if (!v || strcmp(v, a->ans[i].value) != 0)
            return 0;
    }
    return 1;
}

/* A record ready to write, with the amendment made to it later (fix.form
 * NULL: none). */
typedef struct held {
    st_record rec, fix;
    const char *why;
} held;

static entry_hip hip_of(const gen *g, const hip_plan *hp)
{
    return (entry_hip){.side = hp->h.side, .index_date = hp->h.index_date,
                       .end_date = hp->tha_date <= g->today ? hp->tha_date : -1};
}

/* Write x under the visit rules as entry applies them: against its hip, or
 * every hip of the patient for a patient-scope record; a late visit is kept
 * out of window, as a nurse would confirm it, and marked by the same rule
 * as entry marks it (entry_out_of_window). */
static int put(gen *g, const form *f, held *x)
{
    entry_hip eh[2];
    int n = 0;
    for (int i = 0; i < g->n_hp && n < 2; i++)
        if (!x->rec.side || g->hp[i].h.side == x->rec.side)
            eh[n++] = hip_of(g, &g->hp[i]);
    entry_error e;
    int end = f->ends_follow_up >= 0, rc = 0;
    const char *tp = x->rec.timepoint;
    int date = x->rec.visit_date;
    if (entry_visit_rules(g->c, eh, n, tp, date, 1, end, &e) != ENTRY_OK) {
        *g->err = xasprintf("the demo's %s visit (%s) breaks the visit rules: %s", tp, f->id,
                            e.msg);
        rc = -1;
    }
    x->rec.out_of_window = x->fix.out_of_window = entry_out_of_window(g->c, eh, n, tp, date, end);
    if (rc == 0)
        rc = store_record_final(g->s, &x->rec, g->err) == 0 ? 0 : -1;
    if (rc == 0)
        g->st->records++;
    if (rc == 0 && x->fix.form) {
        rc = store_record_amend(g->s, x->rec.uuid, &x->fix, x->why, g->err) == 0 ? 0 : -1;
        if (rc == 0)
            g->st->amended++;
    }
    st_record_free(&x->rec);
    st_record_free(&x->fix);
    return rc;
}

/* Write the held records, now that every hip is planned (write 0: drop
 * them, after a failure). */
static int put_held(gen *g, int write)
{
    int rc = write ? 0 : -1;
    for (int i = 0; i < g->n_held; i++) {
        held *x = &g->held[i];
        if (rc == 0)
            rc = put(g, form_set_find(g->fs, x->rec.form), x);
        st_record_free(&x->rec);
        st_record_free(&x->fix);
    }
    g->n_held = 0;
    g->defer = 0;
    return rc;
}

static int save(gen *g, const hip_plan *hp, const form *f, const char *tp, demo_visit *v)
{
    held x;
    memset(&x, 0, sizeof x);
    record_key(g, &x.rec, hp, f, tp, v->visit_date);
    stamp(g, &x.rec,
          v->visit_date + (demo_rng_chance(g->r, 0.8) ? 0 : demo_rng_int(g->r, 1, 5)));
    int rc = build(g, f, v, &x.rec);
    /* A few records are corrected later, as happens with paper source forms;
     * a form that came out the same (no complication twice) is left alone. */
    if (rc == 0 && demo_rng_chance(g->r, 0.025)) {
        record_key(g, &x.fix, hp, f, tp, v->visit_date);
        stamp(g, &x.fix, v->visit_date + demo_rng_int(g->r, 2, 40));
        demo_visit v2 = *v;
        v2.vas = round(clampd(v->vas + (demo_rng_chance(g->r, 0.5) ? 0.5 : -0.5), 0, 10) * 10) /
                 10;
        v2.hhs = clampd(v->hhs + (demo_rng_chance(g->r, 0.5) ? 6 : -6), 15, 100);
        rc = build(g, f, &v2, &x.fix);
        x.why = amend_reasons[demo_rng_int(g->r, 0, NELEM(amend_reasons) - 1)];
        if (rc != 0 || same_answers(&x.rec, &x.fix))
            st_record_free(&x.fix);   /* leaves fix.form NULL */
    }
    if (rc != 0) {
        st_record_free(&x.rec);
        st_record_free(&x.fix);
        return -1;
    }
    /* A patient-scope visit counts in the window of any of the patient's
     * hips: with a second hip still to be planned, it waits for it. */
    if (g->defer && f->scope == SCOPE_PATIENT && config_timepoint(g->c, tp) >= 0) {
        if (g->n_held == g->cap_held) {
            g->cap_held = g->cap_held ? 2 * g->cap_held : 8;
            g->held = xrealloc(g->held, (size_t)g->cap_held * sizeof *g->held);
        }
        g->held[g->n_held++] = x;
        return 0;
    }
    return put(g, f, &x);
}

static int patient_done(gen *g, int tp, const char *form_id)
{
    for (int i = 0; i < g->n_pd; i++)
        if (g->pd[i].tp == tp && strcmp(g->pd[i].form, form_id) == 0)
            return 1;
    if (g->n_pd == g->cap_pd) {
        g->cap_pd = g->cap_pd ? 2 * g->cap_pd : 16;
        g->pd = xrealloc(g->pd, (size_t)g->cap_pd * sizeof *g->pd);
    }
    g->pd[g->n_pd++] = (pdone){tp, form_id};
    return 0;
}

/* Injections are numbered by the visits that expect a procedure form. */
static int injection_at(const config *c, int tp, const char *form_id)
{
    int n = 0;
    for (int i = 0; i <= tp; i++)
        for (int j = 0; j < c->tp[i].n_forms; j++)
            if (strcmp(c->tp[i].forms[j], form_id) == 0)
                n++;
    return n;
}

/* The visit date for a timepoint: mostly inside the window, some late. */
static int visit_day(demo_rng *r, const sched_tp *t)
{
    if (t->before == 0 && t->after == 0)
        return t->day;
    /* Some visits are late; never the baseline, which precedes day 0. */
    if (t->day > 0 && demo_rng_chance(r, 0.05))
        return t->day + t->after + demo_rng_int(r, 1, 21);
    int d = (int)lround(demo_rng_normal(r, 0, (t->before + t->after) / 5.0));
    if (d < -t->before)
        d = -t->before;
    if (d > t->after)
        d = t->after;
    return t->day + d;
}

/* The form whose end of follow-up is an event (hip replacement), if any. */
static const form *end_form(const form_set *fs)
{
    for (int i = 0; i < fs->n; i++)
        if (fs->v[i]->ends_follow_up >= 0 && fs->v[i]->end_is_event)
            return fs->v[i];
    return NULL;
}

static int follow_hip(gen *g, hip_plan *hp)
{
    const config *c = g->c;
    for (int i = 0; i < c->n_tp; i++) {
        const sched_tp *t = &c->tp[i];
        int day = visit_day(g->r, t);
        int date = hp->h.index_date + day;
        int missed = i > 0 && demo_rng_chance(g->r, 0.065);
        if (date > g->today || (hp->tha_date >= 0 && date >= hp->tha_date))
            break;
        if (missed) {
            g->st->missed++;
            continue;
        }
        demo_visit v = {.visit_date = date, .index_date = hp->h.index_date,
                        .stage = hp->stage, .involvement = hp->involvement,
                        .complication = -1, .tha_date = -1, .response = hp->response};
        course(hp, day, g->r, &v);
        v.mri_trend = mri_trend_at(hp, day);
        v.satisfaction = satisfaction_of(v.hhs + demo_rng_normal(g->r, 0, 4));
        if (i == hp->comp_tp) {
            v.complication = hp->comp_event;
            v.grade = hp->comp_grade;
            g->st->complications++;
        }
        for (int j = 0; j < t->n_forms; j++) {
            const form *f = form_set_find(g->fs, t->forms[j]);
            if (!f)
                continue;
            if (f->scope == SCOPE_PATIENT && patient_done(g, i, f->id))
                continue;
            v.injection = injection_at(c, i, f->id);
            if (save(g, hp, f, t->id, &v) < 0)
                return -1;
        }
    }
    if (hp->tha_date >= 0 && hp->tha_date <= g->today) {
        const form *f = end_form(g->fs);
        g->st->tha++;
        if (f) {
            demo_visit v = {.visit_date = hp->tha_date, .index_date = hp->h.index_date,
                            .stage = 3, .involvement = hp->involvement, .complication = -1,
                            .mri_trend = 1, .tha_date = hp->tha_date};
            int tp = sched_timepoint_for(c, hp->h.index_date, hp->tha_date);
            if (save(g, hp, f, tp >= 0 ? c->tp[tp].id : TIMEPOINT_UNSCHEDULED, &v) < 0)
                return -1;
        }
    }
    return 0;
}

/* The hip's enrolment record, through the enrolment form of a hip (if the
 * forms have one), dated by the index date as entry dates it. */
static int enrol_hip(gen *g, const hip_plan *hp)
{
    for (int i = 0; i < g->fs->n; i++) {
        const form *f = g->fs->v[i];
        if (!f->enrolment || f->scope != SCOPE_HIP)
            continue;
        demo_visit v = {.visit_date = hp->h.index_date, .index_date = hp->h.index_date,
                        .stage = hp->stage, .involvement = hp->involvement,
                        .etiology = hp->etiology, .complication = -1, .tha_date = -1};
        return save(g, hp, f, TIMEPOINT_ENROLMENT, &v);
    }
    return 0;
}

/* The patient's enrolment record, through the enrolment form of a patient
 * (if the forms have one), dated by the first hip's index date. Its answers
 * draw from a generator of their own (seeded by the seed and the patient's
 * number), so the rest of the cohort is the same with or without the form. */
static int enrol_patient(gen *g, const hip_plan *hp, int n, int etiology)
{
    for (int i = 0; i < g->fs->n; i++) {
        const form *f = g->fs->v[i];
        if (!f->enrolment || f->scope != SCOPE_PATIENT)
            continue;
        demo_rng own, *shared = g->r;
        demo_rng_seed(&own, g->seed ^ (0x9e3779b97f4a7c15u * (uint64_t)n));
        g->r = &own;
        demo_visit v = {.visit_date = hp->h.index_date, .index_date = hp->h.index_date,
                        .etiology = etiology, .complication = -1, .tha_date = -1};
        int rc = save(g, hp, f, TIMEPOINT_ENROLMENT, &v);
        g->r = shared;
        return rc;
    }
    return 0;
}

/* How long ago a patient's first hip was treated: some not yet at 1 month,
 * many in the middle of follow-up, many past 24 months. With --complete,
 * long enough ago that even a second hip treated 180 days later has had
 * the last window of the schedule close. */
static int index_offset(const gen *g, demo_rng *r)
{
    if (g->complete) {
        const sched_tp *last = &g->c->tp[g->c->n_tp - 1];
        return last->day + last->after + 181 + demo_rng_int(r, 0, 730);
    }
    static const double w[] = {0.08, 0.5, 0.42};
    switch (pick(r, w, 3)) {
    case 0: return demo_rng_int(r, 0, 29);
    case 1: return demo_rng_int(r, 30, 760);
    default: return demo_rng_int(r, 761, 1500);
    }
}

static int one_patient(gen *g, int n)
{
    demo_rng *r = g->r;
    st_patient p = {0};
    p.sex = g->shape.male[n - 1] ? 'M' : 'F';
    const char *first = p.sex == 'M' ? male[demo_rng_int(r, 0, NELEM(male) - 1)]
                                     : female[demo_rng_int(r, 0, NELEM(female) - 1)];
    p.name = xasprintf("%s %s", first, surname[demo_rng_int(r, 0, NELEM(surname) - 1)]);
    p.mrn = xasprintf("D%06d", n);
    p.synthetic = 1;
    int index = g->today - index_offset(g, r);
    int age = (int)lround(clampd(demo_rng_normal(r, 38.7, 7.9), 18, 55));
    p.born = index - (int)(age * 365.25) - demo_rng_int(r, 0, 360);
    int rc = store_patient_add(g->s, &p, g->err) == 0 ? 0 : -1;
    memcpy(g->uuid, p.uuid, sizeof g->uuid);
    st_patient_free(&p);
    if (rc < 0)
        return -1;
    g->st->patients++;
    g->n_pd = 0;

    int etio = g->shape.etiology[n - 1];
    int bilateral = g->shape.bilateral[n - 1];
    char first_side = demo_rng_chance(r, 0.5) ? 'L' : 'R';
    hip_plan hp[2];
    memset(hp, 0, sizeof hp);
    int n_hips = bilateral ? 2 : 1;
    g->hp = hp;
    g->n_hp = 0;
    g->defer = bilateral;
    for (int i = 0; i < n_hips && rc == 0; i++) {
        int when = index;
        if (i == 1) {
            /* The other hip is usually treated weeks to months later. */
            when = index + demo_rng_int(r, 14, 180);
            if (when > g->today)
                when = g->today;
        }
        plan_hip(g, &hp[i], etio, when);
        hp[i].h.side = i == 0 ? first_side : (first_side == 'L' ? 'R' : 'L');
        memcpy(hp[i].h.patient, g->uuid, sizeof hp[i].h.patient);
        g->n_hp = i + 1;
        if (i == 1)
            rc = put_held(g, 1);
        if (rc == 0)
            rc = store_hip_add(g->s, &hp[i].h, g->err) == 0 ? 0 : -1;
        if (rc == 0 && i == 0)
            rc = enrol_patient(g, &hp[0], n, etio);
        if (rc == 0)
            rc = enrol_hip(g, &hp[i]);
        if (rc == 0) {
            g->st->hips++;
            rc = follow_hip(g, &hp[i]);
        }
    }
    put_held(g, 0);   /* after a failure before the second hip: what was held */
    if (bilateral)
        g->st->bilateral++;
    for (int i = 0; i < 2; i++)
        st_hip_free(&hp[i].h);
    return rc;
}

/* Why the run stopped with `saved` patients already committed. */
static void say_partial(store *s, int saved, int wanted, int batch, char **err)
{
    char *why = *err;
    if (saved == 0)
        *err = xasprintf("%s; nothing was saved", why);
    else if (saved == wanted)
        *err = xasprintf("%s; %s holds all %d demo patients but was not finished (the rows "
                         "and indexes made last, the mark that it is complete): delete it "
                         "and run demo again", why, store_path(s), wanted);
    else
        *err = xasprintf("%s; %s now holds the first %d of the %d demo patients (saved %d at a "
                     "time), part of a cohort: delete it and run demo again",
                     why, store_path(s), saved, wanted, batch);
    free(why);
}

int demo_generate(store *s, const config *c, const form_set *fs, const demo_opts *o,
                  demo_stats *st, char **err)
{
    memset(st, 0, sizeof *st);
    *err = NULL;
    size_t n = 0;
    st_patient_row *rows = store_patient_list(s, NULL, NULL, NULL, 1, &n);
    store_patient_rows_free(rows, n);
    if (n > 0) {
        *err = store_is_demo(s) == 1
                   ? xasprintf("%s already holds a demo cohort (or part of one, if a run was "
                               "stopped); delete it to make another", store_path(s))
                   : xasprintf("%s already holds patients; the demo cohort only goes into an "
                               "empty database, so that synthetic and real data never mix",
                               store_path(s));
        return 1;
    }
    demo_rng r;
    demo_rng_seed(&r, o->seed);
    gen g = {.s = s, .c = c, .fs = fs, .r = &r, .today = o->today, .st = st, .err = err,
             .complete = o->complete, .seed = o->seed};
    demo_shape_deal(&g.shape, o->patients, o->seed);
    /* One transaction per batch: a single one for the whole cohort grows
     * the WAL to the size of the database, and every page SQLite reads is
     * then looked up among all its frames. */
    int batch = o->batch > 0 ? o->batch : 1000;
    /* Marked as being filled from the first batch to the last: a run killed
     * half-way leaves a file that every open calls an incomplete demo. */
    int rc = store_begin(s, err) == 0 && store_bulk_start(s, o->patients, err) == 0 ? 0 : -1, saved = 0;
    for (int i = 1; i <= o->patients && rc == 0; i++) {
        if (o->stop && *o->stop) {
            *err = xasprintf("interrupted after %d of %d patients", i - 1, o->patients);
            rc = -1;
            break;
        }
        rc = one_patient(&g, i);
        if (rc == 0 && i % batch == 0 && i < o->patients) {
            int committed;
            rc = store_commit_next(s, &committed, err) == 0 ? 0 : -1;
            saved = committed ? i : saved;
        }
    }
    free(g.pd);
    free(g.held);
    demo_shape_free(&g.shape);
    int last_saved = 0;
    if (rc == 0 && store_bulk_finish(s, &last_saved, err) == 0 && store_commit(s, err) == 0)
        return 0;
    saved = last_saved ? o->patients : saved;
    store_rollback(s);
    if (!*err)
        *err = xstrdup("the demo cohort could not be written");
    say_partial(s, saved, o->patients, batch, err);
    memset(st, 0, sizeof *st);
    return -1;
}
