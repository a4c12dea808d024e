/* store_hip.c — corrections to a registered hip that the store itself
 * makes: a new index date, checked against the row as it was read (so two
 * corrections cannot cross) and audited with old and new value and the
 * reason. Whether the records allow it is the entry module's rule, checked
 * in the caller's transaction (store_tx_begin), which this one joins. */
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
