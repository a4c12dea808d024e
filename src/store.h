/* store.h — the one SQLite file: patients, hips, records, audit.
 *
 * All SQL of the program lives in src/store*.c, as prepared statements. Every
 * write runs in BEGIN IMMEDIATE. Final records are never updated in place: an
 * amendment or a void is a new row that supersedes the old one, so an offline
 * copy can be merged by UUID. The audit table is append-only (triggers).
 *
 * Conventions: functions returning int give 0 on success, 1 for "not found"
 * where that is possible, -1 on error with a message in *err (caller frees)
 * when err is not NULL. Strings in returned structs are owned by the struct
 * and freed with the matching *_free function. Dates are days since epoch. */
#ifndef BEDSIDE_STORE_H
#define BEDSIDE_STORE_H

#include <stddef.h>

#define STORE_SCHEMA_VERSION 14
#define STORE_APPLICATION_ID 0x42454453 /* "BEDS" */
#define STORE_BULK_ID 0x42454450        /* "BEDP": a bulk fill under way (store_bulk.c) */
#define TIMEPOINT_UNSCHEDULED "unscheduled"
#define TIMEPOINT_ENROLMENT "enrolment"   /* the record of an enrolment form */

typedef struct store store;

/* STORE_NOINIT: for commands that only read; an empty file is refused
 * rather than given a schema. Every open reads the first and last row of
 * each table, where new rows land, and refuses the file if one cannot be
 * read; STORE_NOPROBE leaves that out, for a command that only reads a
 * few rows (each of its reads fails with the damage it meets). */
enum { STORE_CREATE = 1, STORE_READONLY = 2, STORE_NOINIT = 4, STORE_NOPROBE = 8 };

/* Open (and with STORE_CREATE create, mode 0660 in a 0770 folder) a bedside
 * database; migrates an older schema. Refuses a file that is not a bedside
 * database, one from a newer schema, one whose schema is not exactly the one
 * bedside builds, or a corrupt one, with a clear message. */
store *store_open(const char *path, int flags, char **err);
/* Process-wide SQLite settings: call first, before anything opens SQLite. */
void store_library_init(void);
void store_close(store *s);
const char *store_path(const store *s);
/* Why the latest read that failed part-way in this store (of a patient's
 * hips or records, the drafts, an audit trail, a hip's next-due rows)
 * failed: the file's path and SQLite's message, or NULL.
 * After one, every write refuses: a rule checked against that read may have
 * missed rows. */
const char *store_read_failed(const store *s);
/* 0 if this process can write the database now; else -1 and why. Used
 * before a nurse starts typing. */
int store_can_write(store *s, char **err);
/* Group many writes in one transaction (demo cohort). Writes made inside
 * do not open their own transaction. */
int store_begin(store *s, char **err);
int store_commit(store *s, char **err);
/* Commit the batch and begin the next, keeping the batch's page cache;
 * *committed says whether the commit was made. On failure no batch is open. */
int store_commit_next(store *s, int *committed, char **err);
void store_rollback(store *s);
/* Filling an empty database in batches (the demo cohort), in the first
 * batch: the file is marked as being filled, so that every open refuses it
 * as an incomplete demo until store_bulk_finish, in the last batch, derives
 * (store_set_derive: not at the commits in between), builds the indexes that
 * were set aside and marks it complete. The batches' page cache is sized
 * for the `patients` the fill will hold (store_bulk.c says how). */
int store_bulk_start(store *s, int patients, char **err);
/* *last_saved says whether the last batch's rows were committed (an
 * unjournalled fill commits them before it goes back to WAL), so that a
 * failure after that can say how much the file holds. */
int store_bulk_finish(store *s, int *last_saved, char **err);
/* One transaction around a few writes that stand or fall together (a hip
 * and its enrolment record). Nests inside a batch or another one; the
 * outermost store_tx_end commits when ok, else rolls back. */
int store_tx_begin(store *s, char **err);
int store_tx_end(store *s, int ok, char **err);
/* The reads until store_read_end see the file as it was at the first of
 * them: a write another process commits in between is not seen half (a
 * patient's hips before it, the records after). Inside a transaction
 * already, both do nothing. 0, or -1 (store_read_failed says why). */
int store_read_begin(store *s);
void store_read_end(store *s);

typedef struct {
    char uuid[37];
    char *mrn, *name;
    char sex;                          /* 'F', 'M' or 'X' */
    int born;
    int synthetic;                     /* made by `bedside demo`: said in its audit entry */
} st_patient;

typedef struct {
    char *key, *value;
} st_kv;

/* A hip: identity (side, index date) only. What it was like at enrolment
 * (etiology, stage, ...) is the answers of its current enrolment record
 * (timepoint "enrolment"), read with the hip in the same statement. */
typedef struct {
    char uuid[37], patient[37];
    char side;                         /* 'L' or 'R' */
    int index_date;
    int observed;                      /* no index procedure, no schedule; index_date:
                                          the day observation began (store_hip_get,
                                          store_hips_of and store_hip_add only) */
    st_kv *enrol;                      /* enrolment answers, canonical text */
    int n_enrol;
} st_hip;
/* An enrolment answer of the hip (a field id of its enrolment form), or
 * NULL when unanswered or there is no enrolment record. */
const char *st_hip_answer(const st_hip *h, const char *key);

typedef struct {
    char uuid[37], patient[37], hip[37];  /* hip is "" for patient scope */
    char side;                         /* 'L', 'R', or 0 for patient scope */
    char *timepoint;                   /* schedule id or "unscheduled" */
    int visit_date;
    int out_of_window;                 /* dated in no window, confirmed (entry.h) */
    char *form;
    int form_version;
    char status;                       /* 'd' draft, 'f' final, 'v' void */
    char *entered_by, *entered_at;     /* NULL on input: login and now */
    char supersedes[37];               /* "" if none */
    char *reason;                      /* amendment or void reason */
    int current;                       /* final and not superseded */
    int amended;                       /* supersedes an earlier final */
    st_kv *ans;                        /* answers, canonical text values */
    int n_ans;
    char **score_id;                   /* computed scores (NULL ones absent) */
    double *score_val;
    int n_score;
    int end_date;                      /* read by store_records_ended: the end of
                                          follow-up it gives (ST_END_DATE), else -1 */
    int validated;                     /* on input: the caller validated it against
                                          its form just now (entry_save, demo), so
                                          the write marks it valid (store_mark.c) */
} st_record;

void st_patient_free(st_patient *p);
void st_hip_free(st_hip *h);
void st_record_free(st_record *r);
/* Append an answer / a score to a record being built (copies strings). */
void st_record_answer(st_record *r, const char *key, const char *value);
void st_record_score(st_record *r, const char *id, double value);
const char *st_record_get(const st_record *r, const char *key);   /* NULL if absent */

/* Patients. */
int store_patient_add(store *s, st_patient *p, char **err);  /* fills uuid */
/* The MRN, name and sex rules of store_patient_add, for stored patients too
 * (check, merge): 0, or -1 and why. */
int store_patient_valid(const st_patient *p, char **err);
/* By MRN, ignoring case (an exact match first). 0 found, 1 none, -1 error. */
int store_patient_get(store *s, const char *mrn, st_patient *p);
/* A patient with this name (ignoring case) and birth date, if any: 0/1/-1. */
/* 1 when the database holds a patient made by `bedside demo` (its audit
 * entry says so, and the audit trail is append-only), 0 if not, -1 error. */
int store_is_demo(store *s);
int store_patient_same(store *s, const char *name, int born, st_patient *p);
int store_patient_by_uuid(store *s, const char *uuid, st_patient *p);
typedef struct {
    st_patient p;
    char sides[3];                     /* "", "L", "R" or "LR" */
    int has_score;
    double score;                      /* latest current value of the list score */
} st_patient_row;
/* Patients whose MRN or name contains search (case-insensitive; NULL or ""
 * for all), ordered by MRN, at most limit rows (0 = no limit). The score is
 * the latest (by visit date) current final value of score_id in form. */
st_patient_row *store_patient_list(store *s, const char *search, const char *score_form,
                                   const char *score_id, size_t limit, size_t *n);
/* One keyset page of that list, walked on the MRN index: with dir >= 0 the
 * rows after MRN key (NULL: from the first), with dir < 0 the rows before it
 * (NULL: the last page); either way in MRN order. */
st_patient_row *store_patient_page(store *s, const char *search, const char *key, int dir,
                                   const char *score_form, const char *score_id, size_t limit,
                                   size_t *n);
/* Stream the whole list (no score) to fn, which must not use the store;
 * fn returns non-zero to stop. Returns 0, fn's value, or -1. */
typedef int (*store_patient_row_fn)(void *ctx, const st_patient_row *r);
int store_each_patient(store *s, const char *search, store_patient_row_fn fn, void *ctx);
/* The widest MRN and name of the patients matching search, in characters
 * as printed (text_escape). */
int store_patient_widths(store *s, const char *search, size_t *mrn, size_t *name);
long store_patient_count(store *s);   /* -1 on error */
void store_patient_rows_free(st_patient_row *rows, size_t n);

/* Hips. */
int store_hip_add(store *s, st_hip *h, char **err);          /* fills uuid */
int store_hip_get(store *s, const char *patient_uuid, char side, st_hip *h);
/* Move a hip's index date from old_date (as read; else "changed meanwhile")
 * to new_date, audited ('hip', old and new, reason). Rules: entry_hip_redate,
 * which reads the records and calls this inside one store_tx_begin. */
int store_hip_redate(store *s, const char *hip_uuid, int old_date, int new_date,
                     const char *reason, char **err);
/* Every treated hip (hips nonzero; observed hips left out) or every patient
 * (hips 0) with no current final record of the enrolment form form_id, in
 * MRN order: fn gets the MRN and the side ('L', 'R', or 0 for a patient).
 * 0, or -1 when the database cannot be read. */
int store_each_unenrolled(store *s, const char *form_id, int hips,
                          void (*fn)(void *ctx, const char *mrn, char side), void *ctx);
/* A patient's hips, L before R, into *out: 0, or -1 if the read failed
 * part-way (store_read_failed says why; *out holds the hips before). */
int store_hips_of(store *s, const char *patient_uuid, st_hip **out, size_t *n);
void store_hips_free(st_hip *h, size_t n);

/* Which (timepoint, form) pairs have a current final record for a hip,
 * counting the patient's patient-scope records too. */
typedef struct {
    char **tp, **form;
    int n;
} st_done;
int st_done_has(void *done, const char *tp, const char *form);  /* a sched_done_fn */

/* The forms whose date field ends a hip's follow-up (ends_follow_up in a
 * form's YAML): the form id, the date field, and whether that end is the
 * survival endpoint (event) or a censoring. */
typedef struct {
    const char *form, *field;
    int event;
    int patient;        /* a patient-scope form: ends every hip of the patient */
} st_end;
typedef struct {
    st_end *v;
    int n;
} st_ends;

/* Call fn for every scheduled hip (of one patient, or all when mrn is NULL;
 * observed hips have no schedule and are left out), ordered by MRN then side.
 * end_date is the earliest date answer, in a current final record of the
 * hip or of its patient (a patient-scope form), of any of ends (NULL:
 * none), or -1.
 * fn returns non-zero to stop. */
typedef int (*store_hip_fn)(void *ctx, const st_patient *p, const st_hip *h, const st_done *done,
                            int end_date);
int store_each_hip(store *s, const char *mrn, const st_ends *ends, store_hip_fn fn, void *ctx);
/* The same for hips already read (store_hips_of) of patient p, in their
 * order, from p's current records as store_records_ended read them (the
 * trend view, print): no query. */
int store_each_hip_in(const st_patient *p, const st_hip *hips, size_t n, const st_record *rec,
                      size_t n_rec, store_hip_fn fn, void *ctx);
/* Every observed hip (no index procedure; h->observed set) with its
 * patient, ordered by MRN then side: the hips store_each_hip leaves out.
 * fn returns non-zero to stop; 0, fn's value, or -1 on a database error. */
typedef int (*store_observed_fn)(void *ctx, const st_patient *p, const st_hip *h);
int store_each_observed_hip(store *s, store_observed_fn fn, void *ctx);

/* The next-due table (store_due.c; schema 8): each scheduled hip's open
 * timepoints, with dates as days since the epoch. The rows are computed
 * outside the store (sched_due.c), which registers store_derive_fn: the
 * store calls it before committing any write transaction, so the rows of the
 * patients that write queued (due_pending) change in that transaction. */
typedef struct {
    char hip[37];
    char *tp, *missing;       /* missing: the expected forms not done, "a,b" */
    int target, open, close, until;
} st_due;
typedef int (*store_derive_fn)(void *ctx, store *s, char **err);
void store_set_derive(store *s, store_derive_fn fn, void *ctx);
/* The schedule text the rows were computed for (NULL: never, or cleared);
 * caller frees. -1 on a read error. */
int store_due_schedule(store *s, char **schedule);
int store_due_set_schedule(store *s, const char *schedule, char **err);
/* The MRNs of the queued patients (sorted); *n of them. NULL on error. */
char **store_due_pending(store *s, size_t *n);
long store_due_pending_count(store *s);          /* -1 on error */
/* Drop the rows of one patient's hips (mrn) / of every hip, and the queue. */
int store_due_forget(store *s, const char *mrn, char **err);
int store_due_clear(store *s, char **err);
int store_due_clear_pending(store *s, char **err);
int store_due_put(store *s, const st_due *d, char **err);
/* The stored rows of one hip, by target (*n of them; *out NULL if none).
 * 0, or -1 if they could not all be read (the rows read so far are given;
 * store_read_failed says why, and this store writes nothing more). */
int store_due_of_hip(store *s, const char *hip_uuid, st_due **out, size_t *n);
void store_due_free(st_due *d, size_t n);
/* Rows whose hip is not a scheduled hip (orphans): fn per distinct hip. */
int store_due_orphans(store *s, void (*fn)(void *ctx, const char *hip), void *ctx);
/* Rows shown at `today`: target in lo..hi, open <= soon, until >= today,
 * in target, MRN, side order;
 * fn gets the row with its patient's MRN and name and the hip's side, and
 * returns non-zero to stop. Streams: nothing is sorted beyond one target. */
typedef int (*store_due_fn)(void *ctx, const char *mrn, const char *name, char side,
                            const st_due *d);
int store_each_due(store *s, int lo, int hi, int soon, int today, store_due_fn fn, void *ctx);
/* A page of the same rows in the order of the table's target index: by
 * target, then hip id, then timepoint. dir > 0: the first limit rows after
 * key (NULL: from the start of the range); dir < 0: the last limit rows
 * before key (NULL: up to the end of the range). Returned in index order,
 * *n of them (NULL if none); key is a row's target, hip and tp. */
typedef struct {
    char *mrn, *name;
    char side;
    st_due d;
} st_due_row;
st_due_row *store_due_page(store *s, int lo, int hi, int soon, int today, const st_due *key,
                           int dir, size_t limit, size_t *n);
void store_due_rows_free(st_due_row *r, size_t n);
/* The rows of one patient's hips (mrn) not missed on today (until >= today),
 * by side then target: the first of a hip is what it needs next. */
int store_each_due_of(store *s, const char *mrn, int today, store_due_fn fn, void *ctx);

/* Final records. store_record_final refuses a second current final record
 * for the same patient, hip, timepoint and form (unscheduled excepted); the
 * message names the existing record (uuid, date, who). A draft with the same
 * key is consumed in the same transaction. Fills r->uuid. Audited. */
int store_record_final(store *s, st_record *r, char **err);
/* A new final row that supersedes old_uuid (a current final record); the
 * reason is required. Patient, hip and form stay the old record's; the
 * timepoint is r's when set (refused if another current record holds it),
 * else the old one. Audited with every old and new value. */
int store_record_amend(store *s, const char *old_uuid, st_record *r, const char *reason,
                       char **err);
int store_record_void(store *s, const char *uuid, const char *reason, char **err);
/* Void several records in one transaction: all of them, or none. */
int store_records_void(store *s, const char *const *uuids, size_t n, const char *reason,
                       char **err);
/* 0 if r is a current final record; else -1 and why not in err ("cannot
 * VERB record X: it is already void (voided by W at T: reason)", "... was
 * already amended; the current version is record Y", a draft, a void entry). */
int store_record_why_not_current(store *s, const st_record *r, const char *verb, char **err);
int store_record_get(store *s, const char *uuid, st_record *r);   /* uuid or unique prefix */
/* The same with a message: 1 if no such record, -1 for a prefix shorter than
 * 8 characters, an ambiguous one or an error. */
int store_record_lookup(store *s, const char *id, st_record *r, char **err);
/* The current final record for a key, 1 if none. hip "" for patient scope. */
int store_record_current(store *s, const char *patient_uuid, const char *hip_uuid,
                         const char *tp, const char *form, st_record *r);
/* Records of a patient with answers and scores, ordered by hip side,
 * visit date, entered_at, into *out. With all == 0 only current final
 * records. 0, or -1 if the read failed part-way (store_read_failed says
 * why; *out holds the records read before, for store_records_free). */
int store_records_of(store *s, const char *patient_uuid, int all, st_record **out, size_t *n);
/* The current final records of a patient, as store_records_of, each with
 * the end of follow-up it gives (end_date; ends: the forms that end it). */
int store_records_ended(store *s, const char *patient_uuid, const st_ends *ends,
                        st_record **out, size_t *n);
/* The current final records of a patient, as store_records_of, of the forms
 * that end follow-up (ends) only: what the end of a hip's follow-up is read
 * from, without parsing every other record's answers. */
int store_records_ending(store *s, const char *patient_uuid, const st_ends *ends,
                         st_record **out, size_t *n);
void store_records_free(st_record *r, size_t n);
/* Stream current final records (of one form, or all), ordered by MRN, side,
 * visit date; memory stays flat. fn gets the patient's MRN too. */
typedef int (*store_record_fn)(void *ctx, const char *mrn, const st_record *r);
/* Returns 0, fn's non-zero value if it stopped, or -1 on a database error. */
int store_each_current(store *s, const char *form, store_record_fn fn, void *ctx);
/* The same, leaving out every record whose validation mark holds its
 * digest now (store_marks_write): those bedside found valid, unchanged
 * since, under the same form definitions (store_form_digests). */
int store_each_unmarked(store *s, store_record_fn fn, void *ctx);

/* Validation marks (store_mark.c). The forms' digests (form.h), which the
 * marks' digests include: a form not given has none, so no record of it is
 * ever taken as marked. Copied; call again after reloading forms. */
void store_form_digests(store *s, int n, const char *const *ids,
                        const unsigned char (*digest)[16]);
/* Mark the records uuid[0..n) as found valid now (their digest as they are
 * now), in one transaction; with rebuild every other mark is dropped.
 * *written: how many marks were written (a record of an unknown form gets
 * none). 0, or -1 with *err. */
int store_marks_write(store *s, const char (*uuid)[37], size_t n, int rebuild, long *written,
                      char **err);
/* How many marks there are, and how many hold their record's digest now.
 * 0, or -1 on a database error. */
int store_marks_count(store *s, long *held, long *matching);
/* 1 if record uuid has a mark holding its digest now, 0 if not, -1 on error. */
int store_marked(store *s, const char *uuid);

/* Drafts: one per patient, hip, timepoint and form. Each accepted answer is
 * written at once; entered_by/entered_at say who saved it last and when. */
int store_draft_find(store *s, const char *patient_uuid, const char *hip_uuid, const char *tp,
                     const char *form, st_record *r);              /* 1 if none */
int store_draft_open(store *s, st_record *r, char **err);         /* create; fills uuid */
int store_draft_answer(store *s, const char *draft_uuid, const char *field, const char *value,
                       char **err);                                /* value NULL: remove */
int store_draft_set_date(store *s, const char *draft_uuid, int visit_date, char **err);
int store_draft_discard(store *s, const char *draft_uuid, char **err);   /* audited */
/* Turn a draft into a final record with r's answers and scores (same checks
 * as store_record_final). */
int store_draft_finalize(store *s, const char *draft_uuid, st_record *r, char **err);
typedef struct {
    char uuid[37];
    char *mrn;
    char side;
    char *timepoint, *form, *saved_by, *saved_at;
    int visit_date, n_answers;
} st_draft_row;
/* The open drafts, oldest first. 0, or -1 if they could not all be read
 * (the rows read so far are given; store_read_failed says why, and this
 * store writes nothing more). */
int store_drafts(store *s, st_draft_row **out, size_t *n);
void store_draft_rows_free(st_draft_row *d, size_t n);

/* The audit trail of a patient, oldest first. */
typedef struct {
    char *field, *old_value, *new_value;   /* old or new NULL when absent */
} st_change;
typedef struct {
    char *at, *who, *action;           /* patient, hip, create, amend, void, discard, merge */
    char record[37];                   /* "" for patient and hip rows */
    char *form, *timepoint, *reason;
    char side;
    st_change *chg;
    int n_chg;
} st_audit_row;
/* 0, or -1 when the trail could not be read whole (a damaged page, an I/O
 * error): the rows read so far are still given, to free, and
 * store_read_failed says why. */
int store_history(store *s, const char *patient_uuid, st_audit_row **out, size_t *n);
/* The entries about no patient, oldest first: the repairs of the derived
 * tables (check --repair-derived), each with what it rebuilt as changes
 * whose field is the detail's key and new_value its value. 0 or -1 as
 * store_history. */
int store_audit_repairs(store *s, st_audit_row **out, size_t *n);
void store_history_free(st_audit_row *a, size_t n);

/* The audit entry of a rebuild of the derived tables (check
 * --repair-derived): who and when, what was rebuilt (detail, a JSON
 * object), no patient. Written in the caller's transaction. */
int store_audit_repair(store *s, const char *detail, char **err);

/* Maintenance. */
int store_backup(store *s, const char *dest, char **err);   /* online backup API */
/* integrity_check, foreign keys, orphans, broken supersede chains, double
 * current finals; cb once per problem. Returns the number of problems. */
int store_check(store *s, void (*cb)(void *ctx, const char *problem), void *ctx);
/* The same with SQLite's quick_check (linear: it skips matching each index
 * against its table) instead of the full integrity_check. */
int store_check_quick(store *s, void (*cb)(void *ctx, const char *problem), void *ctx);
/* Build the patient list's search index (store_search.c) anew from the
 * patients table, in one write transaction. */
int store_search_rebuild(store *s, char **err);

/* Merging an offline copy (store_merge.c): a union by uuid of the other
 * file's patients, hips, final and void records with their scores, and audit
 * rows, in one transaction. Drafts stay behind. A patient registered on both
 * sides (same MRN, name, sex and birth date) or a hip (same patient, side and
 * index date) under another uuid is mapped to ours; any other clash is a
 * conflict and nothing is merged. Returns 0, or -1 with *err (conflicts,
 * unfinished drafts without STORE_MERGE_SKIP_DRAFTS, a foreign file...);
 * rep is filled either way and freed with st_merge_report_free. */
enum { STORE_MERGE_DRY_RUN = 1, STORE_MERGE_SKIP_DRAFTS = 2 };
enum { ST_MERGE_PATIENTS, ST_MERGE_HIPS, ST_MERGE_RECORDS, ST_MERGE_SCORES, ST_MERGE_AUDIT,
       ST_MERGE_KINDS };
typedef struct {
    int added[ST_MERGE_KINDS], present[ST_MERGE_KINDS];
    int mapped_patients, mapped_hips;
    int drafts_finished;               /* our drafts the other file finalized */
    char **drafts, **conflicts, **review;   /* one sentence each */
    int n_drafts, n_conflicts, n_review;
} st_merge_report;
int store_merge(store *s, const char *other_path, int flags, st_merge_report *rep, char **err);
void st_merge_report_free(st_merge_report *rep);

/* The cohort, for `report` and exports (store_cohort.c); one pass each,
 * never a query per hip. fn returns non-zero to stop; each function
 * returns 0, fn's value if it stopped, or -1 on a database error. */
/* Every hip with an index procedure (observed hips are not in the cohort:
 * store_count_observed) whose index date is in from..to (-1: open) with its patient and
 * what ends its follow-up, from its current final records (dates -1 if
 * none): event_date the earliest date answer of event->field in event->form
 * records; end_date the earliest of the other forms of ends, the hip's or
 * its patient's (end_form says which form gave it); last_date the latest
 * visit date. event and ends may
 * be NULL. MRN, side order. */
typedef struct {
    int event_date, end_date, last_date;
    char end_form[64];
} st_followup;
typedef int (*store_cohort_fn)(void *ctx, const st_patient *p, const st_hip *h,
                               const st_followup *fu);
int store_each_cohort_hip(store *s, int from, int to, const st_end *event, const st_ends *ends,
                          store_cohort_fn fn, void *ctx);
/* The number of observed hips, or -1 on a database error. */
int store_count_observed(store *s);
/* The scores named "form.score" in names[0..n) of every current final
 * hip-scope record. */
typedef int (*store_score_fn)(void *ctx, const char *hip_uuid, const char *tp, const char *form,
                              const char *score, double value, int visit_date);
int store_each_hip_score(store *s, const char *const *names, int n, store_score_fn fn,
                         void *ctx);
/* The same for patient-scope records (hip_uuid is then the patient's). */
int store_each_patient_score(store *s, const char *const *names, int n, store_score_fn fn,
                             void *ctx);
/* Every non-empty answer to form.field in current final hip-scope records,
 * ordered by hip and visit date. */
typedef int (*store_answer_fn)(void *ctx, const char *hip_uuid, const char *value,
                               int visit_date);
int store_each_hip_answer(store *s, const char *form, const char *field, store_answer_fn fn,
                          void *ctx);
/* The same for patient-scope records (hip_uuid is then the patient's). */
int store_each_patient_answer(store *s, const char *form, const char *field,
                              store_answer_fn fn, void *ctx);

#endif
