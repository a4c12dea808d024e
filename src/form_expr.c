/* form_expr.c — the sandbox that evaluates form expressions.
 *
 * An expression is compiled once, when the form loads, as
 *     SELECT (<expr>) FROM (SELECT ?1 AS pain, ?2 AS limp, ...)
 * on a private in-memory SQLite connection that holds nothing. Field ids are
 * then plain identifiers and an unknown one fails at load time. A form file
 * is untrusted input, so the connection also gets an authorizer that allows
 * only SELECT and harmless functions (no table of any kind, no write, no
 * ATTACH, PRAGMA or recursion), tight limits and a progress handler that
 * stops a runaway evaluation. */
#include <stdlib.h>
#include <string.h>

#include "form_internal.h"

/* VM instructions per evaluation, in units of PROGRESS_OPS. */
#define PROGRESS_OPS 1000
#define PROGRESS_MAX 1000

struct form_sandbox {
    sqlite3 *db;
    int ticks;
    char denied[160];    /* why the authorizer said no, for the message */
};

struct form_expr {
    form_sandbox *sb;
    sqlite3_stmt *st;
    int nparam;
};

/* Functions with side effects or results that change from run to run:
 * a score must come out the same every time it is recomputed. */
static const char *const denied_functions[] = {
    "load_extension", "random", "randomblob", "changes", "total_changes",
    "last_insert_rowid", "sqlite_offset", "fts3_tokenizer", NULL,
};

/* Why op is refused (a static message, filled into buf), or NULL if allowed. */
static const char *refusal(int op, const char *a, const char *b, char *buf, size_t n)
{
    switch (op) {
    case SQLITE_SELECT:
        return NULL;
    case SQLITE_FUNCTION:
        for (int i = 0; denied_functions[i]; i++)
            if (b && strcmp(b, denied_functions[i]) == 0) {
                snprintf(buf, n, "function '%s' is not allowed", b);
                return buf;
            }
        return NULL;
    case SQLITE_READ:
        snprintf(buf, n, "expressions may not read tables (reads '%s')", a ? a : "?");
        return buf;
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
        /* No expression can write the schema itself: SQLite does that while
         * setting up a table-valued function such as pragma_table_info. */
        if (a && (strcmp(a, "sqlite_master") == 0 || strcmp(a, "sqlite_temp_master") == 0))
            return "expressions may not read tables or table-valued functions";
        snprintf(buf, n, "expressions may not change tables (writes '%s')", a ? a : "?");
        return buf;
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return "ATTACH and DETACH are not allowed";
    case SQLITE_PRAGMA:
        return "PRAGMA is not allowed";
    case SQLITE_RECURSIVE:
        return "recursive queries are not allowed";
    default:
        return "only a SELECT expression is allowed";
    }
}

static int authorize(void *ctx, int op, const char *a, const char *b, const char *db_name,
                     const char *trigger)
{
    form_sandbox *sb = ctx;
    char buf[sizeof sb->denied];
    const char *why = refusal(op, a, b, buf, sizeof buf);
    if (!why)
        return SQLITE_OK;
    /* The first refusal is the one the author wrote; later ones follow from it. */
    if (!sb->denied[0])
        snprintf(sb->denied, sizeof sb->denied, "%s", why);
    return SQLITE_DENY;
}

static int progress(void *ctx)
{
    form_sandbox *sb = ctx;
    return ++sb->ticks > PROGRESS_MAX;
}

/* selected(multi, 'code'): 1 if code is among the comma-separated codes. */
static void fn_selected(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    const char *list = (const char *)sqlite3_value_text(argv[0]);
    const char *code = (const char *)sqlite3_value_text(argv[1]);
    if (!list || !code) {
        sqlite3_result_null(cx);
        return;
    }
    size_t n = strlen(code);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, code, n) == 0) {
            sqlite3_result_int(cx, 1);
            return;
        }
        if (!end)
            break;
        p = end + 1;
    }
    sqlite3_result_int(cx, 0);
}

/* count_selected(multi): how many codes are selected. */
static void fn_count_selected(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    const char *list = (const char *)sqlite3_value_text(argv[0]);
    if (!list) {
        sqlite3_result_null(cx);
        return;
    }
    int n = *list ? 1 : 0;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    sqlite3_result_int(cx, n);
}

form_sandbox *form_sandbox_new(void)
{
    form_sandbox *sb = xcalloc(1, sizeof *sb);
    if (sqlite3_open_v2(":memory:", &sb->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK) {
        fputs("bedside: cannot open the in-memory SQLite sandbox\n", stderr);
        abort();
    }
    sqlite3 *db = sb->db;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1000000);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 200000);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 100);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 4);
    sqlite3_limit(db, SQLITE_LIMIT_VDBE_OP, 100000);
    sqlite3_limit(db, SQLITE_LIMIT_FUNCTION_ARG, 32);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000);
    sqlite3_limit(db, SQLITE_LIMIT_TRIGGER_DEPTH, 0);
    sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function(db, "selected", 2, flags, NULL, fn_selected, NULL, NULL);
    sqlite3_create_function(db, "count_selected", 1, flags, NULL, fn_count_selected, NULL,
                            NULL);
    /* Read the (empty) schema now: otherwise the first expression that names
     * a table-valued function makes SQLite read sqlite_master under the
     * authorizer, and the author would be told about a table they never named. */
    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    /* Installed last: the set-up above needs no permission. */
    sqlite3_set_authorizer(db, authorize, sb);
    sqlite3_progress_handler(db, PROGRESS_OPS, progress, sb);
    return sb;
}

void form_sandbox_free(form_sandbox *sb)
{
    if (!sb)
        return;
    sqlite3_close(sb->db);
    free(sb);
}

/* Turn SQLite's message into one for a form author. */
static void explain(form_sandbox *sb, char *err, size_t errlen)
{
    const char *m = sqlite3_errmsg(sb->db);
    if (strncmp(m, "vtable constructor failed: ", 27) == 0)
        snprintf(err, errlen, "expressions may not read tables (reads '%s')", m + 27);
    else if (sb->denied[0])
        snprintf(err, errlen, "%s", sb->denied);
    else if (strncmp(m, "no such column: ", 16) == 0)
        snprintf(err, errlen, "unknown field '%s'", m + 16);
    else if (strncmp(m, "no such function: ", 18) == 0)
        snprintf(err, errlen, "unknown function '%s'", m + 18);
    else if (strncmp(m, "no such table: ", 15) == 0)
        snprintf(err, errlen, "expressions may not read tables (reads '%s')", m + 15);
    else
        snprintf(err, errlen, "not a valid SQL expression: %s", m);
}

form_expr *form_expr_new(form_sandbox *sb, const char *text, const char *const *names, int n,
                         char *err, size_t errlen)
{
    sbuf q = {0};
    /* Newlines keep a trailing "--" comment from swallowing the FROM. */
    sbuf_add(&q, "SELECT (\n");
    sbuf_add(&q, text);
    sbuf_add(&q, "\n) FROM (SELECT ");
    for (int i = 0; i < n; i++)
        sbuf_printf(&q, "%s?%d AS %s", i ? ", " : "", i + 1, names[i]);
    if (!n)
        sbuf_add(&q, "NULL");
    sbuf_add(&q, ")");
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    sb->denied[0] = '\0';
    int rc = sqlite3_prepare_v3(sb->db, q.s, (int)q.len, SQLITE_PREPARE_PERSISTENT, &st,
                                &tail);
    if (rc != SQLITE_OK) {
        explain(sb, err, errlen);
        sbuf_free(&q);
        return NULL;
    }
    int extra = 0;
    for (const char *p = tail; p && *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            extra = 1;
    sbuf_free(&q);
    if (!st || extra) {
        snprintf(err, errlen, "must be a single SQL expression (no ';')");
        sqlite3_finalize(st);
        return NULL;
    }
    if (!sqlite3_stmt_readonly(st)) {
        snprintf(err, errlen, "expressions may not change anything");
        sqlite3_finalize(st);
        return NULL;
    }
    form_expr *e = xcalloc(1, sizeof *e);
    e->sb = sb;
    e->st = st;
    e->nparam = sqlite3_bind_parameter_count(st);
    return e;
}

void form_expr_free(form_expr *e)
{
    if (!e)
        return;
    sqlite3_finalize(e->st);
    free(e);
}

int form_expr_eval(form_expr *e, const form_value *vals, int n, form_value *out, char **text,
                   char *err, size_t errlen)
{
    sqlite3_stmt *st = e->st;
    *text = NULL;
    out->kind = FV_NULL;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (int i = 0; i < e->nparam && i < n; i++) {
        const form_value *v = &vals[i];
        switch (v->kind) {
        case FV_INT:
            sqlite3_bind_int64(st, i + 1, v->i);
            break;
        case FV_REAL:
            sqlite3_bind_double(st, i + 1, v->r);
            break;
        case FV_TEXT:
            sqlite3_bind_text(st, i + 1, v->s, -1, SQLITE_STATIC);
            break;
        case FV_NULL:
            break;
        }
    }
    e->sb->ticks = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        switch (sqlite3_column_type(st, 0)) {
        case SQLITE_INTEGER:
            out->kind = FV_INT;
            out->i = sqlite3_column_int64(st, 0);
            break;
        case SQLITE_FLOAT:
            out->kind = FV_REAL;
            out->r = sqlite3_column_double(st, 0);
            break;
        case SQLITE_TEXT:
        case SQLITE_BLOB: {
            const char *s = (const char *)sqlite3_column_text(st, 0);
            if (s) {
                *text = xstrndup(s, (size_t)sqlite3_column_bytes(st, 0));
                out->kind = FV_TEXT;
                out->s = *text;
            }
            break;
        }
        default:
            break;
        }
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
        if (rc == SQLITE_INTERRUPT)
            snprintf(err, errlen, "the expression took too long and was stopped");
        else
            snprintf(err, errlen, "the expression failed: %s", sqlite3_errmsg(e->sb->db));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_OK ? 0 : -1;
}

int form_expr_name_ok(form_sandbox *sb, const char *id)
{
    char *q = xasprintf("SELECT %s FROM (SELECT 1 AS %s)", id, id);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sb->db, q, -1, &st, NULL);
    sqlite3_finalize(st);
    free(q);
    return rc == SQLITE_OK;
}

int form_expr_truth(const form_value *v)
{
    switch (v->kind) {
    case FV_INT:
        return v->i != 0;
    case FV_REAL:
        return v->r != 0.0;
    case FV_TEXT:
        /* As SQLite's WHERE does: the text's leading number. */
        return strtod(v->s, NULL) != 0.0;
    default:
        return -1;
    }
}
