/* store_maint.c — maintenance: an online backup that is safe while nurses
 * write, and a consistency check that names each problem's record. */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BACKUP_PAGES 1024   /* pages copied per step */

int store_backup(store *s, const char *dest, char **err)
{
    if (!dest || !*dest)
        return st_fail(err, "no backup file given");
    /* O_EXCL: never overwrite, even if a file appears meanwhile. */
    int fd = open(dest, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
    if (fd < 0) {
        if (errno == EEXIST)
            return st_fail(err, "%s already exists; a backup never overwrites a file", dest);
        return st_fail(err, "cannot create %s: %s", dest, strerror(errno));
    }
    fchmod(fd, 0660);
    close(fd);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", s->db, "main") : NULL;
    if (!b) {
        st_fail(err, "cannot back up to %s: %s", dest, dst ? sqlite3_errmsg(dst) : "no memory");
        sqlite3_close(dst);
        unlink(dest);
        return -1;
    }
    /* A read transaction on the source keeps one snapshot for every step:
     * others keep writing to the WAL, and the copy is still consistent
     * instead of restarting whenever they commit. */
    int own_read = sqlite3_get_autocommit(s->db);
    if (own_read)
        sqlite3_exec(s->db, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    do {
        rc = sqlite3_backup_step(b, BACKUP_PAGES);
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
            sqlite3_sleep(50);
    } while (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED);
    if (own_read)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        st_fail(err, "backup to %s failed: %s", dest, sqlite3_errstr(rc));
        sqlite3_close(dst);
        unlink(dest);
        return -1;
    }
    sqlite3_close(dst);
    return 0;
}

/* Each check: a query whose rows are problems; the columns are joined into
 * one readable line by its format (%1$s ... as printf positional args). */
typedef struct {
    const char *sql;
    const char *fmt;   /* three %s (positional %N$s allowed) */
    int fk;            /* a problem PRAGMA foreign_key_check also counts */
} check_def;

static const check_def checks[] = {
    {"SELECT uuid, patient, '' FROM hips h WHERE NOT EXISTS "
     "(SELECT 1 FROM patients p WHERE p.uuid = h.patient)",
     "hip %s belongs to a missing patient %s%s", 1},
    {"SELECT uuid, patient, '' FROM records r WHERE NOT EXISTS "
     "(SELECT 1 FROM patients p WHERE p.uuid = r.patient)",
     "record %s belongs to a missing patient %s%s", 1},
    {"SELECT uuid, hip, '' FROM records r WHERE hip IS NOT NULL AND NOT EXISTS "
     "(SELECT 1 FROM hips h WHERE h.uuid = r.hip)",
     "record %s belongs to a missing hip %s%s", 1},
    {"SELECT r.uuid, r.hip, r.patient FROM records r JOIN hips h ON h.uuid = r.hip "
     "WHERE h.patient <> r.patient",
     "record %s is for hip %s, which is not a hip of its patient %s", 0},
    /* Only with CHECK constraints switched off behind bedside's back. */
    {"SELECT uuid, quote(observed), '' FROM hips WHERE observed IS NOT 0 AND observed IS NOT 1",
     "hip %s is marked observed %s, which is neither 0 nor 1%s", 0},
    /* Each scored record looked up once, not once per score. */
    {"SELECT sc.record, sc.score, '' FROM (SELECT DISTINCT record FROM scores) d "
     "CROSS JOIN scores sc ON sc.record = d.record WHERE NOT EXISTS "
     "(SELECT 1 FROM records r WHERE r.uuid = d.record)",
     "score %2$s belongs to a missing record %1$s%3$s", 1},
    {"SELECT uuid, supersedes, '' FROM records r WHERE supersedes IS NOT NULL AND NOT EXISTS "
     "(SELECT 1 FROM records o WHERE o.uuid = r.supersedes)",
     "record %s supersedes a missing record %s%s", 1},
    {"SELECT r.uuid, r.supersedes, o.status FROM records r JOIN records o "
     "ON o.uuid = r.supersedes WHERE r.status <> 'draft' AND o.status <> 'final'",
     "record %s supersedes record %s, which is a %s, not a final record", 0},
    /* An amendment may move a record to another visit (date and timepoint,
     * re-checked by the visit rules), never to another patient, hip or form. */
    {"SELECT r.uuid, r.supersedes, '' FROM records r JOIN records o ON o.uuid = r.supersedes "
     "WHERE r.patient <> o.patient OR ifnull(r.hip, '') <> ifnull(o.hip, '') "
     "OR r.form <> o.form",
     "record %s supersedes record %s of another patient, hip or form%s", 0},
    {"SELECT supersedes, group_concat(uuid, ', '), '' FROM records "
     "WHERE supersedes IS NOT NULL AND status <> 'draft' GROUP BY supersedes "
     "HAVING count(*) > 1",
     "record %s is superseded twice, by %s%s", 0},
    /* Following supersedes from any record must end at an original (one
     * that supersedes nothing): a loop (A -> B -> A, C -> C) leaves records
     * that are never current and can never be amended or voided. Only the
     * records that supersede one are walked (records_supersedes, a few per
     * hundred): the chains grow from those whose target is an original (or
     * missing, reported above), and an original is never in a loop. */
    {"WITH RECURSIVE rooted(uuid) AS (SELECT o.uuid FROM records o "
     "WHERE o.supersedes IS NOT NULL AND NOT EXISTS (SELECT 1 FROM records p "
     "WHERE p.uuid = o.supersedes AND p.supersedes IS NOT NULL) "
     "UNION SELECT r.uuid FROM records r JOIN rooted ON r.supersedes = rooted.uuid) "
     "SELECT uuid, supersedes, '' FROM records WHERE supersedes IS NOT NULL "
     "AND uuid NOT IN rooted",
     "record %s is in a loop of amendments: it supersedes %s, and following the chain never "
     "reaches an original record%s", 0},
    {"SELECT uuid, supersedes, '' FROM records WHERE status = 'draft' AND supersedes IS NOT NULL",
     "draft %s supersedes record %s; drafts never supersede%s", 0},
    {"SELECT group_concat(uuid, ', '), form, timepoint FROM current_records "
     "WHERE timepoint <> 'unscheduled' GROUP BY patient, ifnull(hip, ''), timepoint, form "
     "HAVING count(*) > 1",
     "records %s are all current %s at %s (the same visit recorded twice; amend or void one)", 0},
    {"SELECT uuid, status, '' FROM records WHERE status = 'void' AND answers <> '{}'",
     "void entry %s carries answers (status %s)%s", 0},
    /* Traceability: every final record and every void has its audit row
     * (EXCEPT sorts once, instead of a scan of the audit per record). */
    {"SELECT uuid, '', '' FROM records WHERE status = 'final' "
     "EXCEPT SELECT record, '', '' FROM audit WHERE action IN ('create', 'amend')",
     "final record %s has no entry in the audit trail%s%s", 0},
    {"SELECT supersedes, '', '' FROM records WHERE status = 'void' "
     "EXCEPT SELECT record, '', '' FROM audit WHERE action = 'void'",
     "the void of record %s has no entry in the audit trail%s%s", 0},
    /* What the trail says was written (store_hash.c): the digest, and the
     * patient, of every entry that created or amended a record. */
    {"SELECT r.uuid, a.uuid, '' FROM audit a JOIN records r ON r.uuid = a.record "
     "WHERE a.hash IS NOT NULL AND (a.hash IS NOT " ST_RECORD_HASH("r") " "
     "OR a.patient IS NOT r.patient)",
     "record %s is not what its audit entry %s says was written: it was changed behind "
     "bedside's back, or the entry was%s", 0},
    {"SELECT a.uuid, a.record, '' FROM audit a WHERE a.hash IS NOT NULL AND NOT EXISTS "
     "(SELECT 1 FROM records r WHERE r.uuid = a.record AND r.status = 'final')",
     "audit entry %s says it wrote record %s, which is not a final record here%s", 0},
    /* Entries kept as they were at the upgrade to schema 7: their copy of
     * the key must still be the record's. */
    {"SELECT r.uuid, a.uuid, '' FROM audit a JOIN records r ON r.uuid = a.record "
     "WHERE a.hash IS NULL AND a.action IN ('create', 'amend') AND (a.patient IS NOT r.patient "
     "OR a.hip IS NOT r.hip OR a.form IS NOT r.form OR a.timepoint IS NOT r.timepoint)",
     "record %s differs from its audit entry %s in patient, hip, form or timepoint%s", 0},
};

static int check(store *s, int quick, void (*cb)(void *ctx, const char *problem), void *ctx)
{
    int problems = 0;
    sqlite3_stmt *q = NULL;
    /* The checks' EXCEPT and GROUP BY build temporary b-trees of every
     * record's uuid: in temporary files they cost more system time than
     * the reads (check --quick at 10,000 patients: 2 s of 3.4 for the audit
     * check alone); in memory about 45 bytes a record while they run. */
    sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
    /* The page-level check first: the later queries trust the b-trees. */
    if (sqlite3_prepare_v2(s->db, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check", -1,
                           &q, NULL) == SQLITE_OK) {
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            const char *m = (const char *)sqlite3_column_text(q, 0);
            if (m && strcmp(m, "ok") != 0) {
                char *line = xasprintf("%s: integrity: %s", s->path, m);
                cb(ctx, line);
                free(line);
                problems++;
            }
        }
        if (rc != SQLITE_DONE) {
            char *line = xasprintf("%s is damaged: %s", s->path, sqlite3_errmsg(s->db));
            cb(ctx, line);
            free(line);
            problems++;
        }
    }
    sqlite3_finalize(q);
    q = NULL;
    /* foreign_key_check covers every reference, including ones added by
     * later schema versions; the queries below name the rows precisely. */
    int fk = 0, named = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &q, NULL) == SQLITE_OK)
        while (sqlite3_step(q) == SQLITE_ROW)
            fk++;
    sqlite3_finalize(q);
    q = NULL;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        if (sqlite3_prepare_v2(s->db, checks[i].sql, -1, &q, NULL) != SQLITE_OK) {
            char *line = xasprintf("%s: cannot run a check: %s", s->path, sqlite3_errmsg(s->db));
            cb(ctx, line);
            free(line);
            problems++;
            continue;
        }
        while (sqlite3_step(q) == SQLITE_ROW) {
            /* Values from the file are untrusted text: escaped. */
            char *a[3];
            for (int c = 0; c < 3; c++) {
                const char *v = (const char *)sqlite3_column_text(q, c);
                a[c] = text_escape(v ? v : "(none)");
            }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            char *line = xasprintf(checks[i].fmt, a[0], a[1], a[2]);
#pragma GCC diagnostic pop
            for (int c = 0; c < 3; c++)
                free(a[c]);
            cb(ctx, line);
            free(line);
            problems++;
            named += checks[i].fk;
        }
        sqlite3_finalize(q);
        q = NULL;
    }
    problems += st_search_check(s, cb, ctx);
    if (fk > named) {
        char *line = xasprintf("%s: %d broken references (PRAGMA foreign_key_check)", s->path,
                               fk - named);
        cb(ctx, line);
        free(line);
        problems++;
    }
    sqlite3_exec(s->db, "PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
    return problems;
}

int store_check(store *s, void (*cb)(void *ctx, const char *problem), void *ctx)
{
    return check(s, 0, cb, ctx);
}

int store_check_quick(store *s, void (*cb)(void *ctx, const char *problem), void *ctx)
{
    return check(s, 1, cb, ctx);
}
