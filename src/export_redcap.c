/* export_redcap.c — `export redcap DIR`: a longitudinal REDCap project in
 * REDCap's import formats. One REDCap record per hip; an enrolment event
 * holds the hip instrument and the enrolment forms' (the hip's, and its
 * patient's on each of its hips), each schedule timepoint is an event, and
 * unscheduled visits go to a repeating event (each other form repeats). The
 * data dictionary is export_redcap_dict.c's. Records are streamed patient by
 * patient: the forms of one visit share a row, as REDCap wants. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_redcap.h"
#include "store_export.h"

typedef struct {
    char uuid[37], patient[37], id[48];   /* id: the REDCap record_id */
    char pid[48], age[16], idx[16];       /* the hip instrument's patient_id, age, index date */
    char side, sex;
    int index, written;                   /* index date; its enrolment row is out */
} rc_hip;

typedef struct {
    int hip, event, form, instance;       /* form: the repeating instrument, or -1 */
    char **cell;
} rc_row;

typedef struct {
    app *a;
    const export_opts *o;
    rc_vars vs;
    int ncol, *col, *complete;           /* per variable / per form (hip last) */
    char (*event)[64];                    /* unique event names; [0] enrolment, last unscheduled */
    int nev;
    unsigned char *used;                  /* [event * (nforms + 1) + form] */
    rc_hip *hip;                          /* every hip, by patient uuid */
    int nhip, caphip;
    st_study_ids ids;
    FILE *out;
    char patient[37];                     /* the patient being gathered */
    rc_row *row;
    int nrow, caprow, twice;
} rc_ctx;

#define FORMS(x) ((x)->a->forms.n + 1)    /* forms plus the hip instrument */
#define HIP_FORM(x) ((x)->a->forms.n)

/* REDCap's unique event name: the label in lower case, every other
 * character _, cut to 18, then _arm_1; a name taken gets a letter. */
static void unique_event(rc_ctx *x, const char *label)
{
    char base[19];
    size_t n = 0;
    for (const char *p = label; *p && n < 18; p++)
        base[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    base[n] = '\0';
    char *out = x->event[x->nev];
    snprintf(out, 64, "%s_arm_1", base);
    for (char c = 'b'; c <= 'z'; c++) {
        int clash = 0;
        for (int i = 0; i < x->nev; i++)
            clash |= strcmp(x->event[i], out) == 0;
        if (!clash)
            break;
        snprintf(out, 64, "%.17s%c_arm_1", base, c);
    }
    x->nev++;
}

static void mark(rc_ctx *x, int event, int fk)
{
    x->used[event * FORMS(x) + fk] = 1;
}

static void header(rc_ctx *x)
{
    fputs("record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance", x->out);
    int col = 4, prev = -2;
    for (int i = 1; i <= x->vs.n; i++) {
        int fk = i < x->vs.n ? x->vs.v[i].form : -3;
        if (prev != -2 && fk != prev) {
            fprintf(x->out, ",%s_complete", rc_form_name(x->a, prev));
            x->complete[prev < 0 ? HIP_FORM(x) : prev] = col++;
        }
        prev = fk;
        if (i == x->vs.n)
            break;
        const rc_var *v = &x->vs.v[i];
        x->col[i] = col;
        if (v->form >= 0 && v->field >= 0 &&
            x->a->forms.v[v->form]->field[v->field].type == FT_MULTI) {
            const form_field *fl = &x->a->forms.v[v->form]->field[v->field];
            for (int k = 0; k < fl->n_opt; k++, col++)
                fprintf(x->out, ",%s___%d", v->name, fl->opt[k].value);
        } else {
            fprintf(x->out, ",%s", v->name);
            col++;
        }
    }
    fputs("\r\n", x->out);
    x->ncol = col;
}

static char **new_cells(rc_ctx *x)
{
    return xcalloc((size_t)x->ncol + 1, sizeof(char *));
}

static void set(char **cell, int col, char *v)
{
    free(cell[col]);
    cell[col] = v;
}

static void put_cells(rc_ctx *x, char **cell)
{
    for (int i = 0; i < x->ncol; i++) {
        if (i)
            putc(',', x->out);
        csv_cell(x->out, cell[i]);
        free(cell[i]);
    }
    fputs("\r\n", x->out);
    free(cell);
}

/* A hip, kept for the records that follow; its enrolment row goes out
 * with its patient's records (or at the end, without any). */
static int put_hip(void *ctx, const st_patient *p, const st_hip *h, const st_followup *fu)
{
    rc_ctx *x = ctx;
    if (x->nhip == x->caphip) {
        x->caphip = x->caphip ? x->caphip * 2 : 256;
        x->hip = xrealloc(x->hip, (size_t)x->caphip * sizeof *x->hip);
    }
    rc_hip *r = &x->hip[x->nhip++];
    memset(r, 0, sizeof *r);
    memcpy(r->uuid, h->uuid, sizeof r->uuid);
    memcpy(r->patient, p->uuid, sizeof r->patient);
    const char *sid = x->o->deidentify ? st_study_id(&x->ids, p->uuid) : NULL;
    if (x->o->deidentify)
        snprintf(r->id, sizeof r->id, "%s-%c", sid ? sid : "", h->side);
    else
        snprintf(r->id, sizeof r->id, "%s", h->uuid);
    snprintf(r->pid, sizeof r->pid, "%s", x->o->deidentify ? (sid ? sid : "") : p->uuid);
    r->side = h->side == 'L' ? 'L' : 'R';
    r->sex = p->sex == 'F' || p->sex == 'M' ? p->sex : 'X';
    r->index = h->index_date;
    export_age(p->born, h->index_date, r->age);
    date_format(h->index_date, r->idx);
    return 0;
}

/* The hip instrument's cells of hip h's enrolment row. */
static void hip_cells(rc_ctx *x, int h, char **cell)
{
    const rc_hip *r = &x->hip[h];
    for (int i = 1; i < x->vs.n && x->vs.v[i].form < 0; i++) {
        const char *v = NULL;
        char one[2] = {0};
        switch (x->vs.v[i].field) {
        case RH_PATIENT: v = r->pid; break;
        case RH_SIDE: one[0] = r->side; v = one; break;
        case RH_SEX: one[0] = r->sex; v = one; break;
        case RH_AGE: v = r->age; break;
        case RH_INDEX: v = r->idx; break;
        }
        set(cell, x->col[i], xstrdup(v));
    }
    set(cell, x->complete[HIP_FORM(x)], xstrdup("2"));
}

/* The first of patient's hips in x->hip (sorted by patient); the others
 * follow it. */
static int hips_from(const rc_ctx *x, const char *patient)
{
    int lo = 0, hi = x->nhip;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (strcmp(x->hip[mid].patient, patient) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int by_patient(const void *a, const void *b)
{
    const rc_hip *p = a, *q = b;
    int c = strcmp(p->patient, q->patient);
    return c ? c : strcmp(p->id, q->id);
}

static int by_row(const void *a, const void *b)
{
    const rc_row *p = a, *q = b;
    if (p->hip != q->hip)
        return p->hip - q->hip;
    if (p->event != q->event)
        return p->event - q->event;
    if (p->form != q->form)
        return p->form - q->form;
    return p->instance - q->instance;
}

static char **row_for(rc_ctx *x, int hip, int event, int fk, int instance);

static void flush(rc_ctx *x)
{
    if (x->nrow == 0)
        return;   /* row is still NULL, which qsort may not be given */
    for (int h = hips_from(x, x->patient);
         h < x->nhip && strcmp(x->hip[h].patient, x->patient) == 0; h++) {
        hip_cells(x, h, row_for(x, h, 0, -1, 0));
        x->hip[h].written = 1;
    }
    qsort(x->row, (size_t)x->nrow, sizeof *x->row, by_row);
    for (int i = 0; i < x->nrow; i++)
        put_cells(x, x->row[i].cell);
    x->nrow = 0;
}

/* The row of this hip and event (and, unscheduled, form and instance). */
static char **row_for(rc_ctx *x, int hip, int event, int fk, int instance)
{
    for (int i = 0; i < x->nrow; i++) {
        rc_row *r = &x->row[i];
        if (r->hip == hip && r->event == event && r->form == fk && r->instance == instance)
            return r->cell;
    }
    if (x->nrow == x->caprow) {
        x->caprow = x->caprow ? x->caprow * 2 : 32;
        x->row = xrealloc(x->row, (size_t)x->caprow * sizeof *x->row);
    }
    rc_row *r = &x->row[x->nrow++];
    *r = (rc_row){hip, event, fk, instance, new_cells(x)};
    r->cell[0] = xstrdup(x->hip[hip].id);
    r->cell[1] = xstrdup(x->event[event]);
    if (fk >= 0) {
        r->cell[2] = xstrdup(x->a->forms.v[fk]->id);
        r->cell[3] = xasprintf("%d", instance);
    }
    return r->cell;
}

/* The next instance of a repeating form for a hip in this patient's rows. */
static int next_instance(rc_ctx *x, int hip, int fk)
{
    int n = 0;
    for (int i = 0; i < x->nrow; i++)
        if (x->row[i].hip == hip && x->row[i].form == fk && x->row[i].instance > n)
            n = x->row[i].instance;
    return n + 1;
}

static void fill(rc_ctx *x, char **cell, int k, const st_export_row *r, int index)
{
    const form *f = x->a->forms.v[k];
    for (int i = x->vs.first[k]; i < x->vs.first[k] + x->vs.count[k]; i++) {
        const rc_var *v = &x->vs.v[i];
        if (v->score >= 0) {
            for (int j = 0; j < r->r->n_score; j++)
                if (strcmp(r->r->score_id[j], f->score[v->score].id) == 0) {
                    char num[32];
                    form_score_format(&f->score[v->score], r->r->score_val[j], num);
                    set(cell, x->col[i], xstrdup(num));
                }
            continue;
        }
        const form_field *fl = &f->field[v->field];
        const char *val = st_record_get(r->r, fl->id);
        if (fl->type == FT_MULTI) {
            /* Every box of an answered field is 1 or 0; unanswered: empty. */
            for (int o = 0; o < fl->n_opt; o++) {
                int on = 0;
                size_t len = strlen(fl->opt[o].code);
                for (const char *p = val; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                    on |= strncmp(p, fl->opt[o].code, len) == 0 && (p[len] == ',' || !p[len]);
                set(cell, x->col[i] + o, val ? xstrdup(on ? "1" : "0") : NULL);
            }
            continue;
        }
        if (!val)
            continue;
        char buf[16];
        if (fl->type == FT_CHOICE) {
            int o = form_option_index(fl, val);
            set(cell, x->col[i], o >= 0 ? xasprintf("%d", fl->opt[o].value) : xstrdup(val));
        } else if (fl->type == FT_YESNO) {
            set(cell, x->col[i], xstrdup(strcmp(val, "yes") == 0 ? "1" : "0"));
        } else if (fl->type == FT_DATE) {
            const char *d = export_date_text(x->o, val, index, buf);
            set(cell, x->col[i], xstrdup(d));
        } else {
            set(cell, x->col[i], xstrdup(val));
        }
    }
    set(cell, x->complete[k], xstrdup("2"));
}

static int put_record(void *ctx, const st_export_row *r)
{
    rc_ctx *x = ctx;
    if (strcmp(x->patient, r->p->uuid) != 0) {
        flush(x);
        memcpy(x->patient, r->p->uuid, sizeof x->patient);
    }
    int k = 0;
    while (k < x->a->forms.n && strcmp(x->a->forms.v[k]->id, r->r->form) != 0)
        k++;
    if (k == x->a->forms.n || !rc_covers(x->o, x->a->forms.v[k]))
        return 0;
    /* This record's hip, or every hip of the patient for a patient-scope
     * form; an enrolment form's record goes to the enrolment event. */
    int tp = x->a->forms.v[k]->enrolment ? -2 : config_timepoint(&x->a->cfg, r->r->timepoint);
    for (int h = hips_from(x, r->p->uuid);
         h < x->nhip && strcmp(x->hip[h].patient, r->p->uuid) == 0; h++) {
        if (r->h->uuid[0] && strcmp(x->hip[h].uuid, r->h->uuid) != 0)
            continue;
        int event = tp == -2 ? 0 : tp >= 0 ? tp + 1 : x->nev - 1;
        int inst = tp != -1 ? 0 : next_instance(x, h, k);
        char **cell = row_for(x, h, event, tp != -1 ? -1 : k, inst);
        if (cell[x->complete[k]])
            x->twice++;   /* a visit recorded twice (bedside check lists it) */
        fill(x, cell, k, r, x->hip[h].index);
        mark(x, event, k);
    }
    return ferror(x->out) ? 1 : 0;
}

/* ---- the small files ---- */

static FILE *open_in(const char *dir, const char *name, char ***made, int *n)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bedside: cannot write %s: %s\n", path, strerror(errno));
        free(path);
        return NULL;
    }
    *made = xrealloc(*made, (size_t)(*n + 1) * sizeof **made);
    (*made)[(*n)++] = path;
    return f;
}

static int close_ok(FILE *f)
{
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

static void write_events(rc_ctx *x, FILE *ev)
{
    fputs("event_name,arm_num,day_offset,offset_min,offset_max,unique_event_name,"
          "custom_event_label\r\n", ev);
    const config *c = &x->a->cfg;
    char a[16], b[16], d[16];
    const char *cells[7];
    for (int e = 0; e < x->nev; e++) {
        const char *label = e == 0 ? "Enrolment" : e == x->nev - 1 ? "Unscheduled" : c->tp[e - 1].label;
        int day = e == 0 ? 0 : e == x->nev - 1 ? (c->n_tp ? c->tp[c->n_tp - 1].day + c->tp[c->n_tp - 1].after + 1 : 1)
                                               : c->tp[e - 1].day;
        int before = e == 0 || e == x->nev - 1 ? 0 : c->tp[e - 1].before;
        int after = e == 0 || e == x->nev - 1 ? 0 : c->tp[e - 1].after;
        snprintf(d, sizeof d, "%d", day);
        snprintf(a, sizeof a, "%d", before);
        snprintf(b, sizeof b, "%d", after);
        cells[0] = label;
        cells[1] = "1";
        cells[2] = d;
        cells[3] = a;
        cells[4] = b;
        cells[5] = x->event[e];
        cells[6] = "";
        export_row(ev, cells, 7);
    }
}

int export_redcap(app *a, const export_opts *o, const char *dir)
{
    rc_ctx x = {.a = a, .o = o};
    if (export_deid_begin(a, o, "export redcap", 1) < 0)
        return -1;
    if (o->deidentify && store_study_id_map(a->db, &x.ids) != 0)
        return -1;
    rc_vars_build(a, o, &x.vs);
    x.col = xcalloc((size_t)x.vs.n + 1, sizeof *x.col);
    x.complete = xcalloc((size_t)FORMS(&x) + 1, sizeof *x.complete);
    x.event = xcalloc((size_t)a->cfg.n_tp + 3, sizeof *x.event);
    unique_event(&x, "Enrolment");
    for (int i = 0; i < a->cfg.n_tp; i++)
        unique_event(&x, a->cfg.tp[i].label);
    unique_event(&x, "Unscheduled");
    x.used = xcalloc((size_t)(x.nev * FORMS(&x)) + 1, 1);
    /* The schedule's forms at its events; every form may repeat unscheduled. */
    for (int i = 0; i < a->cfg.n_tp; i++)
        for (int j = 0; j < a->cfg.tp[i].n_forms; j++)
            for (int k = 0; k < a->forms.n; k++)
                if (strcmp(a->forms.v[k]->id, a->cfg.tp[i].forms[j]) == 0 && export_covers(o, a->forms.v[k]))
                    mark(&x, i + 1, k);
    for (int k = 0; k < a->forms.n; k++)
        if (rc_covers(o, a->forms.v[k]))
            mark(&x, a->forms.v[k]->enrolment ? 0 : x.nev - 1, k);
    mark(&x, 0, HIP_FORM(&x));

    char **made = NULL;
    int nmade = 0, rc = 0;
    FILE *f = open_in(dir, "data_dictionary.csv", &made, &nmade);
    if (!f)
        goto fail;
    rc_write_dictionary(a, o, &x.vs, f);
    if (close_ok(f) < 0)
        goto fail_write;
    if (!(x.out = open_in(dir, "records.csv", &made, &nmade)))
        goto fail;
    header(&x);
    if (store_each_cohort_hip(a->db, -1, -1, NULL, NULL, put_hip, &x) != 0)
        goto fail_read;
    if (x.nhip)
        qsort(x.hip, (size_t)x.nhip, sizeof *x.hip, by_patient);
    /* Every form's records: the enrolment forms' are in whatever --form says. */
    if (store_each_export(a->db, NULL, 0, put_record, &x) != 0)
        goto fail_read;
    flush(&x);
    for (int h = 0; h < x.nhip; h++)
        if (!x.hip[h].written) {
            char **cell = new_cells(&x);
            cell[0] = xstrdup(x.hip[h].id);
            cell[1] = xstrdup(x.event[0]);
            hip_cells(&x, h, cell);
            put_cells(&x, cell);
        }
    if (close_ok(x.out) < 0) {
        x.out = NULL;
        goto fail_write;
    }
    x.out = NULL;
    if (!(f = open_in(dir, "arms.csv", &made, &nmade)))
        goto fail;
    fputs("arm_num,name\r\n1,Arm 1\r\n", f);
    if (close_ok(f) < 0)
        goto fail_write;
    if (!(f = open_in(dir, "events.csv", &made, &nmade)))
        goto fail;
    write_events(&x, f);
    if (close_ok(f) < 0)
        goto fail_write;
    if (!(f = open_in(dir, "instrument_event_mapping.csv", &made, &nmade)))
        goto fail;
    fputs("arm_num,unique_event_name,form\r\n", f);
    for (int e = 0; e < x.nev; e++)
        for (int k = 0; k <= a->forms.n; k++)
            if (x.used[e * FORMS(&x) + k])
                fprintf(f, "1,%s,%s\r\n", x.event[e], rc_form_name(a, k == a->forms.n ? -1 : k));
    if (close_ok(f) < 0)
        goto fail_write;
    if (!(f = open_in(dir, "repeating_instruments.csv", &made, &nmade)))
        goto fail;
    fputs("event_name,form_name,custom_form_label\r\n", f);
    for (int k = 0; k < a->forms.n; k++)
        if (x.used[(x.nev - 1) * FORMS(&x) + k])
            fprintf(f, "%s,%s,\r\n", x.event[x.nev - 1], a->forms.v[k]->id);
    if (close_ok(f) < 0)
        goto fail_write;
    fprintf(stderr, "bedside: REDCap project in %s: %d hips; unique event names:", dir, x.nhip);
    for (int e = 0; e < x.nev; e++)
        fprintf(stderr, " %s", x.event[e]);
    fputc('\n', stderr);
    if (x.twice)
        fprintf(stderr, "bedside: %d visit%s recorded twice: the later record is in the "
                        "project (bedside check lists them)\n", x.twice, x.twice == 1 ? " was" : "s were");
    goto done;
fail_read:
    fprintf(stderr, "bedside: the export stopped: cannot read the records or write records.csv\n");
    goto fail;
fail_write:
    fprintf(stderr, "bedside: cannot write %s: %s\n", made[nmade - 1], strerror(errno));
fail:
    rc = -1;
    if (x.out)
        fclose(x.out);
    for (int i = 0; i < nmade; i++)
        unlink(made[i]);
done:
    for (int i = 0; i < nmade; i++)
        free(made[i]);
    free(made);
    for (int i = 0; i < x.nrow; i++) {
        for (int j = 0; j < x.ncol; j++)
            free(x.row[i].cell[j]);
        free(x.row[i].cell);
    }
    free(x.row);
    free(x.hip);
    free(x.used);
    free(x.event);
    free(x.col);
    free(x.complete);
    rc_vars_free(&x.vs);
    st_study_ids_free(&x.ids);
    return rc;
}
