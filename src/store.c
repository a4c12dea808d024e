/* store.c — opening a bedside database: creation with safe permissions,
 * recognising foreign, newer and damaged files, migrations, batches and the
 * "can this process write?" question.
 *
 * Connection settings: WAL, foreign_keys=ON, a 5 s busy timeout, and
 * synchronous left at SQLite's default (FULL), so a committed answer survives
 * a power cut, not only a crash. */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 5000
#define CACHE_PRAGMA "PRAGMA cache_size = -16384; PRAGMA temp_store = DEFAULT"
#define INCOMPLETE_DEMO                                                                    \
    "%s holds an incomplete demo cohort: the demo that was filling it was stopped or "     \
    "killed before its end, leaving only its first batches; delete it and run demo again"

/* mkdir -p for the folder of path; folders made here get 0770 (and keep the
 * setgid bit a shared data folder passes on). */
static int make_folders(const char *path, char **err)
{
    char *dup = xstrdup(path);
    char *dir = xstrdup(dirname(dup));
    free(dup);
    struct stat st;
    int rc = 0;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            rc = st_fail(err, "cannot create %s: %s is not a folder", path, dir);
    } else if (strcmp(dir, "/") != 0 && strcmp(dir, ".") != 0 &&
               (rc = make_folders(dir, err)) == 0) {
        if (mkdir(dir, 0770) < 0 && errno != EEXIST)
            rc = st_fail(err, "cannot create the folder %s: %s", dir, strerror(errno));
        else if (stat(dir, &st) == 0)
            chmod(dir, 0770 | (st.st_mode & S_ISGID));
    }
    free(dir);
    return rc;
}

/* Create the database file itself with mode 0660 whatever the umask: SQLite
 * would make it 0644, and WAL/SHM files copy the database's mode. */
static int create_file(const char *path, char **err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
    if (fd < 0) {
        if (errno == EEXIST)   /* another process was first: fine */
            return 0;
        return st_fail(err, "cannot create %s: %s", path, strerror(errno));
    }
    fchmod(fd, 0660);
    close(fd);
    return 0;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Look at the 100-byte SQLite header before SQLite does, to give a clear
 * message for a file that is not SQLite at all or was cut short. */
static int check_header(const char *path, off_t size, char **err)
{
    if (size == 0)
        return 0;
    unsigned char h[100];
    /* O_NONBLOCK: should the file have been swapped for a FIFO since the
     * caller's stat, the open does not wait for a writer; fstat says. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return st_fail(err, "cannot open %s: %s", path, strerror(errno));
    struct stat st = {0};
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return st_fail(err, "%s is not a regular file, so not a bedside database", path);
    }
    ssize_t got = read(fd, h, sizeof h);
    close(fd);
    if (got < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
        return st_fail(err, "%s is not a bedside database (it is not an SQLite file)", path);
    uint32_t page = (uint32_t)h[16] << 8 | h[17];
    if (page == 1)
        page = 65536;
    uint32_t pages = be32(h + 28);
    char *wal = xasprintf("%s-wal", path);
    struct stat ws;
    int live_wal = stat(wal, &ws) == 0 && ws.st_size > 0;
    free(wal);
    /* A bulk fill killed while an unjournalled batch was being written
     * leaves a torn file; its header says it was being filled (without a
     * WAL, which could hold the commit that completed it). */
    if (!live_wal && be32(h + 68) == STORE_BULK_ID)
        return st_fail(err, INCOMPLETE_DEMO, path);
    /* The page count is only trusted when its "valid for" counter matches;
     * with a live WAL file, pages may legitimately not be checkpointed yet. */
    if (be32(h + 92) != be32(h + 24) || pages == 0)
        return 0;
    if (!live_wal && (uint64_t)size < (uint64_t)pages * page)
        return st_fail(err, "%s is damaged: it is shorter than its header says (%lld of %llu "
                            "bytes); it was probably truncated",
                       path, (long long)size, (unsigned long long)pages * page);
    return 0;
}

/* Run a single-value query on a fresh statement; returns the SQLite code. */
static int query_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(q, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            *out = 0;
            rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK)
        rc = sqlite3_extended_errcode(db);
    sqlite3_finalize(q);
    return rc;
}

/* Turn a failed first read into the message a nurse or admin can act on. */
static int open_fail(store *s, int rc, char **err)
{
    switch (rc & 0xff) {
    case SQLITE_NOTADB:
        return st_fail(err, "%s is not a bedside database (it is not an SQLite file)", s->path);
    case SQLITE_CORRUPT:
        return st_fail(err, "%s is damaged: %s", s->path, sqlite3_errmsg(s->db));
    case SQLITE_BUSY:
        return st_fail(err, "%s is busy (locked by another program); try again", s->path);
    default:
        return st_fail(err, "cannot open %s: %s", s->path, sqlite3_errmsg(s->db));
    }
}

/* Unless STORE_NOPROBE: read the first and last row of each table, where
 * new rows land. Cheap (a root-to-leaf path each) and it finds most
 * truncated or overwritten files at once, before a write makes them worse.
 * A command that only reads goes without: each read it makes fails with the
 * damage it meets (store_read_failed), and the pages it does not read are
 * check's to judge, not a reason to refuse a sound patient. The
 * first row is read through whichever b-tree SQLite scans for it (often the
 * narrowest covering index), the last through the table's own. One
 * statement of scalar subqueries, each planned as it would be alone: one
 * prepare at every start instead of ten. */
static int cheap_check(store *s, char **err)
{
    static const char probes[] =
        "SELECT (SELECT 1 FROM patients LIMIT 1), (SELECT max(rowid) FROM patients), "
        "(SELECT 1 FROM hips LIMIT 1), (SELECT max(rowid) FROM hips), "
        "(SELECT 1 FROM records LIMIT 1), (SELECT max(rowid) FROM records), "
        "(SELECT 1 FROM scores LIMIT 1), (SELECT 1 FROM scores ORDER BY record DESC LIMIT 1), "
        "(SELECT 1 FROM audit LIMIT 1), (SELECT max(rowid) FROM audit)";
    int v;
    int rc = query_int(s->db, probes, &v);
    if (rc != SQLITE_OK)
        return open_fail(s, rc, err);
    return 0;
}

static int set_version(store *s, int v, char **err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return st_fail_db(s, err, "cannot set the schema version");
    return 0;
}

/* Bring the schema up to STORE_SCHEMA_VERSION, one transaction per step. The
 * version is read again under the write lock: another process may have
 * migrated (or created) the database meanwhile. */
static int migrate(store *s, char **err)
{
    for (;;) {
        if (st_begin_immediate(s, err) < 0)
            return -1;
        int v = 0, app = 0, objects = 0, rc;
        if ((rc = query_int(s->db, "PRAGMA user_version", &v)) != SQLITE_OK ||
            (rc = query_int(s->db, "PRAGMA application_id", &app)) != SQLITE_OK ||
            (rc = query_int(s->db, "SELECT count(*) FROM sqlite_master", &objects)) !=
                SQLITE_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return open_fail(s, rc, err);
        }
        if (v >= STORE_SCHEMA_VERSION) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return 0;
        }
        int bad = 0;
        if (v == 0 && (app != 0 || objects > 0))
            bad = st_fail(err, "%s is not a bedside database", s->path);
        if (!bad && v == 0) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA application_id = %d", STORE_APPLICATION_ID);
            if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
                bad = st_fail_db(s, err, "cannot mark the database");
        }
        if (!bad)
            bad = st_schema_step(s, v, err);
        if (!bad)
            bad = set_version(s, v + 1, err);
        if (bad) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            st_fail_db(s, err, "cannot save the schema");
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
}

/* WAL lets nurses read while one writes. The mode is stored in the file,
 * but it is checked on every open: when several processes create the file
 * at once, the switch can lose a race against another's lock. */
static int ensure_wal(store *s, char **err)
{
    for (int tries = 0; tries < 3; tries++) {
        sqlite3_stmt *q = NULL;
        int wal = 0;
        const char *sql = tries ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode";
        if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            wal = sqlite3_stricmp((const char *)sqlite3_column_text(q, 0), "wal") == 0;
        sqlite3_finalize(q);
        if (wal)
            return 0;
        if (tries)
            sqlite3_sleep(100);
    }
    return st_fail(err, "%s: cannot switch to WAL mode (%s); is it on a network filesystem?",
                   s->path, sqlite3_errmsg(s->db));
}

/* Recognise the file: ours, new, foreign, newer or damaged. The marks and
 * the schema are read in one read transaction, so a process creating the
 * file meanwhile cannot make them disagree. */
static int identify(store *s, char **err)
{
    int app = 0, v = 0, objects = 0, rc;
    if ((rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
        return open_fail(s, sqlite3_extended_errcode(s->db), err);
    if ((rc = query_int(s->db, "PRAGMA application_id", &app)) != SQLITE_OK ||
        (rc = query_int(s->db, "PRAGMA user_version", &v)) != SQLITE_OK ||
        (rc = query_int(s->db, "SELECT count(*) FROM sqlite_master", &objects)) != SQLITE_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return open_fail(s, rc, err);
    }
    int fresh = app == 0 && v == 0 && objects == 0;
    int bad = 0;
    if (app == STORE_BULK_ID)
        bad = st_fail(err, INCOMPLETE_DEMO, s->path);
    else if (!fresh && app != STORE_APPLICATION_ID)
        bad = st_fail(err, "%s is not a bedside database", s->path);
    else if (v > STORE_SCHEMA_VERSION)
        bad = st_fail(err, "%s was written by a newer bedside (schema %d, this program knows %d)",
                      s->path, v, STORE_SCHEMA_VERSION);
    else if (fresh && s->noinit)
        bad = st_fail(err, "%s is empty, not a bedside database; a command that only reads "
                           "never creates one", s->path);
    /* Every query of the program relies on the constraints (NOT NULL above
     * all): a file with our marks but other tables is refused before any
     * query runs, and before anything is written to it. */
    else if (v >= 1)
        bad = st_schema_verify(s, v, err);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (bad)
        return -1;
    if (v < STORE_SCHEMA_VERSION) {
        if (s->readonly)
            return st_fail(err, "%s %s, but it is open read-only", s->path,
                           fresh ? "is empty" : "needs a schema upgrade");
        /* WAL before the schema is written: in rollback mode a process
         * opening the file meanwhile could read a half-written header. */
        sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
        if (migrate(s, err) < 0)
            return -1;
    }
    if (!s->readonly && ensure_wal(s, err) < 0)
        return -1;
    return s->probe ? cheap_check(s, err) : 0;
}

void store_library_init(void)
{
    /* Without the allocation statistics (which bedside never reads),
     * SQLite's every malloc and free skips a global mutex and two counters:
     * about 8 % of the instructions of the demo cohort's inserts. Only
     * before SQLite's first use; later it is refused and changes nothing. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* bedside runs one thread: SQLite's mutexes (taken at every step and
     * every allocation) guard nothing here. */
    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    /* Small blocks from free lists: SQLite here has no lookaside memory. */
    st_mem_install();
}

store *store_open(const char *path, int flags, char **err)
{
    if (!path || !*path) {
        st_fail(err, "no database file given");
        return NULL;
    }
    int ro = (flags & STORE_READONLY) != 0;
    struct stat st;
    if (stat(path, &st) < 0) {
        if (errno != ENOENT || ro || !(flags & STORE_CREATE)) {
            st_fail(err, "cannot open %s: %s", path, strerror(errno));
            return NULL;
        }
        if (make_folders(path, err) < 0 || create_file(path, err) < 0)
            return NULL;
        if (stat(path, &st) < 0) {
            st_fail(err, "cannot open %s: %s", path, strerror(errno));
            return NULL;
        }
    }
    if (S_ISDIR(st.st_mode)) {
        st_fail(err, "%s is a folder, not a bedside database", path);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        st_fail(err, "%s is not a regular file, so not a bedside database", path);
        return NULL;
    }
    if (check_header(path, st.st_size, err) < 0)
        return NULL;
    /* A file nobody may write is read-only even for root, who would
     * otherwise ignore the permission bits. */
    if (!(st.st_mode & 0222))
        ro = 1;

    store *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    s->readonly = ro;
    s->noinit = (flags & STORE_NOINIT) != 0;
    s->probe = !(flags & STORE_NOPROBE);
    int rc = sqlite3_open_v2(path, &s->db,
                             ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        st_fail(err, "cannot open %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    st_register_functions(s->db);
    store_form_digests(s, 0, NULL, NULL);
    if (sqlite3_db_readonly(s->db, "main") == 1)
        s->readonly = 1;
    /* 16 MB of page cache: the whole-cohort scans (due list, export) and
     * the demo batch touch far more than SQLite's 2 MB default. */
    rc = sqlite3_exec(s->db, "PRAGMA foreign_keys = ON; " CACHE_PRAGMA, NULL, NULL, NULL);
    if (rc != SQLITE_OK ? open_fail(s, sqlite3_extended_errcode(s->db), err) < 0
                        : identify(s, err) < 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(store *s)
{
    if (!s)
        return;
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < ST_CACHE; i++)
        if (s->cache[i].st)
            sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    st_mark_free(s);
    st_bulk_free(s);
    free(s->read_failed);
    free(s->path);
    free(s);
}

const char *store_path(const store *s)
{
    return s->path;
}

int store_can_write(store *s, char **err)
{
    if (s->readonly || sqlite3_db_readonly(s->db, "main") == 1)
        return st_fail(err, "%s is read-only; nothing could be saved", s->path);
    struct stat st;
    if (stat(s->path, &st) < 0)
        return st_fail(err, "%s: %s", s->path, strerror(errno));
    if (!(st.st_mode & 0222) || access(s->path, W_OK) < 0)
        return st_fail(err, "%s is not writable by %s; nothing could be saved", s->path,
                       util_login());
    /* SQLite creates the -wal and -shm files next to the database. */
    char *dup = xstrdup(s->path);
    const char *dir = dirname(dup);
    int rc = 0;
    if (access(dir, W_OK | X_OK) < 0)
        rc = st_fail(err, "the folder %s of %s is not writable by %s; nothing could be saved",
                     dir, s->path, util_login());
    free(dup);
    for (int i = 0; rc == 0 && i < 2; i++) {
        char *side = xasprintf("%s%s", s->path, i ? "-shm" : "-wal");
        if (access(side, F_OK) == 0 && access(side, W_OK) < 0)
            rc = st_fail(err, "%s is not writable by %s; nothing could be saved", side,
                         util_login());
        free(side);
    }
    return rc;
}

int store_begin(store *s, char **err)
{
    if (s->batch)
        return st_fail(err, "%s: a batch is already open", s->path);
    /* Each insert with a BEFORE trigger keeps a statement journal so it can
     * be undone alone; in a batch of 300,000 inserts a temporary file takes
     * gigabytes of writes in all. In memory it is one statement's worth,
     * dropped when the statement ends. Set outside the transaction: inside
     * one, SQLite may refuse to change it. */
    sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
    /* An unjournalled fill's batch must not reach the file before its
     * commit: a rollback then only drops the cache (store_bulk.c). */
    if (s->bulk_off)
        sqlite3_exec(s->db, "PRAGMA cache_spill = OFF", NULL, NULL, NULL);
    if (st_begin_immediate(s, err) < 0)
        return -1;
    s->spoiled = 0;
    /* A batch (the demo cohort) inserts 300,000 records under random UUID
     * keys: every index insert lands on a random page, so the cache must
     * hold the indexes or each insert costs a read and a spill (a bulk fill
     * sizes it for its cohort, store_bulk.c). */
    st_batch_cache(s);
    s->batch = 1;
    return 0;
}

void st_batch_cache(store *s)
{
    char *sql = sqlite3_mprintf("PRAGMA cache_size = -%ld",
                                s->bulk_cache > 0 ? s->bulk_cache : ST_BATCH_CACHE_KIB);
    if (sql)
        sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
}

int st_batch_commit(store *s, char **err)
{
    if (!s->batch)
        return st_fail(err, "%s: no batch is open", s->path);
    s->batch = 0;
    s->depth = 0;
    int rc = 0;
    if (s->spoiled) {
        rc = st_fail(err, "%s: a write in the batch failed half-way; nothing was saved", s->path);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    } else if (!s->bulk && st_derive(s, err) < 0) {   /* a bulk fill derives at its end */
        rc = -1;
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    } else if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = st_fail_db(s, err, "cannot save");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

int store_commit(store *s, char **err)
{
    int rc = st_batch_commit(s, err);
    sqlite3_exec(s->db, CACHE_PRAGMA, NULL, NULL, NULL);
    return rc;
}

int store_commit_next(store *s, int *committed, char **err)
{
    /* Shrinking the cache between two batches would throw away the pages
     * the next batch inserts into (at 10,000 patients and more, reads). */
    *committed = 0;
    if (st_batch_commit(s, err) < 0) {
        sqlite3_exec(s->db, CACHE_PRAGMA, NULL, NULL, NULL);
        return -1;
    }
    *committed = 1;
    st_bulk_next(s);
    if (store_begin(s, err) < 0) {
        sqlite3_exec(s->db, CACHE_PRAGMA, NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int store_tx_begin(store *s, char **err)
{
    return st_tx_begin(s, err);
}

int store_tx_end(store *s, int ok, char **err)
{
    return st_tx_end(s, ok, err);
}

void store_rollback(store *s)
{
    if (!s->batch)
        return;
    s->batch = 0;
    s->depth = 0;
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(s->db, CACHE_PRAGMA, NULL, NULL, NULL);
    if (s->bulk_off)
        st_bulk_wal(s, NULL);
}
