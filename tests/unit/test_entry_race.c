/* test_entry_race.c — entry decides on other records inside the write
 * transaction of its change: moving a hip's index date (entry_hip_redate),
 * saving or amending a record (entry_save, entry_amend: an end of follow-up
 * before a recorded visit, a scheduled visit after an end). A second
 * connection saves a record at the last moment it can: when the first one
 * starts its write transaction (caught with sqlite3_trace_v2). Had the
 * records been read before that, the record would slip by; read inside, it
 * is seen and the change is refused. */
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

/* What the other session saves (a final record of the patient's left hip),
 * and whether it did. */
typedef struct {
    store *other;
    const st_patient *p;
    const st_hip *h;
    const char *form, *tp, *date;
    const char *const *kv;     /* answers: key, value, ..., NULL */
    int saved;
} race;

static int save_other(race *r)
{
    st_record rec;
    memset(&rec, 0, sizeof rec);
    memcpy(rec.patient, r->p->uuid, 37);
    memcpy(rec.hip, r->h->uuid, 37);
    rec.side = r->h->side;
    rec.timepoint = xstrdup(r->tp);
    rec.form = xstrdup(r->form);
    rec.form_version = 1;
    rec.visit_date = day(r->date);
    for (const char *const *kv = r->kv; kv[0]; kv += 2)
        st_record_answer(&rec, kv[0], kv[1]);
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
        r->saved = save_other(r) == 0;
    return 0;
}

static void arm(race *r)
{
    sqlite3_trace_v2(A.db->db, SQLITE_TRACE_STMT, on_stmt, r);
}

static void disarm(void)
{
    sqlite3_trace_v2(A.db->db, 0, NULL, NULL);
}

static const char *const vas_kv[] = {"pain", "5.0", NULL};
static const char *const end_kv[] = {"reason", "withdrawn", "date", "2026-03-01", NULL};

/* A patient (mrn) with a left hip treated on 2026-01-10. */
static void patient(const char *mrn, st_patient *p, st_hip *h)
{
    char *err = NULL;
    *p = (st_patient){.mrn = (char *)mrn, .name = "Rae", .sex = 'F', .born = day("1970-01-01")};
    CHECK_INT(store_patient_add(A.db, p, &err), 0);
    *h = (st_hip){.side = 'L', .index_date = day("2026-01-10")};
    memcpy(h->patient, p->uuid, 37);
    CHECK_INT(store_hip_add(A.db, h, &err), 0);
    free(err);
}

/* The other session's record for the next race, against p's hip h. */
static void other_saves(race *r, st_patient *p, st_hip *h, const char *form_id, const char *tp,
                        const char *date, const char *const *kv)
{
    *r = (race){.other = r->other, .p = p, .h = h, .form = form_id, .tp = tp, .date = date,
                .kv = kv};
}

static form_answers *answers(const form *f, const char *const *kv)
{
    form_answers *a = form_answers_new(f);
    char err[256];
    for (; kv[0]; kv += 2)
        CHECK_INT(form_answer_set(a, form_field_index(f, kv[0]), kv[1], err, sizeof err), 0);
    return a;
}

/* Save form_id at tp/date for mrn's left hip while the other session saves
 * r's record at the start of the write. */
static int save_racing(race *r, const char *mrn, const char *form_id, const char *tp,
                       const char *date, const char *const *kv, entry_error *e)
{
    entry_target t;
    st_record rec;
    memset(&rec, 0, sizeof rec);
    int rc = entry_resolve(&A, mrn, form_id, 'L', &t, e);
    if (rc == ENTRY_OK)
        rc = entry_set_visit(&A, &t, tp, day(date), 0, e);
    if (rc == ENTRY_OK) {
        form_answers *a = answers(t.f, kv);
        arm(r);
        rc = entry_save(&A, &t, a, NULL, &rec, e);
        disarm();
        form_answers_free(a);
    }
    st_record_free(&rec);
    entry_target_free(&t);
    return rc;
}

static size_t count_form(const st_patient *p, const char *form_id)
{
    size_t n = 0, k = 0;
    st_record *recs;
    CHECK_INT(store_records_of(A.db, p->uuid, 0, &recs, &n), 0);
    for (size_t i = 0; i < n; i++)
        k += strcmp(recs[i].form, form_id) == 0;
    store_records_free(recs, n);
    return k;
}

static void in_the_way(void *ctx, const st_record *r, const char *msg)
{
    (*(int *)ctx)++;
}

static void test_redate(race *r)
{
    st_patient p;
    st_hip h;
    patient("R1", &p, &h);
    other_saves(r, &p, &h, "vas", "1m", "2026-02-09", vas_kv);
    arm(r);
    /* 2026-02-09 would be before the new index date 2026-03-01. */
    entry_error e;
    int problems = 0;
    int rc = entry_hip_redate(&A, &p, 'L', day("2026-03-01"), "typo on the paper form",
                              in_the_way, &problems, &e);
    disarm();
    CHECK(r->saved);
    CHECK_INT(rc, ENTRY_REFUSED);
    CHECK_INT(problems, 1);
    CHECK(strstr(e.msg, "1 record would break the visit rules") != NULL);
    st_hip now;
    CHECK_INT(store_hip_get(A.db, p.uuid, 'L', &now), 0);
    CHECK_INT(now.index_date, day("2026-01-10"));
    st_hip_free(&now);

    /* Without the record in the way (voided), the same move goes through. */
    size_t n = 0;
    st_record *recs;
    CHECK_INT(store_records_of(A.db, p.uuid, 0, &recs, &n), 0);
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
    st_hip_free(&h);
}

/* An end of follow-up dated before a 3-month visit the other session saves. */
static void test_end_before_visit(race *r)
{
    st_patient p;
    st_hip h;
    patient("R2", &p, &h);
    other_saves(r, &p, &h, "vas", "3m", "2026-04-11", vas_kv);
    entry_error e;
    int rc = save_racing(r, "R2", "end_of_followup", NULL, "2026-03-01", end_kv, &e);
    CHECK(r->saved);
    CHECK_INT(rc, ENTRY_REFUSED);
    CHECK(strstr(e.msg, "2026-03-01 is before record") != NULL);
    CHECK(strstr(e.msg, "(vas, 3m, dated 2026-04-11)") != NULL);
    CHECK_INT(count_form(&p, "end_of_followup"), 0);
    st_hip_free(&h);
}

/* A 3-month visit while the other session ends the hip's follow-up before. */
static void test_visit_after_end(race *r)
{
    st_patient p;
    st_hip h;
    patient("R3", &p, &h);
    other_saves(r, &p, &h, "end_of_followup", TIMEPOINT_UNSCHEDULED, "2026-03-01", end_kv);
    entry_error e;
    int rc = save_racing(r, "R3", "vas", "3m", "2026-04-11", vas_kv, &e);
    CHECK(r->saved);
    CHECK_INT(rc, ENTRY_REFUSED);
    CHECK(strstr(e.msg, "follow-up ended on 2026-03-01") != NULL);
    CHECK_INT(count_form(&p, "vas"), 0);
    st_hip_free(&h);
}

/* Amending an end of follow-up to a date before a visit the other session
 * saves meanwhile. */
static void test_amend_end(race *r)
{
    st_patient p;
    st_hip h;
    patient("R4", &p, &h);
    entry_error e;
    static const char *const late[] = {"reason", "withdrawn", "date", "2026-05-20", NULL};
    race none = {.other = r->other, .p = &p, .h = &h, .saved = 1};
    CHECK_INT(save_racing(&none, "R4", "end_of_followup", NULL, "2026-05-20", late, &e),
              ENTRY_OK);
    size_t n = 0;
    st_record *recs;
    CHECK_INT(store_records_of(A.db, p.uuid, 0, &recs, &n), 0);
    CHECK_INT(n, 1);
    if (n == 1) {
        st_record old, nr;
        entry_target t;
        CHECK_INT(entry_open_record(&A, recs[0].uuid, "amend", &old, &t, &e), ENTRY_OK);
        form_answers *a = answers(t.f, end_kv);   /* the date moves to 2026-03-01 */
        other_saves(r, &p, &h, "vas", "3m", "2026-04-11", vas_kv);
        arm(r);
        int rc = entry_amend(&A, &t, &old, a, "date mistyped", &nr, &e);
        disarm();
        CHECK(r->saved);
        CHECK_INT(rc, ENTRY_REFUSED);
        CHECK(strstr(e.msg, "2026-03-01 is before record") != NULL);
        st_record_free(&nr);
        form_answers_free(a);
        st_record_free(&old);
        entry_target_free(&t);
    }
    store_records_free(recs, n);
    st_hip_free(&h);
}

int main(void)
{
    char dir[] = "/tmp/test_entry_race.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *db = xasprintf("%s/r.db", dir);
    app_opts o = {.db = db, .config = BEDSIDE_SRCDIR "/config/bedside.yaml",
                  .forms = BEDSIDE_SRCDIR "/forms"};
    CHECK_INT(app_init(&A, &o, APP_DB_WRITE), 0);
    if (!A.db)
        return t_done();
    A.today = day("2026-06-15");
    char *err = NULL;
    race r = {.other = store_open(db, 0, &err)};
    CHECK(r.other != NULL);
    if (r.other) {
        test_redate(&r);
        test_end_before_visit(&r);
        test_visit_after_end(&r);
        test_amend_end(&r);
        store_close(r.other);
    } else {
        printf("     %s\n", err ? err : "?");
    }
    free(err);
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
