/* fuzz_db.c — libFuzzer entry: a valid bedside database, changed by the
 * input, must be refused with a message or read without a crash, a leak or
 * undefined behaviour: opened, checked (store_check), read as the commands
 * read it (patients, hips, records, history, drafts, due) and merged into a
 * ward database as a dry run.
 *
 * The first input byte picks how the copy is changed: even, the rest is SQL
 * run on it with a plain connection (as anyone with sqlite3 could, safeguard
 * triggers, writable_schema and all); odd, the rest is (offset, byte) pairs
 * written into the file itself. */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir, *ward, *copy;
static unsigned char *image;    /* the valid database's bytes */
static size_t image_len;

static int day(const char *s)
{
    int d = 0;
    date_parse(s, &d);
    return d;
}

static void die(const char *what, char *err)
{
    fprintf(stderr, "fuzz_db: %s: %s\n", what, err ? err : "?");
    abort();
}

/* A small database with what each table can hold: two patients, a hip, a
 * record, its amendment and a void, a draft, an audit trail. */
static void make_db(const char *path)
{
    char *err = NULL;
    store *s = store_open(path, STORE_CREATE, &err);
    if (!s)
        die("open", err);
    st_patient p = {.mrn = "M1", .name = "Ann", .sex = 'F', .born = day("1960-01-02")};
    st_patient q = {.mrn = "M2", .name = "Bob", .sex = 'M', .born = day("1970-03-04")};
    if (store_patient_add(s, &p, &err) || store_patient_add(s, &q, &err))
        die("patient", err);
    st_hip h = {.side = 'L', .index_date = day("2025-01-01")};
    memcpy(h.patient, p.uuid, 37);
    if (store_hip_add(s, &h, &err))
        die("hip", err);
    const char *tps[] = {"baseline", "1m", "3m"};
    char first[37] = "";
    for (int i = 0; i < 3; i++) {
        st_record r = {0};
        memcpy(r.patient, p.uuid, 37);
        memcpy(r.hip, h.uuid, 37);
        r.timepoint = xstrdup(tps[i]);
        r.form = xstrdup("vas");
        r.form_version = 1;
        r.visit_date = day("2025-01-01") + 30 * i;
        st_record_answer(&r, "pain", "5.0");
        st_record_score(&r, "vas", 5);
        if (store_record_final(s, &r, &err))
            die("record", err);
        if (i == 0)
            memcpy(first, r.uuid, 37);
        st_record_free(&r);
    }
    st_record a = {0};
    memcpy(a.patient, p.uuid, 37);
    memcpy(a.hip, h.uuid, 37);
    a.timepoint = xstrdup("baseline");
    a.form = xstrdup("vas");
    a.form_version = 1;
    a.visit_date = day("2025-01-01");
    st_record_answer(&a, "pain", "4.0");
    st_record_score(&a, "vas", 4);
    if (store_record_amend(s, first, &a, "typo", &err))
        die("amend", err);
    st_record_free(&a);
    store_close(s);
    /* Everything into the main file, so a byte copy is the whole database. */
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE", NULL, NULL,
                 NULL);
    sqlite3_close(db);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("read", NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = xmalloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n)
        die("read", NULL);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void spit(const char *path, const unsigned char *b, size_t len)
{
    char *side = xasprintf("%s-wal", path);
    unlink(side);
    free(side);
    side = xasprintf("%s-shm", path);
    unlink(side);
    free(side);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, len, f) != len)
        die("write", NULL);
    fclose(f);
}

/* The scratch folder goes when the fuzzer exits. */
static void cleanup(void)
{
    const char *names[] = {"ward.db", "copy.db", "orig.db"};
    const char *sides[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 4; k++) {
            char *f = xasprintf("%s/%s%s", dir, names[i], sides[k]);
            unlink(f);
            free(f);
        }
    rmdir(dir);
}

static void setup(void)
{
    /* In memory where there is a tmpfs: every open and write syncs. */
    char tmpl[] = "/dev/shm/fuzz_db.XXXXXX";
    if (!mkdtemp(tmpl)) {
        memcpy(tmpl, "/tmp/fuzz_db.XXXXXX", sizeof "/tmp/fuzz_db.XXXXXX");
        if (!mkdtemp(tmpl))
            die("mkdtemp", NULL);
    }
    dir = xstrdup(tmpl);
    atexit(cleanup);
    ward = xasprintf("%s/ward.db", dir);
    copy = xasprintf("%s/copy.db", dir);
    char *orig = xasprintf("%s/orig.db", dir);
    make_db(orig);
    image = slurp(orig, &image_len);
    free(orig);
}

/* The fuzzed SQL may do anything to the copy, but nothing to other files. */
static int deny_outside(void *ctx, int op, const char *a, const char *b, const char *c,
                        const char *d)
{
    return op == SQLITE_ATTACH || op == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

static int stop(void *ctx)
{
    return ++*(int *)ctx > 2000;
}

static void apply_sql(const uint8_t *data, size_t size)
{
    char *sql = xstrndup((const char *)data, size);
    if (strcasestr(sql, "vacuum")) {   /* VACUUM INTO writes another file */
        free(sql);
        return;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(copy, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        int ticks = 0;
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
        sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 100000);
        sqlite3_set_authorizer(db, deny_outside, NULL);
        sqlite3_progress_handler(db, 1000, stop, &ticks);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_close(db);
    free(sql);
}

static void apply_bytes(const uint8_t *data, size_t size)
{
    unsigned char *b = xmalloc(image_len);
    memcpy(b, image, image_len);
    for (size_t i = 0; i + 3 <= size; i += 3) {
        size_t at = ((size_t)data[i] << 8 | data[i + 1]) % image_len;
        b[at] = data[i + 2];
    }
    spit(copy, b, image_len);
    free(b);
}

static void count_problem(void *ctx, const char *problem)
{
    (*(int *)ctx) += problem[0] != 0;
}

static int each_hip(void *ctx, const st_patient *p, const st_hip *h, const st_done *done,
                    int end_date)
{
    (*(int *)ctx) += h->side;
    return 0;
}

/* Read the copy the way the commands do. */
static void read_all(store *s)
{
    int problems = 0;
    store_check(s, count_problem, &problems);
    size_t n = 0;
    st_patient_row *rows = store_patient_list(s, NULL, "vas", "vas", 0, &n);
    for (size_t i = 0; i < n; i++) {
        size_t nr = 0, nh = 0, na = 0;
        st_record *r;
        (void)store_records_of(s, rows[i].p.uuid, 1, &r, &nr);
        store_records_free(r, nr);
        st_hip *h;
        (void)store_hips_of(s, rows[i].p.uuid, &h, &nh);
        store_hips_free(h, nh);
        st_audit_row *a;
        (void)store_history(s, rows[i].p.uuid, &a, &na);
        store_history_free(a, na);
    }
    store_patient_rows_free(rows, n);
    int sides = 0;
    st_end tha = {.form = "tha", .field = "date", .event = 1};
    st_ends ends = {.v = &tha, .n = 1};
    store_each_hip(s, NULL, &ends, each_hip, &sides);
    size_t nd = 0;
    st_draft_row *d;
    (void)store_drafts(s, &d, &nd);
    store_draft_rows_free(d, nd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir)
        setup();
    if (size < 1)
        return 0;
    spit(copy, image, image_len);
    if (data[0] & 1)
        apply_bytes(data + 1, size - 1);
    else
        apply_sql(data + 1, size - 1);
    char *err = NULL;
    store *s = store_open(copy, STORE_READONLY, &err);
    free(err);
    err = NULL;
    if (s) {
        read_all(s);
        store_close(s);
        spit(ward, image, image_len);
        store *w = store_open(ward, 0, &err);
        free(err);
        err = NULL;
        if (w) {
            st_merge_report rep;
            store_merge(w, copy, STORE_MERGE_DRY_RUN, &rep, &err);
            st_merge_report_free(&rep);
            free(err);
            store_close(w);
        }
    }
    return 0;
}
