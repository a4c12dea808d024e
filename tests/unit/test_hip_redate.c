/* test_hip_redate.c — moving a hip's index date (entry_hip_redate) decides
 * on the records inside the write transaction that moves it. A second
 * connection saves a record at the last moment it can: when the first one
 * starts its write transaction (caught with sqlite3_trace_v2). Had the
 * records been read before that, the record would slip by and the hip would
 * move under it; read inside, it is seen and the move is refused. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entry.h"
#include "store_internal.h"
#include "t.h"

#ifndef BEDSIDE_SRCDIR
#define BEDSIDE_SRCDIR "."
#endif

static app A;

static int day(const char *s)
{
    int d = -1;
    date_parse(s, &d);
    return d;
}

/* What the other session saves, and whether it did. */
typedef struct {
    store *other;
    const st_patient *p;
    const st_hip *h;
    int saved;
} race;

/* A VAS at 1 month for the hip, in window for its index date as stored. */
static int save_1m(race *r)
{
    st_record rec;
    memset(&rec, 0, sizeof rec);
    memcpy(rec.patient, r->p->uuid, 37);
    memcpy(rec.hip, r->h->uuid, 37);
    rec.side = r->h->side;
    rec.timepoint = xstrdup("1m");
    rec.form = xstrdup("vas");
    rec.form_version = 1;
    rec.visit_date = day("2026-02-09");
    st_record_answer(&rec, "pain", "5.0");
    st_record_score(&rec, "vas", 5.0);
    char *err = NULL;
    int rc = store_record_final(r->other, &rec, &err);
    if (rc != 0)
        printf("     the other session could not save: %s\n", err ? err : "?");
    free(err);
    st_record_free(&rec);
    return rc;
}

static int on_stmt(unsigned type, void *ctx, void *stmt, void *x)
{
    race *r = ctx;
    const char *sql = sqlite3_sql(stmt);
    if (type == SQLITE_TRACE_STMT && !r->saved && sql && strncmp(sql, "BEGIN", 5) == 0)
        r->saved = save_1m(r) == 0;
    return 0;
}

static void in_the_way(void *ctx, const st_record *r, const char *msg)
{
    (*(int *)ctx)++;
}

static void test_race(const char *path)
{
    char *err = NULL;
    st_patient p = {.mrn = "R1", .name = "Rae", .sex = 'F', .born = day("1970-01-01")};
    CHECK_INT(store_patient_add(A.db, &p, &err), 0);
    st_hip h = {.side = 'L', .index_date = day("2026-01-10")};
    memcpy(h.patient, p.uuid, 37);
    CHECK_INT(store_hip_add(A.db, &h, &err), 0);
    A.today = day("2026-06-15");

    race r = {.p = &p, .h = &h};
    r.other = store_open(path, 0, &err);
    CHECK(r.other != NULL);
    if (!r.other) {
        printf("     %s\n", err ? err : "?");
        free(err);
        return;
    }
    sqlite3_trace_v2(A.db->db, SQLITE_TRACE_STMT, on_stmt, &r);
    /* 2026-02-09 would be before the new index date 2026-03-01. */
    entry_error e;
    int problems = 0;
    int rc = entry_hip_redate(&A, &p, 'L', day("2026-03-01"), "typo on the paper form",
                              in_the_way, &problems, &e);
    sqlite3_trace_v2(A.db->db, 0, NULL, NULL);
    CHECK(r.saved);
    CHECK_INT(rc, ENTRY_REFUSED);
    CHECK_INT(problems, 1);
    CHECK(strstr(e.msg, "1 record would break the visit rules") != NULL);
    st_hip now;
    CHECK_INT(store_hip_get(A.db, p.uuid, 'L', &now), 0);
    CHECK_INT(now.index_date, day("2026-01-10"));
    st_hip_free(&now);

    /* Without the record in the way (voided), the same move goes through. */
    size_t n = 0;
    st_record *recs = store_records_of(A.db, p.uuid, 0, &n);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(entry_void(&A, &recs[0], "entered for the wrong date", &e), ENTRY_OK);
        CHECK_INT(entry_hip_redate(&A, &p, 'L', day("2026-03-01"), "typo on the paper form",
                                   NULL, NULL, &e), ENTRY_OK);
        CHECK_INT(store_hip_get(A.db, p.uuid, 'L', &now), 0);
        CHECK_INT(now.index_date, day("2026-03-01"));
        st_hip_free(&now);
    }
    store_records_free(recs, n);
    store_close(r.other);
}

int main(void)
{
    char dir[] = "/tmp/test_hip_redate.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *db = xasprintf("%s/r.db", dir);
    app_opts o = {.db = db, .config = BEDSIDE_SRCDIR "/config/bedside.yaml",
                  .forms = BEDSIDE_SRCDIR "/forms"};
    CHECK_INT(app_init(&A, &o, APP_DB_WRITE), 0);
    if (!A.db)
        return t_done();
    test_race(db);
    app_free(&A);
    char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);
    unlink(db);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    free(wal);
    free(shm);
    free(db);
    return t_done();
}
