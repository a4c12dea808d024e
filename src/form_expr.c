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
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "form_internal.h"

/* VM instructions per evaluation, in units of PROGRESS_OPS. */
#define PROGRESS_OPS 1000
#define PROGRESS_MAX 1000

struct form_sandbox {
    int refs;            /* forms sharing it: one connection per process */
    sqlite3 *db;
    sqlite3 *plain;      /* no wrappers: where fn_printf's checked calls run */
    sqlite3_stmt *printf_st[33];      /* printf by argument count (1..32) */
    sqlite3_stmt *match_st[3];        /* like(2), like(3), glob(2) */
    int ticks;
    char denied[160];    /* why the authorizer said no, for the message */
};

struct form_expr {
    form_sandbox *sb;
    sqlite3_stmt *st;    /* NULL until compiled (form_expr_deferred) */
    char *text;          /* the author's text */
    int n;               /* how many names it was given (the cache keeps it) */
    int *reads;          /* the binding indexes the text names, ascending */
    char **rnames;       /* the names at those indexes */
    int nreads;
    int failed;          /* a deferred compile failed: never retried */
};

/* The only functions an expression may call: SQLite's deterministic ones
 * whose cost is bounded by SQLITE_LIMIT_LENGTH, and ours. A score must come
 * out the same every time it is recomputed, so random(), the current_*
 * keywords, changes() and the like are absent; so is zeroblob(), which
 * allocates whatever it is asked. printf/format are wrapped (fn_printf) and
 * the date functions cannot see the clock (sandbox_vfs). */
static const char *const allowed_functions[] = {
    /* core */
    "abs", "char", "coalesce", "glob", "hex", "ifnull", "iif", "instr", "length", "like",
    "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "printf", "format",
    "quote", "replace", "round", "rtrim", "sign", "soundex", "substr", "substring", "trim",
    "typeof", "unicode", "unlikely", "upper",
    /* aggregates over the one row */
    "avg", "count", "group_concat", "sum", "total",
    /* dates (never "now") */
    "date", "time", "datetime", "julianday", "strftime", "unixepoch",
    /* maths */
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos",
    "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow",
    "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
    /* JSON */
    "json", "json_array", "json_array_length", "json_extract", "json_insert", "json_object",
    "json_patch", "json_quote", "json_remove", "json_replace", "json_set", "json_type",
    "json_valid", "->", "->>",
    /* bedside's */
    "selected", "count_selected", NULL,
};

/* The widest printf/format field: '%.*c' with 2147483647 runs a loop of that
 * many steps inside one call, which no progress handler interrupts. */
#define PRINTF_WIDTH_MAX 1000

/* The date functions read the clock through the connection's VFS: the
 * sandbox's VFS has no clock, so 'now' gives NULL and is reported. */
static sqlite3_vfs sandbox_vfs;
static int clock_asked;

static int no_clock(sqlite3_vfs *vfs, double *out)
{
    clock_asked = 1;
    *out = 0;
    return SQLITE_ERROR;
}

static int no_clock64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    clock_asked = 1;
    *out = 0;
    return SQLITE_ERROR;
}

static const char *sandbox_vfs_name(void)
{
    if (!sandbox_vfs.zName) {
        sqlite3_vfs *def = sqlite3_vfs_find(NULL);
        if (!def)
            return NULL;
        sandbox_vfs = *def;
        sandbox_vfs.pNext = NULL;
        sandbox_vfs.zName = "bedside-sandbox";
        sandbox_vfs.xCurrentTime = no_clock;
        if (sandbox_vfs.iVersion >= 2)
            sandbox_vfs.xCurrentTimeInt64 = no_clock64;
        if (sqlite3_vfs_register(&sandbox_vfs, 0) != SQLITE_OK) {
            sandbox_vfs.zName = NULL;
            return NULL;
        }
    }
    return sandbox_vfs.zName;
}

/* Why op is refused (a static message, filled into buf), or NULL if allowed. */
static const char *refusal(int op, const char *a, const char *b, char *buf, size_t n)
{
    switch (op) {
    case SQLITE_SELECT:
        return NULL;
    case SQLITE_FUNCTION:
        for (int i = 0; allowed_functions[i]; i++)
            if (b && strcmp(b, allowed_functions[i]) == 0)
                return NULL;
        snprintf(buf, n, "function '%s' is not allowed", b ? b : "?");
        return buf;
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

/* The value of a '*' width or precision argument, as printf reads it. */
static long long star_arg(sqlite3_value **argv, int argc, int *next)
{
    return *next < argc ? sqlite3_value_int64(argv[(*next)++]) : 0;
}

/* 1 if every width and precision of the format is at most PRINTF_WIDTH_MAX. */
static int widths_ok(const char *fmt, sqlite3_value **argv, int argc)
{
    int next = 1;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (*++p == '%')
            continue;
        while (*p && strchr("-+ 0#!,", *p))
            p++;
        for (int part = 0; part < 2; part++) {
            long long v = 0;
            if (*p == '*') {
                v = star_arg(argv, argc, &next);
                p++;
            } else
                for (; *p >= '0' && *p <= '9'; p++)
                    if ((v = v * 10 + (*p - '0')) > PRINTF_WIDTH_MAX)
                        return 0;
            if (v > PRINTF_WIDTH_MAX || v < -PRINTF_WIDTH_MAX)
                return 0;
            if (part == 0 && *p == '.')
                p++;
            else
                break;
        }
        while (*p == 'l')
            p++;
        if (!*p)
            break;
        next++;   /* the conversion's own argument */
    }
    return 1;
}

/* The checked call's result: SQLite's own function run on the plain
 * connection by st with the call's arguments. */
static void run_plain(sqlite3_context *cx, form_sandbox *sb, sqlite3_stmt *st, int argc,
                      sqlite3_value **argv)
{
    for (int i = 0; i < argc; i++)
        sqlite3_bind_value(st, i + 1, argv[i]);
    if (sqlite3_step(st) == SQLITE_ROW)
        sqlite3_result_value(cx, sqlite3_column_value(st, 0));
    else
        sqlite3_result_error(cx, sqlite3_errmsg(sb->plain), -1);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* printf()/format() with bounded widths: checked here, then run by SQLite's
 * own implementation on the plain connection. */
static void fn_printf(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    form_sandbox *sb = sqlite3_user_data(cx);
    const char *fmt = argc ? (const char *)sqlite3_value_text(argv[0]) : NULL;
    if (!fmt) {
        sqlite3_result_null(cx);
        return;
    }
    if (!widths_ok(fmt, argv, argc)) {
        sqlite3_result_error(cx, "printf widths and precisions may be at most 1000", -1);
        return;
    }
    assert(argc >= 1 && argc < (int)(sizeof sb->printf_st / sizeof *sb->printf_st));
    sqlite3_stmt **slot = &sb->printf_st[argc];
    if (!*slot) {
        sbuf q = {0};
        sbuf_add(&q, "SELECT printf(");
        for (int i = 0; i < argc; i++)
            sbuf_printf(&q, "%s?%d", i ? ", " : "", i + 1);
        sbuf_add(&q, ")");
        if (sqlite3_prepare_v3(sb->plain, q.s, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) !=
            SQLITE_OK) {
            sbuf_free(&q);
            sqlite3_result_error(cx, sqlite3_errmsg(sb->plain), -1);
            return;
        }
        sbuf_free(&q);
    }
    run_plain(cx, sb, *slot, argc, argv);
}

/* LIKE and GLOB compare the pattern with the text from every position: in
 * the worst case (a pattern '%aaa…ab%' on a long run of 'a', or GLOB
 * character classes) the steps of one call grow as the product of the two
 * lengths, with no progress handler inside one call. That product, in
 * bytes, is bounded: a 1000-character answer may be matched with a pattern
 * of up to 1000 bytes, a 100000-character one with up to 10. */
#define MATCH_COST_MAX 1000000

static void fn_match(sqlite3_context *cx, int argc, sqlite3_value **argv, int kind,
                     const char *sql)
{
    form_sandbox *sb = sqlite3_user_data(cx);
    /* like(PATTERN, TEXT[, ESCAPE]), glob(PATTERN, TEXT): sizes as text. */
    sqlite3_value_text(argv[0]);
    sqlite3_value_text(argv[1]);
    long long cost = (long long)sqlite3_value_bytes(argv[0]) * sqlite3_value_bytes(argv[1]);
    if (cost > MATCH_COST_MAX) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s of a text of %d bytes with a pattern of %d bytes is too "
                 "costly (their product may be at most %d)", kind == 2 ? "GLOB" : "LIKE",
                 sqlite3_value_bytes(argv[1]), sqlite3_value_bytes(argv[0]), MATCH_COST_MAX);
        sqlite3_result_error(cx, msg, -1);
        return;
    }
    sqlite3_stmt **slot = &sb->match_st[kind];
    if (!*slot && sqlite3_prepare_v3(sb->plain, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) !=
                      SQLITE_OK) {
        sqlite3_result_error(cx, sqlite3_errmsg(sb->plain), -1);
        return;
    }
    run_plain(cx, sb, *slot, argc, argv);
}

static void fn_like(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    if (argc == 3)
        fn_match(cx, argc, argv, 1, "SELECT like(?1, ?2, ?3)");
    else
        fn_match(cx, argc, argv, 0, "SELECT like(?1, ?2)");
}

static void fn_glob(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    fn_match(cx, argc, argv, 2, "SELECT glob(?1, ?2)");
}

/* The process's one sandbox: every form compiles its expressions on the same
 * connection (they share nothing but the connection's empty schema, and the
 * authorizer, limits and progress handler are the same for all), so loading
 * the forms opens it once. */
static form_sandbox *shared;

form_sandbox *form_sandbox_new(void)
{
    if (shared) {
        shared->refs++;
        return shared;
    }
    form_sandbox *sb = xcalloc(1, sizeof *sb);
    sb->refs = 1;
    const char *vfs = sandbox_vfs_name();
    if (!vfs ||
        sqlite3_open_v2(":memory:", &sb->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs) !=
            SQLITE_OK ||
        sqlite3_open_v2(":memory:", &sb->plain, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        vfs) != SQLITE_OK) {
        fputs("bedside: cannot open the in-memory SQLite sandbox\n", stderr);
        abort();
    }
    sqlite3_limit(sb->plain, SQLITE_LIMIT_LENGTH, 1000000);
    sqlite3_limit(sb->plain, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000);
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
    sqlite3_create_function(db, "printf", -1, flags, sb, fn_printf, NULL, NULL);
    sqlite3_create_function(db, "format", -1, flags, sb, fn_printf, NULL, NULL);
    sqlite3_create_function(db, "like", 2, flags, sb, fn_like, NULL, NULL);
    sqlite3_create_function(db, "like", 3, flags, sb, fn_like, NULL, NULL);
    sqlite3_create_function(db, "glob", 2, flags, sb, fn_glob, NULL, NULL);
    /* Read the (empty) schema now: otherwise the first expression that names
     * a table-valued function makes SQLite read sqlite_master under the
     * authorizer, and the author would be told about a table they never named. */
    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    /* Installed last: the set-up above needs no permission. */
    sqlite3_set_authorizer(db, authorize, sb);
    sqlite3_progress_handler(db, PROGRESS_OPS, progress, sb);
    shared = sb;
    return sb;
}

void form_sandbox_free(form_sandbox *sb)
{
    if (!sb || --sb->refs > 0)
        return;
    assert(sb == shared);
    shared = NULL;
    sqlite3_close(sb->db);
    for (size_t i = 0; i < sizeof sb->printf_st / sizeof *sb->printf_st; i++)
        sqlite3_finalize(sb->printf_st[i]);
    for (size_t i = 0; i < sizeof sb->match_st / sizeof *sb->match_st; i++)
        sqlite3_finalize(sb->match_st[i]);
    sqlite3_close(sb->plain);
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

/* 1 if the expression names the clock: a string literal 'now' (any case,
 * spaces around), or a date function called with no argument. Anything
 * subtler still meets the clockless VFS when it runs. */
static int names_now(const char *text)
{
    static const char *const date_fns[] = {"date", "time", "datetime", "julianday", "unixepoch",
                                           NULL};
    for (const char *p = text; *p; p++) {
        if (*p == '\'') {
            sbuf lit = {0};
            sbuf_add(&lit, "");
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p++) {
                sbuf_addc(&lit, *p);
                if (*p == '\'')
                    p++;
            }
            const char *a = lit.s;
            size_t len = lit.len;
            while (len && (*a == ' ' || *a == '\t'))
                a++, len--;
            while (len && (a[len - 1] == ' ' || a[len - 1] == '\t'))
                len--;
            int now = len == 3 && sqlite3_strnicmp(a, "now", 3) == 0;
            sbuf_free(&lit);
            if (now)
                return 1;
            if (!*p)
                break;
            continue;
        }
        /* Only where a name starts (every form is checked at each start). */
        if (!isalpha((unsigned char)*p) || (p > text && (p[-1] == '_' || isalnum((unsigned char)p[-1]))))
            continue;
        for (int i = 0; date_fns[i]; i++) {
            size_t k = strlen(date_fns[i]);
            const char *q = p + k;
            if (sqlite3_strnicmp(p, date_fns[i], (int)k) != 0)
                continue;
            while (*q == ' ' || *q == '\t' || *q == '\n')
                q++;
            if (*q++ != '(')
                continue;
            while (*q == ' ' || *q == '\t' || *q == '\n')
                q++;
            if (*q == ')')
                return 1;
        }
    }
    return 0;
}

/* Mark in named[0..n) every names[k] that appears in text as an identifier
 * (bare, or quoted with "", `` or []), outside string literals. Comments
 * and function names may add a name that is not read: harmless. A name
 * read but missed here would make the compile fail ("unknown field"), never
 * a silent wrong answer. */
static void scan_names(const char *text, const char *const *names, int n, char *named)
{
    size_t *lens = xcalloc((size_t)n + 1, sizeof *lens);
    for (int k = 0; k < n; k++)
        lens[k] = names[k] ? strlen(names[k]) : 0;
    for (const char *p = text; *p;) {
        if (*p == '\'') {
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p += *p == '\'' ? 2 : 1)
                ;
            if (*p)
                p++;
            continue;
        }
        const char *start = p, *end;
        char close = *p == '"' ? '"' : *p == '`' ? '`' : *p == '[' ? ']' : 0;
        if (close) {
            start = ++p;
            while (*p && *p != close)
                p++;
            end = p;
            if (*p)
                p++;
        } else if (isalpha((unsigned char)*p) || *p == '_') {
            while (isalnum((unsigned char)*p) || *p == '_' || *p == '$')
                p++;
            end = p;
        } else {
            p++;
            continue;
        }
        size_t len = (size_t)(end - start);
        for (int k = 0; k < n; k++)
            if (names[k] && lens[k] == len && !named[k] &&
                sqlite3_strnicmp(names[k], start, (int)len) == 0)
                named[k] = 1;
    }
    free(lens);
}

/* The expression without its statement: named[k] says the text reads
 * names[k]. */
static form_expr *expr_shell(form_sandbox *sb, const char *text, const char *const *names, int n,
                             const char *named)
{
    form_expr *e = xcalloc(1, sizeof *e);
    e->sb = sb;
    e->text = xstrdup(text);
    e->n = n;
    e->reads = xcalloc((size_t)n + 1, sizeof *e->reads);
    e->rnames = xcalloc((size_t)n + 1, sizeof *e->rnames);
    for (int i = 0; i < n; i++)
        if (named[i]) {
            e->rnames[e->nreads] = xstrdup(names[i]);
            e->reads[e->nreads++] = i;
        }
    return e;
}

/* Prepare e's statement. Only the names the text mentions are bound:
 * compiling and running an expression then costs what it reads, not the
 * size of the form. */
static int expr_compile(form_expr *e, char *err, size_t errlen)
{
    form_sandbox *sb = e->sb;
    sbuf q = {0};
    /* Newlines keep a trailing "--" comment from swallowing the FROM. */
    sbuf_add(&q, "SELECT (\n");
    sbuf_add(&q, e->text);
    sbuf_add(&q, "\n) FROM (SELECT ");
    for (int r = 0; r < e->nreads; r++)
        sbuf_printf(&q, "%s?%d AS %s", r ? ", " : "", e->reads[r] + 1, e->rnames[r]);
    if (!e->nreads)
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
        return -1;
    }
    int extra = 0;
    for (const char *p = tail; p && *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            extra = 1;
    sbuf_free(&q);
    if (!st || extra) {
        snprintf(err, errlen, "must be a single SQL expression (no ';')");
        sqlite3_finalize(st);
        return -1;
    }
    if (!sqlite3_stmt_readonly(st)) {
        snprintf(err, errlen, "expressions may not change anything");
        sqlite3_finalize(st);
        return -1;
    }
    e->st = st;
    return 0;
}

form_expr *form_expr_new(form_sandbox *sb, const char *text, const char *const *names, int n,
                         char *err, size_t errlen)
{
    if (names_now(text)) {
        snprintf(err, errlen, "'now' (the current date or time) is not allowed: an expression "
                              "must give the same answer whenever it is recomputed");
        return NULL;
    }
    char *named = xcalloc((size_t)n + 1, 1);
    scan_names(text, names, n, named);
    form_expr *e = expr_shell(sb, text, names, n, named);
    free(named);
    if (expr_compile(e, err, errlen) != 0) {
        form_expr_free(e);
        return NULL;
    }
    return e;
}

form_expr *form_expr_deferred(form_sandbox *sb, const char *text, const char *const *names,
                              int n, const int *reads, int nreads)
{
    char *named = xcalloc((size_t)n + 1, 1);
    for (int r = 0; r < nreads; r++) {
        if (reads[r] < 0 || reads[r] >= n || (r && reads[r] <= reads[r - 1])) {
            free(named);
            return NULL;
        }
        named[reads[r]] = 1;
    }
    form_expr *e = expr_shell(sb, text, names, n, named);
    free(named);
    return e;
}

void form_expr_free(form_expr *e)
{
    if (!e)
        return;
    sqlite3_finalize(e->st);
    for (int r = 0; r < e->nreads; r++)
        free(e->rnames[r]);
    free(e->rnames);
    free(e->reads);
    free(e->text);
    free(e);
}

int form_expr_eval(form_expr *e, const form_value *vals, int n, form_value *out, char **text,
                   char *err, size_t errlen)
{
    *text = NULL;
    out->kind = FV_NULL;
    if (!e->st) {
        /* Deferred (a form from the cache): compiled at its first use. It
         * compiled when the form was checked, so failing here means the
         * cache was not what this program wrote. */
        char why[200];
        if (e->failed || expr_compile(e, why, sizeof why) != 0) {
            if (!e->failed)
                snprintf(err, errlen, "the expression does not compile: %s", why);
            else
                snprintf(err, errlen, "the expression does not compile");
            e->failed = 1;
            return -1;
        }
    }
    sqlite3_stmt *st = e->st;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (int r = 0; r < e->nreads && e->reads[r] < n; r++) {
        int i = e->reads[r];
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
    clock_asked = 0;
    int rc = sqlite3_step(st);
    if (clock_asked && (rc == SQLITE_ROW || rc == SQLITE_DONE))
        rc = SQLITE_MISUSE;
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
        else if (rc == SQLITE_MISUSE)
            snprintf(err, errlen, "the expression asks for the current date or time");
        else
            snprintf(err, errlen, "the expression failed: %s", sqlite3_errmsg(e->sb->db));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_OK ? 0 : -1;
}

const int *form_expr_reads(const form_expr *e, int *n)
{
    *n = e ? e->nreads : 0;
    return e ? e->reads : NULL;
}

int form_expr_name_ok(form_sandbox *sb, const char *id)
{
    /* A name that is not in SQLite's keyword list is a plain identifier.
     * Some keywords ('action', 'key', 'end') still work as one: only for
     * those does SQLite's parser decide, on the sandbox. */
    if (sqlite3_keyword_check(id, (int)strlen(id)) == 0)
        return 1;
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

char *form_expr_text(const form_expr *e)
{
    return e ? xstrdup(e->text) : NULL;
}

int form_expr_names(const form_expr *e)
{
    return e ? e->n : 0;
}

char *form_expr_inputs(const form *f, const form_expr *e)
{
    int n;
    const int *r = form_expr_reads(e, &n);
    sbuf b = {0};
    for (int i = 0; i < n; i++) {
        int k = r[i];
        const char *id = k < f->n_field ? f->field[k].id
                         : k < f->n_field + f->n_score ? f->score[k - f->n_field].id : NULL;
        if (id)
            sbuf_printf(&b, "%s%s", b.len ? "," : "", id);
    }
    return b.len ? sbuf_take(&b) : NULL;
}
