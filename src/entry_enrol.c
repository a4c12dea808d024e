/* entry_enrol.c — a hip or a patient is added together with its enrolment
 * record (form.h `enrolment`), in one transaction, so that no hip exists
 * without the details its enrolment form requires. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int entry_enrol_required(const form *f)
{
    for (int i = 0; f && i < f->n_field; i++)
        if (f->field[i].required)
            return 1;
    return 0;
}

int entry_enrol_wanted(const form_answers *ans)
{
    if (!ans)
        return 0;
    return form_answers_count(ans) > 0 || entry_enrol_required(ans->f);
}

/* The enrolment record of the patient (side 0) or hip just added, inside
 * the caller's transaction. */
static int save_enrolment(app *a, const char *patient_uuid, char side, int date,
                          form_answers *ans, st_record *r, entry_error *e)
{
    entry_target t;
    int rc = entry_resolve_uuid(a, patient_uuid, ans->f, side, &t, e);
    if (rc == ENTRY_OK)
        rc = entry_set_visit(a, &t, TIMEPOINT_ENROLMENT, date, 0, e);
    if (rc == ENTRY_OK)
        rc = entry_save(a, &t, ans, NULL, r, e);
    entry_target_free(&t);
    return rc == ENTRY_OK ? ENTRY_OK : ENTRY_REFUSED;
}

/* Validate first (nothing written on a refusal), then write both. */
static int begin(app *a, form_answers *ans, st_record *r, entry_error *e)
{
    memset(r, 0, sizeof *r);
    if (ans && entry_enrol_wanted(ans) && entry_validate(ans, NULL, NULL, e))
        return ENTRY_REFUSED;
    char *err = NULL;
    if (store_tx_begin(a->db, &err) < 0)
        return entry_fail_store(e, err, "cannot write the database");
    return ENTRY_OK;
}

/* After the hip or patient row (stored: 0 or -1 with err): the enrolment
 * record, then commit both, or roll both back. */
static int finish(app *a, int stored, char *err, const char *what, form_answers *ans,
                  const char *patient, char side, int date, st_record *r, entry_error *e)
{
    int ok = stored == 0;
    if (!ok)
        entry_fail(e, "", "%s", err ? err : what);
    free(err);
    err = NULL;
    if (ok && entry_enrol_wanted(ans))
        ok = save_enrolment(a, patient, side, date, ans, r, e) == ENTRY_OK;
    if (store_tx_end(a->db, ok, &err) < 0) {
        if (ok)
            entry_fail(e, "", "%s", err ? err : "cannot save");
        ok = 0;
    }
    free(err);
    return ok ? ENTRY_OK : ENTRY_REFUSED;
}

int entry_hip_stored_ok(const app *a, const st_patient *p, const st_hip *h, int end,
                        const char *why, entry_error *e)
{
    int rc = entry_index_date_ok(a, p, h->index_date, e);
    if (rc == ENTRY_OK && !h->observed && end >= 0 && h->index_date > end) {
        char d[11], lim[11];
        date_format(h->index_date, d);
        date_format(end, lim);
        rc = entry_fail(e, "index_date", "the follow-up of patient '%s' ended on %s%s%s%s: a hip "
                        "with index date %s would never be followed up", p->mrn, lim,
                        why[0] ? " (" : "", why, why[0] ? ")" : "", d);
    }
    return rc;
}

int entry_hip_new_ok(app *a, const st_hip *h, entry_error *e)
{
    st_patient p;
    if (store_patient_by_uuid(a->db, h->patient, &p) != 0)
        return entry_fail(e, "patient", "no patient with uuid %s", h->patient);
    char lim[11], why[128] = "";
    int end = h->observed ? -1 : entry_patient_end(a, h->patient, why);
    int rc = entry_hip_stored_ok(a, &p, h, end, why, e);
    st_hip old;
    if (rc == ENTRY_OK && store_hip_get(a->db, h->patient, h->side, &old) == 0) {
        date_format(old.index_date, lim);
        rc = entry_fail(e, "hip", "patient '%s' already has a %s hip (index date %s)", p.mrn,
                  h->side == 'L' ? "left" : "right", lim);
        st_hip_free(&old);
    }
    st_patient_free(&p);
    return rc;
}

int entry_patient_new_ok(app *a, const st_patient *p, entry_error *e)
{
    st_patient old;
    if (store_patient_get(a->db, p->mrn, &old) != 0)
        return ENTRY_OK;
    entry_fail(e, "mrn", "a patient with MRN '%s' already exists (%s)", old.mrn, old.name);
    st_patient_free(&old);
    return ENTRY_REFUSED;
}

int entry_patient_duplicate(app *a, const st_patient *p, char other_mrn[64], entry_error *e)
{
    st_patient same;
    if (store_patient_same(a->db, p->name, p->born, &same) != 0)
        return ENTRY_OK;
    char born[11];
    date_format(p->born, born);
    entry_fail(e, "name", "%s born %s is already recorded as MRN %s", same.name, born, same.mrn);
    if (other_mrn)
        snprintf(other_mrn, 64, "%s", same.mrn);
    st_patient_free(&same);
    return ENTRY_CONFIRM;
}

int entry_add_hip(app *a, st_hip *h, form_answers *ans, st_record *r, entry_error *e)
{
    st_record dummy;
    r = r ? r : &dummy;
    memset(r, 0, sizeof *r);
    int rc = entry_hip_new_ok(a, h, e);
    if (rc == ENTRY_OK && (rc = begin(a, ans, r, e)) == ENTRY_OK) {
        char *err = NULL;
        rc = finish(a, store_hip_add(a->db, h, &err), err, "could not add the hip", ans,
                    h->patient, h->side, h->index_date, r, e);
    }
    if (r == &dummy)
        st_record_free(r);
    return rc;
}

int entry_add_patient(app *a, st_patient *p, form_answers *ans, st_record *r, entry_error *e)
{
    st_record dummy;
    r = r ? r : &dummy;
    memset(r, 0, sizeof *r);
    int rc = begin(a, ans, r, e);
    if (rc == ENTRY_OK) {
        char *err = NULL;
        int stored = store_patient_add(a->db, p, &err);
        rc = finish(a, stored, err, "could not add the patient", ans, p->uuid, 0, a->today, r, e);
    }
    if (r == &dummy)
        st_record_free(r);
    return rc;
}
