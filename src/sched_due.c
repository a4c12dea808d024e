/* sched_due.c — the next-due table: its rows computed by sched_hip from
 * each hip's stored records (store_each_hip), written through store_due.c,
 * and compared with a recomputation by `bedside check`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "sched_due.h"
#include "util.h"

/* What the rows depend on besides the data: the timepoints with their days,
 * windows and forms, the last one's grace, and the forms that end follow-up.
 * Stored with the rows; another text means they are stale. */
static char *schedule_text(const app *a)
{
    sbuf b = {0};
    sbuf_printf(&b, "grace %d", SCHED_LAST_GRACE);
    for (int i = 0; i < a->cfg.n_tp; i++) {
        const sched_tp *t = &a->cfg.tp[i];
        sbuf_printf(&b, "; %s %d -%d +%d", t->id, t->day, t->before, t->after);
        for (int f = 0; f < t->n_forms; f++)
            sbuf_printf(&b, "%s%s", f ? "," : " ", t->forms[f]);
    }
    for (int i = 0; i < a->ends.n; i++)
        sbuf_printf(&b, "; ends %s.%s%s%s", a->ends.v[i].form, a->ends.v[i].field,
                    a->ends.v[i].event ? " event" : "", a->ends.v[i].patient ? " patient" : "");
    return sbuf_take(&b);
}

int sched_due_full_pass(long pending, long patients)
{
    if (pending <= SCHED_DUE_FULL_MIN)
        return 0;
    return patients < 0 || pending * 2 > patients;
}

void sched_due_range(const config *c, int today, int within, int *lo, int *hi)
{
    int after = 0, before = 0;
    for (int i = 0; i < c->n_tp; i++) {
        int a = sched_until(c, i, 0) - c->tp[i].day;
        after = a > after ? a : after;
        before = c->tp[i].before > before ? c->tp[i].before : before;
    }
    *lo = today - after;
    *hi = today + (within > 0 ? within : 0) + before;
}

enum sched_state sched_due_state(const st_due *d, int today)
{
    return sched_state_on(d->open, d->close, d->until, today);
}

/* The rows of one hip, computed: none once follow-up ended. */
typedef struct {
    const app *a;
    sched_item *items;
    st_due *row;
    size_t n;
} rows;

static void rows_clear(rows *r)
{
    store_due_free(r->row, r->n);
    r->row = NULL;
    r->n = 0;
}

static void compute(rows *r, const st_hip *h, const st_done *done, int end_date)
{
    const config *c = &r->a->cfg;
    rows_clear(r);
    if (end_date >= 0)
        return;
    sched_hip(c, h->index_date, h->index_date, -1, st_done_has, (void *)done, r->items);
    r->row = xcalloc((size_t)c->n_tp + 1, sizeof *r->row);
    for (int i = 0; i < c->n_tp; i++) {
        const sched_item *it = &r->items[i];
        if (it->n_done >= it->n_expected)
            continue;
        const sched_tp *t = &c->tp[i];
        sbuf miss = {0};
        for (int k = 0; k < t->n_forms; k++)
            if (!st_done_has((void *)done, t->id, t->forms[k]))
                sbuf_printf(&miss, "%s%s", miss.len ? "," : "", t->forms[k]);
        st_due *d = &r->row[r->n++];
        snprintf(d->hip, sizeof d->hip, "%s", h->uuid);
        d->tp = xstrdup(t->id);
        d->missing = miss.s ? sbuf_take(&miss) : xstrdup("");
        d->target = it->target;
        d->open = it->open;
        d->close = it->close;
        d->until = sched_until(c, i, h->index_date);
    }
}

typedef struct {
    rows r;
    store *s;
    char **err;
    long hips;
} put_ctx;

static int put_hip(void *ctx, const st_patient *p, const st_hip *h, const st_done *done,
                   int end_date)
{
    (void)p;
    put_ctx *c = ctx;
    c->hips++;
    compute(&c->r, h, done, end_date);
    for (size_t i = 0; i < c->r.n; i++)
        if (store_due_put(c->s, &c->r.row[i], c->err) < 0)
            return -1;
    return 0;
}

/* Rows for the hips of mrn (NULL: every hip), into an emptied table part. */
static int put_all(const app *a, store *s, const char *mrn, long *hips, char **err)
{
    put_ctx c = {.r = {.a = a, .items = xcalloc((size_t)a->cfg.n_tp + 1, sizeof(sched_item))},
                 .s = s, .err = err};
    int rc = store_each_hip(s, mrn, &a->ends, put_hip, &c);
    if (rc != 0 && err && !*err)
        err_set(err, "%s: cannot read the hips for the next-due table", store_path(s));
    rows_clear(&c.r);
    free(c.r.items);
    if (hips)
        *hips = c.hips;
    return rc ? -1 : 0;
}

static int full(const app *a, store *s, const char *sched, long *hips, char **err)
{
    if (store_due_clear(s, err) < 0 || put_all(a, s, NULL, hips, err) < 0)
        return -1;
    return store_due_set_schedule(s, sched, err);
}

/* 1 if the table is up to date, 0 if not, -1 on a read error; *sched
 * (caller frees) is this configuration's schedule text, *pending the queue. */
static int fresh(const app *a, store *s, char **sched, long *pending)
{
    char *have = NULL;
    *sched = schedule_text(a);
    if (store_due_schedule(s, &have) < 0 || (*pending = store_due_pending_count(s)) < 0) {
        free(have);
        return -1;
    }
    int same = have && strcmp(have, *sched) == 0;
    free(have);
    return same && *pending == 0;
}

int sched_due_derive(void *ctx, store *s, char **err)
{
    const app *a = ctx;
    char *sched = NULL;
    long pending = 0;
    int f = fresh(a, s, &sched, &pending);
    int rc = 0;
    if (f < 0)
        rc = err_set(err, "%s: cannot read the next-due table", store_path(s));
    else if (f == 0) {
        char *have = NULL;
        store_due_schedule(s, &have);
        int pass = !have || strcmp(have, sched) != 0;
        if (!pass && pending > SCHED_DUE_FULL_MIN)
            pass = sched_due_full_pass(pending, store_patient_count(s));
        if (pass) {
            rc = full(a, s, sched, NULL, err);
        } else {
            size_t n = 0;
            char **mrn = store_due_pending(s, &n);
            if (!mrn)
                rc = err_set(err, "%s: cannot read the next-due queue", store_path(s));
            for (size_t i = 0; i < n; i++) {
                if (rc == 0 && (store_due_forget(s, mrn[i], err) < 0 ||
                                put_all(a, s, mrn[i], NULL, err) < 0))
                    rc = -1;
                free(mrn[i]);
            }
            free(mrn);
            if (rc == 0)
                rc = store_due_clear_pending(s, err);
        }
        free(have);
    }
    free(sched);
    return rc;
}

int sched_due_rebuild(app *a, long *n_hips, char **err)
{
    *n_hips = 0;
    if (store_tx_begin(a->db, err) < 0)
        return -1;
    char *sched = schedule_text(a);
    int ok = full(a, a->db, sched, n_hips, err) == 0;
    free(sched);
    return store_tx_end(a->db, ok, err);
}

int sched_due_ready(app *a, char **err)
{
    char *sched = NULL;
    long pending = 0;
    int f = fresh(a, a->db, &sched, &pending);
    free(sched);
    if (f < 0)
        return err_set(err, "%s: cannot read the next-due table", a->db_path);
    if (f == 1)
        return 0;
    char *why = NULL;
    if (store_can_write(a->db, &why) != 0) {
        free(why);
        return err_set(err, "%s: the next-due table is out of date (%s) and the file is "
                       "read-only; run bedside check --repair-derived with write access",
                       a->db_path, pending ? "written by another program" : "another schedule");
    }
    /* An empty write: the derive hook brings the table up to date at commit. */
    if (store_tx_begin(a->db, err) < 0)
        return -1;
    return store_tx_end(a->db, 1, err);
}

int sched_due_fill_new(app *a, char **err)
{
    char *have = NULL;
    if (store_due_schedule(a->db, &have) < 0)
        return err_set(err, "%s: cannot read the next-due table", a->db_path);
    int never = have == NULL;
    free(have);
    char *why = NULL;
    if (!never || store_can_write(a->db, &why) != 0) {
        free(why);
        return 0;
    }
    long hips;
    return sched_due_rebuild(a, &hips, err);
}

/* check: the stored rows of each hip against a recomputation. */
typedef struct {
    rows r;
    store *s;
    void (*report)(void *ctx, const char *problem);
    void *ctx;
    int problems;
} verify_ctx;

static int row_same(const st_due *x, const st_due *y)
{
    return strcmp(x->tp, y->tp) == 0 && strcmp(x->missing, y->missing) == 0 &&
           x->target == y->target && x->open == y->open && x->close == y->close &&
           x->until == y->until;
}

static void row_text(sbuf *b, const st_due *d)
{
    char t[11];
    date_format(d->target, t);
    sbuf_printf(b, "%s (target %s, missing %s)", d->tp, t, d->missing);
}

static int verify_hip(void *ctx, const st_patient *p, const st_hip *h, const st_done *done,
                      int end_date)
{
    verify_ctx *c = ctx;
    compute(&c->r, h, done, end_date);
    size_t n = 0;
    st_due *have;
    int unread = store_due_of_hip(c->s, h->uuid, &have, &n) < 0;
    size_t i = 0;
    while (!unread && i < n && i < c->r.n && row_same(&have[i], &c->r.row[i]))
        i++;
    if (unread || i < n || i < c->r.n) {
        /* The first difference names the hip's problem; one line per hip. */
        sbuf b = {0};
        char *mrn = text_escape(p->mrn);
        sbuf_printf(&b, "patient %s, %s hip: the next-due table ", mrn,
                    h->side == 'L' ? "left" : "right");
        const st_due *x = i < n ? &have[i] : NULL, *y = i < c->r.n ? &c->r.row[i] : NULL;
        if (unread) {   /* not a difference a rebuild should paper over */
            sbuf_printf(&b, "cannot be read: %s", store_read_failed(c->s));
        } else if (x && y && strcmp(x->tp, y->tp) == 0) {
            sbuf_printf(&b, "%s", "holds ");
            row_text(&b, x);
            sbuf_printf(&b, "%s", " where the records give ");
            row_text(&b, y);
        } else if (x && (!y || x->target < y->target)) {
            sbuf_printf(&b, "%s", "holds ");
            row_text(&b, x);
            sbuf_printf(&b, "%s", ", which the records leave closed");
        } else {
            sbuf_printf(&b, "%s", "lacks ");
            row_text(&b, y);
        }
        if (!unread)
            sbuf_printf(&b, "%s", "; bedside check --repair-derived rebuilds it");
        c->report(c->ctx, b.s);
        c->problems++;
        sbuf_free(&b);
        free(mrn);
    }
    store_due_free(have, n);
    return 0;
}

static void orphan(void *ctx, const char *hip)
{
    verify_ctx *c = ctx;
    char *h = text_escape(hip);
    char *msg = xasprintf("the next-due table has rows for hip %s, which is not a scheduled "
                          "hip; bedside check --repair-derived rebuilds it", h);
    c->report(c->ctx, msg);
    c->problems++;
    free(msg);
    free(h);
}

int sched_due_verify(app *a, void (*report)(void *ctx, const char *problem), void *ctx)
{
    verify_ctx c = {.r = {.a = a}, .s = a->db, .report = report, .ctx = ctx};
    char *sched = NULL, *have = NULL;
    long pending = 0;
    int f = fresh(a, a->db, &sched, &pending);
    if (f < 0 || store_due_schedule(a->db, &have) < 0) {
        report(ctx, "the next-due table cannot be read");
        free(sched);
        return 1;
    }
    int stale = !have || strcmp(have, sched) != 0;
    free(sched);
    free(have);
    if (stale) {
        /* Every row would differ: one line says why. */
        report(ctx, "the next-due table was made for another schedule than the configuration's "
                    "(or never); bedside check --repair-derived rebuilds it");
        return 1;
    }
    if (pending > 0) {
        char *msg = xasprintf("the next-due table waits for the rows of %ld patient%s (written "
                              "without bedside); bedside check --repair-derived rebuilds it",
                              pending, pending == 1 ? "" : "s");
        report(ctx, msg);
        free(msg);
        c.problems++;
    }
    c.r.items = xcalloc((size_t)a->cfg.n_tp + 1, sizeof(sched_item));
    if (store_each_hip(a->db, NULL, &a->ends, verify_hip, &c) != 0) {
        report(ctx, "cannot read the hips to check the next-due table");
        c.problems++;
    }
    if (store_due_orphans(a->db, orphan, &c) != 0) {
        report(ctx, "cannot read the next-due table");
        c.problems++;
    }
    rows_clear(&c.r);
    free(c.r.items);
    return c.problems;
}
