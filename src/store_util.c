/* store_util.c — the plumbing every store file uses: the prepared-statement
 * cache, write transactions, messages, bindings and JSON text. */
#include "store_internal.h"

#include <assert.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

sqlite3_stmt *st_stmt(store *s, const char *sql)
{
    /* Open addressing on the string's address: every SQL text is a static
     * literal, so its address names it. */
    size_t h = ((uintptr_t)sql >> 3) * 2654435761u;
    for (size_t i = 0; i < ST_CACHE; i++) {
        size_t k = (h + i) & (ST_CACHE - 1);
        if (s->cache[k].sql == sql) {
            sqlite3_reset(s->cache[k].st);
            sqlite3_clear_bindings(s->cache[k].st);
            return s->cache[k].st;
        }
        if (!s->cache[k].sql) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK) {
                fprintf(stderr, "bedside: internal error preparing SQL: %s\n",
                        sqlite3_errmsg(s->db));
                return NULL;
            }
            s->cache[k].sql = sql;
            s->cache[k].st = st;
            return st;
        }
    }
    /* The cache is full (more statements than slots): prepare uncached would
     * leak, so this is a program bug to fix by growing ST_CACHE. */
    fputs("bedside: internal error: statement cache full\n", stderr);
    return NULL;
}

void st_reverse(void *base, size_t n, size_t size)
{
    unsigned char *p = base, t[256];
    assert(size <= sizeof t);
    for (size_t i = 0; i < n / 2; i++) {
        memcpy(t, p + i * size, size);
        memcpy(p + i * size, p + (n - 1 - i) * size, size);
        memcpy(p + (n - 1 - i) * size, t, size);
    }
}

int st_fail_db(store *s, char **err, const char *what)
{
    return st_fail(err, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int st_walk_end(store *s, int rc, int stop)
{
    if (stop)
        return stop;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "bedside: %s: %s\n", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}

int st_read_fail(store *s)
{
    free(s->read_failed);
    s->read_failed = xasprintf("%s: %s", s->path, sqlite3_errmsg(s->db));
    return -1;
}

const char *store_read_failed(const store *s)
{
    return s->read_failed;
}

/* -1 with why, if a read of this store failed earlier (st_read_fail). */
static int reads_whole(store *s, char **err)
{
    if (!s->read_failed)
        return 0;
    return st_fail(err, "nothing saved: reading the database failed earlier in this session "
                        "(%s), so what was checked against it may be incomplete. Quit and start "
                        "bedside again; if the read fails again, the file may be damaged: run "
                        "bedside check.",
                   s->read_failed);
}

/* Run one fixed statement (BEGIN, COMMIT, SAVEPOINT...) through the cache. */
static int exec1(store *s, const char *sql)
{
    sqlite3_stmt *q = st_stmt(s, sql);
    if (!q)
        return SQLITE_ERROR;
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

int st_begin_immediate(store *s, char **err)
{
    if (s->readonly || sqlite3_db_readonly(s->db, "main") == 1)
        return st_fail(err, "%s is read-only; nothing can be saved", s->path);
    /* The busy handler waits for the write lock; a few more tries cover the
     * cases where SQLite returns BUSY without calling it (e.g. WAL recovery
     * by another process). */
    int rc = SQLITE_BUSY;
    for (int tries = 0; tries < 5; tries++) {
        rc = exec1(s, SQL_BEGIN);
        if (rc != SQLITE_BUSY && (rc & 0xff) != SQLITE_BUSY)
            break;
        sqlite3_sleep(200);
    }
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_BUSY)
            return st_fail(err, "%s is busy (another program holds the write lock); try again",
                           s->path);
        return st_fail_db(s, err, "cannot start a write");
    }
    return 0;
}

int st_tx_begin(store *s, char **err)
{
    if (s->depth > 0)   /* nested: part of the caller's transaction */
        return s->depth++, 0;
    if (s->batch) {
        /* No savepoint inside a batch: SQLite would copy every page a write
         * touches into a sub-journal, which triples the cost of the demo
         * cohort. A refused write checks before it writes; one that fails
         * after writing spoils the batch instead (see st_tx_end). */
        s->batch_mark = sqlite3_total_changes64(s->db);
        s->depth = 1;
        return 0;
    }
    if (reads_whole(s, err) < 0 || st_begin_immediate(s, err) < 0)
        return -1;
    s->depth = 1;
    return 0;
}

int st_tx_end(store *s, int ok, char **err)
{
    if (s->depth > 1) {
        s->depth--;
        return ok ? 0 : -1;
    }
    s->depth = 0;
    if (s->batch) {
        /* Unjournalled (a bulk fill, store_bulk.c), even a statement that
         * failed without a change counted may have left pages changed. */
        if (!ok && (s->bulk_off || sqlite3_total_changes64(s->db) != s->batch_mark))
            s->spoiled = 1;
        return ok ? 0 : -1;
    }
    if (ok && (reads_whole(s, err) < 0 || st_derive(s, err) < 0))
        ok = 0;
    if (ok) {
        int rc = exec1(s, SQL_COMMIT);
        if (rc == SQLITE_OK)
            return 0;
        st_fail_db(s, err, "cannot save");
    }
    if (!sqlite3_get_autocommit(s->db))
        exec1(s, SQL_ROLLBACK);
    return -1;
}

static const char SQL_READ_BEGIN[] = "BEGIN DEFERRED";

int store_read_begin(store *s)
{
    assert(!s->reading);
    if (!sqlite3_get_autocommit(s->db))
        return 0;
    if (exec1(s, SQL_READ_BEGIN) != SQLITE_OK)
        return st_read_fail(s);
    s->reading = 1;
    return 0;
}

void store_read_end(store *s)
{
    if (!s->reading)
        return;
    s->reading = 0;
    /* Nothing was written: the end of a read cannot fail to save. */
    if (exec1(s, SQL_COMMIT) != SQLITE_OK && !sqlite3_get_autocommit(s->db))
        exec1(s, SQL_ROLLBACK);
}

void st_bind_text(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(q, i);
}

void st_bind_date(sqlite3_stmt *q, int i, int days)
{
    char d[11];
    date_format(days, d);
    sqlite3_bind_text(q, i, d, -1, SQLITE_TRANSIENT);
}

int st_col_date(sqlite3_stmt *q, int i)
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    int d;
    if (!t || date_parse(t, &d) < 0)
        return -1;
    return d;
}

char *st_col_strdup(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    return t ? xstrdup((const char *)t) : NULL;
}

void st_col_uuid(sqlite3_stmt *q, int i, char out[37])
{
    const char *t = (const char *)sqlite3_column_text(q, i);
    snprintf(out, 37, "%s", t ? t : "");
}

void st_json_string(sbuf *b, const char *s)
{
    sbuf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sbuf_add(b, "\\\""); break;
        case '\\': sbuf_add(b, "\\\\"); break;
        case '\n': sbuf_add(b, "\\n"); break;
        case '\r': sbuf_add(b, "\\r"); break;
        case '\t': sbuf_add(b, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                sbuf_printf(b, "\\u%04x", *p);
            else
                sbuf_addc(b, (char)*p);
        }
    }
    sbuf_addc(b, '"');
}

char *st_answers_json(const st_record *r)
{
    sbuf b = {0};
    sbuf_addc(&b, '{');
    for (int i = 0; i < r->n_ans; i++) {
        if (!r->ans[i].value)
            continue;
        if (b.len > 1)
            sbuf_addc(&b, ',');
        st_json_string(&b, r->ans[i].key);
        sbuf_addc(&b, ':');
        st_json_string(&b, r->ans[i].value);
    }
    sbuf_addc(&b, '}');
    return sbuf_take(&b);
}

char *st_json_path(const char *field)
{
    if (!field || !*field || strpbrk(field, "\"\\"))
        return NULL;
    return xasprintf("$.\"%s\"", field);
}

char *st_ends_json(const st_ends *ends, const char *skip_form)
{
    sbuf b = {0};
    sbuf_add(&b, "[");
    for (int i = 0; ends && i < ends->n; i++) {
        char *path = st_json_path(ends->v[i].field);
        if (path && !(skip_form && strcmp(skip_form, ends->v[i].form) == 0)) {
            sbuf_add(&b, b.len > 1 ? ",[" : "[");
            st_json_string(&b, ends->v[i].form);
            sbuf_add(&b, ",");
            st_json_string(&b, path);
            sbuf_add(&b, "]");
        }
        free(path);
    }
    sbuf_add(&b, "]");
    return b.s;
}

void st_detail_add(sbuf *b, int *first, const char *field, const char *old_v, const char *new_v)
{
    if (!*first)
        sbuf_addc(b, ',');
    *first = 0;
    st_json_string(b, field);
    sbuf_add(b, ":[");
    if (old_v)
        st_json_string(b, old_v);
    else
        sbuf_add(b, "null");
    sbuf_addc(b, ',');
    if (new_v)
        st_json_string(b, new_v);
    else
        sbuf_add(b, "null");
    sbuf_addc(b, ']');
}

/* 1 if, in the current locale, every ASCII byte is that character and
 * lower-cases as in ASCII (not so in a Turkish locale, where 'I' gives a
 * dotless i): then ASCII text folds byte by byte, exactly as the
 * per-character path below would. Asked again only when LC_CTYPE changes. */
static int ascii_folds_plainly(void)
{
    static char locale[128];
    static int plain = -1;
    const char *now = setlocale(LC_CTYPE, NULL);
    if (!now)
        return 0;
    if (plain >= 0 && strcmp(now, locale) == 0)
        return plain;
    snprintf(locale, sizeof locale, "%s", now);
    plain = 1;
    for (int c = 1; c < 0x80 && plain; c++) {
        char byte = (char)c;
        wchar_t wc;
        mbstate_t st;
        memset(&st, 0, sizeof st);
        int want = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
        plain = mbrtowc(&wc, &byte, 1, &st) == 1 && (int)wc == c &&
                (int)towlower((wint_t)wc) == want;
    }
    return plain;
}

/* Lower-case by code point (towlower, so as the locale knows the letters:
 * "ZOË" finds "Zoë" in a UTF-8 locale). Invalid bytes are kept as they are.
 * Search folds every name and MRN it passes: its ASCII characters, most
 * of the text, skip the locale's conversions. */
char *st_fold(const char *text)
{
    return st_fold_as(text, ascii_folds_plainly());
}

char *st_fold_as(const char *text, int plain)
{
    sbuf b = {0};
    mbstate_t st;
    memset(&st, 0, sizeof st);
    const char *p = text;
    size_t left = strlen(text);
    while (left) {
        unsigned char c = (unsigned char)*p;
        if (plain && c < 0x80 && mbsinit(&st)) {
            sbuf_addc(&b, (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
            p++, left--;
            continue;
        }
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            sbuf_addc(&b, *p);   /* not a character here: compare bytes */
            memset(&st, 0, sizeof st);
            p++, left--;
            continue;
        }
        char out[MB_LEN_MAX];
        mbstate_t os;
        memset(&os, 0, sizeof os);
        size_t m = wcrtomb(out, (wchar_t)towlower((wint_t)wc), &os);
        if (m == (size_t)-1)
            sbuf_addn(&b, p, n);
        else
            sbuf_addn(&b, out, m);
        p += n, left -= n;
    }
    return sbuf_take(&b);
}

/* bedside_fold() and bedside_search_fold(): the fold is the user data. */
typedef char *fold_with(const char *text);
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *t = (const char *)sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    fold_with *fold = (fold_with *)sqlite3_user_data(ctx);
    sqlite3_result_text(ctx, fold(t), -1, free);
}

/* The width in characters of the text as printed (text_escape): what a
 * column must hold. */
static void width_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char *e = text_escape((const char *)sqlite3_value_text(argv[0]));
    sqlite3_result_int64(ctx, (sqlite3_int64)utf8_chars(e));
    free(e);
}

int st_register_functions(sqlite3 *db)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc = sqlite3_create_function_v2(db, "bedside_fold", 1, flags, (void *)st_fold, fold_fn,
                                        NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = st_hash_register(db);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "bedside_search_fold", 1, flags,
                                        (void *)st_search_fold, fold_fn, NULL, NULL, NULL);
    return rc != SQLITE_OK ? rc
                           : sqlite3_create_function_v2(db, "bedside_width", 1, flags, NULL,
                                                        width_fn, NULL, NULL, NULL);
}

/* The cohort-wide reads (report, exports, check's walk over the records)
 * read most of the file, much of it by random uuid: memory-mapped reads
 * save a copy of every page the 16 MB page cache cannot keep (about a
 * second of system time for report on 10,000 patients, 13 s for export
 * csv). Reads only; writes still go through the WAL as before. */
void st_bulk_reads(store *s)
{
    sqlite3_exec(s->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
}
