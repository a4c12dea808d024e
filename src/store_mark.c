/* store_mark.c — validation marks: which records bedside found valid, and
 * under which form definitions.
 *
 * Validating a record against its form (cli_verify.c) costs a hundred
 * times more than reading it, and report and export validate every current
 * record first. A final record never changes, so once bedside has found it
 * valid it stays valid as long as the record, its scores and its form stay
 * the same: valid_marks keeps, per record, the digest of all three
 * (ST_MARK_DIGEST) as they were when it was found valid. A read recomputes
 * the digest from the record as it is now and skips the validation only if
 * the mark holds that digest; a record edited behind bedside's back, or a
 * form edited, no longer matches and is validated again. The digest has no
 * key: copying a mark to another record or editing one does not match, but
 * whoever can write the file can compute a digest too, which is why `check`
 * validates every record whatever the marks say and rebuilds them. */
#include "store_internal.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct st_form_digest {
    char *id;
    unsigned char d[16];
};

void st_mark_free(store *s)
{
    for (int i = 0; i < s->n_digest; i++)
        free(s->digest[i].id);
    free(s->digest);
    s->digest = NULL;
    s->n_digest = 0;
}

/* bedside_form_digest(form): the digest given for that form, or NULL. */
static void form_digest_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    const store *s = sqlite3_user_data(cx);
    const char *id = (const char *)sqlite3_value_text(argv[0]);
    for (int i = 0; id && i < s->n_digest; i++)
        if (strcmp(s->digest[i].id, id) == 0) {
            sqlite3_result_blob(cx, s->digest[i].d, (int)sizeof s->digest[i].d, SQLITE_STATIC);
            return;
        }
    sqlite3_result_null(cx);
}

/* bedside_scores_digest(score, value), an aggregate: SHA-256 (16 bytes) of
 * each score's id and value, in the order given; a number as its double's
 * eight bytes (a text conversion would round, and differently under other
 * floating-point units), anything else as its text. */
static void scores_step(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    struct sha256_ctx *h = sqlite3_aggregate_context(cx, (int)sizeof *h + 1);
    if (!h) {
        sqlite3_result_error_nomem(cx);
        return;
    }
    unsigned char *started = (unsigned char *)(h + 1);
    if (!*started) {
        sha256_init(h);
        *started = 1;
    }
    for (int i = 0; i < argc; i++) {
        int type = sqlite3_value_type(argv[i]);
        if (type == SQLITE_FLOAT || type == SQLITE_INTEGER) {
            double v = sqlite3_value_double(argv[i]);
            unsigned char b[1 + sizeof v] = {'R'};
            memcpy(b + 1, &v, sizeof v);
            sha256_update(h, sizeof b, b);
            continue;
        }
        const unsigned char *t = sqlite3_value_text(argv[i]);
        char head[24];
        int n = snprintf(head, sizeof head, "T%d:", t ? sqlite3_value_bytes(argv[i]) : -1);
        sha256_update(h, (size_t)n, (const uint8_t *)head);
        if (t)
            sha256_update(h, (size_t)sqlite3_value_bytes(argv[i]), t);
    }
}

static void scores_final(sqlite3_context *cx)
{
    struct sha256_ctx *h = sqlite3_aggregate_context(cx, 0);
    uint8_t d[16];
    if (!h || !*(unsigned char *)(h + 1)) {
        sqlite3_result_null(cx);   /* no scores */
        return;
    }
    sha256_digest(h, sizeof d, d);
    sqlite3_result_blob(cx, d, (int)sizeof d, SQLITE_TRANSIENT);
}

void store_form_digests(store *s, int n, const char *const *ids,
                        const unsigned char (*digest)[16])
{
    st_mark_free(s);
    s->digest = xcalloc((size_t)n + 1, sizeof *s->digest);
    for (int i = 0; i < n; i++) {
        s->digest[i].id = xstrdup(ids[i]);
        memcpy(s->digest[i].d, digest[i], sizeof s->digest[i].d);
    }
    s->n_digest = n;
    /* Deterministic within a statement; the user data lives as long as s. */
    sqlite3_create_function_v2(s->db, "bedside_form_digest", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, s, form_digest_fn, NULL,
                               NULL, NULL);
    sqlite3_create_function_v2(s->db, "bedside_scores_digest", 2, SQLITE_UTF8, NULL, NULL,
                               scores_step, scores_final, NULL);
}

static const char SQL_MARKS_CLEAR[] = "DELETE FROM valid_marks";
static const char SQL_MARK[] =
    "INSERT OR REPLACE INTO valid_marks(record, digest) SELECT r.uuid, " ST_MARK_DIGEST("r")
    " FROM records r WHERE r.uuid = ?1 AND r.status = 'final' "
    "AND bedside_form_digest(r.form) IS NOT NULL";

int st_mark_new(store *s, const st_record *r, const char *uuid, char **err)
{
    if (!r->validated)
        return 0;
    sqlite3_stmt *q = st_stmt(s, SQL_MARK);
    if (!q)
        return st_fail(err, "internal error");
    st_bind_text(q, 1, uuid);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot mark the record valid");
}

static const char SQL_MARK_DROP[] = "DELETE FROM valid_marks WHERE record = ?1";

int st_mark_drop(store *s, const char *uuid, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_MARK_DROP);
    if (!q)
        return st_fail(err, "internal error");
    st_bind_text(q, 1, uuid);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot drop a validation mark");
}

int store_marks_write(store *s, const char (*uuid)[37], size_t n, int rebuild, long *written,
                      char **err)
{
    *written = 0;
    if (st_tx_begin(s, err) < 0)
        return -1;
    int ok = 1;
    if (rebuild) {
        sqlite3_stmt *q = st_stmt(s, SQL_MARKS_CLEAR);
        ok = q && sqlite3_step(q) == SQLITE_DONE;
        if (q)
            sqlite3_reset(q);
    }
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_stmt *q = st_stmt(s, SQL_MARK);
        if (!q) {
            ok = 0;
            break;
        }
        st_bind_text(q, 1, uuid[i]);
        ok = sqlite3_step(q) == SQLITE_DONE;
        *written += sqlite3_changes(s->db) > 0;
        sqlite3_reset(q);
    }
    if (!ok)
        st_fail_db(s, err, "cannot write the validation marks");
    if (st_tx_end(s, ok, err) < 0 || !ok)
        return -1;
    return 0;
}

static const char SQL_MARKED[] = "SELECT " ST_MARKED("r") " FROM records r WHERE r.uuid = ?1";

int store_marked(store *s, const char *uuid)
{
    sqlite3_stmt *q = st_stmt(s, SQL_MARKED);
    if (!q)
        return -1;
    st_bind_text(q, 1, uuid);
    int rc = sqlite3_step(q);
    int marked = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : rc == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(q);
    return marked;
}

static const char SQL_MARKS_COUNT[] =
    "SELECT count(*), count(r.uuid) FROM valid_marks vm LEFT JOIN records r "
    "ON r.uuid = vm.record AND vm.digest = " ST_MARK_DIGEST("r");

int store_marks_count(store *s, long *held, long *matching)
{
    sqlite3_stmt *q = st_stmt(s, SQL_MARKS_COUNT);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *held = (long)sqlite3_column_int64(q, 0);
        *matching = (long)sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : -1;
}
