/* store_write.c — writing final records: create, amend, void. A final row is
 * never changed: an amendment or a void is a new row that supersedes it, and
 * the database's triggers refuse anything else. Every write is audited in the
 * same transaction. */
#include "store_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_HIP_OWNER[] = "SELECT patient, side FROM hips WHERE uuid = ?1";
static const char SQL_PATIENT_EXISTS[] = "SELECT mrn FROM patients WHERE uuid = ?1";
static const char SQL_RECORD_INSERT[] =
    "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, "
    "status, answers, entered_by, entered_at, supersedes, reason, out_of_window) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
static const char SQL_SCORE_INSERT[] = "INSERT INTO scores(record, score, value) VALUES (?1, ?2, ?3)";
static const char SQL_DRAFT_OF_KEY[] =
    "SELECT uuid FROM records WHERE patient = ?1 AND ifnull(hip, '') = ?2 AND timepoint = ?3 "
    "AND form = ?4 AND status = 'draft'";
static const char SQL_SUPERSEDED_BY[] =
    "SELECT uuid, status, entered_by, entered_at, reason FROM records WHERE supersedes = ?1 "
    "AND status IN ('final','void') ORDER BY entered_at LIMIT 1";

static const char *side_word(char side)
{
    return side == 'L' ? "left" : side == 'R' ? "right" : "";
}

int st_record_check_key(store *s, const st_record *r, int dup, char **err)
{
    if (!r->form || !*r->form)
        return st_fail(err, "the record has no form");
    if (!r->timepoint || !*r->timepoint)
        return st_fail(err, "the %s record has no timepoint", r->form);
    sqlite3_stmt *q = st_stmt(s, SQL_PATIENT_EXISTS);
    if (!q)
        return -1;
    st_bind_text(q, 1, r->patient);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return st_fail(err, "no patient with uuid %s", r->patient);
    char side = 0;
    if (r->hip[0]) {
        q = st_stmt(s, SQL_HIP_OWNER);
        if (!q)
            return -1;
        st_bind_text(q, 1, r->hip);
        rc = sqlite3_step(q);
        int mine = rc == SQLITE_ROW &&
                   strcmp((const char *)sqlite3_column_text(q, 0), r->patient) == 0;
        if (rc == SQLITE_ROW)
            side = ((const char *)sqlite3_column_text(q, 1))[0];
        sqlite3_reset(q);
        if (rc != SQLITE_ROW)
            return st_fail(err, "no hip with uuid %s", r->hip);
        if (!mine)
            return st_fail(err, "hip %s is not a hip of patient %s", r->hip, r->patient);
    }
    if (!dup || strcmp(r->timepoint, TIMEPOINT_UNSCHEDULED) == 0)
        return 0;
    st_record old;
    rc = store_record_current(s, r->patient, r->hip, r->timepoint, r->form, &old);
    if (rc < 0)
        return st_fail_db(s, err, "cannot look for an earlier record");
    if (rc == 1)
        return 0;
    char date[11], hip[32] = "";
    date_format(old.visit_date, date);
    if (side)
        snprintf(hip, sizeof hip, " for the %s hip", side_word(side));
    st_fail(err,
            "%s at %s%s is already recorded (record %.8s, %s, by %s); amend it with: bedside "
            "amend %.8s --reason ...",
            r->form, r->timepoint, hip, old.uuid, date, old.entered_by, old.uuid);
    st_record_free(&old);
    return -1;
}

int st_scores_insert(store *s, const char *uuid, const st_record *r, char **err)
{
    for (int i = 0; i < r->n_score; i++) {
        if (!isfinite(r->score_val[i]))   /* a NULL score is absent, not stored */
            continue;
        sqlite3_stmt *q = st_stmt(s, SQL_SCORE_INSERT);
        if (!q)
            return -1;
        st_bind_text(q, 1, uuid);
        st_bind_text(q, 2, r->score_id[i]);
        sqlite3_bind_double(q, 3, r->score_val[i]);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            return st_fail_db(s, err, "cannot save the scores");
    }
    return 0;
}

/* Insert a record row; status is "draft", "final" or "void". */
int st_insert_record(store *s, const char *uuid, const st_record *r, const char *status,
                     const char *answers, const char *by, const char *at,
                     const char *supersedes, const char *reason, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_RECORD_INSERT);
    if (!q)
        return -1;
    st_bind_text(q, 1, uuid);
    st_bind_text(q, 2, r->patient);
    st_bind_text(q, 3, r->hip[0] ? r->hip : NULL);
    st_bind_text(q, 4, r->timepoint);
    st_bind_date(q, 5, r->visit_date);
    st_bind_text(q, 6, r->form);
    sqlite3_bind_int(q, 7, r->form_version);
    st_bind_text(q, 8, status);
    st_bind_text(q, 9, answers);
    st_bind_text(q, 10, by);
    st_bind_text(q, 11, at);
    st_bind_text(q, 12, supersedes);
    st_bind_text(q, 13, reason);
    sqlite3_bind_int(q, 14, r->out_of_window != 0);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return st_fail_db(s, err, "cannot save the record");
    return 0;
}

/* A draft with the same key was never final: the final record replaces it. */
static int consume_draft(store *s, const st_record *r, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_DRAFT_OF_KEY);
    if (!q)
        return -1;
    st_bind_text(q, 1, r->patient);
    st_bind_text(q, 2, r->hip);
    st_bind_text(q, 3, r->timepoint);
    st_bind_text(q, 4, r->form);
    char uuid[37] = "";
    if (sqlite3_step(q) == SQLITE_ROW)
        st_col_uuid(q, 0, uuid);
    sqlite3_reset(q);
    return uuid[0] ? st_draft_delete(s, uuid, err) : 0;
}

/* Who and when: as given (the demo cohort), else the login and now. */
void st_fill_who(st_record *r)
{
    if (!r->entered_by)
        r->entered_by = xstrdup(util_login());
    if (!r->entered_at) {
        char at[21];
        util_timestamp(at);
        r->entered_at = xstrdup(at);
    }
}

void st_take_key(st_record *r, const st_record *from)
{
    memcpy(r->patient, from->patient, sizeof r->patient);
    memcpy(r->hip, from->hip, sizeof r->hip);
    r->side = from->side;
    free(r->timepoint);
    r->timepoint = xstrdup(from->timepoint);
    free(r->form);
    r->form = xstrdup(from->form);
}

int store_record_final(store *s, st_record *r, char **err)
{
    if (st_tx_begin(s, err) < 0)
        return -1;
    char uuid[37];
    uuid_v4(uuid);
    char *answers = st_answers_json(r);
    st_fill_who(r);
    int ok = st_record_check_key(s, r, 1, err) == 0;
    /* Several unscheduled visits may exist; a draft there may be another one. */
    if (ok && strcmp(r->timepoint, TIMEPOINT_UNSCHEDULED) != 0)
        ok = consume_draft(s, r, err) == 0;
    /* Scores before the row: the trigger refuses scores of a final record. */
    ok = ok && st_scores_insert(s, uuid, r, err) == 0;
    ok = ok && st_insert_record(s, uuid, r, "final", answers, r->entered_by, r->entered_at, NULL, NULL,
                          err) == 0;
    /* No detail: the new values are the record's own, which never change. */
    ok = ok && st_audit(s, "create", r->patient, r->hip, uuid, r->form, r->timepoint, NULL, NULL,
                        err) == 0;
    ok = ok && st_mark_new(s, r, uuid, err) == 0;
    free(answers);
    if (st_tx_end(s, ok, err) < 0)
        return -1;
    memcpy(r->uuid, uuid, sizeof uuid);
    r->status = 'f';
    r->current = 1;
    return 0;
}

int store_record_why_not_current(store *s, const st_record *r, const char *verb, char **err)
{
    const char *why = NULL;
    if (r->status == 'd')
        why = "is a draft, not a final record";
    else if (r->status == 'v')
        why = "is the voiding entry of another record";
    if (why)
        return st_fail(err, "cannot %s record %.8s: it %s", verb, r->uuid, why);
    if (r->current)
        return 0;
    sqlite3_stmt *q = st_stmt(s, SQL_SUPERSEDED_BY);
    if (!q)
        return st_fail(err, "cannot %s record %.8s: it is no longer current", verb, r->uuid);
    st_bind_text(q, 1, r->uuid);
    char by[37] = "", status[8] = "";
    char *who = NULL, *at = NULL, *reason = NULL;
    if (sqlite3_step(q) == SQLITE_ROW) {
        st_col_uuid(q, 0, by);
        snprintf(status, sizeof status, "%s", (const char *)sqlite3_column_text(q, 1));
        who = st_col_strdup(q, 2);
        at = st_col_strdup(q, 3);
        reason = st_col_strdup(q, 4);
    }
    sqlite3_reset(q);
    if (strcmp(status, "void") == 0)
        st_fail(err, "cannot %s record %.8s: it is already void (voided by %s at %s: %s)", verb,
                r->uuid, who ? who : "?", at ? at : "?", reason ? reason : "");
    else
        st_fail(err, "cannot %s record %.8s: it was already amended; the current version "
                     "is record %.8s",
                verb, r->uuid, by);
    free(who);
    free(at);
    free(reason);
    return -1;
}

/* Load old_id (uuid or prefix) and make sure it is a current final record. */
static int load_current(store *s, const char *id, const char *verb, st_record *old, char **err)
{
    int rc = store_record_lookup(s, id, old, err);
    if (rc != 0)
        return -1;
    if (store_record_why_not_current(s, old, verb, err) < 0) {
        st_record_free(old);
        return -1;
    }
    return 0;
}

static int blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* The amend detail: every field whose value differs, and the date. */
static char *amend_detail(const st_record *old, const st_record *r)
{
    sbuf d = {0};
    int first = 1;
    sbuf_addc(&d, '{');
    if (strcmp(old->timepoint, r->timepoint) != 0)
        st_detail_add(&d, &first, "timepoint", old->timepoint, r->timepoint);
    if (old->out_of_window != r->out_of_window)
        st_detail_add(&d, &first, "out of window", old->out_of_window ? "yes" : "no",
                      r->out_of_window ? "yes" : "no");
    if (old->visit_date != r->visit_date) {
        char a[11], b[11];
        date_format(old->visit_date, a);
        date_format(r->visit_date, b);
        st_detail_add(&d, &first, "visit date", a, b);
    }
    if (old->form_version != r->form_version) {
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", old->form_version);
        snprintf(b, sizeof b, "%d", r->form_version);
        st_detail_add(&d, &first, "form version", a, b);
    }
    for (int i = 0; i < old->n_ans; i++) {
        const char *nv = st_record_get(r, old->ans[i].key);
        if (!nv || strcmp(nv, old->ans[i].value) != 0)
            st_detail_add(&d, &first, old->ans[i].key, old->ans[i].value, nv);
    }
    for (int i = 0; i < r->n_ans; i++)
        if (r->ans[i].value && !st_record_get(old, r->ans[i].key))
            st_detail_add(&d, &first, r->ans[i].key, NULL, r->ans[i].value);
    sbuf_addc(&d, '}');
    if (first) {
        sbuf_free(&d);
        return NULL;
    }
    return sbuf_take(&d);
}

int store_record_amend(store *s, const char *old_uuid, st_record *r, const char *reason,
                       char **err)
{
    if (blank(reason))
        return st_fail(err, "an amendment needs a reason");
    if (st_tx_begin(s, err) < 0)
        return -1;
    st_record old;
    if (load_current(s, old_uuid, "amend", &old, err) < 0)
        return st_tx_end(s, 0, err);
    /* The patient, hip and form are the old record's: an amendment corrects
     * a visit, it does not move it to another hip or form. It may move it to
     * another timepoint (r->timepoint; NULL keeps the old one), which must
     * then be free (the visit rules themselves are entry.h's). */
    char *tp = r->timepoint ? xstrdup(r->timepoint) : NULL;
    st_take_key(r, &old);
    if (tp) {
        free(r->timepoint);
        r->timepoint = tp;
    }
    st_fill_who(r);
    char *detail = amend_detail(&old, r);
    int ok = strcmp(old.timepoint, r->timepoint) == 0 || st_record_check_key(s, r, 1, err) == 0;
    if (ok && !detail) {
        st_fail(err, "amending record %.8s changes nothing", old.uuid);
        ok = 0;
    }
    char uuid[37];
    uuid_v4(uuid);
    char *answers = st_answers_json(r);
    ok = ok && st_scores_insert(s, uuid, r, err) == 0;
    ok = ok && st_insert_record(s, uuid, r, "final", answers, r->entered_by, r->entered_at, old.uuid,
                          reason, err) == 0;
    ok = ok && st_audit(s, "amend", r->patient, r->hip, uuid, r->form, r->timepoint, detail,
                        reason, err) == 0;
    ok = ok && st_mark_drop(s, old.uuid, err) == 0 && st_mark_new(s, r, uuid, err) == 0;
    free(answers);
    free(detail);
    if (st_tx_end(s, ok, err) < 0) {
        st_record_free(&old);
        return -1;
    }
    memcpy(r->uuid, uuid, sizeof uuid);
    memcpy(r->supersedes, old.uuid, sizeof r->supersedes);
    free(r->reason);
    r->reason = xstrdup(reason);
    r->status = 'f';
    r->current = 1;
    r->amended = 1;
    st_record_free(&old);
    return 0;
}

int store_record_void(store *s, const char *uuid, const char *reason, char **err)
{
    if (blank(reason))
        return st_fail(err, "voiding a record needs a reason");
    if (st_tx_begin(s, err) < 0)
        return -1;
    st_record old;
    if (load_current(s, uuid, "void", &old, err) < 0)
        return st_tx_end(s, 0, err);
    char vid[37], at[21];
    uuid_v4(vid);
    util_timestamp(at);
    int ok = st_insert_record(s, vid, &old, "void", "{}", util_login(), at, old.uuid, reason, err) == 0;
    ok = ok && st_audit(s, "void", old.patient, old.hip, old.uuid, old.form, old.timepoint, NULL,
                        reason, err) == 0;
    ok = ok && st_mark_drop(s, old.uuid, err) == 0;
    st_record_free(&old);
    return st_tx_end(s, ok, err);
}

int store_records_void(store *s, const char *const *uuids, size_t n, const char *reason,
                       char **err)
{
    if (st_tx_begin(s, err) < 0)
        return -1;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++)
        ok = store_record_void(s, uuids[i], reason, err) == 0;
    return st_tx_end(s, ok, err);
}
