/* test_store_safety.c — what the database itself refuses (triggers), files
 * that are not ours / newer / damaged / read-only, two connections and two
 * processes at once, permissions, the online backup and the check. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "t.h"
#include "util.h"

static char dir[64];

static char *at(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static int day(const char *s)
{
    int d = -1;
    date_parse(s, &d);
    return d;
}

/* A database with one patient, one hip and one final record. */
/* A record of form on timepoint for p's hip h, dated date, to fill. */
static st_record visit(const st_patient *p, const st_hip *h, const char *timepoint,
                       const char *form, const char *date)
{
    st_record r = {0};
    memcpy(r.patient, p->uuid, 37);
    memcpy(r.hip, h->uuid, 37);
    r.timepoint = xstrdup(timepoint);
    r.form = xstrdup(form);
    r.visit_date = day(date);
    return r;
}

static store *make_db(const char *path, st_patient *p, st_hip *h, char rec[37])
{
    char *err = NULL;
    store *s = store_open(path, STORE_CREATE, &err);
    if (!s) {
        printf("open: %s\n", err);
        exit(1);
    }
    *p = (st_patient){.mrn = "S1", .name = "Sam", .sex = 'M', .born = day("1950-05-05")};
    CHECK_INT(store_patient_add(s, p, &err), 0);
    *h = (st_hip){.side = 'L', .index_date = day("2025-01-01")};
    memcpy(h->patient, p->uuid, 37);
    CHECK_INT(store_hip_add(s, h, &err), 0);
    st_record r = visit(p, h, "baseline", "hhs", "2025-01-01");
    st_record_answer(&r, "pain", "10");
    st_record_score(&r, "total", 50);
    CHECK_INT(store_record_final(s, &r, &err), 0);
    memcpy(rec, r.uuid, 37);
    st_record_free(&r);
    return s;
}

/* Run SQL on a raw connection; returns the error message (static) or NULL. */
static const char *raw_exec(const char *path, const char *sql)
{
    static char msg[256];
    sqlite3 *db;
    sqlite3_open(path, &db);
    char *e = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &e);
    snprintf(msg, sizeof msg, "%s", e ? e : "");
    sqlite3_free(e);
    sqlite3_close(db);
    return rc == SQLITE_OK ? NULL : msg;
}

static void expect_refused(const char *path, const char *sql, const char *want)
{
    const char *m = raw_exec(path, sql);
    CHECK(m != NULL && strstr(m, want) != NULL);
    if (!m || !strstr(m, want))
        printf("     %s -> %s\n", sql, m ? m : "(accepted)");
}

static void test_triggers(void)
{
    char *path = at("trig.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store *s = make_db(path, &p, &h, rec);
    store_close(s);
    expect_refused(path, "UPDATE audit SET who = 'mallory'", "audit trail is append-only");
    expect_refused(path, "DELETE FROM audit", "audit trail is append-only");
    expect_refused(path, "UPDATE records SET answers = '{}' WHERE status = 'final'",
                   "never updated in place");
    expect_refused(path, "UPDATE records SET status = 'draft'", "never updated in place");
    expect_refused(path, "DELETE FROM records", "never deleted");
    char *sql = xasprintf("INSERT INTO scores VALUES ('%s', 'extra', 1)", rec);
    expect_refused(path, sql, "never changed");
    free(sql);
    expect_refused(path, "UPDATE scores SET value = 99", "never changed");
    expect_refused(path, "DELETE FROM scores", "never changed");
    /* REPLACE would delete without firing delete triggers: refused too. */
    sql = xasprintf("INSERT OR REPLACE INTO records(uuid, patient, timepoint, visit_date, form, "
                    "form_version, status, entered_by, entered_at) VALUES ('%s', '%s', 'x', "
                    "'2020-01-01', 'hhs', 1, 'final', 'm', 'm')",
                    rec, p.uuid);
    CHECK(raw_exec(path, sql) == NULL);
    free(sql);
    CHECK(raw_exec(path, "INSERT OR REPLACE INTO audit(uuid, at, who, action) "
                         "SELECT uuid, 'x', 'mallory', 'void' FROM audit") == NULL);
    /* Nothing changed. */
    s = store_open(path, 0, NULL);
    st_record r;
    CHECK_INT(store_record_get(s, rec, &r), 0);
    CHECK_STR(st_record_get(&r, "pain"), "10");
    CHECK(r.n_score == 1 && r.score_val[0] == 50);
    st_record_free(&r);
    size_t n;
    st_audit_row *a;
    CHECK_INT(store_history(s, p.uuid, &a, &n), 0);
    CHECK_INT(n, 3);
    for (size_t i = 0; i < n; i++)
        CHECK_STR(a[i].who, util_login());
    store_history_free(a, n);
    CHECK_INT(store_record_get(s, rec, &r), 0);
    CHECK_STR(r.timepoint, "baseline");
    st_record_free(&r);
    store_close(s);
    free(path);
}

static void expect_open_error(const char *path, const char *want)
{
    char *err = NULL;
    store *s = store_open(path, STORE_CREATE, &err);
    CHECK(s == NULL);
    CHECK(err && strstr(err, want) && strstr(err, path));
    if (!err || !strstr(err, want))
        printf("     %s -> %s\n", path, err ? err : "(opened)");
    free(err);
    store_close(s);
}

static void test_foreign_files(void)
{
    char *other = at("other.db");
    CHECK(raw_exec(other, "CREATE TABLE t(x); INSERT INTO t VALUES (1)") == NULL);
    expect_open_error(other, "is not a bedside database");
    char *ourid = at("ourid.db");
    CHECK(raw_exec(ourid, "PRAGMA application_id = 1111835731; CREATE TABLE t(x)") == NULL);
    expect_open_error(ourid, "is not a bedside database");

    char *newer = at("newer.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store_close(make_db(newer, &p, &h, rec));
    CHECK(raw_exec(newer, "PRAGMA user_version = 99") == NULL);
    char newer_msg[80];
    snprintf(newer_msg, sizeof newer_msg, "newer bedside (schema 99, this program knows %d)",
             STORE_SCHEMA_VERSION);
    expect_open_error(newer, newer_msg);

    /* Truncated: the header says more pages than the file holds. */
    char *cut = at("cut.db");
    store_close(make_db(cut, &p, &h, rec));
    struct stat st;
    stat(cut, &st);
    CHECK(truncate(cut, st.st_size / 2) == 0);
    expect_open_error(cut, "is damaged");

    /* Overwritten: every page but the first is garbage. */
    char *bad = at("garbage.db");
    store_close(make_db(bad, &p, &h, rec));
    stat(bad, &st);
    int fd = open(bad, O_WRONLY);
    char junk[4096];
    memset(junk, 0x5a, sizeof junk);
    for (off_t off = 4096; off < st.st_size; off += 4096)
        CHECK(pwrite(fd, junk, sizeof junk, off) == (ssize_t)sizeof junk);
    close(fd);
    expect_open_error(bad, "is damaged");
    free(other);
    free(ourid);
    free(newer);
    free(cut);
    free(bad);
}

static void test_read_only(void)
{
    char *path = at("ro.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store_close(make_db(path, &p, &h, rec));
    CHECK(chmod(path, 0440) == 0);
    char *err = NULL;
    store *s = store_open(path, 0, &err);
    CHECK(s != NULL);
    CHECK_INT(store_can_write(s, &err), -1);
    CHECK(err && strstr(err, path) && strstr(err, "read-only"));
    free(err);
    err = NULL;
    st_patient q = {.mrn = "S2", .name = "X", .sex = 'F', .born = day("1990-01-01")};
    CHECK_INT(store_patient_add(s, &q, &err), -1);
    CHECK(err && strstr(err, "read-only"));
    free(err);
    err = NULL;
    st_patient got;
    CHECK_INT(store_patient_get(s, "S1", &got), 0);   /* reading still works */
    st_patient_free(&got);
    store_close(s);
    chmod(path, 0660);
    s = store_open(path, STORE_READONLY, &err);
    CHECK(s != NULL);
    CHECK_INT(store_can_write(s, &err), -1);
    free(err);
    err = NULL;
    store_close(s);
    free(path);
}

static void test_permissions(void)
{
    mode_t old = umask(022);
    char *path = at("perm/x/new.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store *s = make_db(path, &p, &h, rec);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0660);
    char *wal = xasprintf("%s-wal", path);
    CHECK(stat(wal, &st) == 0 && (st.st_mode & 0777) == 0660);
    char *folder = at("perm");
    CHECK(stat(folder, &st) == 0 && (st.st_mode & 0777) == 0770);
    store_close(s);
    umask(old);
    free(wal);
    free(folder);
    free(path);
}

static void test_two_writers(void)
{
    char *path = at("two.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store *s = make_db(path, &p, &h, rec);
    char *err = NULL;
    store *t = store_open(path, 0, &err);
    CHECK(t != NULL);
    /* One connection's commit is seen by the other, and the duplicate
     * check runs under the write lock across connections. */
    st_record r = visit(&p, &h, "baseline", "hhs", "2025-01-02");
    CHECK_INT(store_record_final(t, &r, &err), -1);
    CHECK(err && strstr(err, "already recorded"));
    free(err);
    err = NULL;
    st_record_free(&r);

    /* A child process holds the write lock for a while; our write waits
     * for it instead of failing. */
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        store *c = store_open(path, 0, NULL);
        if (!c || store_begin(c, NULL) < 0)
            _exit(2);
        st_patient q = {.mrn = "CHILD", .name = "C", .sex = 'X', .born = day("2000-01-01")};
        int rc = store_patient_add(c, &q, NULL);
        if (write(ready[1], "x", 1) != 1)
            _exit(3);
        usleep(700 * 1000);
        rc |= store_commit(c, NULL);
        store_close(c);
        _exit(rc ? 1 : 0);
    }
    char b;
    CHECK(read(ready[0], &b, 1) == 1);
    st_patient q = {.mrn = "PARENT", .name = "P", .sex = 'X', .born = day("2000-01-01")};
    CHECK_INT(store_patient_add(t, &q, &err), 0);
    if (err)
        printf("     %s\n", err);
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    size_t n;
    st_patient_row *rows = store_patient_list(s, NULL, NULL, NULL, 0, &n);
    CHECK_INT(n, 3);
    store_patient_rows_free(rows, n);
    close(ready[0]);
    close(ready[1]);

    /* A batch that is rolled back leaves nothing. */
    CHECK_INT(store_begin(s, &err), 0);
    st_patient z = {.mrn = "Z9", .name = "Z", .sex = 'X', .born = day("2000-01-01")};
    CHECK_INT(store_patient_add(s, &z, &err), 0);
    store_rollback(s);
    st_patient got;
    CHECK_INT(store_patient_get(t, "Z9", &got), 1);
    store_close(t);
    store_close(s);
    free(path);
}

/* Eight processes create the same new file at once and each writes 25
 * records in its own transactions: every record arrives, none fails. */
static void test_eight_writers(void)
{
    char *path = at("eight/crowd.db");
    pid_t pid[8];
    for (int k = 0; k < 8; k++) {
        pid[k] = fork();
        if (pid[k] == 0) {
            char *e = NULL;
            store *c = store_open(path, STORE_CREATE, &e);
            if (!c) {
                printf("child %d: %s\n", k, e);
                _exit(1);
            }
            char mrn[16];
            snprintf(mrn, sizeof mrn, "P%d", k);
            st_patient q = {.mrn = mrn, .name = "N", .sex = 'X', .born = day("2000-01-01")};
            int bad = store_patient_add(c, &q, &e) != 0;
            for (int i = 0; i < 25 && !bad; i++) {
                st_record r = {0};
                memcpy(r.patient, q.uuid, 37);
                r.timepoint = xstrdup(TIMEPOINT_UNSCHEDULED);
                r.form = xstrdup("vas");
                r.visit_date = day("2026-01-01") + i;
                st_record_answer(&r, "vas", "5");
                st_record_score(&r, "vas", 5);
                bad = store_record_final(c, &r, &e) != 0;
                st_record_free(&r);
            }
            if (bad)
                printf("child %d: %s\n", k, e);
            free(e);
            store_close(c);
            _exit(bad);
        }
    }
    int failed = 0;
    for (int k = 0; k < 8; k++) {
        int status;
        waitpid(pid[k], &status, 0);
        failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK_INT(failed, 0);
    store *s = store_open(path, 0, NULL);
    CHECK(s != NULL);
    int total = 0;
    for (int k = 0; s && k < 8; k++) {
        char mrn[16];
        snprintf(mrn, sizeof mrn, "P%d", k);
        st_patient q;
        if (store_patient_get(s, mrn, &q) != 0)
            continue;
        size_t n;
        st_record *r;
        CHECK_INT(store_records_of(s, q.uuid, 0, &r, &n), 0);
        total += (int)n;
        store_records_free(r, n);
        st_patient_free(&q);
    }
    CHECK_INT(total, 200);
    store_close(s);
    free(path);
}

static void problem(void *ctx, const char *msg)
{
    sbuf *b = ctx;
    sbuf_add(b, msg);
    sbuf_addc(b, '\n');
}

static void test_backup_and_check(void)
{
    char *path = at("main.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store *s = make_db(path, &p, &h, rec);
    char *copy = at("copy.db");
    char *err = NULL;
    CHECK_INT(store_backup(s, copy, &err), 0);
    CHECK_INT(store_backup(s, copy, &err), -1);
    CHECK(err && strstr(err, "already exists"));
    free(err);
    err = NULL;
    store *c = store_open(copy, 0, &err);
    CHECK(c != NULL);
    st_record r;
    CHECK_INT(store_record_get(c, rec, &r), 0);
    st_record_free(&r);
    sbuf out = {0};
    CHECK_INT(store_check(c, problem, &out), 0);
    store_close(c);
    struct stat st;
    CHECK(stat(copy, &st) == 0 && (st.st_mode & 0777) == 0660);

    /* Break things the way a bad merge or a hand edit could. */
    char *sql = xasprintf(
        "PRAGMA foreign_keys = OFF;"
        "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, "
        " status, entered_by, entered_at) VALUES ('dddddddd-0000-4000-8000-000000000001', "
        " '%s', '%s', 'baseline', '2025-01-01', 'hhs', 1, 'final', 'x', 'x');"
        "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, "
        " status, entered_by, entered_at, supersedes, reason) VALUES "
        " ('dddddddd-0000-4000-8000-000000000002', '%s', NULL, '1m', '2025-01-01', 'vas', 1, "
        " 'final', 'x', 'x', 'eeeeeeee-0000-4000-8000-000000000000', 'r');"
        "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, "
        " status, entered_by, entered_at, supersedes) VALUES "
        " ('dddddddd-0000-4000-8000-000000000003', '%s', NULL, '3m', '2025-01-01', 'vas', 1, "
        " 'draft', 'x', 'x', '%s');"
        "INSERT INTO hips(uuid, patient, side, index_date, created_by, created_at) VALUES "
        " ('dddddddd-0000-4000-8000-000000000004', 'nobody', 'R', '2025-01-01', 'x', 'x');"
        "INSERT INTO scores(record, score, value) VALUES "
        " ('dddddddd-0000-4000-8000-000000000009', 'pain', 1),"
        " ('dddddddd-0000-4000-8000-000000000009', 'total', 2);",
        p.uuid, h.uuid, p.uuid, p.uuid, rec);
    const char *m = raw_exec(path, sql);
    CHECK(m == NULL);
    if (m)
        printf("     %s\n", m);
    free(sql);
    CHECK(store_check(s, problem, &out) >= 4);
    const char *text = out.s ? out.s : "";
    CHECK(strstr(text, "dddddddd-0000-4000-8000-000000000001") &&
          strstr(text, "current hhs at baseline"));
    CHECK(strstr(text, "record dddddddd-0000-4000-8000-000000000002 supersedes a missing record"));
    CHECK(strstr(text, "draft dddddddd-0000-4000-8000-000000000003 supersedes"));
    CHECK(strstr(text, "hip dddddddd-0000-4000-8000-000000000004 belongs to a missing patient"));
    /* Every score of a missing record, each named. */
    CHECK(strstr(text, "score pain belongs to a missing record "
                       "dddddddd-0000-4000-8000-000000000009"));
    CHECK(strstr(text, "score total belongs to a missing record "
                       "dddddddd-0000-4000-8000-000000000009"));
    sbuf_free(&out);
    store_close(s);
    free(copy);
    free(path);
}


/* A read of a patient's records that fails part-way (here: answers that are
 * not JSON, put in past the CHECK by a raw connection, as a doctored copy
 * could hold them) is an error, never a shorter list; and after it the store
 * saves nothing, before or inside a transaction, since a rule may have been
 * checked against the rows that were missing. */
static void test_failed_read(void)
{
    char *path = at("failed_read.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store_close(make_db(path, &p, &h, rec));
    char *sql = xasprintf(
        "PRAGMA ignore_check_constraints = 1; INSERT INTO records(uuid, patient, hip, "
        "timepoint, visit_date, form, form_version, status, answers, entered_by, entered_at) "
        "VALUES ('00000000-0000-4000-8000-000000000001', '%s', '%s', '3m', '2025-04-01', 'vas', "
        "1, 'final', '{\"pain\": ', 'x', '2025-04-01T10:00:00Z')", p.uuid, h.uuid);
    CHECK(raw_exec(path, sql) == NULL);
    free(sql);
    char *err = NULL;
    store *s = store_open(path, 0, &err);
    CHECK(s != NULL);
    if (!s) {
        printf("     open: %s\n", err);
        free(err);
        err = NULL;
        free(path);
        return;
    }
    CHECK(store_read_failed(s) == NULL);
    /* Inside a transaction: the write before the read is rolled back. */
    CHECK_INT(store_tx_begin(s, &err), 0);
    st_patient q = {.mrn = "S2", .name = "Sue", .sex = 'F', .born = day("1960-06-06")};
    CHECK_INT(store_patient_add(s, &q, &err), 0);
    st_record *r = NULL;
    size_t n = 9;
    CHECK_INT(store_records_of(s, p.uuid, 0, &r, &n), -1);
    store_records_free(r, n);
    CHECK(store_read_failed(s) && strstr(store_read_failed(s), "failed_read.db") &&
          strstr(store_read_failed(s), "JSON"));
    CHECK_INT(store_tx_end(s, 1, &err), -1);
    CHECK(err && strstr(err, "nothing saved") && strstr(err, "JSON"));
    free(err);
    err = NULL;
    st_patient got = {0};
    if (store_patient_get(s, "S2", &got) != 1) {
        CHECK(!"the write before the failed read was rolled back");
        st_patient_free(&got);
    }
    /* And every write after it. */
    st_patient q3 = {.mrn = "S3", .name = "Sid", .sex = 'M', .born = day("1961-06-06")};
    CHECK_INT(store_patient_add(s, &q3, &err), -1);
    CHECK(err && strstr(err, "nothing saved"));
    free(err);
    err = NULL;
    /* The other readers of records say so too. */
    st_record one = {0};
    CHECK_INT(store_record_current(s, p.uuid, h.uuid, "3m", "vas", &one), -1);
    CHECK_INT(store_record_lookup(s, "00000000-0000-4000-8000-000000000001", &one, &err), -1);
    CHECK(err && strstr(err, "JSON"));
    free(err);
    err = NULL;
    CHECK_INT(store_record_lookup(s, rec, &one, NULL), 0);   /* a sound record still reads */
    st_record_free(&one);
    store_close(s);
    /* A fresh store that reads only the sound record writes again. */
    s = store_open(path, 0, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK_INT(store_patient_add(s, &q3, &err), 0);
        CHECK(store_read_failed(s) == NULL);
        store_close(s);
    }
    free(path);
}

/* Reads between store_read_begin and store_read_end see one state of the
 * file: a record another process saves in between is not among them. */
static void test_read_snapshot(void)
{
    char *path = at("snapshot.db");
    st_patient p;
    st_hip h;
    char rec[37];
    store *s = make_db(path, &p, &h, rec);
    char *err = NULL;
    store *other = store_open(path, 0, &err);
    CHECK(other != NULL);
    if (!other) {
        free(err);
        store_close(s);
        free(path);
        return;
    }
    st_patient got = {0};
    CHECK_INT(store_read_begin(s), 0);
    CHECK_INT(store_patient_get(s, "S1", &got), 0);
    st_patient_free(&got);
    st_record r = visit(&p, &h, "3m", "vas", "2025-04-01");
    st_record_answer(&r, "pain", "4");
    CHECK_INT(store_record_final(other, &r, &err), 0);   /* not blocked by the reader */
    st_record_free(&r);
    st_record *v = NULL;
    size_t n = 0;
    CHECK_INT(store_records_of(s, p.uuid, 0, &v, &n), 0);
    CHECK_INT(n, 1);                                        /* as at the first read */
    store_records_free(v, n);
    store_read_end(s);
    CHECK_INT(store_records_of(s, p.uuid, 0, &v, &n), 0);
    CHECK_INT(n, 2);                                        /* and now as it is */
    store_records_free(v, n);
    /* Inside a write, both do nothing: the write still commits. */
    CHECK_INT(store_tx_begin(s, &err), 0);
    CHECK_INT(store_read_begin(s), 0);
    st_patient q = {.mrn = "S4", .name = "Sal", .sex = 'F', .born = day("1962-06-06")};
    CHECK_INT(store_patient_add(s, &q, &err), 0);
    store_read_end(s);
    CHECK_INT(store_tx_end(s, 1, &err), 0);
    CHECK_INT(store_patient_get(other, "S4", &got), 0);
    st_patient_free(&got);
    store_close(other);
    store_close(s);
    free(path);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_store_safety.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_triggers();
    test_foreign_files();
    test_read_only();
    test_permissions();
    test_two_writers();
    test_eight_writers();
    test_backup_and_check();
    test_failed_read();
    test_read_snapshot();
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    free(cmd);
    return t_done();
}
