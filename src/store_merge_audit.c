/* store_merge_audit.c — a merge's own entries in the audit trail: for each
 * patient the merge brings rows of, who merged, when, which file (its name
 * and SHA-256) and how many patients, hips, final records and audit entries
 * were taken. Written in the merge's transaction, so a dry run or a refused
 * merge leaves none. */
#include "store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MP(x) "ifnull((SELECT dst FROM temp.merge_pmap WHERE src = " x "), " x ")"
#define IS_HERE(tbl, x) "EXISTS (SELECT 1 FROM main." tbl " m WHERE m.uuid = " x ")"

/* What store_merge's inserts are about to take, by (our) patient. */
static const char SQL_TAKEN[] =
    "SELECT p, sum(np), sum(nh), sum(nr), sum(na) FROM ("
    " SELECT " MP("o.uuid") " AS p, 1 AS np, 0 AS nh, 0 AS nr, 0 AS na "
    " FROM temp.merge_patients o WHERE NOT " IS_HERE("patients", "o.uuid")
    " AND NOT EXISTS (SELECT 1 FROM temp.merge_pmap WHERE src = o.uuid)"
    " UNION ALL SELECT " MP("o.patient") ", 0, 1, 0, 0 FROM temp.merge_hips o "
    " WHERE NOT " IS_HERE("hips", "o.uuid")
    " AND NOT EXISTS (SELECT 1 FROM temp.merge_hmap WHERE src = o.uuid)"
    " UNION ALL SELECT " MP("o.patient") ", 0, 0, 1, 0 FROM temp.merge_records o "
    " WHERE o.status <> 'draft' AND NOT " IS_HERE("records", "o.uuid")
    " UNION ALL SELECT " MP("o.patient") ", 0, 0, 0, 1 FROM temp.merge_audit o "
    " WHERE o.patient IS NOT NULL AND NOT " IS_HERE("audit", "o.uuid")
    ") GROUP BY p ORDER BY p";

struct st_merge_taken {
    int n;
    struct {
        char patient[37];
        int rows[4];
    } *p;
};

st_merge_taken *st_merge_taken_count(store *s, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_TAKEN);
    if (!q) {
        st_fail(err, "%s: internal error preparing the merge", s->path);
        return NULL;
    }
    st_merge_taken *t = xcalloc(1, sizeof *t);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        t->p = xrealloc(t->p, (size_t)(t->n + 1) * sizeof *t->p);
        st_col_uuid(q, 0, t->p[t->n].patient);
        for (int k = 0; k < 4; k++)
            t->p[t->n].rows[k] = sqlite3_column_int(q, k + 1);
        t->n++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        st_fail_db(s, err, "cannot count the rows to merge");
        st_merge_taken_free(t);
        return NULL;
    }
    return t;
}

void st_merge_taken_free(st_merge_taken *t)
{
    if (!t)
        return;
    free(t->p);
    free(t);
}

int st_merge_taken_audit(store *s, const char *file, const st_merge_taken *t, char **err)
{
    if (t->n == 0)
        return 0;
    char sha[65];
    if (util_sha256_file(file, sha) < 0)
        return st_fail(err, "cannot read %s for its SHA-256: %s", file, strerror(errno));
    static const char *const what[4] = {"patients", "hips", "records", "audit entries"};
    for (int i = 0; i < t->n; i++) {
        sbuf d = {0};
        int first = 1;
        sbuf_addc(&d, '{');
        st_detail_add(&d, &first, "file", NULL, file);
        st_detail_add(&d, &first, "sha256", NULL, sha);
        for (int k = 0; k < 4; k++) {
            char v[16];
            snprintf(v, sizeof v, "%d", t->p[i].rows[k]);
            st_detail_add(&d, &first, what[k], NULL, v);
        }
        sbuf_addc(&d, '}');
        int rc = st_audit(s, "merge", t->p[i].patient, NULL, NULL, NULL, NULL, d.s, NULL, err);
        sbuf_free(&d);
        if (rc < 0)
            return -1;
    }
    return 0;
}
