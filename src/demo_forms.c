/* demo_forms.c — a demo visit turned into form answers.
 *
 * Field ids and option codes are the shipped forms' data dictionary
 * (bedside-forms(5)); a field the form lacks is skipped, and any required
 * field still empty gets a plain valid value, so an edited form set still
 * yields records that pass form_validate. Points come from the form's own
 * options, never from here: the Harris total is steered towards the visit's
 * target by choosing options, and form_compute has the last word. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

/* Set field to text if the form has it. */
static int set(form_answers *a, const char *field, const char *text, char **err)
{
    int i = form_field_index(a->f, field);
    if (i < 0)
        return 0;
    char msg[256];
    if (form_answer_set(a, i, text, msg, sizeof msg) == 0)
        return 0;
    *err = xasprintf("form '%s': demo value '%s' for '%s' refused: %s", a->f->id, text, field,
                     msg);
    return -1;
}

static int setf(form_answers *a, const char *field, char **err, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
static int setf(form_answers *a, const char *field, char **err, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return set(a, field, buf, err);
}

/* The k-th option (clamped) of a choice field, by the form's order. */
static int set_nth(form_answers *a, const char *field, int k, char **err)
{
    int i = form_field_index(a->f, field);
    if (i < 0 || a->f->field[i].n_opt == 0)
        return 0;
    const form_field *fl = &a->f->field[i];
    if (k < 0)
        k = 0;
    if (k >= fl->n_opt)
        k = fl->n_opt - 1;
    return set(a, field, fl->opt[k].code, err);
}

static int yesno(form_answers *a, const char *field, int yes, char **err)
{
    return set(a, field, yes ? "yes" : "no", err);
}

/* ---- Harris Hip Score ---- */

/* A choice field's options from most to fewest points, equal points merged
 * (two support answers score 0: stepping between them changes nothing). */
typedef struct {
    int field;
    int opt[16];
    int n, cur;
} ladder;

static int make_ladder(const form *f, const char *id, ladder *l)
{
    l->field = form_field_index(f, id);
    l->n = l->cur = 0;
    if (l->field < 0 || !f->field[l->field].has_points)
        return -1;
    const form_field *fl = &f->field[l->field];
    int used[64] = {0};
    while (l->n < 16) {
        int best = -1;
        for (int k = 0; k < fl->n_opt && k < 64; k++)
            if (!used[k] && (best < 0 || fl->opt[k].points > fl->opt[best].points))
                best = k;
        if (best < 0)
            break;
        used[best] = 1;
        if (l->n == 0 || fl->opt[best].points < fl->opt[l->opt[l->n - 1]].points)
            l->opt[l->n++] = best;
    }
    return l->n ? 0 : -1;
}

static double ladder_points(const form *f, const ladder *l)
{
    return f->field[l->field].opt[l->opt[l->cur]].points;
}

static double seg(double x, double lo, double hi)
{
    return x <= lo ? 0 : x >= hi ? hi - lo : x - lo;
}

/* The original weighted range-of-motion index (clinical.md), only to know
 * how much of the target is left for function; the form computes the score. */
static double rom_estimate(int flex, int abd, int add, int er)
{
    double w = seg(flex, 0, 45) + 0.6 * seg(flex, 45, 90) + 0.3 * seg(flex, 90, 110) +
               0.8 * seg(abd, 0, 15) + 0.3 * seg(abd, 15, 20) + 0.4 * seg(er, 0, 15) +
               0.2 * seg(add, 0, 15);
    w *= 0.05;
    return w > 5 ? 5 : w;
}

static int clampi(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static int fill_hhs(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    const form *f = a->f;
    /* Pain follows the VAS of the same visit. */
    double pv = v->vas + demo_rng_normal(r, 0, 0.5);
    const char *pain = pv < 1 ? "none" : pv < 2.5 ? "slight" : pv < 4.5 ? "mild"
                     : pv < 6.5 ? "moderate" : pv < 8.5 ? "marked" : "disabled";
    if (set(a, "pain", pain, err) < 0)
        return -1;
    int pi = form_field_index(f, "pain");
    int po = pi >= 0 ? form_option_index(&f->field[pi], pain) : -1;
    double left = v->hhs - (po >= 0 ? f->field[pi].opt[po].points : 0);

    /* Better hips move better; q is how much of the rest is achieved. */
    double q = left / 56.0;
    q = q < 0 ? 0 : q > 1 ? 1 : q;
    int flex = clampi((int)demo_rng_normal(r, 70 + 45 * q, 8), 20, 130);
    int abd = clampi((int)demo_rng_normal(r, 12 + 25 * q, 4), 0, 60);
    int add = clampi((int)demo_rng_normal(r, 8 + 17 * q, 3), 0, 40);
    int er = clampi((int)demo_rng_normal(r, 10 + 30 * q, 5), 0, 60);
    int ir = clampi((int)demo_rng_normal(r, 8 + 27 * q, 5), 0, 50);
    if (setf(a, "flexion", err, "%d", flex) < 0 || setf(a, "abduction", err, "%d", abd) < 0 ||
        setf(a, "adduction", err, "%d", add) < 0 ||
        setf(a, "external_rotation", err, "%d", er) < 0 ||
        setf(a, "internal_rotation", err, "%d", ir) < 0)
        return -1;
    left -= rom_estimate(flex, abd, add, er);

    static const char *const deform[] = {"flexion_contracture_lt30", "adduction_lt10",
                                         "internal_rotation_lt10", "limb_length_lt32"};
    int bad = demo_rng_chance(r, 0.45 * (1 - q) + 0.03) ? demo_rng_int(r, 0, 3) : -1;
    for (int k = 0; k < 4; k++)
        if (yesno(a, deform[k], k != bad, err) < 0)
            return -1;
    if (bad < 0)
        left -= 4;

    /* Function: start at the best answers and step random items down until
     * the sum is at the target. */
    static const char *const fn[] = {"limp", "support", "distance", "stairs", "shoes_socks",
                                     "sitting", "public_transport"};
    ladder l[7];
    int nl = 0;
    double sum = 0;
    for (int k = 0; k < 7; k++)
        if (make_ladder(f, fn[k], &l[nl]) == 0)
            sum += ladder_points(f, &l[nl++]);
    for (int guard = 0; nl > 0 && guard < 100 && sum > left + 1; guard++) {
        int k = demo_rng_int(r, 0, nl - 1);
        if (l[k].cur + 1 >= l[k].n)
            continue;
        double drop = ladder_points(f, &l[k]);
        l[k].cur++;
        drop -= ladder_points(f, &l[k]);
        /* A big step past the target is undone once, for a nearer total. */
        if (sum - drop < left - 3 && demo_rng_chance(r, 0.7)) {
            l[k].cur--;
            continue;
        }
        sum -= drop;
    }
    for (int k = 0; k < nl; k++)
        if (set(a, f->field[l[k].field].id, f->field[l[k].field].opt[l[k].opt[l[k].cur]].code,
                err) < 0)
            return -1;
    return 0;
}

/* ---- the other shipped forms ---- */

static int fill_vas(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    return setf(a, "pain", err, "%.1f", v->vas);
}

static int fill_complications(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    static const char *const ev[] = {"aspiration_site_pain", "injection_site_swelling",
                                     "hematoma", "superficial_infection", "persistent_drainage"};
    static const char *const action[] = {
        "paracetamol, settled within a week", "cold packs, resolved without treatment",
        "compression dressing", "oral antibiotics for 7 days", "dressings, wound reviewed"};
    if (v->complication < 0)
        return set(a, "events", "none", err);
    if (set(a, "events", ev[v->complication], err) < 0 ||
        set_nth(a, "grade", v->grade - 1, err) < 0)
        return -1;
    return set(a, "action", action[v->complication], err);
}

static int fill_mri(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    static const char *const stage_code[] = {"i", "ii", "iii", "iv"};
    int stage = v->stage + (v->mri_trend > 0 && demo_rng_chance(r, 0.6));
    int days = v->visit_date - v->index_date;
    /* Lesions shrink in hips that improve (more in stage I), grow in others. */
    double shrink = v->mri_trend < 0 ? (v->stage == 1 ? 0.18 : 0.12) * (days > 300 ? 1 : 0.6) : 0;
    double inv = v->involvement * (1 - shrink) + (v->mri_trend > 0 ? 5 : 0) +
                 demo_rng_normal(r, 0, 1.5);
    inv = inv < 1 ? 1 : inv > 100 ? 100 : inv;
    const char *edema = days == 0 ? (demo_rng_chance(r, 0.8) ? "unchanged" : "none")
                       : v->mri_trend > 0 ? "increased"
                       : demo_rng_chance(r, 0.8) ? "decreased" : "unchanged";
    const char *judge = v->mri_trend < 0 ? "improved" : v->mri_trend > 0 ? "progressed" : "stable";
    if (set(a, "stage", stage_code[stage > 4 ? 3 : stage - 1], err) < 0 ||
        setf(a, "involvement", err, "%.0f", inv) < 0 || set(a, "edema", edema, err) < 0 ||
        yesno(a, "crescent_sign", stage >= 3, err) < 0 ||
        yesno(a, "collapse_gt2mm", v->mri_trend > 0 && stage >= 3, err) < 0)
        return -1;
    /* The first MRI of a hip has nothing to be compared with. */
    return days == 0 ? 0 : set(a, "judgement", judge, err);
}

static int fill_procedure(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    int n = v->injection < 1 ? 1 : v->injection > 3 ? 3 : v->injection;
    if (yesno(a, "core_decompression", n == 1, err) < 0 ||
        setf(a, "injection_number", err, "%d", n) < 0)
        return -1;
    double asp = demo_rng_normal(r, 120, 15), conc = demo_rng_normal(r, 12, 2);
    double viab = demo_rng_normal(r, 94, 2.5);
    if (setf(a, "aspirated_ml", err, "%.1f", asp < 60 ? 60 : asp) < 0 ||
        setf(a, "concentrate_ml", err, "%.1f", conc < 5 ? 5 : conc) < 0)
        return -1;
    return setf(a, "viability_pct", err, "%.1f", viab > 99.5 ? 99.5 : viab);
}

static int fill_satisfaction(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    static const char *const code[] = {"very_dissatisfied", "dissatisfied", "neutral",
                                       "satisfied", "very_satisfied"};
    if (set(a, "rating", code[v->satisfaction - 1], err) < 0)
        return -1;
    return yesno(a, "would_repeat", v->satisfaction >= 3 || demo_rng_chance(r, 0.2), err);
}

static int fill_tha(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    static const char *const why[] = {"collapse", "progression", "pain", "function"};
    static const double w[] = {0.5, 0.2, 0.2, 0.1};
    char d[11];
    date_format(v->tha_date >= 0 ? v->tha_date : v->visit_date, d);
    const form *f = a->f;
    if (f->ends_follow_up >= 0 && set(a, f->field[f->ends_follow_up].id, d, err) < 0)
        return -1;
    double u = demo_rng_unit(r);
    int k = 0;
    while (k < 3 && u >= w[k])
        u -= w[k++];
    return set(a, "reason", why[k], err);
}

/* ---- RAND-36 ---- */

/* The scales shaped like seed 003's Table 1 (means at baseline, 3, 6 and 12
 * months; its 1-month column has no SF-36, so 1 month lies on the line).
 * Physical health rises most. Social functioning is not in the table and
 * follows emotional well-being; bodily pain follows the visit's VAS. A hip
 * that responds better scores higher on every scale. */
static const double r36_day[] = {0, 91, 182, 365};
static const struct {
    const char *score;
    double y[4];
} r36_curve[] = {
    {"physical_functioning", {38.75, 36.25, 43.75, 52.5}},
    {"role_physical", {0, 6.25, 18.75, 43.75}},
    {"role_emotional", {62.5, 57.14, 71.43, 60}},
    {"energy_fatigue", {35.62, 48.12, 50, 57.5}},
    {"emotional_wellbeing", {50, 58, 61.5, 69}},
    {"social_functioning", {50, 58, 61.5, 69}},
    {"general_health", {38.75, 42.5, 42.5, 57.5}},
};

static int fill_rand36(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    enum { N = sizeof r36_curve / sizeof *r36_curve };
    demo_target t[N + 2];
    double day = v->visit_date - v->index_date, shift = 12 * v->response;
    for (int k = 0; k < N; k++)
        t[k] = (demo_target){r36_curve[k].score,
                             demo_interp(r36_day, r36_curve[k].y, 4, day) + shift};
    t[N] = (demo_target){"pain", 100 - 10 * v->vas + shift / 2};
    /* Health change: better than a year ago once the treatment works. */
    t[N + 1] = (demo_target){"health_change", day < 60 ? 40 + shift : 60 + 2 * shift};
    return demo_fill_scores(a, t, N + 2, 0.01, r, err);
}

/* The hip at enrolment, as the first study describes its hips: Steinberg
 * stage, etiology, involvement, and core decompression with bone-marrow
 * cells for every hip. */
static int fill_hip_enrolment(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    static const char *const etiology[] = {"corticosteroid", "idiopathic", "alcohol",
                                           "sickle_cell"};
    static const char *const stage[] = {"i", "ii", "iii"};
    (void)r;
    int e = v->etiology >= 0 && v->etiology < 4 ? v->etiology : 1;
    int st = v->stage >= 1 && v->stage <= 3 ? v->stage : 2;
    if (set(a, "etiology", etiology[e], err) < 0 || set(a, "stage_system", "steinberg", err) < 0 ||
        set(a, "stage", stage[st - 1], err) < 0 ||
        setf(a, "involvement", err, "%.1f", v->involvement) < 0 ||
        set(a, "treatment", "cd_bone_marrow", err) < 0)
        return -1;
    return 0;
}

/* The patient at enrolment: BMI about the studies' mean (seed 003: 27.4),
 * smoking and drinking common in these cohorts, heavy drinking and
 * corticosteroid exposure where the etiology says so. */
static int fill_patient_enrolment(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    static const char *const smoking[] = {"never", "former", "current"};
    double bmi = demo_rng_normal(r, 26.5, 4.0);
    bmi = bmi < 17 ? 17 : bmi > 45 ? 45 : bmi;
    double u = demo_rng_unit(r);
    const char *alcohol = v->etiology == 2 ? "heavy" : u < 0.45 ? "none" : u < 0.95 ? "moderate"
                                                                                   : "heavy";
    const char *steroids = v->etiology == 0 ? (demo_rng_chance(r, 0.7) ? "past" : "current")
                                            : demo_rng_chance(r, 0.1) ? "past" : "none";
    double dose = v->etiology == 0 ? 2 + 13 * demo_rng_unit(r) : 0.5 + 1.4 * demo_rng_unit(r);
    if (setf(a, "bmi", err, "%.1f", bmi) < 0 ||
        set(a, "smoking", smoking[demo_rng_int(r, 0, 2)], err) < 0 ||
        set(a, "alcohol", alcohol, err) < 0 || set(a, "steroids", steroids, err) < 0 ||
        (strcmp(steroids, "none") != 0 && setf(a, "steroid_dose", err, "%.1f", dose) < 0))
        return -1;
    return 0;
}

/* ---- whatever is still required ---- */

static int fill_rest(form_answers *a, const demo_visit *v, char **err)
{
    const form *f = a->f;
    for (int pass = 0; pass < 4; pass++) {
        int changed = 0;
        for (int i = 0; i < f->n_field; i++) {
            const form_field *fl = &f->field[i];
            if (!fl->required || a->val[i] || fl->type == FT_NOTE || !form_field_visible(a, i))
                continue;
            char buf[64];
            const char *text = buf;
            switch (fl->type) {
            case FT_CHOICE:
            case FT_MULTI: text = fl->n_opt ? fl->opt[0].code : ""; break;
            case FT_YESNO: text = "no"; break;
            case FT_INTEGER:
                snprintf(buf, sizeof buf, "%.0f", fl->has_min ? fl->min : 0.0);
                break;
            case FT_DECIMAL:
                snprintf(buf, sizeof buf, "%.*f", fl->decimals, fl->has_min ? fl->min : 0.0);
                break;
            case FT_DATE: date_format(v->visit_date, buf); break;
            case FT_TEXT: text = "demo"; break;
            case FT_NOTE: continue;
            }
            if (set(a, fl->id, text, err) < 0)
                return -1;
            changed = 1;
        }
        if (!changed)
            break;
    }
    return 0;
}

typedef int (*filler)(form_answers *a, const demo_visit *v, demo_rng *r, char **err);
static const struct {
    const char *form;
    filler fill;
} fillers[] = {
    {"hhs", fill_hhs},   {"vas", fill_vas},           {"complications", fill_complications},
    {"mri", fill_mri},   {"procedure", fill_procedure}, {"satisfaction", fill_satisfaction},
    {"tha", fill_tha},   {"rand36", fill_rand36}, {"hip_enrolment", fill_hip_enrolment},
    {"patient_enrolment", fill_patient_enrolment},
};

int demo_fill(form_answers *a, const demo_visit *v, demo_rng *r, char **err)
{
    for (size_t i = 0; i < sizeof fillers / sizeof *fillers; i++)
        if (strcmp(fillers[i].form, a->f->id) == 0) {
            if (fillers[i].fill(a, v, r, err) < 0)
                return -1;
            break;
        }
    return fill_rest(a, v, err);
}
