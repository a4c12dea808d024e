/* store_draft.c — drafts: a visit being typed. Every accepted answer is its
 * own short write transaction, so a dropped SSH link loses nothing that was
 * accepted. A draft becomes final in place (draft -> final is the one update
 * the triggers allow); a discarded draft is deleted and audited. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

static const char SQL_DRAFT_BY_KEY[] =
    "SELECT " ST_REC_COLS "WHERE r.patient = ?1 AND ifnull(r.hip, '') = ?2 AND r.timepoint = ?3 "
    "AND r.form = ?4 AND r.status = 'draft'";
static const char SQL_DRAFT_BY_UUID[] =
    "SELECT " ST_REC_COLS "WHERE r.uuid = ?1 AND r.status = 'draft'";
static const char SQL_DRAFT_SET[] =
    "UPDATE records SET answers = json_set(answers, ?2, ?3), entered_by = ?4, entered_at = ?5 "
    "WHERE uuid = ?1 AND status = 'draft'";
static const char SQL_DRAFT_REMOVE[] =
    "UPDATE records SET answers = json_remove(answers, ?2), entered_by = ?4, entered_at = ?5 "
    "WHERE uuid = ?1 AND status = 'draft'";
static const char SQL_DRAFT_DATE[] =
    "UPDATE records SET visit_date = ?2, entered_by = ?4, entered_at = ?5 "
    "WHERE uuid = ?1 AND status = 'draft'";
static const char SQL_DRAFT_FINAL[] =
    "UPDATE records SET status = 'final', answers = ?2, visit_date = ?3, form_version = ?4, "
    "entered_by = ?5, entered_at = ?6, out_of_window = ?7 WHERE uuid = ?1 AND status = 'draft'";
/* "main." so that the merge, with a copy attached, removes only ours. */
static const char SQL_SCORES_DELETE[] = "DELETE FROM main.scores WHERE record = ?1";
static const char SQL_DRAFT_DELETE[] =
    "DELETE FROM main.records WHERE uuid = ?1 AND status = 'draft'";
static const char SQL_DRAFTS[] =
    "SELECT r.uuid, p.mrn, h.side, r.timepoint, r.form, r.entered_by, r.entered_at, "
    "r.visit_date, (SELECT count(*) FROM json_each(r.answers)) "
    "FROM records r JOIN patients p ON p.uuid = r.patient LEFT JOIN hips h ON h.uuid = r.hip "
    "WHERE r.status = 'draft' ORDER BY r.entered_at, r.uuid";

int store_draft_find(store *s, const char *patient_uuid, const char *hip_uuid, const char *tp,
                     const char *form, st_record *r)
{
    sqlite3_stmt *q = st_stmt(s, SQL_DRAFT_BY_KEY);
    if (!q)
        return -1;
    st_bind_text(q, 1, patient_uuid);
    st_bind_text(q, 2, hip_uuid ? hip_uuid : "");
    st_bind_text(q, 3, tp);
    st_bind_text(q, 4, form);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW ? st_record_from_row(s, q, r) < 0
                         : rc != SQLITE_DONE && st_read_fail(s) < 0)
        rc = SQLITE_ERROR;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

static int draft_get(store *s, const char *uuid, st_record *r, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_DRAFT_BY_UUID);
    if (!q)
        return -1;
    st_bind_text(q, 1, uuid);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW ? st_record_from_row(s, q, r) < 0
                         : rc != SQLITE_DONE && st_read_fail(s) < 0)
        rc = SQLITE_ERROR;
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE)
        return st_fail(err, "draft %.8s no longer exists (finished or discarded elsewhere)",
                       uuid ? uuid : "");
    return st_fail(err, "cannot read the draft: %s", s->read_failed);
}

int store_draft_open(store *s, st_record *r, char **err)
{
    if (st_tx_begin(s, err) < 0)
        return -1;
    st_record old;
    int rc = store_draft_find(s, r->patient, r->hip, r->timepoint, r->form, &old);
    if (rc == 0) {   /* resume: the same visit is already being typed */
        memcpy(r->uuid, old.uuid, sizeof r->uuid);
        st_record_free(&old);
        return st_tx_end(s, 1, err);
    }
    /* A visit already recorded is not refused here: the nurse may type it
     * and then choose to amend; finalizing refuses the duplicate. */
    int ok = rc == 1 && st_record_check_key(s, r, 0, err) == 0;
    char uuid[37], at[21];
    uuid_v4(uuid);
    util_timestamp(at);
    if (ok) {
        char *answers = st_answers_json(r);
        ok = st_insert_record(s, uuid, r, "draft", answers,
                              r->entered_by ? r->entered_by : util_login(),
                              r->entered_at ? r->entered_at : at, NULL, NULL, err) == 0;
        free(answers);
    }
    if (st_tx_end(s, ok, err) < 0)
        return -1;
    memcpy(r->uuid, uuid, sizeof uuid);
    r->status = 'd';
    return 0;
}

/* One short transaction per change: durable when it returns. */
static int draft_update(store *s, const char *sql, const char *uuid, const char *path,
                        const char *value, char **err)
{
    if (st_tx_begin(s, err) < 0)
        return -1;
    sqlite3_stmt *q = st_stmt(s, sql);
    int ok = q != NULL;
    if (ok) {
        char at[21];
        util_timestamp(at);
        st_bind_text(q, 1, uuid);
        st_bind_text(q, 2, path);
        if (sql != SQL_DRAFT_REMOVE && sql != SQL_DRAFT_DATE)
            st_bind_text(q, 3, value);
        st_bind_text(q, 4, util_login());
        st_bind_text(q, 5, at);
        ok = sqlite3_step(q) == SQLITE_DONE;
        sqlite3_reset(q);
        if (!ok)
            st_fail_db(s, err, "cannot save the answer");
        else if (sqlite3_changes(s->db) != 1) {
            st_fail(err, "draft %.8s no longer exists (finished or discarded elsewhere)",
                    uuid ? uuid : "");
            ok = 0;
        }
    }
    return st_tx_end(s, ok, err);
}

int store_draft_answer(store *s, const char *draft_uuid, const char *field, const char *value,
                       char **err)
{
    char *path = st_json_path(field);
    if (!path)
        return st_fail(err, "\"%s\" cannot be a field id", field ? field : "");
    size_t bad;
    if (value && !utf8_valid(value, strlen(value), &bad)) {
        free(path);
        return st_fail(err, "%s: the value is not valid UTF-8 (byte %zu)", field, bad);
    }
    int rc = draft_update(s, value ? SQL_DRAFT_SET : SQL_DRAFT_REMOVE, draft_uuid, path, value,
                          err);
    free(path);
    return rc;
}

int store_draft_set_date(store *s, const char *draft_uuid, int visit_date, char **err)
{
    char d[11];
    date_format(visit_date, d);
    return draft_update(s, SQL_DRAFT_DATE, draft_uuid, d, NULL, err);
}

static int delete_scores(store *s, const char *uuid, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_SCORES_DELETE);
    if (!q)
        return -1;
    st_bind_text(q, 1, uuid);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot clear the draft's scores");
}

int st_draft_delete(store *s, const char *uuid, char **err)
{
    if (delete_scores(s, uuid, err) < 0)
        return -1;
    sqlite3_stmt *q = st_stmt(s, SQL_DRAFT_DELETE);
    if (!q)
        return -1;
    st_bind_text(q, 1, uuid);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot remove the draft");
}

int store_draft_discard(store *s, const char *draft_uuid, char **err)
{
    if (st_tx_begin(s, err) < 0)
        return -1;
    st_record d;
    if (draft_get(s, draft_uuid, &d, err) < 0)
        return st_tx_end(s, 0, err);
    int ok = st_draft_delete(s, d.uuid, err) == 0;
    if (ok) {
        /* The answers go into the trail: a discard must be traceable. */
        sbuf b = {0};
        int first = 1;
        sbuf_addc(&b, '{');
        for (int i = 0; i < d.n_ans; i++)
            st_detail_add(&b, &first, d.ans[i].key, d.ans[i].value, NULL);
        sbuf_addc(&b, '}');
        ok = st_audit(s, "discard", d.patient, d.hip, d.uuid, d.form, d.timepoint, b.s, NULL,
                      err) == 0;
        sbuf_free(&b);
    }
    st_record_free(&d);
    return st_tx_end(s, ok, err);
}

int store_draft_finalize(store *s, const char *draft_uuid, st_record *r, char **err)
{
    if (st_tx_begin(s, err) < 0)
        return -1;
    st_record d;
    if (draft_get(s, draft_uuid, &d, err) < 0)
        return st_tx_end(s, 0, err);
    /* The key is the draft's; r brings the answers, scores and date. */
    st_take_key(r, &d);
    st_fill_who(r);
    int ok = st_record_check_key(s, r, 1, err) == 0;
    ok = ok && delete_scores(s, d.uuid, err) == 0;
    ok = ok && st_scores_insert(s, d.uuid, r, err) == 0;
    sqlite3_stmt *q = ok ? st_stmt(s, SQL_DRAFT_FINAL) : NULL;
    if (q) {
        char *answers = st_answers_json(r);
        st_bind_text(q, 1, d.uuid);
        st_bind_text(q, 2, answers);
        st_bind_date(q, 3, r->visit_date);
        sqlite3_bind_int(q, 4, r->form_version);
        st_bind_text(q, 5, r->entered_by);
        st_bind_text(q, 6, r->entered_at);
        sqlite3_bind_int(q, 7, r->out_of_window != 0);
        ok = sqlite3_step(q) == SQLITE_DONE && sqlite3_changes(s->db) == 1;
        sqlite3_reset(q);
        free(answers);
        if (!ok)
            st_fail_db(s, err, "cannot save the record");
    } else {
        ok = 0;
    }
    ok = ok && st_audit(s, "create", r->patient, r->hip, d.uuid, r->form, r->timepoint, NULL,
                        NULL, err) == 0;
    ok = ok && st_mark_new(s, r, d.uuid, err) == 0;
    char uuid[37];
    memcpy(uuid, d.uuid, sizeof uuid);
    st_record_free(&d);
    if (st_tx_end(s, ok, err) < 0)
        return -1;
    memcpy(r->uuid, uuid, sizeof uuid);
    r->status = 'f';
    r->current = 1;
    return 0;
}

int store_drafts(store *s, st_draft_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, SQL_DRAFTS);
    if (!q)
        return st_read_fail(s);
    st_draft_row *v = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        v = xrealloc(v, (*n + 1) * sizeof *v);
        st_draft_row *d = &v[(*n)++];
        memset(d, 0, sizeof *d);
        st_col_uuid(q, 0, d->uuid);
        d->mrn = st_col_strdup(q, 1);
        const char *side = (const char *)sqlite3_column_text(q, 2);
        d->side = side ? side[0] : 0;
        d->timepoint = st_col_strdup(q, 3);
        d->form = st_col_strdup(q, 4);
        d->saved_by = st_col_strdup(q, 5);
        d->saved_at = st_col_strdup(q, 6);
        d->visit_date = st_col_date(q, 7);
        d->n_answers = sqlite3_column_int(q, 8);
    }
    int bad = rc == SQLITE_DONE ? 0 : st_read_fail(s);
    sqlite3_reset(q);
    *out = v;
    return bad;
}

void store_draft_rows_free(st_draft_row *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].mrn);
        free(d[i].timepoint);
        free(d[i].form);
        free(d[i].saved_by);
        free(d[i].saved_at);
    }
    free(d);
}
