/* test_store_merge.c — store_merge through the store API: a draft of ours
 * finalized in the copy, patients and hips registered on both sides, both
 * sides amending one record, dry run, idempotence, conflicts that change
 * nothing, and the files a merge must refuse. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "t.h"
#include "util.h"

static char dir[64];

static int day(const char *s)
{
    int d = -1;
    date_parse(s, &d);
    return d;
}

static int add_patient(store *s, const char *mrn, const char *name, st_patient *p)
{
    memset(p, 0, sizeof *p);
    p->mrn = xstrdup(mrn);
    p->name = xstrdup(name);
    p->sex = 'F';
    p->born = day("1960-01-01");
    char *err = NULL;
    int rc = store_patient_add(s, p, &err);
    free(err);
    return rc;
}

static int add_hip(store *s, const st_patient *p, char side, const char *index, st_hip *h)
{
    memset(h, 0, sizeof *h);
    memcpy(h->patient, p->uuid, 37);
    h->side = side;
    h->index_date = day(index);
    char *err = NULL;
    int rc = store_hip_add(s, h, &err);
    free(err);
    return rc;
}

static void key(st_record *r, const st_patient *p, const st_hip *h, const char *tp,
                const char *date)
{
    memset(r, 0, sizeof *r);
    memcpy(r->patient, p->uuid, 37);
    memcpy(r->hip, h->uuid, 37);
    r->timepoint = xstrdup(tp);
    r->form = xstrdup("vas");
    r->form_version = 1;
    r->visit_date = day(date);
}

/* A final vas record; its uuid in out (if not NULL). */
static int record(store *s, const st_patient *p, const st_hip *h, const char *tp,
                  const char *date, const char *pain, char out[37])
{
    st_record r;
    key(&r, p, h, tp, date);
    st_record_answer(&r, "pain", pain);
    st_record_score(&r, "vas", atof(pain));
    char *err = NULL;
    int rc = store_record_final(s, &r, &err);
    if (rc)
        printf("     record: %s\n", err);
    if (out)
        memcpy(out, r.uuid, 37);
    free(err);
    st_record_free(&r);
    return rc;
}

static int amend(store *s, const char *uuid, const char *pain, const char *reason)
{
    st_record r;
    memset(&r, 0, sizeof r);
    r.form_version = 1;
    r.visit_date = day("2026-01-05");
    st_record_answer(&r, "pain", pain);
    st_record_score(&r, "vas", atof(pain));
    char *err = NULL;
    int rc = store_record_amend(s, uuid, &r, reason, &err);
    if (rc)
        printf("     amend: %s\n", err);
    free(err);
    st_record_free(&r);
    return rc;
}

/* One number from the database, through a second connection. */
static long count(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    long v = -1;
    sqlite3_stmt *q = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static const char ROWS[] =
    "SELECT (SELECT count(*) FROM patients) * 1000000 + (SELECT count(*) FROM hips) * 10000 "
    "+ (SELECT count(*) FROM records) * 100 + (SELECT count(*) FROM audit)";

static int merge(store *s, const char *other, int flags, st_merge_report *rep, char **err)
{
    free(*err);
    *err = NULL;
    st_merge_report_free(rep);
    return store_merge(s, other, flags, rep, err);
}

static void on_problem(void *ctx, const char *problem)
{
    if (strstr(problem, "the same visit recorded twice"))
        ++*(int *)ctx;
}

static int any_line(char **v, int n, const char *needle)
{
    for (int i = 0; i < n; i++)
        if (strstr(v[i], needle))
            return 1;
    return 0;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_store_merge.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    char *main_path = xasprintf("%s/main.db", dir), *lap_path = xasprintf("%s/lap.db", dir);
    char *err = NULL;
    st_merge_report rep;
    memset(&rep, 0, sizeof rep);
    store *s = store_open(main_path, STORE_CREATE, &err);
    CHECK(s != NULL);

    st_patient p;
    st_hip h;
    CHECK_INT(add_patient(s, "M1", "Mia", &p), 0);
    CHECK_INT(add_hip(s, &p, 'L', "2026-01-05", &h), 0);
    char base[37];
    CHECK_INT(record(s, &p, &h, "baseline", "2026-01-05", "8", base), 0);
    /* A draft started here, copied with the file, finished on the laptop. */
    st_record d;
    key(&d, &p, &h, "1m", "2026-02-04");
    CHECK_INT(store_draft_open(s, &d, &err), 0);
    CHECK_INT(store_draft_answer(s, d.uuid, "pain", "6", &err), 0);
    CHECK_INT(store_backup(s, lap_path, &err), 0);

    store *lap = store_open(lap_path, 0, &err);
    CHECK(lap != NULL);
    st_record fin;
    key(&fin, &p, &h, "1m", "2026-02-04");
    st_record_answer(&fin, "pain", "5");
    st_record_score(&fin, "vas", 5);
    CHECK_INT(store_draft_finalize(lap, d.uuid, &fin, &err), 0);
    st_record_free(&fin);
    /* Both sides amend the baseline: a decision for a person. */
    CHECK_INT(amend(lap, base, "7", "laptop: re-asked"), 0);
    CHECK_INT(amend(s, base, "7.5", "server: re-asked"), 0);
    /* The same patient registered on both sides, and a hip on both. */
    st_patient p2, p2l;
    st_hip h2, h2l;
    CHECK_INT(add_patient(s, "M2", "Noor", &p2), 0);
    CHECK_INT(add_hip(s, &p2, 'R', "2026-03-01", &h2), 0);
    CHECK_INT(add_patient(lap, "M2", "Noor", &p2l), 0);
    CHECK_INT(add_hip(lap, &p2l, 'R', "2026-03-01", &h2l), 0);
    char lap_rec[37];
    CHECK_INT(record(lap, &p2l, &h2l, "baseline", "2026-03-01", "9", lap_rec), 0);
    store_close(lap);

    /* Dry run: the counts, and nothing saved. */
    long before = count(main_path, ROWS);
    CHECK_INT(merge(s, lap_path, STORE_MERGE_DRY_RUN, &rep, &err), 0);
    CHECK_INT(rep.added[ST_MERGE_RECORDS], 3);   /* finished draft, amendment, M2's record */
    CHECK_INT(rep.added[ST_MERGE_PATIENTS], 0);
    CHECK_INT(rep.mapped_patients, 1);
    CHECK_INT(rep.mapped_hips, 1);
    CHECK_INT(rep.drafts_finished, 1);
    CHECK_INT(count(main_path, ROWS), before);
    CHECK_INT(count(main_path, "SELECT count(*) FROM records WHERE status = 'draft'"), 1);

    /* The merge. */
    CHECK_INT(merge(s, lap_path, 0, &rep, &err), 0);
    CHECK_INT(rep.added[ST_MERGE_RECORDS], 3);
    CHECK_INT(rep.added[ST_MERGE_SCORES], 3);
    CHECK_INT(rep.present[ST_MERGE_RECORDS], 1);   /* the shared baseline */
    CHECK_INT(rep.added[ST_MERGE_HIPS], 0);
    CHECK_INT(rep.n_drafts, 0);
    CHECK_INT(rep.n_conflicts, 0);
    /* The baseline, amended on both sides: two current versions, and the
     * record changed twice. */
    CHECK_INT(rep.n_review, 2);
    CHECK(any_line(rep.review, rep.n_review, "MRN M1, left hip, vas at baseline is recorded twice"));
    CHECK(any_line(rep.review, rep.n_review, "was changed on both sides (amended by"));
    /* Our draft gave way to its final version, with a trace. */
    st_record got;
    CHECK_INT(store_record_get(s, d.uuid, &got), 0);
    CHECK(got.status == 'f' && got.current);
    CHECK_STR(st_record_get(&got, "pain"), "5");
    CHECK_INT(got.n_score, 1);
    st_record_free(&got);
    CHECK_INT(count(main_path, "SELECT count(*) FROM audit WHERE action = 'discard' AND "
                               "reason LIKE 'finished in %lap.db; its final version was merged'"),
              1);
    /* M2's laptop record hangs on our patient and hip. */
    CHECK_INT(store_record_get(s, lap_rec, &got), 0);
    CHECK_STR(got.patient, p2.uuid);
    CHECK_STR(got.hip, h2.uuid);
    st_record_free(&got);
    CHECK_INT(count(main_path, "SELECT count(*) FROM patients WHERE mrn = 'M2'"), 1);
    size_t n;
    st_audit_row *hist;
    CHECK_INT(store_history(s, p2.uuid, &hist, &n), 0);
    /* patient and hip on both sides, the laptop's record, the merge itself */
    CHECK_INT(n, 6);
    CHECK(n == 6 && strcmp(hist[5].action, "merge") == 0);
    store_history_free(hist, n);
    CHECK(count(main_path, "SELECT count(*) FROM audit WHERE action = 'merge' AND "
                           "detail ->> '$.records[1]' = '1' AND "
                           "length(detail ->> '$.sha256[1]') = 64") >= 1);
    /* store_check names the double too, for `bedside check`. */
    int doubles = 0;
    store_check(s, on_problem, &doubles);
    CHECK_INT(doubles, 1);

    /* Idempotent. */
    before = count(main_path, ROWS);
    CHECK_INT(merge(s, lap_path, 0, &rep, &err), 0);
    for (int k = 0; k < ST_MERGE_KINDS; k++)
        CHECK_INT(rep.added[k], 0);
    CHECK_INT(rep.drafts_finished, 0);
    CHECK_INT(count(main_path, ROWS), before);

    /* Conflicts: refused, all listed, nothing changed. */
    char *lap2 = xasprintf("%s/lap2.db", dir);
    CHECK_INT(store_backup(s, lap2, &err), 0);
    lap = store_open(lap2, 0, &err);
    st_patient p3, p3l, p4l;
    st_hip h3, h3l;
    CHECK_INT(add_patient(s, "M3", "Olga", &p3), 0);
    CHECK_INT(add_patient(lap, "M3", "Olgah", &p3l), 0);
    CHECK_INT(add_hip(s, &p, 'R', "2026-04-01", &h3), 0);
    CHECK_INT(add_hip(lap, &p, 'R', "2026-04-02", &h3l), 0);
    CHECK_INT(add_patient(lap, "M4", "Pia", &p4l), 0);
    /* A draft on the laptop too: conflicts still come first. */
    st_record d2;
    key(&d2, &p, &h, "3m", "2026-04-06");
    CHECK_INT(store_draft_open(lap, &d2, &err), 0);
    store_close(lap);
    before = count(main_path, ROWS);
    CHECK_INT(merge(s, lap2, 0, &rep, &err), -1);
    CHECK_INT(rep.n_conflicts, 2);
    CHECK(any_line(rep.conflicts, rep.n_conflicts, "MRN M3 is Olga (F, born 1960-01-01) here but "
                                                   "Olgah (F, born 1960-01-01) in "));
    CHECK(any_line(rep.conflicts, rep.n_conflicts,
                   "MRN M1, right hip: index date 2026-04-01 here but 2026-04-02 in "));
    CHECK(err && strstr(err, "2 conflicts"));
    CHECK_INT(count(main_path, ROWS), before);
    CHECK_INT(count(main_path, "SELECT count(*) FROM patients WHERE mrn = 'M4'"), 0);

    /* Drafts: refused unless skipped. */
    char *lap3 = xasprintf("%s/lap3.db", dir);
    CHECK_INT(store_backup(s, lap3, &err), 0);
    lap = store_open(lap3, 0, &err);
    st_patient p5l;
    CHECK_INT(add_patient(lap, "M5", "Quin", &p5l), 0);
    CHECK_INT(store_draft_open(lap, &d2, &err), 0);
    store_close(lap);
    CHECK_INT(merge(s, lap3, 0, &rep, &err), -1);
    CHECK_INT(rep.n_drafts, 1);
    CHECK(any_line(rep.drafts, rep.n_drafts, "MRN M1, left hip, vas at 3m, saved by "));
    CHECK(err && strstr(err, "--skip-drafts"));
    CHECK_INT(count(main_path, ROWS), before);
    CHECK_INT(merge(s, lap3, STORE_MERGE_SKIP_DRAFTS, &rep, &err), 0);
    CHECK_INT(rep.added[ST_MERGE_PATIENTS], 1);
    CHECK_INT(rep.n_drafts, 1);
    CHECK_INT(count(main_path, "SELECT count(*) FROM records WHERE status = 'draft'"), 0);

    /* Files a merge refuses. */
    CHECK_INT(merge(s, main_path, 0, &rep, &err), -1);
    CHECK(err && strstr(err, "this database itself"));
    char *missing = xasprintf("%s/none.db", dir);
    CHECK_INT(merge(s, missing, 0, &rep, &err), -1);
    CHECK(err && strstr(err, "none.db"));
    char *foreign = xasprintf("%s/foreign.db", dir);
    sqlite3 *fdb = NULL;
    sqlite3_open(foreign, &fdb);
    sqlite3_exec(fdb, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(fdb);
    CHECK_INT(merge(s, foreign, 0, &rep, &err), -1);
    CHECK(err && strstr(err, "not a bedside database"));
    CHECK_INT(store_begin(s, &err), 0);
    CHECK_INT(merge(s, lap_path, 0, &rep, &err), -1);
    store_rollback(s);
    /* After all this, a merge still works (the copy was detached). */
    CHECK_INT(merge(s, lap_path, 0, &rep, &err), 0);

    free(err);
    st_merge_report_free(&rep);
    st_record_free(&d);
    st_record_free(&d2);
    st_patient *ps[] = {&p, &p2, &p2l, &p3, &p3l, &p4l, &p5l};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        st_patient_free(ps[i]);
    st_hip *hs[] = {&h, &h2, &h2l, &h3, &h3l};
    for (size_t i = 0; i < sizeof hs / sizeof *hs; i++)
        st_hip_free(hs[i]);
    store_close(s);
    const char *files[] = {main_path, lap_path, lap2, lap3, foreign};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        unlink(files[i]);
        char *w = xasprintf("%s-wal", files[i]), *m = xasprintf("%s-shm", files[i]);
        unlink(w);
        unlink(m);
        free(w);
        free(m);
    }
    rmdir(dir);
    free(main_path);
    free(lap_path);
    free(lap2);
    free(lap3);
    free(missing);
    free(foreign);
    return t_done();
}
