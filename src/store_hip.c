/* store_hip.c — corrections to a registered hip that the store itself
 * makes: a new index date, checked against the row as it was read (so two
 * corrections cannot cross) and audited with old and new value and the
 * reason. Whether the records allow it is the entry module's rule, checked
 * in the caller's transaction (store_tx_begin), which this one joins. And
 * the hips (or patients) that have no current record of an enrolment form. */
#include <stdlib.h>

#include "store_internal.h"

static const char SQL_HIP_REDATE[] =
    "UPDATE hips SET index_date = ?3 WHERE uuid = ?1 AND index_date = ?2 "
    "RETURNING patient";

int store_hip_redate(store *s, const char *hip_uuid, int old_date, int new_date,
                     const char *reason, char **err)
{
    if (!reason || !*reason)
        return st_fail(err, "a correction needs a reason");
    if (st_tx_begin(s, err) < 0)
        return -1;
    sqlite3_stmt *q = st_stmt(s, SQL_HIP_REDATE);
    int ok = q != NULL;
    char *patient = NULL;
    if (ok) {
        st_bind_text(q, 1, hip_uuid);
        st_bind_date(q, 2, old_date);
        st_bind_date(q, 3, new_date);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            patient = st_col_strdup(q, 0);
        else if (rc == SQLITE_DONE)
            st_fail(err, "the hip changed meanwhile (another session); look again");
        else
            st_fail_db(s, err, "cannot change the index date");
        ok = patient != NULL && sqlite3_step(q) == SQLITE_DONE;
        sqlite3_reset(q);
    }
    if (ok) {
        char o[11], n[11];
        date_format(old_date, o);
        date_format(new_date, n);
        sbuf d = {0};
        int first = 1;
        sbuf_addc(&d, '{');
        st_detail_add(&d, &first, "index_date", o, n);
        sbuf_addc(&d, '}');
        ok = st_audit(s, "hip", patient, hip_uuid, NULL, NULL, NULL, d.s, reason, err) == 0;
        sbuf_free(&d);
    }
    free(patient);
    return st_tx_end(s, ok, err);
}

/* A current record: final, and no final or void version supersedes it. */
#define ENROLLED(who)                                                                          \
    "EXISTS (SELECT 1 FROM records r WHERE r.patient = p.uuid AND " who " AND r.form = ?1 "     \
    "AND r.timepoint = 'enrolment' AND r.status = 'final' AND NOT EXISTS (SELECT 1 FROM "       \
    "records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void')))"
static const char SQL_HIPS_UNENROLLED[] =
    "SELECT p.mrn, h.side FROM patients p JOIN hips h ON h.patient = p.uuid "
    "WHERE h.observed = 0 AND NOT " ENROLLED("r.hip = h.uuid") " ORDER BY p.mrn, h.side";
static const char SQL_PATIENTS_UNENROLLED[] =
    "SELECT p.mrn, '' FROM patients p WHERE NOT " ENROLLED("r.hip IS NULL") " ORDER BY p.mrn";

int store_each_unenrolled(store *s, const char *form_id, int hips,
                          void (*fn)(void *ctx, const char *mrn, char side), void *ctx)
{
    sqlite3_stmt *q = st_stmt(s, hips ? SQL_HIPS_UNENROLLED : SQL_PATIENTS_UNENROLLED);
    if (!q)
        return -1;
    st_bind_text(q, 1, form_id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *side = (const char *)sqlite3_column_text(q, 1);
        fn(ctx, (const char *)sqlite3_column_text(q, 0), side && *side ? *side : 0);
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}
