/* form.h — YAML-defined forms: loading, answers, validation and scoring.
 *
 * Every rule about a form comes from its YAML file. Expressions (show_if,
 * check, score expr, summary) are SQL expressions evaluated by SQLite on a
 * private in-memory connection with an authorizer that denies every table
 * access, ATTACH and PRAGMA (see form_expr.c). No curses, no patient data. */
#ifndef BEDSIDE_FORM_H
#define BEDSIDE_FORM_H

#include <stddef.h>

#include "util.h"

enum form_type { FT_CHOICE, FT_MULTI, FT_YESNO, FT_INTEGER, FT_DECIMAL, FT_TEXT, FT_DATE, FT_NOTE };
enum form_scope { SCOPE_HIP, SCOPE_PATIENT };
enum form_better { BETTER_NONE, BETTER_HIGHER, BETTER_LOWER };
/* How the dashboard uses a form's `summary` line (optional YAML block). */
enum form_show { SHOW_NONE, SHOW_ALL, SHOW_LATEST, SHOW_ALERT };

typedef struct form_expr form_expr;   /* a prepared, sandboxed expression */
typedef struct form_sandbox form_sandbox;

#define FORM_VALUE_MAX 99999           /* largest option `value:` */
#define FORM_DIGEST_BYTES 16

typedef struct {
    char *code, *label;
    double points;
    int exclusive;                    /* multi: clears every other option */
    int value;                        /* numeric code for exports: `value:`, else
                                       * the 1-based position; unique in the field */
} form_option;

typedef struct {
    char *id, *label, *help, *check_message, *unit;
    char *def;                        /* default, canonical text, or NULL */
    enum form_type type;
    int required;
    int section;                      /* index into form.sec */
    form_expr *show_if, *check;       /* NULL when absent */
    form_option *opt;
    int n_opt;
    int has_points;                   /* choice: options carry points */
    int has_min, has_max;
    double min, max;
    int decimals;                     /* decimal */
    int max_length;                   /* text, in characters; 0 = default 1000 */
    int line, col;                    /* where the field is defined */
} form_field;

typedef struct {
    char *title;
    form_expr *show_if;
    int first, count;                 /* its fields: field[first .. first+count) */
} form_section;

typedef struct {
    double min;
    char *label;
} form_band;

typedef struct {
    char *id, *label;
    form_expr *expr;
    int decimals;
    int has_min, has_max;
    double min, max;
    int trend;
    enum form_better better;
    int has_mcid;
    double mcid;
    form_band *band;                  /* ordered by descending min */
    int n_band;
} form_score;

typedef struct form {
    char *path, *id, *title, *description;
    int version;
    enum form_scope scope;
    form_section *sec;
    int n_sec;
    form_field *field;                /* all fields, in order, across sections */
    int n_field;
    form_score *score;
    int n_score;
    /* Optional dashboard block:  summary: {label:, show: all|latest|alert, expr:} */
    char *summary_label;
    enum form_show summary_show;
    form_expr *summary;
    /* Optional: ends_follow_up: FIELD (a date field), or {field: FIELD,
     * event: BOOL, reason: FIELD}; the hip's follow-up ends on that date
     * (a patient-scope form's: every hip of the patient's; event false).
     * end_is_event: the end is the survival endpoint (conversion to hip
     * replacement; the default), else a censoring (end of follow-up).
     * end_reason: a choice field saying why, or -1. ends_follow_up -1 if none. */
    int ends_follow_up;
    int end_is_event;
    int end_reason;
    /* Optional: enrolment: true. The form describes the hip (scope hip) or
     * the patient (scope patient) at enrolment: one current record each,
     * at the reserved timepoint "enrolment", outside the schedule (entry.h). */
    int enrolment;
    form_sandbox *sb;
    int id_line, id_col;              /* where `id:` is, for messages */
    /* SHA-256 (first 16 bytes) of bedside's version and the form's YAML:
     * a record found valid under one digest stays valid while it is the
     * same (store_marks). */
    unsigned char digest[FORM_DIGEST_BYTES];
    /* A form from the cache keeps its texts (ids, labels, codes...) in one
     * block (form_cache_decode), which form_free frees whole. */
    char *texts;
    size_t texts_len;
} form;

typedef struct {
    form **v;
    int n;
} form_set;

/* Load one form. Returns NULL and adds every problem found to d. */
form *form_load(const char *path, diag *d);
form *form_load_buffer(const char *name, const char *buf, size_t len, diag *d);
void form_free(form *f);
/* Load every *.yaml in dir, sorted by file name; a form with problems is
 * left out and its problems added to d (as are ids used twice). Returns the
 * number of files with problems. */
int form_set_load(form_set *s, const char *dir, diag *d);
/* Keep checked forms in dir between runs (form_cache.c): a form whose bytes
 * and this program's build are the ones of a cached copy is read from it
 * instead of being parsed and checked again. NULL (the default) turns it
 * off. dir must be the user's own (mode 0700 when created here); a folder
 * others can write to is not used. Counts of hits and misses, for tests. */
void form_cache_use(const char *dir);
void form_cache_counts(int *hits, int *misses);
/* The parsed tree of a YAML file kept the same way (config_load keeps the
 * configuration's), keyed by its bytes and the build; NULL if none is kept.
 * Counted with the forms' hits and misses. */
struct ynode *form_cache_tree_get(const char *buf, size_t len);
void form_cache_tree_put(const struct ynode *root, const char *buf, size_t len);
const form *form_set_find(const form_set *s, const char *id);
void form_set_free(form_set *s);

/* What a cohort can be grouped by (report --by, report: by:, the TUI's
 * cohort screen), one rule for all: the identity fields "sex" (of the
 * patient) and "side" (of the hip), and every choice field of an enrolment
 * form (enrolment: true, either scope), named by its id when no other
 * enrolment form has a choice field of that id and it is not "sex" or
 * "side", else as FORM.FIELD (always accepted). 0 and *g filled, or -1. */
typedef struct {
    const char *identity;             /* "sex" or "side"; NULL for a form field */
    const form *f;                    /* the enrolment form, or NULL */
    int field;                        /* index into f->field, or -1 */
} form_group;
int form_group_find(const form_set *s, const char *name, form_group *g);
/* Every name form_group_find accepts in its shortest form: sex, side, then
 * the enrolment forms' choice fields in the forms' order. Caller frees the
 * strings and the array. */
char **form_group_names(const form_set *s, int *n);
/* The same names joined by ", ", for messages. Caller frees. */
char *form_group_list(const form_set *s);

int form_field_index(const form *f, const char *id);   /* -1 if unknown */
int form_score_index(const form *f, const char *id);
int form_option_index(const form_field *fl, const char *code);
/* The label of option code of choice field `field` of f; code itself when
 * f is NULL, the field or the option unknown (code may be NULL). */
const char *form_option_label(const form *f, const char *field, const char *code);
const char *form_type_name(enum form_type t);

/* Answers: one canonical text per field, NULL when unanswered.
 *   choice: the code; multi: codes joined by "," in option order;
 *   yesno: "yes" or "no"; integer: decimal digits; decimal: formatted with
 *   the field's decimals; text: as typed; date: YYYY-MM-DD; note: never set. */
typedef struct {
    const form *f;
    char **val;
} form_answers;

form_answers *form_answers_new(const form *f);
void form_answers_free(form_answers *a);
int form_answers_count(const form_answers *a);
/* Fill in the fields' defaults for fields that are unanswered. */
void form_answers_defaults(form_answers *a);

/* Parse user text for a field and set it. Empty (or blank) text clears the
 * answer. Checks type, option codes,
 * exclusivity, range, decimals, length, UTF-8 and the field's `check`
 * (evaluated with the new value among the current answers; NULL passes).
 * Returns 0, or -1 leaving the answer unchanged and a message in err. */
int form_answer_set(form_answers *a, int field, const char *text, char *err, size_t errlen);
/* Set a stored canonical value without checking (resuming a draft). */
void form_answer_load(form_answers *a, int field, const char *value);
void form_answer_clear(form_answers *a, int field);

/* Is the field shown with the current answers? (section and field show_if;
 * NULL counts as false). Note fields are shown but never answered. */
int form_field_visible(const form_answers *a, int field);
/* Drop answers of hidden fields, repeating until stable. Returns how many. */
int form_answers_prune(form_answers *a);

/* Full validation before saving a final record: prunes hidden answers, then
 * re-checks every answer and every `check`, and reports required visible
 * fields left empty. Calls cb(ctx, field_id, message) per problem (field_id
 * is a score id for a score outside its min..max). Returns the count. */
typedef void (*form_problem_fn)(void *ctx, const char *field_id, const char *msg);
int form_validate(form_answers *a, form_problem_fn cb, void *ctx);
/* The same, also giving what it found on the way (each may be NULL): how
 * many hidden answers it pruned, and the scores as form_compute gives them
 * (val and isnull hold n_score), so a caller that needs all three (check)
 * binds and evaluates the form once. */
int form_validate_all(form_answers *a, int *pruned, double *val, int *isnull,
                      form_problem_fn cb, void *ctx);

/* Compute every score in order (a score may use fields and earlier scores).
 * val[i] is rounded to the score's decimals; isnull[i] set when NULL. */
void form_compute(const form_answers *a, double *val, int *isnull);
/* "12.5" with the score's decimals; out must hold 32 bytes. */
void form_score_format(const form_score *s, double v, char out[32]);
const char *form_score_band(const form_score *s, double v);   /* NULL if none */

/* An expression as the form author wrote it, and the ids of the fields and
 * scores of f it reads, comma-joined (codebooks). Caller frees; NULL for
 * no expression (or, for inputs, none read). */
char *form_expr_text(const form_expr *e);
char *form_expr_inputs(const form *f, const form_expr *e);

/* What an answer means to a reader: option labels, "Yes"/"No", numbers with
 * their unit. Caller frees; NULL when unanswered. Not escaped. */
char *form_answer_display(const form_answers *a, int field);
/* The form's summary line for these answers, or NULL. Caller frees. */
char *form_summary(const form_answers *a);

#endif
