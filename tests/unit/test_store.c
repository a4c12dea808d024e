/* test_store.c — the store's core against real SQLite files: opening and
 * recognising files, patients, hips, final records, duplicates, amendments,
 * voids, the per-patient and per-hip reads. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "store_internal.h"
#include "t.h"
#include "util.h"

static char dir[64];

static char *path_in(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static int day(const char *s)
{
    int d = -1;
    date_parse(s, &d);
    return d;
}

static store *open_new(const char *name)
{
    char *p = path_in(name);
    char *err = NULL;
    store *s = store_open(p, STORE_CREATE, &err);
    if (!s)
        printf("open %s: %s\n", p, err);
    free(err);
    free(p);
    return s;
}

static void add_patient(store *s, const char *mrn, const char *name, st_patient *p)
{
    memset(p, 0, sizeof *p);
    p->mrn = xstrdup(mrn);
    p->name = xstrdup(name);
    p->sex = 'F';
    p->born = day("1970-03-04");
    char *err = NULL;
    CHECK_INT(store_patient_add(s, p, &err), 0);
    if (err)
        printf("     %s\n", err);
    free(err);
}

static void add_hip(store *s, const char *patient, char side, const char *idx, st_hip *h)
{
    memset(h, 0, sizeof *h);
    memcpy(h->patient, patient, 37);
    h->side = side;
    h->index_date = day(idx);
    char *err = NULL;
    CHECK_INT(store_hip_add(s, h, &err), 0);
    free(err);
}

static void rec_init(st_record *r, const st_patient *p, const st_hip *h, const char *tp,
                     const char *form, const char *date)
{
    memset(r, 0, sizeof *r);
    memcpy(r->patient, p->uuid, 37);
    if (h)
        memcpy(r->hip, h->uuid, 37);
    r->timepoint = xstrdup(tp);
    r->form = xstrdup(form);
    r->form_version = 1;
    r->visit_date = day(date);
}

static void test_open_and_files(void)
{
    char *err = NULL;
    char *p = path_in("sub/dir/new.db");
    store *s = store_open(p, STORE_CREATE, &err);
    CHECK(s != NULL);
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0660);
    char *folder = path_in("sub/dir");
    CHECK(stat(folder, &st) == 0 && (st.st_mode & 0777) == 0770);
    free(folder);
    CHECK_STR(store_path(s), p);
    CHECK_INT(store_can_write(s, &err), 0);
    store_close(s);
    /* Reopening the same file works and keeps the data. */
    s = store_open(p, 0, &err);
    CHECK(s != NULL);
    store_close(s);

    /* Missing file without STORE_CREATE. */
    char *missing = path_in("missing.db");
    CHECK(store_open(missing, 0, &err) == NULL);
    CHECK(err && strstr(err, "missing.db"));
    free(err);
    err = NULL;
    free(missing);

    /* A text file. */
    char *txt = path_in("notes.txt");
    FILE *f = fopen(txt, "w");
    fputs("this is not a database, just some text that is long enough to fill a header "
          "of one hundred bytes and more, more, more.\n",
          f);
    fclose(f);
    CHECK(store_open(txt, STORE_CREATE, &err) == NULL);
    CHECK(err && strstr(err, "is not a bedside database") && strstr(err, "notes.txt"));
    free(err);
    err = NULL;
    free(txt);

    /* A directory. */
    CHECK(store_open(dir, 0, &err) == NULL);
    CHECK(err && strstr(err, "folder"));
    free(err);
    err = NULL;
    free(p);
}

static void test_patients(void)
{
    store *s = open_new("patients.db");
    st_patient a, b, got;
    add_patient(s, "100", "Ada Lovelace", &a);
    CHECK(a.uuid[0] != 0);
    add_patient(s, "200", "Bob", &b);

    char *err = NULL;
    st_patient dup = {.mrn = "100", .name = "Again", .sex = 'M', .born = day("1980-01-01")};
    CHECK_INT(store_patient_add(s, &dup, &err), -1);
    CHECK(err && strstr(err, "MRN 100 already exists"));
    free(err);
    err = NULL;
    st_patient future = {.mrn = "300", .name = "Future", .sex = 'M', .born = date_today() + 5};
    CHECK_INT(store_patient_add(s, &future, &err), -1);
    CHECK(err && strstr(err, "future"));
    free(err);
    err = NULL;
    st_patient badsex = {.mrn = "301", .name = "Z", .sex = 'Q', .born = day("1980-01-01")};
    CHECK_INT(store_patient_add(s, &badsex, &err), -1);
    free(err);
    err = NULL;
    st_patient ctl = {.mrn = "3\x1b[2J", .name = "Z", .sex = 'M', .born = day("1980-01-01")};
    CHECK_INT(store_patient_add(s, &ctl, &err), -1);
    CHECK(err && strstr(err, "control"));
    free(err);
    err = NULL;

    CHECK_INT(store_patient_get(s, "100", &got), 0);
    CHECK_STR(got.name, "Ada Lovelace");
    CHECK_INT(got.sex, 'F');
    CHECK_INT(got.born, day("1970-03-04"));
    CHECK_STR(got.uuid, a.uuid);
    st_patient_free(&got);
    CHECK_INT(store_patient_get(s, "999", &got), 1);
    CHECK_INT(store_patient_by_uuid(s, b.uuid, &got), 0);
    CHECK_STR(got.mrn, "200");
    st_patient_free(&got);

    /* Hips: one per side. */
    st_hip hl, hr, h2;
    add_hip(s, a.uuid, 'R', "2025-01-10", &hr);
    add_hip(s, a.uuid, 'L', "2025-02-10", &hl);
    memset(&h2, 0, sizeof h2);
    memcpy(h2.patient, a.uuid, 37);
    h2.side = 'L';
    h2.index_date = day("2025-03-01");
    CHECK_INT(store_hip_add(s, &h2, &err), -1);
    CHECK(err && strstr(err, "already has a left hip"));
    free(err);
    err = NULL;
    h2.side = 'R';
    memcpy(h2.patient, "no-such-patient", 16);
    CHECK_INT(store_hip_add(s, &h2, &err), -1);
    free(err);
    err = NULL;
    /* The hip's enrolment answers come with it: its current record at
     * the timepoint 'enrolment' (an amendment replaces them). */
    st_record en;
    rec_init(&en, &a, &hl, "enrolment", "hip_enrolment", "2024-12-01");
    en.status = 'f';
    st_record_answer(&en, "stage", "ii");
    st_record_answer(&en, "etiology", "idiopathic");
    CHECK_INT(store_record_final(s, &en, &err), 0);
    st_record en2;
    rec_init(&en2, &a, &hl, "enrolment", "hip_enrolment", "2024-12-01");
    en2.status = 'f';
    st_record_answer(&en2, "stage", "iia");
    CHECK_INT(store_record_amend(s, en.uuid, &en2, "MRI reread", &err), 0);
    st_record_free(&en);
    st_record_free(&en2);

    size_t n;
    st_hip *hips;
    CHECK_INT(store_hips_of(s, a.uuid, &hips, &n), 0);
    CHECK_INT(n, 2);
    CHECK_INT(hips[0].side, 'L');
    CHECK_INT(hips[1].side, 'R');
    CHECK_INT(hips[1].index_date, day("2025-01-10"));
    CHECK_STR(st_hip_answer(&hips[0], "stage"), "iia");
    CHECK(st_hip_answer(&hips[0], "etiology") == NULL);
    CHECK(st_hip_answer(&hips[1], "stage") == NULL);
    store_hips_free(hips, n);
    st_hip g;
    CHECK_INT(store_hip_get(s, a.uuid, 'L', &g), 0);
    CHECK_STR(g.uuid, hl.uuid);
    st_hip_free(&g);
    CHECK_INT(store_hip_get(s, b.uuid, 'L', &g), 1);

    /* The patient list: search, sides, limit. */
    st_patient_row *rows = store_patient_list(s, NULL, NULL, NULL, 0, &n);
    CHECK_INT(n, 2);
    CHECK_STR(rows[0].p.mrn, "100");
    CHECK_STR(rows[0].sides, "LR");
    CHECK_STR(rows[1].sides, "");
    store_patient_rows_free(rows, n);
    rows = store_patient_list(s, "lovE", NULL, NULL, 0, &n);
    CHECK_INT(n, 1);
    store_patient_rows_free(rows, n);
    rows = store_patient_list(s, "%", NULL, NULL, 0, &n);   /* literal %, not a wildcard */
    CHECK_INT(n, 0);
    store_patient_rows_free(rows, n);
    rows = store_patient_list(s, "", NULL, NULL, 1, &n);
    CHECK_INT(n, 1);
    store_patient_rows_free(rows, n);

    st_patient_free(&a);
    st_patient_free(&b);
    st_hip_free(&hl);
    st_hip_free(&hr);
    store_close(s);
}

static int count_cb(void *ctx, const char *mrn, const st_record *r)
{
    (void)mrn;
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

typedef struct {
    int hips, done_left, end_left;
    char sides[8];
} hip_ctx;

static int hip_cb(void *ctx, const st_patient *p, const st_hip *h, const st_done *done, int end)
{
    hip_ctx *c = ctx;
    (void)p;
    c->sides[c->hips++] = h->side;
    if (h->side == 'L') {
        c->done_left = done->n;
        c->end_left = end;
    }
    return 0;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Everything a store_hip_fn is given, as text: side, end, done (tp/form,
 * sorted: the done-list is a set, st_done_has). */
static int sig_cb(void *ctx, const st_patient *p, const st_hip *h, const st_done *done, int end)
{
    sbuf *b = ctx;
    sbuf_printf(b, "%s %c end %d:", p->mrn, h->side, end);
    char **item = xcalloc((size_t)done->n + 1, sizeof *item);
    for (int i = 0; i < done->n; i++)
        item[i] = xasprintf("%s/%s", done->tp[i], done->form[i]);
    qsort(item, (size_t)done->n, sizeof *item, by_text);
    for (int i = 0; i < done->n; i++) {
        sbuf_printf(b, " %s", item[i]);
        free(item[i]);
    }
    free(item);
    sbuf_addc(b, '\n');
    return 0;
}

/* store_each_hip_in, on hips and records already read, gives what
 * store_each_hip gives (the done-lists, and the end dates read with the
 * records by the same rule, ST_END_DATE). */
static void check_each_hip_in(store *s, const st_patient *p, const st_ends *ends)
{
    sbuf want = {0}, got = {0};
    CHECK_INT(store_each_hip(s, p->mrn, ends, sig_cb, &want), 0);
    size_t n, n_rec;
    st_hip *hips;
    CHECK_INT(store_hips_of(s, p->uuid, &hips, &n), 0);
    st_record *rec = NULL;
    CHECK_INT(store_records_ended(s, p->uuid, ends, &rec, &n_rec), 0);
    CHECK_INT(store_each_hip_in(p, hips, n, rec, n_rec, sig_cb, &got), 0);
    CHECK(want.s != NULL);
    CHECK_STR(got.s, want.s);
    /* An observed hip has no schedule: left out. */
    sbuf_free(&got);
    for (size_t i = 0; i < n; i++)
        hips[i].observed = hips[i].side == 'R';
    CHECK_INT(store_each_hip_in(p, hips, n, rec, n_rec, sig_cb, &got), 0);
    CHECK(got.s && !strstr(got.s, " R end"));
    CHECK(got.s && strstr(got.s, " L end"));
    store_records_free(rec, n_rec);
    store_hips_free(hips, n);
    sbuf_free(&want);
    sbuf_free(&got);
}

static void test_records(void)
{
    store *s = open_new("records.db");
    st_patient p;
    st_hip hl, hr;
    add_patient(s, "A1", "Ann", &p);
    add_hip(s, p.uuid, 'L', "2025-01-01", &hl);
    add_hip(s, p.uuid, 'R', "2025-01-01", &hr);
    char *err = NULL;

    st_record r;
    rec_init(&r, &p, &hl, "3m", "hhs", "2025-04-01");
    st_record_answer(&r, "pain", "30");
    st_record_answer(&r, "note", "say \"hi\"\n\\ok");
    st_record_score(&r, "total", 71.5);
    CHECK_INT(store_record_final(s, &r, &err), 0);
    CHECK(r.uuid[0] != 0);
    CHECK_STR(r.entered_by, util_login());
    char first[37];
    memcpy(first, r.uuid, 37);
    st_record_free(&r);

    /* The same visit again is refused, naming the record. */
    rec_init(&r, &p, &hl, "3m", "hhs", "2025-04-02");
    st_record_answer(&r, "pain", "20");
    CHECK_INT(store_record_final(s, &r, &err), -1);
    CHECK(err && strstr(err, "hhs at 3m for the left hip is already recorded"));
    char short_id[9];
    snprintf(short_id, sizeof short_id, "%.8s", first);
    CHECK(err && strstr(err, short_id) && strstr(err, "2025-04-01"));
    free(err);
    err = NULL;
    /* The other hip and unscheduled visits are fine. */
    memcpy(r.hip, hr.uuid, 37);
    CHECK_INT(store_record_final(s, &r, &err), 0);
    st_record_free(&r);
    for (int i = 0; i < 2; i++) {
        rec_init(&r, &p, &hl, TIMEPOINT_UNSCHEDULED, "hhs", "2025-05-01");
        CHECK_INT(store_record_final(s, &r, &err), 0);
        st_record_free(&r);
    }
    /* A patient-scope record, and a hip of another patient refused. */
    rec_init(&r, &p, NULL, "24m", "satisfaction", "2027-01-01");
    st_record_answer(&r, "happy", "yes");
    CHECK_INT(store_record_final(s, &r, &err), 0);
    st_record_free(&r);
    rec_init(&r, &p, NULL, "24m", "satisfaction", "2027-01-02");
    CHECK_INT(store_record_final(s, &r, &err), -1);
    CHECK(err && strstr(err, "satisfaction at 24m is already recorded"));
    free(err);
    err = NULL;
    st_record_free(&r);
    st_patient q;
    st_hip qh;
    add_patient(s, "B2", "Ben", &q);
    add_hip(s, q.uuid, 'L', "2025-01-01", &qh);
    rec_init(&r, &p, &qh, "1m", "vas", "2025-02-01");
    CHECK_INT(store_record_final(s, &r, &err), -1);
    CHECK(err && strstr(err, "not a hip of patient"));
    free(err);
    err = NULL;
    st_record_free(&r);

    /* Reading back: answers with quotes survive the JSON. */
    st_record got;
    CHECK_INT(store_record_get(s, first, &got), 0);
    CHECK_STR(st_record_get(&got, "note"), "say \"hi\"\n\\ok");
    CHECK_STR(st_record_get(&got, "pain"), "30");
    CHECK_INT(got.n_score, 1);
    CHECK_NEAR(got.score_val[0], 71.5);
    CHECK_INT(got.side, 'L');
    CHECK_INT(got.status, 'f');
    CHECK(got.current && !got.amended);
    st_record_free(&got);
    CHECK_INT(store_record_get(s, short_id, &got), 0);
    st_record_free(&got);
    CHECK_INT(store_record_lookup(s, "abc", &got, &err), -1);
    free(err);
    err = NULL;
    CHECK_INT(store_record_lookup(s, "ffffffff", &got, &err), 1);
    CHECK(err && strstr(err, "no record"));
    free(err);
    err = NULL;

    /* Amend: a new row; the old one stays, no longer current. */
    rec_init(&r, &p, &hl, "3m", "hhs", "2025-04-01");
    st_record_answer(&r, "pain", "40");
    st_record_score(&r, "total", 81.5);
    CHECK_INT(store_record_amend(s, first, &r, "", &err), -1);
    free(err);
    err = NULL;
    CHECK_INT(store_record_amend(s, short_id, &r, "typo in pain", &err), 0);
    char amended[37];
    memcpy(amended, r.uuid, 37);
    CHECK_STR(r.supersedes, first);
    st_record_free(&r);
    CHECK_INT(store_record_get(s, first, &got), 0);
    CHECK(!got.current);
    st_record_free(&got);
    CHECK_INT(store_record_current(s, p.uuid, hl.uuid, "3m", "hhs", &got), 0);
    CHECK_STR(got.uuid, amended);
    CHECK(got.amended);
    CHECK_STR(st_record_get(&got, "pain"), "40");
    CHECK_STR(st_record_get(&got, "note"), NULL);
    CHECK_STR(got.reason, "typo in pain");
    st_record_free(&got);
    /* Amending the old version again is refused, naming the current one. */
    rec_init(&r, &p, &hl, "3m", "hhs", "2025-04-01");
    CHECK_INT(store_record_amend(s, first, &r, "again", &err), -1);
    CHECK(err && strstr(err, "already amended"));
    free(err);
    err = NULL;
    st_record_free(&r);
    /* An amendment that changes nothing is refused. */
    rec_init(&r, &p, &hl, "3m", "hhs", "2025-04-01");
    st_record_answer(&r, "pain", "40");
    CHECK_INT(store_record_amend(s, amended, &r, "same", &err), -1);
    CHECK(err && strstr(err, "changes nothing"));
    free(err);
    err = NULL;
    st_record_free(&r);

    /* Void: needs a reason; afterwards nothing current for the key, and a
     * new record may be entered. */
    CHECK_INT(store_record_void(s, amended, NULL, &err), -1);
    free(err);
    err = NULL;
    CHECK_INT(store_record_void(s, amended, "wrong patient", &err), 0);
    CHECK_INT(store_record_current(s, p.uuid, hl.uuid, "3m", "hhs", &got), 1);
    CHECK_INT(store_record_void(s, amended, "twice", &err), -1);
    CHECK(err && strstr(err, "voided"));
    free(err);
    err = NULL;
    rec_init(&r, &p, &hl, "3m", "hhs", "2025-04-03");
    CHECK_INT(store_record_final(s, &r, &err), 0);
    st_record_free(&r);

    size_t n;
    st_record *all;
    CHECK_INT(store_records_of(s, p.uuid, 1, &all, &n), 0);
    CHECK_INT(n, 8);   /* 2 + 2 unscheduled + satisfaction + amend + void + new */
    CHECK_INT(all[0].side, 0);   /* patient scope first */
    store_records_free(all, n);
    CHECK_INT(store_records_of(s, p.uuid, 0, &all, &n), 0);
    CHECK_INT(n, 5);
    int in_order = 1;
    for (size_t i = 1; i < n; i++)
        if (all[i].side < all[i - 1].side ||
            (all[i].side == all[i - 1].side && all[i].visit_date < all[i - 1].visit_date))
            in_order = 0;
    CHECK(in_order);
    store_records_free(all, n);

    int count = 0;
    CHECK_INT(store_each_current(s, NULL, count_cb, &count), 0);
    CHECK_INT(count, 5);
    count = 0;
    CHECK_INT(store_each_current(s, "satisfaction", count_cb, &count), 0);
    CHECK_INT(count, 1);

    /* each_hip: the left hip sees its own finals and the patient's. */
    rec_init(&r, &p, &hl, "6m", "tha", "2025-07-01");
    st_record_answer(&r, "date", "2025-06-20");
    CHECK_INT(store_record_final(s, &r, &err), 0);
    st_record_free(&r);
    hip_ctx hc = {0};
    st_end end_v[2] = {{"other", "when", 0, 0}, {"tha", "date", 1, 0}};
    st_ends ends = {end_v, 2};
    CHECK_INT(store_each_hip(s, NULL, &ends, hip_cb, &hc), 0);
    CHECK_INT(hc.hips, 3);
    CHECK_STR(hc.sides, "LRL");
    CHECK_INT(hc.done_left, 0);   /* the last L is B2's: nothing */
    memset(&hc, 0, sizeof hc);
    CHECK_INT(store_each_hip(s, "A1", &ends, hip_cb, &hc), 0);
    CHECK_INT(hc.hips, 2);
    /* 3m new + 2 unscheduled + tha + satisfaction */
    CHECK_INT(hc.done_left, 5);
    CHECK_INT(hc.end_left, day("2025-06-20"));
    memset(&hc, 0, sizeof hc);
    CHECK_INT(store_each_hip(s, "A1", NULL, hip_cb, &hc), 0);
    CHECK_INT(hc.end_left, -1);
    check_each_hip_in(s, &p, &ends);
    check_each_hip_in(s, &p, NULL);

    st_patient_free(&p);
    st_patient_free(&q);
    st_hip_free(&hl);
    st_hip_free(&hr);
    st_hip_free(&qh);
    store_close(s);
}

/* A bulk fill (the demo cohort) derives once, in its last batch: the commits
 * between batches leave the patients queued. Derived at every commit, a
 * batch of more than a few hundred patients recomputed the whole file's
 * next-due rows, so the demo grew with the square of its size. */
typedef struct {
    int calls;
    long first_pending;
} derive_seen;

static int count_derive(void *ctx, store *s, char **err)
{
    derive_seen *d = ctx;
    if (d->calls++ == 0)
        d->first_pending = store_due_pending_count(s);
    return store_due_clear_pending(s, err);
}

static void test_bulk_derive(void)
{
    int last = 0;
    store *s = open_new("bulk.db");
    if (!s)
        return;
    derive_seen d = {0, -1};
    store_set_derive(s, count_derive, &d);
    char *err = NULL;
    CHECK_INT(store_begin(s, &err), 0);
    CHECK_INT(store_bulk_start(s, 3, &err), 0);
    st_patient p[3];
    st_hip h[3];
    char mrn[8];
    int committed = 0;
    for (int i = 0; i < 3; i++) {
        snprintf(mrn, sizeof mrn, "B%d", i);
        add_patient(s, mrn, "Bulk Patient", &p[i]);
        add_hip(s, p[i].uuid, 'L', "2025-01-10", &h[i]);
        CHECK_INT(store_commit_next(s, &committed, &err), 0);   /* a batch a patient */
        CHECK_INT(committed, 1);
    }
    CHECK_INT(d.calls, 0);   /* no derive between batches */
    CHECK_INT(store_due_pending_count(s), 3);
    CHECK_INT(store_bulk_finish(s, &last, &err), 0);
    CHECK_INT(d.calls, 1);   /* once, with every patient of every batch queued */
    CHECK_INT(d.first_pending, 3);
    CHECK_INT(store_commit(s, &err), 0);
    CHECK_INT(store_due_pending_count(s), 0);
    if (err)
        printf("     %s\n", err);
    free(err);
    for (int i = 0; i < 3; i++) {
        st_patient_free(&p[i]);
        st_hip_free(&h[i]);
    }
    store_close(s);
}

static void db_text(store *s, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *q = NULL;
    out[0] = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
}

/* The first column of sql's first row on the file at path, opened by SQLite
 * itself, read-only (the store refuses a file left incomplete); "" if none. */
static void file_text(const char *path, const char *sql, char *out, size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    out[0] = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* A bulk fill of `n` patients, `batch` a batch, into the store at `p`;
 * *saved (if not NULL) receives the patients it says it committed, as
 * demo.c counts them. */
static int bulk_fill_saved(const char *p, int n, int batch, int stop_in_last, int *saved)
{
    int last = 0, done = 0;
    char *err = NULL;
    store *s = store_open(p, 0, &err);
    if (!s) {
        printf("     %s\n", err);
        free(err);
        return -1;
    }
    int committed = 0, rc = store_begin(s, &err) == 0 && store_bulk_start(s, n, &err) == 0 ? 0 : -1;
    char mrn[16];
    for (int i = 1; i <= n && rc == 0; i++) {
        st_patient pt;
        st_hip h;
        snprintf(mrn, sizeof mrn, "F%04d", i);
        add_patient(s, mrn, "Bulk Patient", &pt);
        add_hip(s, pt.uuid, 'L', "2025-01-10", &h);
        st_patient_free(&pt);
        st_hip_free(&h);
        if (i % batch == 0 && i < n) {
            rc = store_commit_next(s, &committed, &err);
            done = committed ? i : done;
        }
        if (stop_in_last && i == n - 1)
            rc = -1;
    }
    if (rc == 0)
        rc = store_bulk_finish(s, &last, &err) == 0 && store_commit(s, &err) == 0 ? 0 : -1;
    if (rc < 0)
        store_rollback(s);
    if (saved)
        *saved = rc == 0 || last ? n : done;
    free(err);
    store_close(s);
    return rc;
}

static int bulk_fill(const char *p, int n, int batch, int stop_in_last)
{
    return bulk_fill_saved(p, n, batch, stop_in_last, NULL);
}

/* A fill of more than one batch runs its batches after the first in
 * journal_mode OFF (store_bulk.c): the file ends in WAL, and a fill stopped
 * in the middle of a batch (Ctrl-C) keeps the batches before it whole. */
static void test_bulk_unjournalled(void)
{
    int last = 0;
    store *s = open_new("unjournalled.db");
    if (!s)
        return;
    char *err = NULL, mode[16];
    int committed = 0;
    CHECK_INT(store_begin(s, &err), 0);
    CHECK_INT(store_bulk_start(s, 6, &err), 0);
    db_text(s, "PRAGMA journal_mode", mode, sizeof mode);
    CHECK_STR(mode, "wal");   /* the first batch: as a single-batch fill */
    st_patient p;
    add_patient(s, "U1", "Bulk Patient", &p);
    st_patient_free(&p);
    CHECK_INT(store_commit_next(s, &committed, &err), 0);
    db_text(s, "PRAGMA journal_mode", mode, sizeof mode);
    CHECK_STR(mode, "off");
    db_text(s, "PRAGMA synchronous", mode, sizeof mode);
    CHECK_STR(mode, "0");
    add_patient(s, "U2", "Bulk Patient", &p);
    st_patient_free(&p);
    CHECK_INT(store_bulk_finish(s, &last, &err), 0);
    CHECK_INT(last, 1);   /* committed unjournalled, before the switch back */
    CHECK_INT(store_commit(s, &err), 0);
    db_text(s, "PRAGMA journal_mode", mode, sizeof mode);
    CHECK_STR(mode, "wal");
    db_text(s, "PRAGMA synchronous", mode, sizeof mode);
    CHECK_STR(mode, "2");
    db_text(s, "SELECT count(*) FROM patients", mode, sizeof mode);
    CHECK_STR(mode, "2");
    store_close(s);

    /* Stopped in the last batch: the batches before it, the file refused. */
    s = open_new("unjournalled-stop.db");
    if (!s)
        return;
    store_close(s);
    char *path = path_in("unjournalled-stop.db");
    CHECK_INT(bulk_fill(path, 12, 3, 1), -1);
    char got[64];
    file_text(path,
              "SELECT (SELECT count(*) FROM patients) || ' ' || "
              "(SELECT journal_mode FROM pragma_journal_mode) || ' ' || "
              "(SELECT integrity_check FROM pragma_integrity_check)",
              got, sizeof got);
    CHECK_STR(got, "9 wal ok");
    s = store_open(path, 0, &err);
    CHECK(s == NULL && err && strstr(err, "incomplete demo"));
    store_close(s);
    free(err);
    free(path);
}

/* kill -9 at any write of a bulk fill (the database's or its WAL's): a
 * child process fills the file through a VFS that kills it at its k-th
 * write, for k spread over every write of the fill. Unjournalled, a batch
 * killed while its commit writes leaves a torn file; marked as being
 * filled since the first batch, it is refused, as every file left by a
 * killed fill: what opens is the empty database of before or the whole
 * cohort. */
static sqlite3_vfs crash_vfs, *crash_real;
static sqlite3_io_methods crash_methods[2];   /* the database's, the WAL's */
static const sqlite3_io_methods *crash_orig[2];
static long crash_writes, crash_at;
static int crash_ioerr;   /* fail the write instead of killing */

static int crash_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (++crash_writes == crash_at && crash_ioerr)
        return SQLITE_IOERR_WRITE;
    if (crash_writes == crash_at)
        kill(getpid(), SIGKILL);
    return crash_orig[f->pMethods == &crash_methods[1]]->xWrite(f, buf, n, off);
}

static int crash_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    int rc = crash_real->xOpen(crash_real, name, f, flags, out);
    int i = (flags & SQLITE_OPEN_WAL) != 0;
    if (rc == SQLITE_OK && f->pMethods && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) &&
        (!crash_orig[i] || crash_orig[i] == f->pMethods)) {
        crash_orig[i] = f->pMethods;
        crash_methods[i] = *f->pMethods;
        crash_methods[i].xWrite = crash_write;
        f->pMethods = &crash_methods[i];
    }
    return rc;
}

/* path as open_new leaves it: an empty bedside database, no WAL. */
static void fresh_file(const char *path)
{
    char *side = xasprintf("%s-wal", path);
    unlink(path);
    unlink(side);
    free(side);
    store_close(open_new("kill9.db"));
}

static void test_bulk_kill9(void)
{
    crash_real = sqlite3_vfs_find(NULL);
    crash_vfs = *crash_real;
    crash_vfs.zName = "crash";
    crash_vfs.xOpen = crash_open;
    CHECK_INT(sqlite3_vfs_register(&crash_vfs, 1), SQLITE_OK);
    char *path = path_in("kill9.db");
    enum { N = 40, BATCH = 8 };
    /* Every write of a whole fill, counted. */
    fresh_file(path);
    crash_writes = 0;
    CHECK_INT(bulk_fill(path, N, BATCH, 0), 0);
    long total = crash_writes;
    CHECK(total > 50);
    int killed = 0, refused = 0, empty = 0, whole = 0;
    for (long k = 1; k <= total + 1; k += 1 + total / 80) {
        fresh_file(path);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            crash_writes = 0;
            crash_at = k;
            _exit(bulk_fill(path, N, BATCH, 0) == 0 ? 0 : 1);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        killed += WIFSIGNALED(st);
        CHECK(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 0));
        char *err = NULL, n[16] = "", ok[16] = "";
        store *s = store_open(path, 0, &err);
        if (!s) {
            refused++;
            if (getenv("T_VERBOSE"))
                printf("     k=%ld: %s\n", k, err);
        } else {
            db_text(s, "SELECT count(*) FROM patients", n, sizeof n);
            db_text(s, "PRAGMA integrity_check", ok, sizeof ok);
            CHECK_STR(ok, "ok");
            if (strcmp(n, "0") == 0)
                empty++;
            else if (strcmp(n, "40") == 0)
                whole++;
            else
                printf("FAIL: a fill killed at write %ld of %ld opens with %s patients\n", k,
                       total, n), t_fail++;
        }
        store_close(s);
        free(err);
    }
    printf("     kill -9 of a fill at %d of its %ld writes: %d refused, %d empty, %d whole\n",
           killed, total, refused, empty, whole);
    CHECK(killed > 0 && refused > 0 && whole > 0);

    /* A write that fails instead, at each write in turn: a file left sound
     * holds exactly the patients the fill says it saved (demo.c tells the
     * user so), the last batch's included when it was committed before
     * the switch back to WAL failed. */
    int sound = 0, all = 0;
    for (long k = 1; k <= total; k++) {
        /* Every write of the last sixth (the last batch's commit, the switch
         * back to WAL, the completing transaction), every tenth before. */
        if (k < total - total / 6 && k % 10 != 0)
            continue;
        fresh_file(path);
        int saved = -1;
        crash_writes = 0;
        crash_at = k;
        crash_ioerr = 1;
        int rc = bulk_fill_saved(path, N, BATCH, 0, &saved);
        crash_at = 0;
        crash_ioerr = 0;
        char got[64];
        file_text(path,
                  "SELECT (SELECT count(*) FROM patients) || ' ' || "
                  "(SELECT integrity_check FROM pragma_integrity_check)",
                  got, sizeof got);
        int held = -1;
        char ok[16] = "";
        if (sscanf(got, "%d %15s", &held, ok) != 2 || strcmp(ok, "ok") != 0)
            continue;   /* torn by the failed write: refused, as above */
        sound++;
        all += rc != 0 && saved == N;
        if (held != saved)
            printf("FAIL: a fill whose write %ld of %ld failed says it saved %d; the file holds "
                   "%d\n", k, total, saved, held), t_fail++;
    }
    printf("     a failed write at one of %ld: %d files sound, %d with every patient though "
           "the fill failed\n", total, sound, all);
    CHECK(sound > 0 && all > 0);
    sqlite3_vfs_unregister(&crash_vfs);
    free(path);
}

static long cache_kib(store *s)
{
    sqlite3_stmt *q = NULL;
    long v = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA cache_size", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = -(long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* A bulk fill's batches keep a page cache sized for its cohort (1.5 GiB
 * for 100,000 patients, 256 MiB to 2 GiB), so that the b-trees every save inserts into
 * at a random place stay in memory (100,000 patients: 1.1 GB of them); any
 * other batch keeps 256 MiB, and a commit goes back to the 16 MiB of a
 * command. */
static void test_bulk_cache(void)
{
    int last = 0;
    CHECK_INT(st_bulk_cache_kib(1000), 262144);
    CHECK_INT(st_bulk_cache_kib(16666), 262144);
    CHECK_INT(st_bulk_cache_kib(20000), 314572);
    CHECK_INT(st_bulk_cache_kib(100000), 1572864);
    CHECK_INT(st_bulk_cache_kib(1000000), 2097152);
    store *s = open_new("bulk-cache.db");
    if (!s)
        return;
    char *err = NULL;
    int committed = 0;
    CHECK_INT(cache_kib(s), 16384);
    CHECK_INT(store_begin(s, &err), 0);
    CHECK_INT(cache_kib(s), 262144);
    CHECK_INT(store_bulk_start(s, 100000, &err), 0);
    CHECK_INT(cache_kib(s), 1572864);
    CHECK_INT(store_commit_next(s, &committed, &err), 0);
    CHECK_INT(committed, 1);
    CHECK_INT(cache_kib(s), 1572864);   /* every batch of the fill */
    CHECK_INT(store_bulk_finish(s, &last, &err), 0);
    CHECK_INT(store_commit(s, &err), 0);
    CHECK_INT(cache_kib(s), 16384);
    CHECK_INT(store_begin(s, &err), 0);  /* a batch after the fill: 256 MiB again */
    CHECK_INT(cache_kib(s), 262144);
    store_rollback(s);
    CHECK_INT(cache_kib(s), 16384);
    if (err)
        printf("     %s\n", err);
    free(err);
    store_close(s);
}

/* SQLite's allocator (store_mem.c), driven as SQLite drives it: blocks of
 * every size, each filled with its own byte, freed and grown in a random
 * order; no block may lose its bytes to another. */
static void test_mem(void)
{
    const sqlite3_mem_methods *m = st_mem_methods();
    enum { N = 3000 };
    static unsigned char *p[N];
    static int len[N];
    unsigned seed = 7;
    int bad_size = 0, bad_align = 0, bad_round = 0, bad_bytes = 0;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            int n = 1 + (int)((seed >> 8) % (i % 3 ? 520 : 3000));
            int fresh = 1;
            if (p[i]) {
                if (seed & 0x10000) {   /* grow or shrink, keeping what fits */
                    fresh = 0;
                    unsigned char *q = m->xRealloc(p[i], n);
                    for (int k = 0; k < (n < len[i] ? n : len[i]); k++)
                        bad_bytes += q[k] != (unsigned char)i;
                    p[i] = q;
                } else {
                    m->xFree(p[i]);
                    p[i] = m->xMalloc(n);
                }
            } else {
                p[i] = m->xMalloc(n);
            }
            len[i] = n;
            bad_size += m->xSize(p[i]) < n;
            bad_round += fresh && m->xRoundup(n) != m->xSize(p[i]);   /* as SQLite assumes */
            bad_align += ((uintptr_t)p[i] & 7) != 0;
            memset(p[i], i & 0xff, (size_t)n);
        }
        for (int i = 0; i < N; i++)   /* every block still holds its own bytes */
            for (int k = 0; k < len[i]; k++)
                bad_bytes += p[i][k] != (unsigned char)i;
    }
    CHECK_INT(bad_size, 0);
    CHECK_INT(bad_round, 0);
    CHECK_INT(bad_align, 0);
    CHECK_INT(bad_bytes, 0);
    /* A small block freed is the next one of its size (its list is used);
     * a size between two lists gets the larger one. */
    void *a = m->xMalloc(100);
    m->xFree(a);
    CHECK(m->xMalloc(97) == a);
    CHECK_INT(m->xRoundup(100), 104);
    CHECK_INT(m->xRoundup(105), 120);
    CHECK_INT(m->xRoundup(1), 8);
    CHECK_INT(m->xRoundup(504), 504);
    CHECK_INT(m->xRoundup(505), 512);   /* beyond the lists: malloc's, 8-byte rounded */
    void *big = m->xMalloc(5000);
    CHECK_INT(m->xSize(big), 5000);
    CHECK(m->xRealloc(big, 4000) == big);   /* shrinking keeps the block */
    big = m->xRealloc(big, 100000);
    CHECK_INT(m->xSize(big), 100000);
    m->xFree(big);
    m->xFree(a);
    m->xFree(NULL);
    CHECK_INT(m->xSize(NULL), 0);
    for (int i = 0; i < N; i++)
        m->xFree(p[i]);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_store.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_open_and_files();
    test_patients();
    test_records();
    test_bulk_derive();
    test_bulk_unjournalled();
    test_bulk_kill9();
    test_bulk_cache();
    test_mem();
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    free(cmd);
    return t_done();
}
