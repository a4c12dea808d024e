/* report_records.c — the printed listing of every current final record:
 * grouped by hip and timepoint, each answer labelled as on its form, with
 * its scores and, for an amended record, who amended it, when and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_int.h"

typedef struct {
    const st_record *r;
    int side;             /* 0 left, 1 right, 2 patient scope */
    int tp;               /* schedule order; unscheduled after every timepoint */
    int form;             /* the schedule's order at that timepoint, then the form set's */
} rsort;

static int cmp_rec(const void *x, const void *y)
{
    const rsort *a = x, *b = y;
    if (a->side != b->side)
        return a->side - b->side;
    if (a->tp != b->tp)
        return a->tp - b->tp;
    if (a->r->visit_date != b->r->visit_date)
        return (a->r->visit_date > b->r->visit_date) - (a->r->visit_date < b->r->visit_date);
    if (a->form != b->form)
        return a->form - b->form;
    return strcmp(a->r->form, b->r->form);
}

/* "      Label: value", a long label and the value wrapped four columns in.
 * Both escaped here. */
static void item(report_doc *d, int indent, const char *label, const char *value, int width)
{
    char *l = text_escape(label), *v = text_escape(value);
    size_t n = strlen(l);
    l = xrealloc(l, n + 3);
    memcpy(l + n, ": ", 3);
    rdoc_line(d);
    rdoc_pad(d, indent);
    rdoc_wrap(d, l, 0, width, indent + 4);
    rdoc_wrap(d, v, 0, width, indent + 4);
    free(l);
    free(v);
}

static void one_record(report_doc *d, const app *a, const st_record *r, int group_date, int width)
{
    const form *f = form_set_find(&a->forms, r->form);
    char *title = text_escape(f && f->title ? f->title : r->form);
    char *id = text_escape(r->form);
    rdoc_line(d);
    rdoc_pad(d, 4);
    rdoc_addf(d, RA_BOLD, "%s", title);
    rdoc_addf(d, 0, " (%s, version %d)", id, r->form_version);
    if (r->visit_date != group_date) {
        char date[11];
        date_format(r->visit_date, date);
        rdoc_addf(d, 0, ", visit %s", date);
    }
    if (r->out_of_window)
        rdoc_add(d, ", out of window", RA_WARN);
    free(title);
    free(id);
    char *who = text_escape(r->entered_by ? r->entered_by : "?");
    char *when = time_local(r->entered_at);
    if (r->amended) {
        char *why = text_escape(r->reason ? r->reason : "");
        char *text = xasprintf("amended (reason \"%s\", by %s, on %s)", why, who, when);
        rdoc_line(d);
        rdoc_pad(d, 6);
        rdoc_wrap(d, text, RA_WARN, width, 8);
        free(text);
        free(why);
    } else {
        char *text = xasprintf("entered by %s on %s", who, when);
        rdoc_line(d);
        rdoc_pad(d, 6);
        rdoc_wrap(d, text, 0, width, 8);
        free(text);
    }
    free(who);
    free(when);
    if (!f) {
        /* A form no longer in the forms folder: its answers as stored. */
        for (int k = 0; k < r->n_ans; k++)
            item(d, 6, r->ans[k].key, r->ans[k].value, width);
        return;
    }
    form_answers *ans = form_answers_new(f);
    char *used = xcalloc((size_t)r->n_ans + 1, 1);
    for (int k = 0; k < r->n_ans; k++) {
        int i = form_field_index(f, r->ans[k].key);
        if (i >= 0) {
            form_answer_load(ans, i, r->ans[k].value);
            used[k] = 1;
        }
    }
    /* A form of several sections prints each section's title over its
     * answers: the same question may be asked under two headings (the
     * RAND-36 asks about physical, then emotional, problems). */
    int sec = -1, ind = f->n_sec > 1 ? 8 : 6;
    for (int i = 0; i < f->n_field; i++) {
        if (f->field[i].type == FT_NOTE)
            continue;
        char *shown = form_answer_display(ans, i);
        if (shown && ind > 6 && f->field[i].section != sec) {
            sec = f->field[i].section;
            char *t = text_escape(f->sec[sec].title);
            rdoc_line(d);
            rdoc_pad(d, 6);
            rdoc_wrap(d, t, RA_BOLD, width, 8);
            free(t);
        }
        if (shown)
            item(d, ind, f->field[i].label ? f->field[i].label : f->field[i].id, shown, width);
        free(shown);
    }
    for (int k = 0; k < r->n_ans; k++) {
        if (!used[k]) {
            char *label = xasprintf("%s (not on form version %d)", r->ans[k].key, f->version);
            item(d, 6, label, r->ans[k].value, width);
            free(label);
        }
    }
    for (int s = 0; s < f->n_score; s++) {
        const form_score *sc = &f->score[s];
        double v;
        if (rrec_score(r, sc->id, &v) < 0)
            continue;
        char num[32];
        form_score_format(sc, v, num);
        const char *band = form_score_band(sc, v);
        char *val = band ? xasprintf("%s (%s)", num, band) : xstrdup(num);
        char *label = xasprintf("Score: %s", sc->label ? sc->label : sc->id);
        item(d, 6, label, val, width);
        free(label);
        free(val);
    }
    free(used);
    form_answers_free(ans);
}

void report_records(report_doc *d, const app *a, const st_record *rec, size_t n, int width,
                    int ascii)
{
    int group_date = -1;
    rdoc_line(d);
    rdoc_line(d);
    rdoc_add(d, "RECORDS", RA_BOLD);
    rdoc_line(d);
    rdoc_rule(d, width, ascii, 0);
    if (!n) {
        rdoc_line(d);
        rdoc_add(d, "No final record yet.", 0);
        return;
    }
    const config *c = &a->cfg;
    rsort *s = xmalloc(n * sizeof *s);
    for (size_t i = 0; i < n; i++) {
        int tp = config_timepoint(c, rec[i].timepoint);
        s[i] = (rsort){
            .r = &rec[i],
            .side = rec[i].side == 'L' ? 0 : rec[i].side == 'R' ? 1 : 2,
            /* Enrolment first, unscheduled visits last. */
            .tp = tp >= 0 ? tp : strcmp(rec[i].timepoint, TIMEPOINT_ENROLMENT) == 0 ? -1 : c->n_tp,
            .form = app_form_rank(a, tp, rec[i].form),
        };
    }
    qsort(s, n, sizeof *s, cmp_rec);
    for (size_t i = 0; i < n; i++) {
        const st_record *r = s[i].r;
        int new_side = i == 0 || s[i].side != s[i - 1].side;
        if (new_side) {
            rdoc_line(d);
            rdoc_line(d);
            rdoc_add(d, s[i].side == 0 ? "Left hip" : s[i].side == 1 ? "Right hip" : "Patient",
                     RA_BOLD);
        }
        if (new_side || s[i].tp != s[i - 1].tp ||
            (s[i].tp == c->n_tp && r->visit_date != s[i - 1].r->visit_date)) {
            char date[11];
            date_format(r->visit_date, date);
            char *tp = rtp_label(c, r->timepoint);
            rdoc_line(d);
            rdoc_line(d);
            rdoc_pad(d, 2);
            rdoc_addf(d, RA_BOLD, "%s, %s", tp, date);
            free(tp);
            group_date = r->visit_date;
        } else {
            rdoc_line(d);   /* keeps records apart, and lets a page break fall here */
        }
        one_record(d, a, r, group_date, width);
    }
    free(s);
}
