/* store_merge.c — bring an offline copy (a clinic laptop's file) into this
 * database: a union of rows by uuid, in one write transaction.
 *
 * The other file is first copied with the online backup API into a private
 * temporary database attached as merge_src, so that its snapshot is
 * consistent and the laptop's file is only ever read. Patients and hips
 * registered on both sides under different uuids are mapped to ours through
 * two temp tables; every row written takes its patient and hip through them.
 * Anything that cannot be reconciled is a conflict, reported in full, and
 * the transaction is rolled back.
 *
 * A laptop's copy usually holds the whole database again. Rows we already
 * hold unchanged stay unchanged (final records, patients, hips and audit
 * rows are never edited), so they are set aside before the write lock is
 * taken: only the rest, copied into temp.merge_* tables, is compared and
 * inserted while other nurses wait to save. */
#include "store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The uuid of ours that a patient or hip of the other file stands for. */
#define MP(x) "ifnull((SELECT dst FROM temp.merge_pmap WHERE src = " x "), " x ")"
#define MH(x) "ifnull((SELECT dst FROM temp.merge_hmap WHERE src = " x "), " x ")"
#define SIDE(x) "CASE " x " WHEN 'L' THEN ', left hip' WHEN 'R' THEN ', right hip' ELSE '' END"
#define IS_HERE(tbl, x) "EXISTS (SELECT 1 FROM main." tbl " m WHERE m.uuid = " x ")"

static const char SQL_ATTACH[] = "ATTACH '' AS merge_src";
static const char SQL_DETACH[] = "DETACH merge_src";
static const char SQL_MAPS[] =
    "CREATE TEMP TABLE IF NOT EXISTS merge_pmap(src TEXT PRIMARY KEY, dst TEXT NOT NULL);"
    "CREATE TEMP TABLE IF NOT EXISTS merge_hmap(src TEXT PRIMARY KEY, dst TEXT NOT NULL);";
static const char SQL_PMAP_CLEAR[] = "DELETE FROM temp.merge_pmap";
static const char SQL_HMAP_CLEAR[] = "DELETE FROM temp.merge_hmap";
static const char SQL_MAPS_DROP[] =
    "DROP TABLE IF EXISTS temp.merge_pmap; DROP TABLE IF EXISTS temp.merge_hmap;";

static const char SQL_TOTALS[] =
    "SELECT (SELECT count(*) FROM merge_src.patients), (SELECT count(*) FROM merge_src.hips), "
    "(SELECT count(*) FROM merge_src.records WHERE status <> 'draft'), "
    "(SELECT count(*) FROM merge_src.scores) - (SELECT count(*) FROM merge_src.scores WHERE "
    " record IN (SELECT uuid FROM merge_src.records WHERE status = 'draft')), "
    "(SELECT count(*) FROM merge_src.audit)";

/* The rows of the other file that we do not hold identically (drafts
 * always: they are listed or replace ours). Read without the write lock. */
static const char SQL_DELTA[] =
    "DROP TABLE IF EXISTS temp.merge_patients; DROP TABLE IF EXISTS temp.merge_hips;"
    "DROP TABLE IF EXISTS temp.merge_records; DROP TABLE IF EXISTS temp.merge_scores;"
    "DROP TABLE IF EXISTS temp.merge_audit;"
    "CREATE TEMP TABLE merge_patients AS SELECT o.* FROM merge_src.patients o WHERE NOT EXISTS "
    "(SELECT 1 FROM main.patients m WHERE m.uuid = o.uuid AND m.mrn IS o.mrn "
    " AND m.name IS o.name AND m.sex IS o.sex AND m.born IS o.born "
    " AND m.created_by IS o.created_by AND m.created_at IS o.created_at);"
    "CREATE TEMP TABLE merge_hips AS SELECT o.* FROM merge_src.hips o WHERE NOT EXISTS "
    "(SELECT 1 FROM main.hips m WHERE m.uuid = o.uuid AND m.patient IS o.patient "
    " AND m.side IS o.side "
    " AND m.index_date IS o.index_date AND m.created_by IS o.created_by "
    " AND m.created_at IS o.created_at AND m.observed IS o.observed);"
    "CREATE TEMP TABLE merge_records AS SELECT o.* FROM merge_src.records o "
    "WHERE o.status = 'draft' OR NOT EXISTS (SELECT 1 FROM main.records m WHERE m.uuid = o.uuid "
    " AND m.status IS o.status AND m.patient IS o.patient AND m.hip IS o.hip "
    " AND m.timepoint IS o.timepoint AND m.visit_date IS o.visit_date AND m.form IS o.form "
    " AND m.form_version IS o.form_version AND m.answers IS o.answers "
    " AND m.entered_by IS o.entered_by AND m.entered_at IS o.entered_at "
    " AND m.supersedes IS o.supersedes AND m.reason IS o.reason "
    " AND NOT EXISTS (SELECT score, value FROM merge_src.scores WHERE record = o.uuid "
    "                 EXCEPT SELECT score, value FROM main.scores WHERE record = o.uuid) "
    " AND NOT EXISTS (SELECT score, value FROM main.scores WHERE record = o.uuid "
    "                 EXCEPT SELECT score, value FROM merge_src.scores WHERE record = o.uuid));"
    "CREATE TEMP TABLE merge_scores AS SELECT sc.* FROM merge_src.scores sc "
    "WHERE sc.record IN (SELECT uuid FROM temp.merge_records);"
    "CREATE TEMP TABLE merge_audit AS SELECT o.* FROM merge_src.audit o WHERE NOT EXISTS "
    "(SELECT 1 FROM main.audit m WHERE m.uuid = o.uuid AND m.at IS o.at AND m.who IS o.who "
    " AND m.action IS o.action AND m.patient IS o.patient AND m.hip IS o.hip "
    " AND m.record IS o.record AND m.form IS o.form AND m.timepoint IS o.timepoint "
    " AND m.detail IS o.detail AND m.reason IS o.reason AND m.hash IS o.hash);"
    "CREATE INDEX temp.merge_records_uuid ON merge_records(uuid);"
    "CREATE INDEX temp.merge_scores_record ON merge_scores(record);";
static const char SQL_DELTA_DROP[] =
    "DROP TABLE IF EXISTS temp.merge_patients; DROP TABLE IF EXISTS temp.merge_hips;"
    "DROP TABLE IF EXISTS temp.merge_records; DROP TABLE IF EXISTS temp.merge_scores;"
    "DROP TABLE IF EXISTS temp.merge_audit;";

/* Conflicts. Each query returns one column: the sentence; ?1 is the file. */
static const char SQL_C_PATIENT_UUID[] =
    "SELECT printf('patient %s is MRN %s (%s) here but MRN %s (%s) in %s: the same uuid with "
    "different content should never happen', m.uuid, m.mrn, m.name, o.mrn, o.name, ?1) "
    "FROM temp.merge_patients o JOIN main.patients m ON m.uuid = o.uuid "
    "WHERE o.mrn IS NOT m.mrn OR o.name IS NOT m.name OR o.sex IS NOT m.sex "
    "OR o.born IS NOT m.born OR o.created_by IS NOT m.created_by "
    "OR o.created_at IS NOT m.created_at ORDER BY m.mrn";
/* Same MRN, another uuid: registered on both sides. The same person if the
 * name, sex and birth date agree exactly. */
static const char SQL_PMAP_FILL[] =
    "INSERT INTO temp.merge_pmap(src, dst) SELECT o.uuid, m.uuid "
    "FROM temp.merge_patients o JOIN main.patients m ON m.mrn = o.mrn AND m.uuid <> o.uuid "
    "WHERE o.name = m.name AND o.sex = m.sex AND o.born = m.born";
static const char SQL_C_PATIENT_MRN[] =
    "SELECT printf('MRN %s is %s (%s, born %s) here but %s (%s, born %s) in %s: two patients "
    "registered under one MRN', m.mrn, m.name, m.sex, m.born, o.name, o.sex, o.born, ?1) "
    "FROM temp.merge_patients o JOIN main.patients m ON m.mrn = o.mrn AND m.uuid <> o.uuid "
    "WHERE NOT (o.name = m.name AND o.sex = m.sex AND o.born = m.born) ORDER BY m.mrn";
/* MRNs that differ only in case (folded as the search index folds them,
 * which is how patient add and every lookup by MRN match them): one of
 * ours and one of the file's, through our index. patient add refuses the
 * second such MRN, so merge does too. (Two in the file: its own check,
 * which the merge runs first, names them.) */
static const char SQL_C_PATIENT_CASE[] =
    "SELECT printf('MRN %s here and MRN %s in %s differ only in case: bedside takes them for "
    "one MRN (patient add refuses the second); correct one of them', m.mrn, o.mrn, ?1) "
    "FROM temp.merge_patients o JOIN main.patient_fold f ON f.mrn = bedside_search_fold(o.mrn) "
    "JOIN main.patients m ON m.uuid = f.patient WHERE m.mrn <> o.mrn AND m.uuid <> o.uuid";
static const char SQL_C_HIP_UUID[] =
    "SELECT printf('hip %s (MRN %s%s) differs between here and %s: the same uuid with "
    "different content should never happen', o.uuid, ifnull(p.mrn, '?'), " SIDE("o.side") ", ?1) "
    "FROM temp.merge_hips o JOIN main.hips m ON m.uuid = o.uuid "
    "LEFT JOIN merge_src.patients p ON p.uuid = o.patient "
    "WHERE " MP("o.patient") " IS NOT m.patient OR o.side IS NOT m.side "
    "OR o.index_date IS NOT m.index_date OR o.created_by IS NOT m.created_by "
    "OR o.created_at IS NOT m.created_at OR o.observed IS NOT m.observed ORDER BY 1";
/* Same patient and side, another uuid: the same hip if day 0 agrees. */
static const char SQL_HMAP_FILL[] =
    "INSERT INTO temp.merge_hmap(src, dst) SELECT o.uuid, m.uuid FROM temp.merge_hips o "
    "JOIN main.hips m ON m.patient = " MP("o.patient") " AND m.side = o.side "
    "AND m.uuid <> o.uuid WHERE m.index_date = o.index_date AND m.observed = o.observed";
static const char SQL_C_HIP_SIDE[] =
    "SELECT printf('MRN %s%s: index date %s%s here but %s%s in %s: the hip was registered on "
    "both sides with different dates', p.mrn, " SIDE("m.side") ", m.index_date, "
    "iif(m.observed, ' (observed)', ''), o.index_date, iif(o.observed, ' (observed)', ''), ?1) "
    "FROM temp.merge_hips o JOIN main.hips m ON m.patient = " MP("o.patient") " "
    "AND m.side = o.side AND m.uuid <> o.uuid JOIN main.patients p ON p.uuid = m.patient "
    "WHERE m.index_date <> o.index_date OR m.observed <> o.observed ORDER BY p.mrn, m.side";
/* A record of theirs that we hold under the same uuid: identical, or our
 * draft that they finished (then at least the key must agree). */
static const char SQL_C_RECORD[] =
    "SELECT printf('record %s (MRN %s%s, %s at %s) differs between here and %s: the same uuid "
    "with different content should never happen', o.uuid, ifnull(p.mrn, '?'), "
    SIDE("h.side") ", o.form, o.timepoint, ?1) "
    "FROM temp.merge_records o JOIN main.records m ON m.uuid = o.uuid "
    "LEFT JOIN merge_src.patients p ON p.uuid = o.patient "
    "LEFT JOIN merge_src.hips h ON h.uuid = o.hip "
    "WHERE o.status <> 'draft' AND (" MP("o.patient") " IS NOT m.patient "
    "OR " MH("o.hip") " IS NOT m.hip OR o.timepoint IS NOT m.timepoint "
    "OR o.form IS NOT m.form OR (m.status <> 'draft' AND ("
    "  o.status IS NOT m.status OR o.visit_date IS NOT m.visit_date "
    "  OR o.form_version IS NOT m.form_version OR o.answers IS NOT m.answers "
    "  OR o.entered_by IS NOT m.entered_by OR o.entered_at IS NOT m.entered_at "
    "  OR o.supersedes IS NOT m.supersedes OR o.reason IS NOT m.reason "
    "  OR EXISTS (SELECT score, value FROM temp.merge_scores WHERE record = o.uuid "
    "             EXCEPT SELECT score, value FROM main.scores WHERE record = o.uuid) "
    "  OR EXISTS (SELECT score, value FROM main.scores WHERE record = o.uuid "
    "             EXCEPT SELECT score, value FROM temp.merge_scores WHERE record = o.uuid)))) "
    "ORDER BY 1";
static const char SQL_C_AUDIT[] =
    "SELECT printf('audit entry %s (%s, %s) differs between here and %s: the audit trail is "
    "append-only, this should never happen', o.uuid, o.action, o.at, ?1) "
    "FROM temp.merge_audit o JOIN main.audit m ON m.uuid = o.uuid "
    "WHERE o.at IS NOT m.at OR o.who IS NOT m.who OR o.action IS NOT m.action "
    "OR " MP("o.patient") " IS NOT m.patient OR " MH("o.hip") " IS NOT m.hip "
    "OR o.record IS NOT m.record OR o.form IS NOT m.form OR o.timepoint IS NOT m.timepoint "
    "OR o.detail IS NOT m.detail OR o.reason IS NOT m.reason OR o.hash IS NOT m.hash "
    "ORDER BY o.at";

/* Their drafts, unless we hold the same draft unchanged or its final form:
 * those lose nothing by staying behind. */
static const char SQL_DRAFTS[] =
    "SELECT printf('MRN %s%s, %s at %s, saved by %s at %s', ifnull(p.mrn, '?'), "
    SIDE("h.side") ", o.form, o.timepoint, o.entered_by, o.entered_at) "
    "FROM temp.merge_records o LEFT JOIN merge_src.patients p ON p.uuid = o.patient "
    "LEFT JOIN merge_src.hips h ON h.uuid = o.hip WHERE o.status = 'draft' AND NOT EXISTS "
    "(SELECT 1 FROM main.records m WHERE m.uuid = o.uuid AND (m.status <> 'draft' "
    " OR (m.answers = o.answers AND m.visit_date = o.visit_date))) "
    "ORDER BY p.mrn, h.side, o.timepoint, o.form";

/* Our drafts that the other file finalized (finalizing keeps the uuid):
 * the final version replaces the draft, as store_record_final does. The
 * detail keeps the draft's answers, like a discard. */
static const char SQL_FINISHED[] =
    "SELECT m.uuid, m.patient, ifnull(m.hip, ''), m.form, m.timepoint, "
    "(SELECT json_group_object(j.key, json_array(j.value, NULL)) FROM json_each(m.answers) j) "
    "FROM main.records m JOIN temp.merge_records o ON o.uuid = m.uuid "
    "WHERE m.status = 'draft' AND o.status = 'final'";

/* The union. Scores first: the trigger refuses scores of a record that is
 * already final. Foreign keys are deferred, so the order is otherwise free. */
static const char SQL_INS_SCORES[] =
    "INSERT INTO main.scores(record, score, value) SELECT sc.record, sc.score, sc.value "
    "FROM temp.merge_scores sc JOIN temp.merge_records o ON o.uuid = sc.record "
    "WHERE o.status <> 'draft' AND NOT " IS_HERE("records", "o.uuid");
static const char SQL_INS_RECORDS[] =
    "INSERT INTO main.records(uuid, patient, hip, timepoint, visit_date, form, form_version, "
    "status, answers, entered_by, entered_at, supersedes, reason, out_of_window) "
    "SELECT o.uuid, " MP("o.patient") ", " MH("o.hip") ", o.timepoint, o.visit_date, o.form, "
    "o.form_version, o.status, o.answers, o.entered_by, o.entered_at, o.supersedes, o.reason, "
    "o.out_of_window "
    "FROM temp.merge_records o WHERE o.status <> 'draft' AND NOT " IS_HERE("records", "o.uuid");
static const char SQL_INS_PATIENTS[] =
    "INSERT INTO main.patients(uuid, mrn, name, sex, born, created_by, created_at) "
    "SELECT o.uuid, o.mrn, o.name, o.sex, o.born, o.created_by, o.created_at "
    "FROM temp.merge_patients o WHERE NOT " IS_HERE("patients", "o.uuid") " "
    "AND NOT EXISTS (SELECT 1 FROM temp.merge_pmap WHERE src = o.uuid)";
/* The patients just taken, for the search index. */
static const char SQL_NEW_PATIENTS[] =
    "SELECT o.uuid FROM temp.merge_patients o WHERE " IS_HERE("patients", "o.uuid") " "
    "AND NOT EXISTS (SELECT 1 FROM main.patient_fold f WHERE f.patient = o.uuid)";
static const char SQL_INS_HIPS[] =
    "INSERT INTO main.hips(uuid, patient, side, index_date, created_by, created_at, observed) "
    "SELECT o.uuid, " MP("o.patient") ", o.side, o.index_date, o.created_by, o.created_at, "
    "o.observed "
    "FROM temp.merge_hips o "
    "WHERE NOT " IS_HERE("hips", "o.uuid") " "
    "AND NOT EXISTS (SELECT 1 FROM temp.merge_hmap WHERE src = o.uuid)";
static const char SQL_INS_AUDIT[] =
    "INSERT INTO main.audit(uuid, at, who, action, patient, hip, record, form, timepoint, "
    "detail, reason, hash) SELECT o.uuid, o.at, o.who, o.action, " MP("o.patient") ", "
    MH("o.hip") ", o.record, o.form, o.timepoint, o.detail, o.reason, o.hash "
    "FROM temp.merge_audit o "
    "WHERE NOT " IS_HERE("audit", "o.uuid");

/* What the deferred foreign keys would refuse at commit, named (a dry run
 * never commits), plus a record whose hip is another patient's. */
static const char SQL_ORPHANS[] =
    "SELECT printf('hip %s in %s belongs to a missing patient %s; is the file damaged? "
    "(bedside --db %s check)', h.uuid, ?1, h.patient, ?1) FROM main.hips h "
    "WHERE h.uuid IN (SELECT uuid FROM temp.merge_hips) AND NOT " IS_HERE("patients", "h.patient")
    " UNION ALL "
    "SELECT printf('record %s in %s belongs to a missing %s; is the file damaged? "
    "(bedside --db %s check)', r.uuid, ?1, CASE WHEN NOT " IS_HERE("patients", "r.patient")
    " THEN 'patient ' || r.patient ELSE 'hip ' || r.hip END, ?1) FROM main.records r "
    "WHERE r.uuid IN (SELECT uuid FROM temp.merge_records WHERE status <> 'draft') "
    "AND (NOT " IS_HERE("patients", "r.patient") " OR (r.hip IS NOT NULL AND NOT "
    IS_HERE("hips", "r.hip") "))"
    " UNION ALL "
    "SELECT printf('record %s in %s supersedes a missing record %s; is the file damaged? "
    "(bedside --db %s check)', r.uuid, ?1, r.supersedes, ?1) FROM main.records r "
    "WHERE r.uuid IN (SELECT uuid FROM temp.merge_records WHERE status <> 'draft') "
    "AND r.supersedes IS NOT NULL AND NOT " IS_HERE("records", "r.supersedes")
    " UNION ALL "
    "SELECT printf('record %s in %s is for hip %s, which is not a hip of its patient', "
    "r.uuid, ?1, r.hip) FROM main.records r JOIN main.hips h ON h.uuid = r.hip "
    "WHERE r.uuid IN (SELECT uuid FROM temp.merge_records WHERE status <> 'draft') "
    "AND h.patient <> r.patient";

/* After the union: visits now recorded on both sides, and records amended
 * or voided on both sides. Both rows are kept; a person decides. */
static const char SQL_DOUBLE_CURRENT[] =
    "SELECT printf('MRN %s%s, %s at %s is recorded twice: %s; amend or void one', p.mrn, "
    SIDE("h.side") ", c.form, c.timepoint, group_concat(substr(c.uuid, 1, 8) || ' (' || "
    "c.visit_date || ', by ' || c.entered_by || ')', ' and ')) "
    "FROM main.current_records c JOIN main.patients p ON p.uuid = c.patient "
    "LEFT JOIN main.hips h ON h.uuid = c.hip WHERE c.timepoint <> 'unscheduled' "
    "GROUP BY c.patient, ifnull(c.hip, ''), c.timepoint, c.form HAVING count(*) > 1 "
    "AND sum(EXISTS (SELECT 1 FROM merge_src.records o WHERE o.uuid = c.uuid)) > 0 "
    "ORDER BY p.mrn, h.side, c.timepoint, c.form";
static const char SQL_TWICE_SUPERSEDED[] =
    "SELECT printf('MRN %s%s, %s at %s: record %s was changed on both sides (%s); decide "
    "which stands', p.mrn, " SIDE("h.side") ", o.form, o.timepoint, substr(o.uuid, 1, 8), "
    "group_concat(CASE r.status WHEN 'void' THEN 'voided' ELSE 'amended' END || ' by ' || "
    "r.entered_by || ' in ' || substr(r.uuid, 1, 8), ', ')) "
    "FROM main.records r JOIN main.records o ON o.uuid = r.supersedes "
    "JOIN main.patients p ON p.uuid = o.patient LEFT JOIN main.hips h ON h.uuid = o.hip "
    "WHERE r.status <> 'draft' AND r.supersedes IN (SELECT supersedes FROM merge_src.records "
    " WHERE supersedes IS NOT NULL AND status <> 'draft') "
    "GROUP BY r.supersedes HAVING count(*) > 1 "
    "AND sum(r.uuid IN (SELECT uuid FROM merge_src.records)) > 0 ORDER BY p.mrn, h.side";

static void add_line(char ***v, int *n, const char *line)
{
    *v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
    (*v)[(*n)++] = xstrdup(line ? line : "?");
}

/* Run a one-column query (?1 = the other file's name) and keep each row. */
static int collect(store *s, const char *sql, const char *file, char ***v, int *n, char **err)
{
    sqlite3_stmt *q = st_stmt(s, sql);
    if (!q)
        return st_fail(err, "%s: internal error preparing the merge", s->path);
    if (sqlite3_bind_parameter_count(q) > 0)
        st_bind_text(q, 1, file);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        add_line(v, n, (const char *)sqlite3_column_text(q, 0));
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot compare the files");
}

/* Run a write; *changed gets the number of rows it wrote. */
static int run(store *s, const char *sql, int *changed, char **err)
{
    sqlite3_stmt *q = st_stmt(s, sql);
    if (!q)
        return st_fail(err, "%s: internal error preparing the merge", s->path);
    int rc = sqlite3_step(q);
    if (changed)
        *changed = sqlite3_changes(s->db);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : st_fail_db(s, err, "cannot merge");
}

/* The other file must not be this database under another name. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Open the other file with store_open's checks (foreign, newer, damaged),
 * and copy it into merge_src, a temporary database that SQLite deletes
 * when it is detached. */
static int snapshot(store *s, const char *path, char **err)
{
    store *o = store_open(path, STORE_READONLY, err);
    if (!o)
        return -1;
    if (sqlite3_exec(s->db, SQL_ATTACH, NULL, NULL, NULL) != SQLITE_OK) {
        store_close(o);
        return st_fail_db(s, err, "cannot prepare the merge");
    }
    sqlite3_backup *b = sqlite3_backup_init(s->db, "merge_src", o->db, "main");
    int rc = SQLITE_ERROR;
    if (b) {
        for (int tries = 0; tries < 50; tries++) {
            rc = sqlite3_backup_step(b, -1);
            if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
                break;
            sqlite3_sleep(100);
        }
        sqlite3_backup_finish(b);
    }
    if (rc != SQLITE_DONE) {
        st_fail(err, "cannot read %s: %s", path, b ? sqlite3_errstr(rc) : sqlite3_errmsg(s->db));
        store_close(o);
        sqlite3_exec(s->db, SQL_DETACH, NULL, NULL, NULL);
        return -1;
    }
    store_close(o);
    return 0;
}

/* Our drafts that the other file finished give way to the final version. */
static int replace_finished(store *s, const char *file, st_merge_report *rep, char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_FINISHED);
    if (!q)
        return st_fail(err, "%s: internal error preparing the merge", s->path);
    typedef struct {
        char uuid[37], patient[37], hip[37];
        char *form, *tp, *detail;
    } fin;
    fin *f = NULL;
    int n = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        f = xrealloc(f, (size_t)(n + 1) * sizeof *f);
        st_col_uuid(q, 0, f[n].uuid);
        st_col_uuid(q, 1, f[n].patient);
        st_col_uuid(q, 2, f[n].hip);
        f[n].form = st_col_strdup(q, 3);
        f[n].tp = st_col_strdup(q, 4);
        f[n].detail = st_col_strdup(q, 5);
        n++;
    }
    sqlite3_reset(q);
    int ok = rc == SQLITE_DONE;
    if (!ok)
        st_fail_db(s, err, "cannot read the drafts");
    char *reason = xasprintf("finished in %s; its final version was merged", file);
    for (int i = 0; i < n; i++) {
        ok = ok && st_draft_delete(s, f[i].uuid, err) == 0;
        ok = ok && st_audit(s, "discard", f[i].patient, f[i].hip, f[i].uuid, f[i].form, f[i].tp,
                            f[i].detail, reason, err) == 0;
        free(f[i].form);
        free(f[i].tp);
        free(f[i].detail);
    }
    free(reason);
    free(f);
    rep->drafts_finished = n;
    return ok ? 0 : -1;
}

static int totals(store *s, int out[ST_MERGE_KINDS], char **err)
{
    sqlite3_stmt *q = st_stmt(s, SQL_TOTALS);
    if (!q)
        return st_fail(err, "%s: internal error preparing the merge", s->path);
    int rc = sqlite3_step(q);
    for (int k = 0; rc == SQLITE_ROW && k < ST_MERGE_KINDS; k++)
        out[k] = sqlite3_column_int(q, k);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : st_fail_db(s, err, "cannot count the rows to merge");
}

/* Conflicts and maps, in the order the maps depend on each other. */
static int reconcile(store *s, const char *file, st_merge_report *rep, char **err)
{
    char ***c = &rep->conflicts;
    int *n = &rep->n_conflicts;
    if (run(s, SQL_PMAP_CLEAR, NULL, err) < 0 || run(s, SQL_HMAP_CLEAR, NULL, err) < 0 ||
        collect(s, SQL_C_PATIENT_UUID, file, c, n, err) < 0 ||
        run(s, SQL_PMAP_FILL, &rep->mapped_patients, err) < 0 ||
        collect(s, SQL_C_PATIENT_MRN, file, c, n, err) < 0 ||
        collect(s, SQL_C_PATIENT_CASE, file, c, n, err) < 0 ||
        collect(s, SQL_C_HIP_UUID, file, c, n, err) < 0 ||
        run(s, SQL_HMAP_FILL, &rep->mapped_hips, err) < 0 ||
        collect(s, SQL_C_HIP_SIDE, file, c, n, err) < 0 ||
        collect(s, SQL_C_RECORD, file, c, n, err) < 0 ||
        collect(s, SQL_C_AUDIT, file, c, n, err) < 0)
        return -1;
    return 0;
}

static int index_new(store *s, char **err)
{
    char **v = NULL;
    int n = 0, rc = collect(s, SQL_NEW_PATIENTS, "", &v, &n, err);
    for (int i = 0; i < n; i++) {
        if (rc == 0)
            rc = st_search_add(s, v[i], err);
        free(v[i]);
    }
    free(v);
    return rc;
}

static int unite(store *s, const char *file, st_merge_report *rep, char **err)
{
    int *a = rep->added;
    st_merge_taken *taken = st_merge_taken_count(s, err);
    int rc = 0;
    if (!taken || replace_finished(s, file, rep, err) < 0 ||
        run(s, SQL_INS_PATIENTS, &a[ST_MERGE_PATIENTS], err) < 0 || index_new(s, err) < 0 ||
        run(s, SQL_INS_HIPS, &a[ST_MERGE_HIPS], err) < 0 ||
        run(s, SQL_INS_SCORES, &a[ST_MERGE_SCORES], err) < 0 ||
        run(s, SQL_INS_RECORDS, &a[ST_MERGE_RECORDS], err) < 0 ||
        run(s, SQL_INS_AUDIT, &a[ST_MERGE_AUDIT], err) < 0 ||
        st_merge_taken_audit(s, file, taken, err) < 0 ||
        collect(s, SQL_ORPHANS, file, &rep->conflicts, &rep->n_conflicts, err) < 0)
        rc = -1;
    st_merge_taken_free(taken);
    return rc;
}

/* Visits recorded or changed on both sides. Only a report: after a commit
 * it runs without holding the write lock. */
static void review(store *s, const char *file, st_merge_report *rep)
{
    char *err = NULL;
    if (collect(s, SQL_DOUBLE_CURRENT, file, &rep->review, &rep->n_review, &err) < 0 ||
        collect(s, SQL_TWICE_SUPERSEDED, file, &rep->review, &rep->n_review, &err) < 0) {
        char *line = xasprintf("could not look for visits recorded on both sides (%s); run "
                               "bedside check", err ? err : "?");
        add_line(&rep->review, &rep->n_review, line);
        free(line);
    }
    free(err);
}

static int merge_in(store *s, const char *file, int flags, st_merge_report *rep, char **err)
{
    int total[ST_MERGE_KINDS];
    if (totals(s, total, err) < 0)
        return -1;
    if (sqlite3_exec(s->db, SQL_MAPS, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, SQL_DELTA, NULL, NULL, NULL) != SQLITE_OK)
        return st_fail_db(s, err, "cannot compare the files");
    if (st_tx_begin(s, err) < 0)
        return -1;
    int ok = reconcile(s, file, rep, err) == 0 &&
             collect(s, SQL_DRAFTS, file, &rep->drafts, &rep->n_drafts, err) == 0;
    int blocked = rep->n_conflicts > 0 ||
                  (rep->n_drafts > 0 && !(flags & STORE_MERGE_SKIP_DRAFTS));
    if (ok && !blocked) {
        ok = unite(s, file, rep, err) == 0;
        for (int k = 0; k < ST_MERGE_KINDS; k++)
            rep->present[k] = total[k] - rep->added[k];
    }
    if (ok && rep->n_conflicts > 0) {
        st_fail(err, "%d conflict%s between %s and %s; nothing was merged", rep->n_conflicts,
                rep->n_conflicts == 1 ? "" : "s", file, s->path);
        ok = 0;
    } else if (ok && blocked) {
        const char *it = rep->n_drafts == 1 ? "it" : "them";
        st_fail(err, "%s holds %d unfinished draft%s; finish or discard %s there first, or "
                     "merge with --skip-drafts to leave %s behind; nothing was merged",
                file, rep->n_drafts, rep->n_drafts == 1 ? "" : "s", it, it);
        ok = 0;
    }
    int dry = (flags & STORE_MERGE_DRY_RUN) != 0;
    if (ok && dry)
        review(s, file, rep);
    if (st_tx_end(s, ok && !dry, err) < 0 && ok && !dry)
        return -1;
    if (ok && !dry)
        review(s, file, rep);
    return ok ? 0 : -1;
}

int store_merge(store *s, const char *other_path, int flags, st_merge_report *rep, char **err)
{
    memset(rep, 0, sizeof *rep);
    if (!other_path || !*other_path)
        return st_fail(err, "no file to merge given");
    if (s->batch || s->depth)
        return st_fail(err, "%s: a merge cannot join another write", s->path);
    struct stat st;
    if (stat(other_path, &st) < 0)
        return st_fail(err, "cannot open %s: %s", other_path, strerror(errno));
    if (same_file(s->path, other_path))
        return st_fail(err, "%s is this database itself; merge a copy from another computer",
                       other_path);
    if (snapshot(s, other_path, err) < 0)
        return -1;
    int rc = merge_in(s, other_path, flags, rep, err);
    /* Statements reading merge_src are reset, so the detach cannot be
     * refused as busy; the temporary copy is deleted with it. */
    sqlite3_exec(s->db, SQL_MAPS_DROP, NULL, NULL, NULL);
    sqlite3_exec(s->db, SQL_DELTA_DROP, NULL, NULL, NULL);
    if (sqlite3_exec(s->db, SQL_DETACH, NULL, NULL, NULL) != SQLITE_OK && rc == 0)
        rc = st_fail_db(s, err, "cannot finish the merge");
    return rc;
}

static void free_lines(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void st_merge_report_free(st_merge_report *rep)
{
    free_lines(rep->drafts, rep->n_drafts);
    free_lines(rep->conflicts, rep->n_conflicts);
    free_lines(rep->review, rep->n_review);
    memset(rep, 0, sizeof *rep);
}
