/* entry.h — the life of a record, in one place.
 *
 * Every front end (the command line, the TUI's form screen, the demo
 * cohort) goes through this module; none of them writes a rule of a visit
 * itself. A record's life:
 *
 *   1. Who and what:  entry_resolve   patient (MRN), form, hip (hip-scope
 *                                     forms), with every hip of the patient.
 *   2. When:          entry_set_visit timepoint and visit date, checked by the
 *                                     visit rules below (and the timepoint
 *                                     picked from the date when not given).
 *   3. The answers:   a form_answers of the form (form.h), typed by a nurse or
 *                     given as FIELD=VALUE; entry_build turns them into the
 *                     record: hidden answers dropped, scores computed.
 *   4. Drafts:        entry_draft_* (entry_draft.c) keep every accepted
 *                     answer on disk while a form is being typed.
 *   5. Final:         entry_save (or entry_draft_finish) writes the final
 *                     record; entry_amend a new version of it (answers, and
 *                     date and timepoint too, the rules re-checked);
 *                     entry_void ends it. The old versions are kept.
 *
 * The visit rules (bedside(1), "Visit rules"):
 *   - No visit in the future (after app.today) or before the patient's birth.
 *   - No record before the first visit window of the hip (patient-scope
 *     forms: of the patient's earliest hip); an observed hip has no
 *     schedule and takes no record before the day its observation began,
 *     and only unscheduled records (a conversion among them).
 *   - A scheduled record dated inside its timepoint's window is in window
 *     (patient-scope: the window of any hip). A date inside another
 *     timepoint's window is refused, naming that timepoint. A date in no
 *     window may be kept for the timepoint whose window closed last before
 *     it (the last timepoint: up to SCHED_LAST_GRACE days after) or the next
 *     to open after it, only when confirmed; the record is then marked out
 *     of window. Any other date is an unscheduled visit.
 *   - An enrolment form's record (timepoint "enrolment"): one current record
 *     per hip (dated by its index date, which may be up to a year ahead)
 *     or per patient (any date up to today); no window, no schedule.
 *   - After the end of a hip's follow-up (the earliest date of the forms
 *     with ends_follow_up: a conversion to hip replacement, an end of
 *     follow-up), scheduled records for that hip are refused, naming the
 *     date and why; the ending date may not be in the future, before the
 *     index date, given twice by one form for one hip, or before a record
 *     that would then break this rule (entry_check_record). Unscheduled
 *     records, and the other ending forms (a conversion after a hip was
 *     lost to follow-up), stay possible.
 *
 * Errors: every function that can refuse fills an entry_error with the
 * field it is about and one sentence, and leaves the database unchanged.
 * Curses-free; part of the core library. */
#ifndef BEDSIDE_ENTRY_H
#define BEDSIDE_ENTRY_H

#include "app.h"

typedef struct {
    /* What the message is about: a form field id when answer is set, else
     * one of "patient", "form", "hip", "timepoint", "date", "reason",
     * "record", or "" (the database). */
    char field[64];
    int answer;
    char msg[1024];
} entry_error;

/* Fill e (may be NULL) with field and message; returns ENTRY_REFUSED. */
int entry_fail(entry_error *e, const char *field, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* The store's message err (or what, when err is NULL) into e, about the
 * database (field ""); frees err; returns ENTRY_REFUSED. */
int entry_fail_store(entry_error *e, char *err, const char *what);

/* Results of the checks: fine, needs the nurse's confirmation (a date in
 * no window, kept for a neighbouring timepoint), refused. */
enum { ENTRY_OK = 0, ENTRY_CONFIRM = 1, ENTRY_REFUSED = -1 };

/* ---- The visit rules, pure (no database, no "today") ------------------ */

/* One hip as the schedule sees it. */
typedef struct {
    char side;          /* 'L' or 'R' */
    int index_date;     /* day 0 */
    int end_date;       /* the day follow-up ended (the earliest form that ends it), or -1 */
    char why[128];      /* that form's title and reason, e.g. "End of follow-up: Withdrawn" */
    int observed;       /* no index procedure, no schedule (index_date: observed from) */
} entry_hip;

/* Check a record's timepoint tp ("unscheduled" or a schedule id) against its
 * visit date, for the hips whose schedule applies: the record's hip, or
 * every hip of the patient for a patient-scope form (n_hips may be 0).
 * out_of_window: the date was confirmed (or stored) as out of window.
 * ends_follow_up: the record is itself the hip's conversion, so the "after
 * the conversion" rule does not apply to it.
 * Returns ENTRY_OK, ENTRY_CONFIRM (a date in no window next to tp's window,
 * not confirmed) or ENTRY_REFUSED, with the reason in e (field "date").
 * Side-effect free: `bedside check` and the stored-data validator call it
 * for every stored record (see entry_check_stored). */
int entry_visit_rules(const config *c, const entry_hip *hips, int n_hips, const char *tp,
                      int visit_date, int out_of_window, int ends_follow_up, entry_error *e);
/* The out_of_window mark of a record dated visit_date for tp: 1 when tp is
 * a scheduled timepoint and the date is in none of its windows (kept only
 * when the nurse confirmed it), else 0. Entry and the demo set it; exports
 * read the stored mark as the record's window. */
int entry_out_of_window(const config *c, const entry_hip *hips, int n_hips, const char *tp,
                        int visit_date, int ends_follow_up);
/* The enrolment forms (form.h `enrolment`): an enrolment form's record has
 * the timepoint "enrolment" (tp may be NULL: not chosen yet), and only an
 * enrolment form's record has it. entry_visit_rules lets such a record be
 * dated by its hip's index date only (n_hips 1), any day for the patient,
 * and keeps no window for it. ENTRY_OK or ENTRY_REFUSED (field "timepoint"). */
int entry_enrolment_rules(const form *f, const char *tp, entry_error *e);
/* The same for a stored record r (its timepoint, date and out_of_window
 * mark), as a data check: 0 if it keeps the rules, else -1 and the problem
 * in e ("dated outside its window and not marked out of window", "scheduled
 * after the conversion", ...). hips as above, for r's hip or patient. */
int entry_check_stored(const config *c, const entry_hip *hips, int n_hips, const st_record *r,
                       int ends_follow_up, entry_error *e);
/* Every hip of a patient as stored in db (which may be a laptop's copy,
 * not a->db), left first, with the end of its follow-up; ends[i] is the
 * largest number of current records one ending form has for hip i (more
 * than one is a data problem) and end_form[i] that form's id. Returns the
 * number of hips (0..2). */
int entry_hips_of(const app *a, store *db, const char *patient_uuid, entry_hip vh[2],
                  int ends[2], const char *end_form[2]);
/* The day the follow-up of the patient as a whole ended (the earliest
 * record of a patient-scope form with ends_follow_up), or -1; why as
 * entry_hip's. */
int entry_patient_end(const app *a, const char *patient_uuid, char why[128]);
/* The timepoint whose window holds visit_date for one of the hips still
 * followed up on that date, or -1 (unscheduled). */
int entry_timepoint_for(const config *c, const entry_hip *hips, int n_hips, int visit_date);

/* ---- A hip's day 0 (entry_hip.c) --------------------------------------- */

/* An index date for patient p: not before birth, at most a year ahead of
 * today (a hip may be registered for a planned procedure). */
int entry_index_date_ok(const app *a, const st_patient *p, int index_date, entry_error *e);
/* The date that ends a hip's follow-up, `conversion` (the answer `field`
 * of a form with ends_follow_up: a hip replacement, an end of follow-up):
 * not after today, not before the hip's index date. */
int entry_conversion_ok(const app *a, const char *field, int conversion, int index_date,
                        entry_error *e);
/* The visit rules for a stored record r of a patient whose hips are vh:
 * entry_check_stored against r's hip, or all hips for a patient-scope
 * record. 0 or -1 with the problem in e. */
int entry_check_record(const app *a, const entry_hip *vh, int n_vh, const st_record *r,
                       entry_error *e);
/* The out_of_window mark of a stored record r against the rule
 * (entry_out_of_window over the hips entry_check_record takes): the mark
 * records a nurse's confirmation of a date in no window, so a mark on a
 * record in its window (after its hip's index date moved, or a second hip
 * was added, or written by hand) is wrong: -1 with the problem in e. A
 * record out of window without the mark is entry_check_record's. Not a
 * visit rule: a change (re-dating a hip) is not refused for it; amending
 * the record recomputes the mark. */
int entry_check_mark(const app *a, const entry_hip *vh, int n_vh, const st_record *r,
                     entry_error *e);
/* One record that stands in the way of a change (r NULL: the hip itself). */
typedef void (*entry_problem_fn)(void *ctx, const st_record *r, const char *msg);
/* Move the index date of p's hip on side to index_date (audited, with the
 * reason): refused, with cb told of each, when a record of that hip or a
 * patient-scope record would break a visit rule under the new date, or
 * the hip's conversion would come before it. */
int entry_hip_redate(app *a, const st_patient *p, char side, int index_date, const char *reason,
                     entry_problem_fn cb, void *ctx, entry_error *e);

/* ---- 1 and 2: the target ------------------------------------------------ */

typedef struct {
    st_patient p;
    st_hip *hips;               /* every hip of the patient, L before R */
    size_t n_hips;
    const st_hip *h;            /* the record's hip (in hips), NULL for patient scope */
    entry_hip vh[2];            /* the schedules that apply: h's, or every hip's */
    int n_vh;
    const form *f;
    char *tp;                   /* after entry_set_visit */
    int tp_inferred;            /* tp was picked from the date */
    int visit_date;
    int out_of_window;          /* dated in no window, confirmed */
} entry_target;

/* Patient by MRN, form by id, the hip by side ('L' or 'R' for a hip-scope
 * form, 0 for a patient-scope one). */
int entry_resolve(app *a, const char *mrn, const char *form_id, char side, entry_target *t,
                  entry_error *e);
/* The same from a known patient uuid and hip side (the TUI, an amendment).
 * f may be NULL for "a visit of that hip" (side) or of the patient (0). */
int entry_resolve_uuid(app *a, const char *patient_uuid, const form *f, char side,
                       entry_target *t, entry_error *e);
void entry_target_free(entry_target *t);

#define ENTRY_CONFIRMED 1       /* flags: a date in no window is confirmed */
/* Set the visit: tp NULL picks the timepoint from the date (tp_inferred).
 * Applies every visit rule; on ENTRY_CONFIRM the target is unchanged and
 * the call may be repeated with ENTRY_CONFIRMED. */
int entry_set_visit(app *a, entry_target *t, const char *tp, int visit_date, int flags,
                    entry_error *e);

/* ---- 4: drafts (entry_draft.c) ------------------------------------------ */

/* One draft per patient, hip, timepoint and form. Open (or join the one
 * another session made for the same visit) and write every answer present;
 * the draft's uuid into uuid. */
int entry_draft_open(app *a, const entry_target *t, form_answers *ans, char uuid[37],
                     entry_error *e);
/* Write field `field` of ans to the draft, and remove the answers that
 * became hidden (had[j] set before the change, now NULL; had may be NULL).
 * Fails when the draft went away (finished or discarded elsewhere). */
int entry_draft_write(app *a, const char *uuid, const form_answers *ans, int field,
                      const char *had, entry_error *e);
/* "Keep this as a draft": afterwards a draft holds exactly the answers of
 * ans. The draft uuid is rewritten when it had vanished underneath (a new
 * one is made; *made_new set). */
int entry_draft_keep(app *a, const entry_target *t, form_answers *ans, char uuid[37],
                     int *made_new, entry_error *e);
/* The draft of t's visit (0), none (1) or an error (-1). */
int entry_draft_find(app *a, const entry_target *t, st_record *d);
/* Load a draft's answers (resume); keys no longer in the form are skipped. */
void entry_draft_resume(const st_record *d, form_answers *ans);
int entry_draft_discard(app *a, const char *uuid, entry_error *e);   /* audited */
/* Finishing a draft is entry_save with its uuid. */

/* ---- 3 and 5: answers, final records ------------------------------------ */

/* The record for t with these answers: answers to fields hidden by show_if
 * dropped (from ans too), every score computed. r is overwritten; free it
 * with st_record_free. */
void entry_build(const entry_target *t, form_answers *ans, st_record *r);
/* The answer and score part of entry_build alone, for a record whose key
 * the caller sets (the demo cohort, with no app): r's form, version,
 * answers and scores. */
void entry_record_fill(st_record *r, form_answers *ans);
/* Validate the answers as the form says; the first problem in e (field
 * set, answer = 1). cb (may be NULL) sees every problem. Returns the count. */
int entry_validate(form_answers *ans, form_problem_fn cb, void *ctx, entry_error *e);
/* The answers' own rules about the visit: the conversion date of a form
 * with ends_follow_up (not in the future, not before the index date, not
 * twice for a hip, not before a scheduled record of the hip, named;
 * except_uuid is the record being amended, or NULL). */
int entry_check_answers(app *a, const entry_target *t, const form_answers *ans,
                        const char *except_uuid, entry_error *e);
/* Validate and save a final record; draft_uuid (or NULL) is the draft it
 * finishes. r receives the saved record (uuid filled). entry_check_answers
 * and the visit rules against the hips as stored (their ends, the
 * out_of_window mark) are applied inside the write transaction that saves
 * it, as by entry_amend. */
int entry_save(app *a, const entry_target *t, form_answers *ans, const char *draft_uuid,
               st_record *r, entry_error *e);

/* The form version of a stored record r of form f. Forms keep no old
 * versions: a record made with an older version is read, validated and
 * amended with the current one (check names both versions in a problem);
 * one made with a newer version than f (a copy from a site with newer
 * forms) cannot be read right and is refused, as is a version below 1.
 * ENTRY_OK, or ENTRY_REFUSED with the problem in e (field "form"). */
int entry_check_version(const form *f, const st_record *r, entry_error *e);
/* The current final record id (uuid or >= 8 characters of it) with its
 * target (visit already set to the record's own). For amend and void (verb
 * names it in the refusal: "cannot void record X: it is already void ..."). */
int entry_open_record(app *a, const char *id, const char *verb, st_record *old, entry_target *t,
                      entry_error *e);
/* A new version of old with these answers and t's visit (set it again with
 * entry_set_visit to move the date or timepoint); reason required. */
int entry_amend(app *a, const entry_target *t, const st_record *old, form_answers *ans,
                const char *reason, st_record *r, entry_error *e);
int entry_void(app *a, const st_record *old, const char *reason, entry_error *e);
/* The rule of an amendment's or void's reason, also for stored ones: given,
 * not blank, UTF-8, and like a text answer nothing a terminal would obey
 * (line breaks allowed). 0, or ENTRY_REFUSED with the problem in e (field "reason"). */
int entry_check_reason(const char *reason, entry_error *e);
/* Void n records in one step (all or none; a reason required), e.g. every
 * record of a visit. One that is no longer current (voided or amended
 * meanwhile) refuses them all, saying so. */
int entry_void_records(app *a, const st_record *recs, size_t n, const char *reason,
                       entry_error *e);
/* The current final records of r's visit: the same patient, hip (or
 * patient scope), timepoint and, for an unscheduled visit, date; in the
 * schedule's form order, into *out (free with store_records_free).
 * ENTRY_OK, or ENTRY_REFUSED with why in e if they could not be read. */
int entry_visit_records(app *a, const st_record *r, st_record **out, size_t *n,
                        entry_error *e);
/* ---- Enrolment (entry_enrol.c) ------------------------------------------ */

/* Would ans (answers of an enrolment form, or NULL) make a record? Yes when
 * anything is answered or the form requires an answer (then validation
 * says which). */
int entry_enrol_wanted(const form_answers *ans);
/* Does every hip (patient) need a record of the enrolment form f? Yes when
 * one of its fields is required: then no hip (patient) is added without
 * one, and `bedside check` lists each treated hip (patient) that has none.
 * A form whose fields are all optional (the shipped ones) needs none, so
 * databases from before a form was shipped stay clean. */
int entry_enrol_required(const form *f);
/* Add a hip (h: patient, side, index date; uuid filled) and, when
 * entry_enrol_wanted(ans), its enrolment record (ans: of a->enrol[SCOPE_HIP])
 * in one transaction: both or neither. The index date may not be before the
 * patient's birth nor more than a year after today; a second hip on a side
 * is refused. r (may be NULL) receives the record; r->uuid is "" if none. */
int entry_add_hip(app *a, st_hip *h, form_answers *ans, st_record *r, entry_error *e);
/* The rules a hip's identity keeps once stored, which `check` applies too:
 * its index date is allowed for patient p (entry_index_date_ok) and, for a
 * hip with an index procedure, not after end, the day its follow-up ended
 * (-1: not ended; why, possibly "", says what ended it). */
int entry_hip_stored_ok(const app *a, const st_patient *p, const st_hip *h, int end,
                        const char *why, entry_error *e);
/* The checks entry_add_hip makes before writing, for a front end that asks
 * the enrolment form after side and index date (the TUI): the patient
 * exists, the index date is allowed (for a hip with an index procedure:
 * not after the end of the patient's follow-up), the side is free. */
int entry_hip_new_ok(app *a, const st_hip *h, entry_error *e);
/* The same for a new patient: the MRN is not taken (field "mrn"). */
int entry_patient_new_ok(app *a, const st_patient *p, entry_error *e);
/* The same person added twice: another patient has p's name (any case) and
 * birth date. ENTRY_OK when none; else ENTRY_CONFIRM, with "NAME born DATE
 * is already recorded as MRN X" in e (field "name") and X in other_mrn (may
 * be NULL): the front end adds the patient only when told it is another
 * person (the TUI asks; the command line wants --allow-duplicate). */
int entry_patient_duplicate(app *a, const st_patient *p, char other_mrn[64], entry_error *e);
/* The same for a patient (p: mrn, name, sex, born) and the patient's
 * enrolment record (ans: of a->enrol[SCOPE_PATIENT]), dated today. */
int entry_add_patient(app *a, st_patient *p, form_answers *ans, st_record *r, entry_error *e);

/* The stored answers of a record as form answers; keys no longer in the
 * form are skipped and counted in *dropped (may be NULL). */
form_answers *entry_answers_of(const form *f, const st_record *r, int *dropped);

/* ---- The review of an amendment (entry_diff.c) ---------------------------- */

/* One answer or score whose shown value differs: old and new as a reader
 * sees them (option labels, units; NULL for none), not escaped. */
typedef struct {
    int score;              /* 1: index is into f->score, else into f->field */
    int index;
    char *old, *new_;
} entry_change;
/* Every change from the stored record old to the answers ans (of the same
 * form), answers in the form's order, then scores. Returns the count;
 * *out freed with entry_changes_free. */
int entry_changes(const st_record *old, const form_answers *ans, entry_change **out);
void entry_changes_free(entry_change *c, int n);

#endif
