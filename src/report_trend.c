/* report_trend.c — the per-patient trend view: gathers the patient, hips,
 * records and schedule, and lays out the header and one block per hip
 * (side by side when there is room). Everything form-specific comes from
 * the forms: trend columns, summary lines, the form that ends follow-up. */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define BESIDE_MIN 160    /* columns from which both hips go side by side */
#define BESIDE_GAP 3

int rhip_has(const rhip *h, const st_record *r)
{
    return r->hip[0] == 0 || strcmp(r->hip, h->h->uuid) == 0;
}

char *rtp_label(const config *c, const char *tp)
{
    int i = config_timepoint(c, tp);
    if (i >= 0)
        return text_escape(c->tp[i].label ? c->tp[i].label : c->tp[i].id);
    if (strcmp(tp, TIMEPOINT_UNSCHEDULED) == 0)
        return xstrdup("Unscheduled");
    if (strcmp(tp, TIMEPOINT_ENROLMENT) == 0)
        return xstrdup("Enrolment");
    return text_escape(tp);
}

/* The form's summary line for a record, escaped; NULL when it has none. */
static char *rec_summary(const form *f, const st_record *r)
{
    if (!f->summary)
        return NULL;
    form_answers *ans = form_answers_new(f);
    for (int k = 0; k < r->n_ans; k++) {
        int i = form_field_index(f, r->ans[k].key);
        if (i >= 0)
            form_answer_load(ans, i, r->ans[k].value);
    }
    char *s = form_summary(ans);
    form_answers_free(ans);
    if (!s)
        return NULL;
    char *e = text_escape(s);
    free(s);
    return e;
}

static char *summary_label(const form *f)
{
    const char *l = f->summary_label ? f->summary_label : f->title ? f->title : f->id;
    return text_escape(l);
}

static int has_record_of(const st_record *rec, size_t n_rec, const char *form_id)
{
    for (size_t i = 0; i < n_rec; i++)
        if (strcmp(rec[i].form, form_id) == 0)
            return 1;
    return 0;
}

/* Trend columns: forms in the order the schedule first names them, then the
 * forms it does not name but the patient has a record of, each with its
 * trend scores in form order. A form in the folder that this protocol does
 * not use adds no empty columns. */
static rcol *build_cols(const app *a, const st_record *rec, size_t n_rec, int *n)
{
    const form_set *fs = &a->forms;
    const config *c = &a->cfg;
    int *order = xmalloc((size_t)(fs->n + 1) * sizeof *order), k = 0;
    char *seen = xcalloc((size_t)fs->n + 1, 1);
    for (int t = 0; t < c->n_tp; t++) {
        for (int j = 0; j < c->tp[t].n_forms; j++) {
            for (int i = 0; i < fs->n; i++) {
                if (!seen[i] && strcmp(fs->v[i]->id, c->tp[t].forms[j]) == 0)
                    seen[i] = 1, order[k++] = i;
            }
        }
    }
    for (int i = 0; i < fs->n; i++)
        if (!seen[i] && has_record_of(rec, n_rec, fs->v[i]->id))
            order[k++] = i;
    int total = 0;
    for (int i = 0; i < fs->n; i++)
        for (int s = 0; s < fs->v[i]->n_score; s++)
            total += fs->v[i]->score[s].trend != 0;
    rcol *col = xmalloc((size_t)(total + 1) * sizeof *col);
    *n = 0;
    for (int j = 0; j < k; j++) {
        const form *f = fs->v[order[j]];
        for (int s = 0; s < f->n_score; s++)
            if (f->score[s].trend)
                col[(*n)++] = (rcol){.f = f, .s = &f->score[s]};
    }
    free(order);
    free(seen);
    return col;
}

static void alert_box(report_doc *d, const char *text, int width, int ascii)
{
    const rglyphs *g = rglyphs_get(ascii);
    int inner = width - 4;
    if (inner > rtext_width(text))
        inner = rtext_width(text);
    if (inner < 10)
        inner = 10;
    report_doc body = {0};
    rdoc_line(&body);
    rdoc_wrap(&body, text, 0, inner, 0);
    sbuf edge = {0};
    for (int i = 0; i < inner + 2; i++)
        sbuf_add(&edge, g->box_h);
    rdoc_line(d);
    rdoc_addf(d, RA_ALERT, "%s%s%s", g->box_tl, edge.s, g->box_tr);
    for (int i = 0; i < body.n; i++) {
        int pad = inner - rtext_width(body.line[i].text);
        char *row = xasprintf("%s %s%*s %s", g->box_v, body.line[i].text, pad > 0 ? pad : 0, "",
                              g->box_v);
        rdoc_line(d);
        rdoc_add(d, row, RA_ALERT);
        free(row);
    }
    rdoc_line(d);
    rdoc_addf(d, RA_ALERT, "%s%s%s", g->box_bl, edge.s, g->box_br);
    sbuf_free(&edge);
    report_doc_free(&body);
}

/* One line per record: "  3 months  2025-04-10  <summary>". */
static void summary_item(report_doc *d, const app *a, const st_record *r, const char *sum, int width)
{
    char date[11];
    date_format(r->visit_date, date);
    char *tp = rtp_label(&a->cfg, r->timepoint);
    rdoc_line(d);
    rdoc_addf(d, 0, "  %s  %s  ", tp, date);
    free(tp);
    int indent = rdoc_width(d);
    rdoc_wrap(d, sum, 0, width, indent > width / 2 ? 4 : indent);
}

/* Summary lines of the forms of one scope: alerts first (prominent), then
 * every record of SHOW_ALL forms, then the latest of SHOW_LATEST forms. */
static void summaries(report_doc *d, const app *a, const report_opts *o, const rhip *h,
                      const st_record *rec, size_t n, int width)
{
    static const enum form_show pass[] = {SHOW_ALERT, SHOW_ALL, SHOW_LATEST};
    for (size_t p = 0; p < sizeof pass / sizeof pass[0]; p++) {
        for (int i = 0; i < a->forms.n; i++) {
            const form *f = a->forms.v[i];
            if (f->summary_show != pass[p] || !f->summary)
                continue;
            if ((f->scope == SCOPE_HIP) != (h != NULL))
                continue;
            char *label = summary_label(f);
            int any = 0;
            const st_record *latest = NULL;
            for (size_t k = 0; k < n; k++) {
                const st_record *r = &rec[k];
                if (strcmp(r->form, f->id) != 0 || (h && strcmp(r->hip, h->h->uuid) != 0))
                    continue;
                if (pass[p] == SHOW_LATEST) {
                    if (!latest || r->visit_date >= latest->visit_date)
                        latest = r;
                    continue;
                }
                char *sum = rec_summary(f, r);
                if (!sum)
                    continue;
                if (pass[p] == SHOW_ALERT) {
                    char date[11];
                    date_format(r->visit_date, date);
                    /* The date, unless the summary already says it. */
                    char *text = strstr(sum, date) ? xasprintf("%s: %s", label, sum)
                                                    : xasprintf("%s: %s (%s)", label, sum, date);
                    alert_box(d, text, width, o->ascii);
                    free(text);
                } else {
                    if (!any) {
                        rdoc_line(d);
                        rdoc_addf(d, RA_BOLD, "%s", label);
                    }
                    summary_item(d, a, r, sum, width);
                }
                any = 1;
                free(sum);
            }
            char *sum = latest ? rec_summary(f, latest) : NULL;
            if (sum) {
                char date[11];
                date_format(latest->visit_date, date);
                char *tp = rtp_label(&a->cfg, latest->timepoint);
                rdoc_line(d);
                rdoc_addf(d, RA_BOLD, "%s", label);
                rdoc_addf(d, 0, " (%s, %s): ", tp, date);
                rdoc_wrap(d, sum, 0, width, 4);
                free(tp);
                free(sum);
            }
            free(label);
        }
    }
}

/* One "Label value" item of the enrolment line, on a new line when it
 * would pass width. Both are untrusted (a form, stored answers). */
static void enrol_item(report_doc *d, const rglyphs *g, int *first, const char *label,
                       const char *value, int width)
{
    char *l = text_escape(label), *v = text_escape(value);
    int w = rtext_width(l) + 1 + rtext_width(v);
    if (!*first && rdoc_width(d) + rtext_width(g->sep) + w > width)
        rdoc_line(d);
    else if (!*first)
        rdoc_add(d, g->sep, 0);
    rdoc_add(d, l, RA_DIM);
    rdoc_add(d, " ", 0);
    rdoc_add(d, v, 0);
    *first = 0;
    free(l);
    free(v);
}

/* A hip's or the patient's enrolment answers kv, labelled and worded as
 * their enrolment form f (NULL: none) says, in the form's order; answers
 * the form no longer has, by key. Returns 0 if there was none to show. */
static int enrol_answers(report_doc *d, const form *f, const st_kv *kv, int n,
                         const rglyphs *g, int width)
{
    int first = 1;
    if (f) {
        form_answers *ans = form_answers_new(f);
        for (int k = 0; k < n; k++) {
            int i = form_field_index(f, kv[k].key);
            if (i >= 0)
                form_answer_load(ans, i, kv[k].value);
        }
        for (int i = 0; i < f->n_field; i++) {
            char *v = form_answer_display(ans, i);
            if (v)
                enrol_item(d, g, &first, f->field[i].label, v, width);
            free(v);
        }
        form_answers_free(ans);
    }
    for (int k = 0; k < n; k++)
        if (!f || form_field_index(f, kv[k].key) < 0)
            enrol_item(d, g, &first, kv[k].key, kv[k].value, width);
    return !first;
}

/* The patient's enrolment answers (the current patient-scope record at
 * the timepoint "enrolment"), on the lines under the header; nothing when
 * the patient has none (patients added before the form). */
static void patient_enrolment(report_doc *d, const app *a, const st_record *rec, size_t n,
                              const rglyphs *g, int width)
{
    const form *f = a->enrol[SCOPE_PATIENT];
    for (size_t i = 0; i < n; i++) {
        const st_record *r = &rec[i];
        if (r->hip[0] || strcmp(r->timepoint, TIMEPOINT_ENROLMENT) != 0 || r->n_ans == 0)
            continue;
        rdoc_line(d);
        enrol_answers(d, f && strcmp(f->id, r->form) == 0 ? f : NULL, r->ans, r->n_ans, g,
                      width);
        return;
    }
}

static void hip_block(report_doc *d, const rhip *h, const st_record *rec, size_t n, int width)
{
    const app *a = h->a;
    const st_hip *hp = h->h;
    const rglyphs *g = rglyphs_get(h->o->ascii);
    rdoc_line(d);
    rdoc_add(d, hp->side == 'L' ? "LEFT HIP" : "RIGHT HIP", RA_BOLD | RA_REVERSE);
    rdoc_line(d);
    char date[11];
    date_format(hp->index_date, date);
    if (hp->observed) {
        rdoc_add(d, "observed (no index procedure)", RA_BOLD);
        rdoc_add(d, g->sep, 0);
        rdoc_addf(d, 0, "since %s, no schedule", date);
        summaries(d, a, h->o, h, rec, n, width);
        rdoc_line(d);
        report_hip_table(d, h, width);
        return;
    }
    if (!enrol_answers(d, a->enrol[SCOPE_HIP], hp->enrol, hp->n_enrol, g, width))
        rdoc_add(d, "Enrolment details not recorded", RA_DIM);
    rdoc_line(d);
    rdoc_add(d, "Index date ", RA_DIM);
    int days = h->o->today - hp->index_date;
    if (days >= 0)
        rdoc_addf(d, 0, "%s, %d day%s ago", date, days, days == 1 ? "" : "s");
    else
        rdoc_addf(d, 0, "%s, in %d day%s", date, -days, days == -1 ? "" : "s");
    if (h->end_date >= 0) {
        date_format(h->end_date, date);
        rdoc_add(d, g->sep, 0);
        rdoc_addf(d, RA_ALERT, "follow-up ended %s", date);
    }
    summaries(d, a, h->o, h, rec, n, width);
    rdoc_line(d);
    report_hip_table(d, h, width);
}

typedef struct {
    const st_hip *hips;
    size_t n;
    const config *c;
    int today;
    sched_item *items;        /* n * c->n_tp */
    int *end, *have;
} sched_ctx;

static int collect_sched(void *ctx, const st_patient *p, const st_hip *h, const st_done *done,
                         int end_date)
{
    sched_ctx *s = ctx;
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->hips[i].uuid, h->uuid) != 0)
            continue;
        sched_hip(s->c, h->index_date, s->today, end_date, st_done_has, (void *)done,
                  s->items + i * (size_t)s->c->n_tp);
        s->end[i] = end_date;
        s->have[i] = 1;
    }
    return 0;
}

static void header(report_doc *d, const app *a, const st_patient *p, const st_record *rec,
                   size_t n_rec, const report_opts *o)
{
    const rglyphs *g = rglyphs_get(o->ascii);
    rdoc_line(d);
    rdoc_add(d, "MRN ", RA_DIM);
    rdoc_add_untrusted(d, p->mrn, RA_BOLD);
    rdoc_add(d, g->sep, 0);
    rdoc_add_untrusted(d, p->name, RA_BOLD);
    rdoc_line(d);
    char born[11], today[11];
    date_format(p->born, born);
    date_format(o->today, today);
    const char *sex = p->sex == 'F' ? "female" : p->sex == 'M' ? "male" : "sex X";
    rdoc_addf(d, 0, "%d years, %s", age_years(p->born, o->today), sex);
    rdoc_add(d, g->sep, 0);
    rdoc_addf(d, 0, "born %s", born);
    rdoc_add(d, g->sep, 0);
    rdoc_addf(d, 0, "today %s", today);
    patient_enrolment(d, a, rec, n_rec, g, o->width);
    rdoc_line(d);
    rdoc_rule(d, o->width, o->ascii, RA_DIM);
}

int report_trend(app *a, const char *mrn, const report_opts *o, report_doc *doc, char **err)
{
    return rtrend_hips(a, mrn, o, doc, NULL, NULL, NULL, err);
}

void rtrend_read_free(rtrend_read *r)
{
    store_records_free(r->rec, r->n_rec);
    st_patient_free(&r->p);
    memset(r, 0, sizeof *r);
}

int rtrend_hips(app *a, const char *mrn, const report_opts *o, report_doc *doc,
                void (*fn)(void *ctx, const rhip *h), void *ctx, rtrend_read *keep,
                char **err)
{
    *doc = (report_doc){0};
    st_patient p = {0};
    /* The patient, the hips and the records as of one moment. */
    int rc = store_read_begin(a->db) < 0 ? -1 : store_patient_get(a->db, mrn, &p);
    if (rc != 0) {
        store_read_end(a->db);
        if (rc < 0 && err)
            *err = xasprintf("cannot read patient '%s' from %s", mrn, store_path(a->db));
        return rc > 0 ? 1 : -1;
    }
    size_t n_hip = 0, n_rec = 0;
    st_hip *hips = NULL;
    st_record *rec = NULL;
    int bad = store_hips_of(a->db, p.uuid, &hips, &n_hip) < 0 ||
              store_records_ended(a->db, p.uuid, &a->ends, &rec, &n_rec) < 0;
    store_read_end(a->db);
    if (bad) {
        if (err)
            *err = xasprintf("cannot read the hips and records of patient '%s': %s", mrn,
                             store_read_failed(a->db));
        store_hips_free(hips, n_hip);
        store_records_free(rec, n_rec);
        st_patient_free(&p);
        return -1;
    }
    int n_tp = a->cfg.n_tp;
    sched_ctx sc = {
        .hips = hips, .n = n_hip, .c = &a->cfg, .today = o->today,
        .items = xcalloc(n_hip * (size_t)n_tp + 1, sizeof(sched_item)),
        .end = xcalloc(n_hip + 1, sizeof(int)), .have = xcalloc(n_hip + 1, sizeof(int)),
    };
    store_each_hip_in(&p, hips, n_hip, rec, n_rec, collect_sched, &sc);
    int n_col;
    rcol *col = build_cols(a, rec, n_rec, &n_col);
    header(doc, a, &p, rec, n_rec, o);
    summaries(doc, a, o, NULL, rec, n_rec, o->width);
    if (!n_hip) {
        rdoc_line(doc);
        rdoc_add(doc, "No hip is recorded for this patient.", RA_DIM);
    }
    int beside = n_hip == 2 && o->width >= BESIDE_MIN;
    int hw = beside ? (o->width - BESIDE_GAP) / 2 : o->width;
    report_doc part[2] = {{0}, {0}};
    for (size_t i = 0; i < n_hip; i++) {
        rhip h = {
            .a = a, .o = o, .h = &hips[i], .rec = rec, .n_rec = n_rec,
            .item = sc.have[i] ? sc.items + i * (size_t)n_tp : NULL,
            .end_date = sc.have[i] ? sc.end[i] : -1, .col = col, .n_col = n_col,
        };
        report_doc *dst = beside ? &part[i] : doc;
        if (!beside)
            rdoc_line(dst);
        hip_block(dst, &h, rec, n_rec, hw);
        if (fn)
            fn(ctx, &h);
    }
    if (beside) {
        rdoc_line(doc);
        rdoc_beside(doc, &part[0], &part[1], hw, BESIDE_GAP);
    }
    free(col);
    if (keep) {
        *keep = (rtrend_read){.p = p, .rec = rec, .n_rec = n_rec};
        p = (st_patient){0};
        rec = NULL;
        n_rec = 0;
    }
    free(sc.items);
    free(sc.end);
    free(sc.have);
    store_hips_free(hips, n_hip);
    store_records_free(rec, n_rec);
    st_patient_free(&p);
    return 0;
}
