/* entry_hip.c — a hip's day 0 and the records that hang on it: the rule for
 * an index date, the visit rules of one stored record against the hips it
 * belongs to, and moving a hip's index date, which is refused while any of
 * its records would then break a visit rule. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int entry_index_date_ok(const app *a, const st_patient *p, int index_date, entry_error *e)
{
    char d[11], lim[11];
    date_format(index_date, d);
    /* Up to a year ahead: a hip can be registered for a planned procedure. */
    if (index_date > a->today + 365) {
        date_format(a->today, lim);
        return entry_fail(e, "index_date", "index date %s is more than a year ahead of today (%s)",
                          d, lim);
    }
    if (index_date < p->born) {
        date_format(p->born, lim);
        return entry_fail(e, "index_date", "index date %s is before the patient's birth date %s",
                          d, lim);
    }
    return ENTRY_OK;
}

int entry_conversion_ok(const app *a, const char *field, int conversion, int index_date,
                        entry_error *e)
{
    char d[11], lim[11];
    date_format(conversion, d);
    if (conversion > a->today) {
        date_format(a->today, lim);
        return entry_fail(e, field, "%s is in the future (today is %s)", d, lim);
    }
    if (conversion < index_date) {
        date_format(index_date, lim);
        return entry_fail(e, field, "%s is before the hip's index date %s", d, lim);
    }
    return ENTRY_OK;
}

/* The hips whose schedule a stored record r answers to: its own hip's for
 * a hip's record, every hip of the patient (vh) for a patient-scope one;
 * *ends: r is of a form that ends follow-up. */
static int record_hips(const app *a, const entry_hip *vh, int n_vh, const st_record *r,
                       entry_hip one[2], const entry_hip **hips, int *ends)
{
    *ends = app_end_form(a, r->form) != NULL;
    *hips = vh;
    if (!r->side)
        return n_vh;
    int n = 0;
    for (int i = 0; i < n_vh && n < 2; i++)
        if (vh[i].side == r->side)
            one[n++] = vh[i];
    *hips = one;
    return n;
}

int entry_check_record(const app *a, const entry_hip *vh, int n_vh, const st_record *r,
                       entry_error *e)
{
    entry_hip one[2];
    const entry_hip *hips;
    int ends, n = record_hips(a, vh, n_vh, r, one, &hips, &ends);
    return entry_check_stored(&a->cfg, hips, n, r, ends, e);
}

int entry_check_mark(const app *a, const entry_hip *vh, int n_vh, const st_record *r,
                     entry_error *e)
{
    entry_hip one[2];
    const entry_hip *hips;
    int ends, n = record_hips(a, vh, n_vh, r, one, &hips, &ends);
    if (!r->out_of_window ||
        entry_out_of_window(&a->cfg, hips, n, r->timepoint, r->visit_date, ends))
        return 0;
    char d[11];
    date_format(r->visit_date, d);
    if (config_timepoint(&a->cfg, r->timepoint) < 0)
        entry_fail(e, "date", "marked out of window, but a visit '%s' has no window; amend it "
                   "(the same --date clears the mark)", r->timepoint);
    else
        entry_fail(e, "date", "marked out of window, but dated %s inside the window of '%s'; "
                   "amend it (the same --date clears the mark)", d, r->timepoint);
    return -1;
}

/* entry_hip_redate inside its write transaction. */
static int redate(app *a, const st_patient *p, char side, int index_date, const char *reason,
                  entry_problem_fn cb, void *ctx, entry_error *e)
{
    st_hip h;
    if (store_hip_get(a->db, p->uuid, side, &h) != 0)
        return entry_fail(e, "hip", "patient has no %s hip", side == 'L' ? "left" : "right");
    char d[11];
    date_format(h.index_date, d);
    if (h.index_date == index_date) {
        st_hip_free(&h);
        return entry_fail(e, "index_date", "the index date is already %s", d);
    }
    entry_hip vh[2];
    int ends[2];
    const char *end_form[2];
    int n_vh = entry_hips_of(a, a->db, p->uuid, vh, ends, end_form);
    int problems = 0;
    for (int i = 0; i < n_vh; i++) {
        if (vh[i].side != side)
            continue;
        vh[i].index_date = index_date;
        entry_error pe;
        if (vh[i].end_date >= 0 &&
            entry_conversion_ok(a, "index_date", vh[i].end_date, index_date, &pe) != ENTRY_OK) {
            problems++;
            if (cb)
                cb(ctx, NULL, pe.msg);
        }
    }
    /* Every current record of the hip, and every patient-scope record,
     * which counts in the window of any of the patient's hips. */
    size_t n = 0;
    st_record *r;
    if (store_records_of(a->db, p->uuid, 0, &r, &n) < 0) {
        store_records_free(r, n);
        st_hip_free(&h);
        return entry_fail(e, "index_date", "cannot read the patient's records to check them "
                          "against the new index date: %s", store_read_failed(a->db));
    }
    for (size_t i = 0; i < n; i++) {
        if (r[i].side && r[i].side != side)
            continue;
        entry_error pe;
        if (entry_check_record(a, vh, n_vh, &r[i], &pe) != 0) {
            problems++;
            if (cb)
                cb(ctx, &r[i], pe.msg);
        }
    }
    store_records_free(r, n);
    int rc;
    if (problems) {
        char nd[11];
        date_format(index_date, nd);
        rc = entry_fail(e, "index_date", "%d record%s would break the visit rules with the index "
                        "date moved from %s to %s; amend or void %s first", problems,
                        problems == 1 ? "" : "s", d, nd, problems == 1 ? "it" : "them");
    } else {
        char *err = NULL;
        rc = store_hip_redate(a->db, h.uuid, h.index_date, index_date, reason, &err) == 0
                 ? ENTRY_OK
                 : entry_fail_store(e, err, "could not change the index date");
    }
    st_hip_free(&h);
    return rc;
}

int entry_hip_redate(app *a, const st_patient *p, char side, int index_date, const char *reason,
                     entry_problem_fn cb, void *ctx, entry_error *e)
{
    assert(side == 'L' || side == 'R');
    if (entry_check_reason(reason, e) != 0)
        return ENTRY_REFUSED;
    if (entry_index_date_ok(a, p, index_date, e) != ENTRY_OK)
        return ENTRY_REFUSED;
    /* The hip and its records are read in the write transaction that moves
     * the date: a record another session saves meanwhile is either seen by
     * the check or waits until the date has moved (and meets its rules). */
    char *err = NULL;
    if (store_tx_begin(a->db, &err) < 0)
        return entry_fail_store(e, err, "cannot write the database");
    int rc = redate(a, p, side, index_date, reason, cb, ctx, e);
    if (store_tx_end(a->db, rc == ENTRY_OK, &err) < 0 && rc == ENTRY_OK)
        return entry_fail_store(e, err, "could not change the index date");
    free(err);
    return rc;
}
