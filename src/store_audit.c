/* store_audit.c — the append-only audit trail: writing a row, reading a
 * patient's history. who is always the Unix login, never the environment. */
#include "store_internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint, detail, "
    "reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/* The entry of a final record just written (create, amend): the record's
 * key comes from the record itself, with the digest of it as stored. Read
 * first, then inserted as values: an INSERT ... SELECT into a table with a
 * trigger (audit_no_replace) copies its rows through a temporary table
 * first, which cost more than the rest of the insert. */
static const char SQL_AUDIT_OF[] =
    "SELECT r.patient, " ST_RECORD_HASH("r") " FROM records r WHERE r.uuid = ?1 "
    "AND r.status = 'final'";
static const char SQL_AUDIT_WROTE[] =
    "INSERT INTO audit(uuid, at, who, action, patient, record, detail, reason, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?10, ?11, ?12)";

/* Bind ?5 (the record's patient) and ?12 (its digest) from the stored final
 * record; 1 if there is no such record. */
static int bind_written(store *s, sqlite3_stmt *ins, const char *record)
{
    sqlite3_stmt *q = st_stmt(s, SQL_AUDIT_OF);
    if (!q)
        return -1;
    st_bind_text(q, 1, record);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        sqlite3_bind_value(ins, 5, sqlite3_column_value(q, 0));
        sqlite3_bind_value(ins, 12, sqlite3_column_value(q, 1));
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int st_audit(store *s, const char *action, const char *patient, const char *hip,
             const char *record, const char *form, const char *tp, const char *detail,
             const char *reason, char **err)
{
    int wrote = record && (strcmp(action, "create") == 0 || strcmp(action, "amend") == 0);
    sqlite3_stmt *q = st_stmt(s, wrote ? SQL_AUDIT_WROTE : SQL_AUDIT_INSERT);
    if (!q)
        return st_fail(err, "%s: cannot write the audit trail", s->path);
    char uuid[37], at[21];
    uuid_v4(uuid);
    util_timestamp(at);
    st_bind_text(q, 1, uuid);
    st_bind_text(q, 2, at);
    st_bind_text(q, 3, util_login());
    st_bind_text(q, 4, action);
    st_bind_text(q, 7, record);
    st_bind_text(q, 10, detail);
    st_bind_text(q, 11, reason);
    if (wrote) {
        /* Every caller writes the final record first, in the same transaction. */
        int rc = bind_written(s, q, record);
        if (rc != 0) {
            sqlite3_clear_bindings(q);
            return rc < 0 ? st_fail_db(s, err, "cannot write the audit trail")
                          : st_fail(err, "%s: internal error: audit of record %s, which is "
                                         "not a final record", s->path, record);
        }
    } else {
        st_bind_text(q, 5, patient);
        st_bind_text(q, 6, hip && *hip ? hip : NULL);
        st_bind_text(q, 8, form);
        st_bind_text(q, 9, tp);
    }
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return st_fail_db(s, err, "cannot write the audit trail");
    if (sqlite3_changes(s->db) != 1)   /* audit_no_replace ignored it */
        return st_fail(err, "%s: internal error: audit entry %s not written", s->path, uuid);
    return 0;
}

int store_audit_repair(store *s, const char *detail, char **err)
{
    assert(s->depth > 0);   /* in the transaction of the rebuild it records */
    return st_audit(s, "repair", NULL, NULL, NULL, NULL, NULL, detail, NULL, err);
}

/* An entry with a digest takes its hip, form and timepoint from its record. */
static const char SQL_HISTORY[] =
    "SELECT a.at, a.who, a.action, ifnull(a.record, ''), "
    "CASE WHEN a.hash IS NULL THEN a.form ELSE r.form END, "
    "CASE WHEN a.hash IS NULL THEN a.timepoint ELSE r.timepoint END, h.side, "
    "a.reason, a.detail FROM audit a LEFT JOIN records r ON a.hash IS NOT NULL AND r.uuid = a.record "
    "LEFT JOIN hips h ON h.uuid = CASE WHEN a.hash IS NULL THEN a.hip ELSE r.hip END "
    "WHERE a.patient = ?1 ORDER BY a.at, a.rowid";
static const char SQL_REPAIRS[] =
    "SELECT a.at, a.who, a.action, a.reason, a.detail FROM audit a "
    "WHERE a.patient IS NULL ORDER BY a.at, a.rowid";
/* A repair's detail: {"what": value, ...}, each value as text (no old one). */
static const char SQL_REPAIR_DETAIL[] =
    "SELECT key, NULL, CASE WHEN type IN ('true', 'false') THEN type ELSE value END "
    "FROM json_each(?1) WHERE json_type(?1) = 'object' ORDER BY id";
/* Values are kept as JSON strings; ->> gives their text (NULL for null). */
static const char SQL_DETAIL[] =
    "SELECT key, value ->> '$[0]', value ->> '$[1]' FROM json_each(?1)";

/* Append every row of q (bound, not yet stepped) to a's changes: the
 * field, its old value and its new one; q is reset after. The step's last
 * result: SQLITE_DONE when every row was read. */
static int take_changes(st_audit_row *a, sqlite3_stmt *q)
{
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        a->chg = xrealloc(a->chg, (size_t)(a->n_chg + 1) * sizeof *a->chg);
        st_change *c = &a->chg[a->n_chg++];
        c->field = st_col_strdup(q, 0);
        c->old_value = st_col_strdup(q, 1);
        c->new_value = st_col_strdup(q, 2);
    }
    sqlite3_reset(q);
    return rc;
}

static void load_changes(store *s, st_audit_row *a, const char *detail)
{
    sqlite3_stmt *q = st_stmt(s, SQL_DETAIL);
    if (!q || !detail)
        return;
    st_bind_text(q, 1, detail);
    take_changes(a, q);
}

/* A create's changes: the record's date and answers, each [null, value]. */
static const char SQL_CREATED[] =
    "SELECT 'visit date', NULL, visit_date, 0 FROM records WHERE uuid = ?1 "
    "UNION ALL SELECT j.key, NULL, j.value, j.id FROM records r, json_each(r.answers) j "
    "WHERE r.uuid = ?1 ORDER BY 4";

/* The record's answers are JSON by the table's CHECK: a step that fails
 * here is a failed read of the file, not a tampered detail. */
static int load_created(store *s, st_audit_row *a)
{
    sqlite3_stmt *q = st_stmt(s, SQL_CREATED);
    if (!q)
        return st_read_fail(s);
    st_bind_text(q, 1, a->record);
    return take_changes(a, q) == SQLITE_DONE ? 0 : st_read_fail(s);
}

int store_history(store *s, const char *patient_uuid, st_audit_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, SQL_HISTORY);
    if (!q)
        return st_read_fail(s);
    st_bind_text(q, 1, patient_uuid);
    st_audit_row *v = NULL;
    /* Details are parsed after the scan: load_changes uses another cached
     * statement, and keeping rows short-lived keeps the read simple. */
    char **details = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        v = xrealloc(v, (*n + 1) * sizeof *v);
        details = xrealloc(details, (*n + 1) * sizeof *details);
        st_audit_row *a = &v[*n];
        memset(a, 0, sizeof *a);
        a->at = st_col_strdup(q, 0);
        a->who = st_col_strdup(q, 1);
        a->action = st_col_strdup(q, 2);
        st_col_uuid(q, 3, a->record);
        a->form = st_col_strdup(q, 4);
        a->timepoint = st_col_strdup(q, 5);
        const char *side = (const char *)sqlite3_column_text(q, 6);
        a->side = side ? side[0] : 0;
        a->reason = st_col_strdup(q, 7);
        details[*n] = st_col_strdup(q, 8);
        (*n)++;
    }
    int bad = rc == SQLITE_DONE ? 0 : st_read_fail(s);
    sqlite3_reset(q);
    for (size_t i = 0; i < *n && !bad; i++) {
        if (!details[i] && strcmp(v[i].action, "create") == 0)
            bad = load_created(s, &v[i]);
        else
            load_changes(s, &v[i], details[i]);
    }
    for (size_t i = 0; i < *n; i++)
        free(details[i]);
    free(details);
    *out = v;
    return bad;
}

int store_audit_repairs(store *s, st_audit_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, SQL_REPAIRS);
    if (!q)
        return st_read_fail(s);
    st_audit_row *v = NULL;
    char **details = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        v = xrealloc(v, (*n + 1) * sizeof *v);
        details = xrealloc(details, (*n + 1) * sizeof *details);
        st_audit_row *a = &v[*n];
        memset(a, 0, sizeof *a);
        a->at = st_col_strdup(q, 0);
        a->who = st_col_strdup(q, 1);
        a->action = st_col_strdup(q, 2);
        a->reason = st_col_strdup(q, 3);
        details[(*n)++] = st_col_strdup(q, 4);
    }
    int bad = rc == SQLITE_DONE ? 0 : st_read_fail(s);
    sqlite3_reset(q);
    sqlite3_stmt *d = st_stmt(s, SQL_REPAIR_DETAIL);
    for (size_t i = 0; i < *n; i++) {
        /* A detail that is not a JSON object (a tampered file) gives no
         * changes; the entry is still listed. */
        if (d && details[i]) {
            st_bind_text(d, 1, details[i]);
            take_changes(&v[i], d);
        }
        free(details[i]);
    }
    free(details);
    *out = v;
    return bad;
}

void store_history_free(st_audit_row *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].at);
        free(a[i].who);
        free(a[i].action);
        free(a[i].form);
        free(a[i].timepoint);
        free(a[i].reason);
        for (int j = 0; j < a[i].n_chg; j++) {
            free(a[i].chg[j].field);
            free(a[i].chg[j].old_value);
            free(a[i].chg[j].new_value);
        }
        free(a[i].chg);
    }
    free(a);
}
