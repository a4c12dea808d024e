/* test_store_draft.c — drafts (open/resume, each answer saved at once,
 * finalize in place, discard) and the audit history they leave. */
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

static void key(st_record *r, const st_patient *p, const st_hip *h, const char *tp,
                const char *form)
{
    memset(r, 0, sizeof *r);
    memcpy(r->patient, p->uuid, 37);
    if (h)
        memcpy(r->hip, h->uuid, 37);
    r->timepoint = xstrdup(tp);
    r->form = xstrdup(form);
    r->form_version = 2;
    r->visit_date = day("2026-01-15");
}

static size_t n_drafts(store *s)
{
    size_t n;
    st_draft_row *d;
    CHECK_INT(store_drafts(s, &d, &n), 0);
    store_draft_rows_free(d, n);
    return n;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_store_draft.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    char *path = xasprintf("%s/d.db", dir);
    char *err = NULL;
    store *s = store_open(path, STORE_CREATE, &err);
    CHECK(s != NULL);

    st_patient p = {.mrn = "D1", .name = "Dora", .sex = 'F', .born = day("1960-01-01")};
    CHECK_INT(store_patient_add(s, &p, &err), 0);
    st_hip h = {.side = 'R', .index_date = day("2025-10-01")};
    memcpy(h.patient, p.uuid, 37);
    CHECK_INT(store_hip_add(s, &h, &err), 0);

    /* Open, then open again: the same draft (a nurse resuming). */
    st_record r;
    key(&r, &p, &h, "3m", "hhs");
    st_record_answer(&r, "pain", "20");
    CHECK_INT(store_draft_open(s, &r, &err), 0);
    char uuid[37];
    memcpy(uuid, r.uuid, 37);
    CHECK(uuid[0] != 0);
    st_record_free(&r);
    key(&r, &p, &h, "3m", "hhs");
    CHECK_INT(store_draft_open(s, &r, &err), 0);
    CHECK_STR(r.uuid, uuid);
    st_record_free(&r);

    /* Each answer is saved at once: a second connection sees it. */
    CHECK_INT(store_draft_answer(s, uuid, "limp", "none", &err), 0);
    CHECK_INT(store_draft_answer(s, uuid, "pain", "30", &err), 0);
    CHECK_INT(store_draft_answer(s, uuid, "text", "a \"quoted\"\tvalue", &err), 0);
    CHECK_INT(store_draft_set_date(s, uuid, day("2026-01-20"), &err), 0);
    store *other = store_open(path, 0, &err);
    CHECK(other != NULL);
    st_record got;
    CHECK_INT(store_draft_find(other, p.uuid, h.uuid, "3m", "hhs", &got), 0);
    CHECK_STR(st_record_get(&got, "pain"), "30");
    CHECK_STR(st_record_get(&got, "limp"), "none");
    CHECK_STR(st_record_get(&got, "text"), "a \"quoted\"\tvalue");
    CHECK_INT(got.visit_date, day("2026-01-20"));
    CHECK_INT(got.status, 'd');
    CHECK_INT(got.side, 'R');
    CHECK_STR(got.entered_by, util_login());
    CHECK(!got.current);
    st_record_free(&got);
    CHECK_INT(store_draft_answer(s, uuid, "limp", NULL, &err), 0);
    CHECK_INT(store_draft_find(other, p.uuid, h.uuid, "3m", "hhs", &got), 0);
    CHECK_STR(st_record_get(&got, "limp"), NULL);
    CHECK_INT(got.n_ans, 2);
    st_record_free(&got);
    CHECK_INT(store_draft_find(other, p.uuid, h.uuid, "6m", "hhs", &got), 1);
    CHECK_INT(store_draft_answer(s, uuid, "bad\"id", "1", &err), -1);
    free(err);
    err = NULL;

    size_t n;
    st_draft_row *dr;
    CHECK_INT(store_drafts(other, &dr, &n), 0);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_STR(dr[0].mrn, "D1");
        CHECK_INT(dr[0].side, 'R');
        CHECK_STR(dr[0].form, "hhs");
        CHECK_INT(dr[0].n_answers, 2);
        CHECK_STR(dr[0].saved_by, util_login());
    }
    store_draft_rows_free(dr, n);

    /* Finalize: the same row becomes final with the final answers. */
    memset(&r, 0, sizeof r);
    r.visit_date = day("2026-01-20");
    r.form_version = 2;
    st_record_answer(&r, "pain", "30");
    st_record_answer(&r, "text", "done");
    st_record_score(&r, "total", 77.25);
    CHECK_INT(store_draft_finalize(s, uuid, &r, &err), 0);
    CHECK_STR(r.uuid, uuid);
    CHECK_STR(r.form, "hhs");
    st_record_free(&r);
    CHECK_INT(n_drafts(s), 0);
    CHECK_INT(store_record_current(other, p.uuid, h.uuid, "3m", "hhs", &got), 0);
    CHECK_STR(got.uuid, uuid);
    CHECK_STR(st_record_get(&got, "text"), "done");
    CHECK_INT(got.n_score, 1);
    CHECK_NEAR(got.score_val[0], 77.25);
    st_record_free(&got);
    /* Answering or finalizing it again fails clearly. */
    CHECK_INT(store_draft_answer(s, uuid, "pain", "1", &err), -1);
    CHECK(err && strstr(err, "no longer exists"));
    free(err);
    err = NULL;
    memset(&r, 0, sizeof r);
    CHECK_INT(store_draft_finalize(s, uuid, &r, &err), -1);
    free(err);
    err = NULL;
    st_record_free(&r);
    /* A draft for a visit already recorded may be typed (the nurse can
     * amend at the end); finalizing it is refused, naming the record. */
    key(&r, &p, &h, "3m", "hhs");
    CHECK_INT(store_draft_open(s, &r, &err), 0);
    memcpy(uuid, r.uuid, 37);
    st_record_free(&r);
    memset(&r, 0, sizeof r);
    r.visit_date = day("2026-01-21");
    CHECK_INT(store_draft_finalize(s, uuid, &r, &err), -1);
    CHECK(err && strstr(err, "hhs at 3m for the right hip is already recorded"));
    free(err);
    err = NULL;
    st_record_free(&r);
    CHECK_INT(n_drafts(s), 1);
    CHECK_INT(store_draft_discard(s, uuid, &err), 0);

    /* A final record entered elsewhere for the same visit consumes the draft. */
    key(&r, &p, &h, "6m", "vas");
    CHECK_INT(store_draft_open(s, &r, &err), 0);
    st_record_free(&r);
    CHECK_INT(n_drafts(s), 1);
    key(&r, &p, &h, "6m", "vas");
    st_record_answer(&r, "vas", "3");
    CHECK_INT(store_record_final(other, &r, &err), 0);
    st_record_free(&r);
    CHECK_INT(n_drafts(s), 0);

    /* Discard: gone, and audited with the answers it had. */
    key(&r, &p, NULL, "24m", "satisfaction");
    st_record_answer(&r, "happy", "yes");
    CHECK_INT(store_draft_open(s, &r, &err), 0);
    memcpy(uuid, r.uuid, 37);
    st_record_free(&r);
    CHECK_INT(store_draft_discard(s, uuid, &err), 0);
    CHECK_INT(n_drafts(s), 0);
    CHECK_INT(store_draft_discard(s, uuid, &err), -1);
    free(err);
    err = NULL;

    /* Amend the 3m record, void the 6m one: the history has it all. */
    CHECK_INT(store_record_current(s, p.uuid, h.uuid, "3m", "hhs", &got), 0);
    memset(&r, 0, sizeof r);
    r.visit_date = got.visit_date;
    r.form_version = 2;
    st_record_answer(&r, "pain", "40");
    st_record_answer(&r, "text", "done");
    CHECK_INT(store_record_amend(s, got.uuid, &r, "pain was 40", &err), 0);
    st_record_free(&r);
    st_record_free(&got);
    CHECK_INT(store_record_current(s, p.uuid, h.uuid, "6m", "vas", &got), 0);
    CHECK_INT(store_record_void(s, got.uuid, "entered for the wrong hip", &err), 0);
    char voided[37];
    memcpy(voided, got.uuid, 37);
    st_record_free(&got);

    st_audit_row *a;
    CHECK_INT(store_history(other, p.uuid, &a, &n), 0);
    const char *want[] = {"patient", "hip", "create", "discard", "create", "discard", "amend",
                          "void"};
    CHECK_INT(n, 8);
    for (size_t i = 0; i < n && i < 8; i++)
        CHECK_STR(a[i].action, want[i]);
    if (n == 8) {
        CHECK_STR(a[0].who, util_login());
        CHECK(a[0].n_chg == 4 && strcmp(a[0].chg[0].field, "mrn") == 0 &&
              strcmp(a[0].chg[0].new_value, "D1") == 0 && a[0].chg[0].old_value == NULL);
        CHECK_INT(a[1].side, 'R');
        CHECK_STR(a[2].form, "hhs");
        CHECK_STR(a[2].timepoint, "3m");
        int saw_text = 0;
        for (int i = 0; i < a[2].n_chg; i++)
            if (strcmp(a[2].chg[i].field, "text") == 0 && !a[2].chg[i].old_value)
                saw_text = strcmp(a[2].chg[i].new_value, "done") == 0;
        CHECK(saw_text);
        CHECK_STR(a[5].form, "satisfaction");
        CHECK_INT(a[5].side, 0);
        CHECK(a[5].n_chg == 1 && strcmp(a[5].chg[0].old_value, "yes") == 0 &&
              a[5].chg[0].new_value == NULL);
        CHECK_STR(a[6].reason, "pain was 40");
        CHECK(a[6].n_chg == 1 && strcmp(a[6].chg[0].field, "pain") == 0 &&
              strcmp(a[6].chg[0].old_value, "30") == 0 &&
              strcmp(a[6].chg[0].new_value, "40") == 0);
        CHECK_STR(a[7].reason, "entered for the wrong hip");
        CHECK_STR(a[7].record, voided);
    }
    store_history_free(a, n);

    /* A finalize that would duplicate a current final is refused (a draft
     * and a final for the same visit can meet after merging a copy). */
    sqlite3 *raw;
    CHECK_INT(sqlite3_open(path, &raw), SQLITE_OK);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(raw,
                       "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, "
                       "form_version, status, entered_by, entered_at) VALUES "
                       "('00000000-0000-4000-8000-000000000001', ?1, ?2, '3m', '2026-01-01', "
                       "'hhs', 2, 'draft', 'x', '2026-01-01T00:00:00Z')",
                       -1, &q, NULL);
    sqlite3_bind_text(q, 1, p.uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, h.uuid, -1, SQLITE_STATIC);
    CHECK_INT(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(raw);
    memset(&r, 0, sizeof r);
    r.visit_date = day("2026-01-01");
    CHECK_INT(store_draft_finalize(s, "00000000-0000-4000-8000-000000000001", &r, &err), -1);
    CHECK(err && strstr(err, "hhs at 3m for the right hip is already recorded"));
    free(err);
    err = NULL;
    st_record_free(&r);
    CHECK_INT(n_drafts(s), 1);

    store_close(other);
    store_close(s);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("could not remove %s\n", dir);
    free(cmd);
    free(path);
    return t_done();
}
