/* store_patient.c — patients and their hips, and the patient list. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

void st_patient_free(st_patient *p)
{
    if (!p)
        return;
    free(p->mrn);
    free(p->name);
    memset(p, 0, sizeof *p);
}

void st_hip_free(st_hip *h)
{
    if (!h)
        return;
    for (int i = 0; i < h->n_enrol; i++) {
        free(h->enrol[i].key);
        free(h->enrol[i].value);
    }
    free(h->enrol);
    memset(h, 0, sizeof *h);
}

/* A hospital number is typed and searched for: printable, one line. */
static int check_mrn(const char *mrn, char **err)
{
    if (!mrn || !*mrn)
        return st_fail(err, "the MRN is empty");
    size_t bad;
    if (!utf8_valid(mrn, strlen(mrn), &bad))
        return st_fail(err, "the MRN is not valid UTF-8 (byte %zu)", bad);
    if (text_needs_escape(mrn)) {
        char *e = text_escape(mrn);
        st_fail(err, "the MRN \"%s\" contains control characters", e);
        free(e);
        return -1;
    }
    if (strlen(mrn) > 64)
        return st_fail(err, "the MRN is longer than 64 bytes");
    return 0;
}

static int check_text(const char *what, const char *v, char **err)
{
    size_t bad;
    if (v && !utf8_valid(v, strlen(v), &bad))
        return st_fail(err, "the %s is not valid UTF-8 (byte %zu)", what, bad);
    return 0;
}

static const char SQL_PATIENT_BY_MRN[] =
    "SELECT uuid, mrn, name, sex, born FROM patients WHERE mrn = ?1";
/* MRNs are stored as typed and found ignoring case, folded as the search
 * index folds them (its patient_fold rows, indexed by folded MRN: one row
 * read, not every patient folded); an exact match wins. */
static const char SQL_PATIENT_BY_MRN_FOLD[] =
    "SELECT p.uuid, p.mrn, p.name, p.sex, p.born FROM patient_fold f"
    " CROSS JOIN patients p ON p.uuid = f.patient WHERE f.mrn = bedside_search_fold(?1)"
    " ORDER BY p.mrn LIMIT 1";
static const char SQL_PATIENT_SAME[] =
    "SELECT uuid, mrn, name, sex, born FROM patients "
    "WHERE born = ?2 AND bedside_fold(trim(name)) = bedside_fold(trim(?1)) ORDER BY mrn LIMIT 1";
static const char SQL_PATIENT_BY_UUID[] =
    "SELECT uuid, mrn, name, sex, born FROM patients WHERE uuid = ?1";
static const char SQL_PATIENT_INSERT[] =
    "INSERT INTO patients(uuid, mrn, name, sex, born, created_by, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

void st_patient_from_row(sqlite3_stmt *q, int c, st_patient *p)
{
    memset(p, 0, sizeof *p);
    st_col_uuid(q, c, p->uuid);
    p->mrn = st_col_strdup(q, c + 1);
    p->name = st_col_strdup(q, c + 2);
    const char *sex = (const char *)sqlite3_column_text(q, c + 3);
    p->sex = sex ? sex[0] : 'X';
    p->born = st_col_date(q, c + 4);
}

static int patient_query(store *s, const char *sql, const char *key, st_patient *p)
{
    sqlite3_stmt *q = st_stmt(s, sql);
    if (!q || !key)
        return -1;
    st_bind_text(q, 1, key);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        st_patient_from_row(q, 0, p);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_patient_get(store *s, const char *mrn, st_patient *p)
{
    int rc = patient_query(s, SQL_PATIENT_BY_MRN, mrn, p);
    return rc == 1 ? patient_query(s, SQL_PATIENT_BY_MRN_FOLD, mrn, p) : rc;
}

static const char SQL_IS_DEMO[] =
    "SELECT 1 FROM audit WHERE action = 'patient' AND json_valid(detail)"
    " AND json_extract(detail, '$.demo') IS NOT NULL LIMIT 1";

int store_is_demo(store *s)
{
    sqlite3_stmt *q = st_stmt(s, SQL_IS_DEMO);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store_patient_same(store *s, const char *name, int born, st_patient *p)
{
    sqlite3_stmt *q = st_stmt(s, SQL_PATIENT_SAME);
    if (!q || !name)
        return -1;
    char b[11];
    date_format(born, b);
    st_bind_text(q, 1, name);
    st_bind_text(q, 2, b);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        st_patient_from_row(q, 0, p);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_patient_by_uuid(store *s, const char *uuid, st_patient *p)
{
    return patient_query(s, SQL_PATIENT_BY_UUID, uuid, p);
}

/* A name is shown on screens, in lists and on paper: one line, nothing a
 * terminal would obey (C0 and C1 controls, bidi and zero-width characters). */
static int check_name(const st_patient *p, char **err)
{
    if (!p->name || !*p->name)
        return st_fail(err, "patient %s: the name is empty", p->mrn);
    if (check_text("name", p->name, err) < 0)
        return -1;
    if (text_needs_escape(p->name)) {
        char *e = text_escape(p->name);
        st_fail(err, "patient %s: the name \"%s\" contains control characters", p->mrn, e);
        free(e);
        return -1;
    }
    return 0;
}

int store_patient_valid(const st_patient *p, char **err)
{
    if (check_mrn(p->mrn, err) < 0 || check_name(p, err) < 0)
        return -1;
    if (p->sex != 'F' && p->sex != 'M' && p->sex != 'X')
        return st_fail(err, "patient %s: sex must be F, M or X", p->mrn);
    return 0;
}

int store_patient_add(store *s, st_patient *p, char **err)
{
    if (store_patient_valid(p, err) < 0)
        return -1;
    char born[11];
    date_format(p->born, born);
    if (p->born > date_today())
        return st_fail(err, "patient %s: the birth date %s is in the future", p->mrn, born);
    if (st_tx_begin(s, err) < 0)
        return -1;
    st_patient old;
    int rc = store_patient_get(s, p->mrn, &old);
    if (rc == 0) {
        st_fail(err, "a patient with MRN %s already exists", old.mrn);
        st_patient_free(&old);
        return st_tx_end(s, 0, err);
    }
    char uuid[37], at[21], sex[2] = {p->sex, 0};
    uuid_v4(uuid);
    util_timestamp(at);
    sqlite3_stmt *q = st_stmt(s, SQL_PATIENT_INSERT);
    int ok = q != NULL && rc == 1;
    if (rc < 0)
        st_fail_db(s, err, "cannot look up the MRN");
    if (ok) {
        st_bind_text(q, 1, uuid);
        st_bind_text(q, 2, p->mrn);
        st_bind_text(q, 3, p->name);
        st_bind_text(q, 4, sex);
        st_bind_text(q, 5, born);
        st_bind_text(q, 6, util_login());
        st_bind_text(q, 7, at);
        ok = sqlite3_step(q) == SQLITE_DONE;
        if (!ok)
            st_fail_db(s, err, "cannot add the patient");
        sqlite3_reset(q);
        ok = ok && st_search_add(s, uuid, err) == 0;
    }
    if (ok) {
        sbuf d = {0};
        int first = 1;
        sbuf_addc(&d, '{');
        st_detail_add(&d, &first, "mrn", NULL, p->mrn);
        st_detail_add(&d, &first, "name", NULL, p->name);
        st_detail_add(&d, &first, "sex", NULL, sex);
        st_detail_add(&d, &first, "born", NULL, born);
        if (p->synthetic)
            st_detail_add(&d, &first, "demo", NULL, "synthetic");
        sbuf_addc(&d, '}');
        ok = st_audit(s, "patient", uuid, NULL, NULL, NULL, NULL, d.s, NULL, err) == 0;
        sbuf_free(&d);
    }
    if (st_tx_end(s, ok, err) < 0)
        return -1;
    memcpy(p->uuid, uuid, sizeof uuid);
    return 0;
}

/* Hips. */

static const char SQL_HIP_GET[] =
    "SELECT " ST_HIP_COLS("h") ", h.observed FROM hips h WHERE h.patient = ?1 AND h.side = ?2";
static const char SQL_HIPS_OF[] =
    "SELECT " ST_HIP_COLS("h") ", h.observed FROM hips h WHERE h.patient = ?1 ORDER BY h.side";
static const char SQL_HIP_INSERT[] =
    "INSERT INTO hips(uuid, patient, side, index_date, created_by, created_at, observed) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_ENROL_ANSWERS[] = "SELECT key, value FROM json_each(?1) ORDER BY id";

void st_hip_from_row(store *s, sqlite3_stmt *q, int c, st_hip *h)
{
    memset(h, 0, sizeof *h);
    st_col_uuid(q, c, h->uuid);
    st_col_uuid(q, c + 1, h->patient);
    const char *side = (const char *)sqlite3_column_text(q, c + 2);
    h->side = side ? side[0] : 0;
    h->index_date = st_col_date(q, c + 3);
    const char *json = (const char *)sqlite3_column_text(q, c + 4);
    sqlite3_stmt *a = json ? st_stmt(s, SQL_ENROL_ANSWERS) : NULL;
    if (!a)
        return;
    st_bind_text(a, 1, json);
    while (sqlite3_step(a) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(a, 0);
        const char *v = (const char *)sqlite3_column_text(a, 1);
        if (!k || !v || st_hip_answer(h, k))
            continue;   /* the first of two enrolment records wins */
        h->enrol = xrealloc(h->enrol, (size_t)(h->n_enrol + 1) * sizeof *h->enrol);
        h->enrol[h->n_enrol].key = xstrdup(k);
        h->enrol[h->n_enrol].value = xstrdup(v);
        h->n_enrol++;
    }
    sqlite3_reset(a);
}

const char *st_hip_answer(const st_hip *h, const char *key)
{
    for (int i = 0; h && i < h->n_enrol; i++)
        if (strcmp(h->enrol[i].key, key) == 0)
            return h->enrol[i].value;
    return NULL;
}

int store_hip_get(store *s, const char *patient_uuid, char side, st_hip *h)
{
    sqlite3_stmt *q = st_stmt(s, SQL_HIP_GET);
    if (!q)
        return -1;
    char sd[2] = {side, 0};
    st_bind_text(q, 1, patient_uuid);
    st_bind_text(q, 2, sd);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        st_hip_from_row(s, q, 0, h);
        h->observed = sqlite3_column_int(q, ST_HIP_NCOLS) == 1;
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_hips_of(store *s, const char *patient_uuid, st_hip **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = st_stmt(s, SQL_HIPS_OF);
    if (!q)
        return st_read_fail(s);
    st_bind_text(q, 1, patient_uuid);
    st_hip *v = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        v = xrealloc(v, (*n + 1) * sizeof *v);
        st_hip_from_row(s, q, 0, &v[*n]);
        v[(*n)++].observed = sqlite3_column_int(q, ST_HIP_NCOLS) == 1;
    }
    int bad = rc == SQLITE_DONE ? 0 : st_read_fail(s);
    sqlite3_reset(q);
    *out = v;
    return bad;
}

void store_hips_free(st_hip *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st_hip_free(&h[i]);
    free(h);
}

int store_hip_add(store *s, st_hip *h, char **err)
{
    if (h->side != 'L' && h->side != 'R')
        return st_fail(err, "the side must be L or R");
    if (st_tx_begin(s, err) < 0)
        return -1;
    st_patient p;
    int ok = 1;
    if (store_patient_by_uuid(s, h->patient, &p) != 0) {
        st_fail(err, "no patient with uuid %s", h->patient);
        return st_tx_end(s, 0, err);
    }
    st_hip old;
    const char *side_name = h->side == 'L' ? "left" : "right";
    if (store_hip_get(s, h->patient, h->side, &old) == 0) {
        st_hip_free(&old);
        st_fail(err, "patient %s already has a %s hip", p.mrn, side_name);
        st_patient_free(&p);
        return st_tx_end(s, 0, err);
    }
    char uuid[37], at[21], sd[2] = {h->side, 0}, idx[11];
    uuid_v4(uuid);
    util_timestamp(at);
    date_format(h->index_date, idx);
    sqlite3_stmt *q = st_stmt(s, SQL_HIP_INSERT);
    ok = q != NULL;
    if (ok) {
        st_bind_text(q, 1, uuid);
        st_bind_text(q, 2, h->patient);
        st_bind_text(q, 3, sd);
        st_bind_text(q, 4, idx);
        st_bind_text(q, 5, util_login());
        st_bind_text(q, 6, at);
        sqlite3_bind_int(q, 7, h->observed != 0);
        ok = sqlite3_step(q) == SQLITE_DONE;
        if (!ok)
            st_fail_db(s, err, "cannot add the hip");
        sqlite3_reset(q);
    }
    if (ok) {
        sbuf d = {0};
        int first = 1;
        sbuf_addc(&d, '{');
        st_detail_add(&d, &first, "side", NULL, sd);
        st_detail_add(&d, &first, "index_date", NULL, idx);
        if (h->observed)
            st_detail_add(&d, &first, "observed", NULL, "1");
        sbuf_addc(&d, '}');
        ok = st_audit(s, "hip", h->patient, uuid, NULL, NULL, NULL, d.s, NULL, err) == 0;
        sbuf_free(&d);
    }
    st_patient_free(&p);
    if (st_tx_end(s, ok, err) < 0)
        return -1;
    memcpy(h->uuid, uuid, sizeof uuid);
    return 0;
}
