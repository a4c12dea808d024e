/* form_internal.h — what the form_*.c files share and nobody else needs. */
#ifndef BEDSIDE_FORM_INTERNAL_H
#define BEDSIDE_FORM_INTERNAL_H

#include <sqlite3.h>

#include "form.h"
#include "ytree.h"

#define FORM_MAX_FIELDS 1000
#define FORM_MAX_SCORES 200
#define FORM_MAX_PROBLEMS 100     /* messages per file */

/* A value as bound into an expression (and read back from one). */
enum fv_kind { FV_NULL, FV_INT, FV_REAL, FV_TEXT };
typedef struct {
    enum fv_kind kind;
    long long i;
    double r;
    const char *s;       /* FV_TEXT: borrowed */
} form_value;

/* form_expr.c: the sandbox, one per process, shared by every form (each
 * form_sandbox_new takes a reference, each form_sandbox_free drops one). */
form_sandbox *form_sandbox_new(void);
void form_sandbox_free(form_sandbox *sb);
/* Compile `text` for a form whose binding names are names[0..n): parameter
 * ?k+1 is names[k]. On failure returns NULL and writes a message (without
 * position) to err. */
form_expr *form_expr_new(form_sandbox *sb, const char *text, const char *const *names, int n,
                         char *err, size_t errlen);
/* The same, compiled at its first evaluation instead of now (a form from
 * the cache, form_cache.c, whose expressions compiled when it was checked),
 * reading the binding indexes reads[0..nreads) (as form_expr_reads gave
 * them; NULL unless ascending and below n). */
form_expr *form_expr_deferred(form_sandbox *sb, const char *text, const char *const *names,
                              int n, const int *reads, int nreads);
void form_expr_free(form_expr *e);
/* How many names e was given (n above). */
int form_expr_names(const form_expr *e);
/* Evaluate with vals[0..n) (n >= the names given at compile time). Returns
 * -1 on an evaluation error (message in err), else 0 with *out set; text
 * results are copied into *text (caller frees), out->s points at it. */
int form_expr_eval(form_expr *e, const form_value *vals, int n, form_value *out, char **text,
                   char *err, size_t errlen);
/* The binding indexes (ascending) an expression reads; none for NULL. */
const int *form_expr_reads(const form_expr *e, int *n);
/* Is a [a-z][a-z0-9_]* id usable as a binding name in "SELECT ?1 AS id"
 * (not an SQL keyword that breaks it)? Prepares nothing unless id is one of
 * SQLite's keywords. */
int form_expr_name_ok(form_sandbox *sb, const char *id);
/* show_if / check truth: 1 true, 0 false, -1 NULL or error. */
int form_expr_truth(const form_value *v);

/* form_load.c: the state of loading one file, shared with form_field.c. */
typedef struct {
    ycheck c;
    form *f;
    /* Expression nodes, compiled once every id is known. */
    const ynode **fshow, **fcheck, **sshow, **sexpr;
    const ynode *summary_expr;
    const ynode **fnode;        /* each field's mapping, for positions */
    const ynode **scnode;
    const ynode *efu;           /* ends_follow_up value */
} form_loader;
void form_load_problem(form_loader *L, const ynode *at, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Text from the file, escaped for a message (a small ring of static buffers). */
const char *form_load_quote(const char *s);
/* The expression under key, or NULL (reporting a non-text value). */
const ynode *form_load_expr(form_loader *L, const ynode *map, const char *key, const char *what);
/* form_field.c: parse field number `index` from mapping m. */
void form_load_field(form_loader *L, form_field *fl, const ynode *m, int index);

/* form_cache.c: checked forms kept between runs, keyed by their bytes and
 * this program's build (see form_cache_use in form.h). A form from the cache
 * (NULL on any miss: no file, another key, a damaged or foreign file), and
 * storing one just checked (silently nothing when the cache is off or
 * cannot be written). */
form *form_cache_get(const char *path, const char *buf, size_t len);
void form_cache_put(const form *f, const char *buf, size_t len);
/* Whether s is one of f's texts kept in its block (form.h, texts), which
 * form_free frees whole (form_load.c). */
int form_text_in_block(const form *f, const char *s);
/* For the tests: a cache file's payload to a form, or NULL; any bytes. */
form *form_cache_decode(const char *path, const unsigned char *p, size_t n);
unsigned char *form_cache_encode(const form *f, size_t *n);
/* The forms of folder dir, its files names (sorted) with their status st,
 * as kept together: 1 and *out (n forms, in the names' order) when every
 * file is as it was then, else 0. Keeping them (only files that have not
 * changed for a few seconds: form_cache.c). */
struct stat;
int form_cache_set_get(const char *dir, char *const *names, const struct stat *st, size_t n,
                       form ***out);
void form_cache_set_put(const char *dir, char *const *names, const struct stat *st, size_t n,
                        form *const *v);

/* form_answer.c */
/* Parse user text for field fl into canonical text (caller frees). Returns
 * NULL with a message in err. Empty text is not handled here. */
char *form_parse_value(const form_field *fl, const char *text, char *err, size_t errlen);

/* Re-check a stored answer (type, options, range and check): validation. */
int form_answer_recheck(const form_answers *a, int field, char *err, size_t errlen);

/* form_eval.c */
/* The value of field i as bound in expressions (hidden: NULL). */
void form_bind_value(const form_field *fl, const char *canon, form_value *v);
/* vis[i]: field i is visible, after dropping hidden answers to a fixed point;
 * vals (n_field + n_score entries) filled with the fields' values, hidden and
 * unanswered ones NULL; scores left NULL. `override` replaces field `ov`'s
 * answer when ov >= 0. */
void form_effective(const form_answers *a, int ov, const char *override, int *vis,
                    form_value *vals);

/* Round half away from zero to `decimals` places. */
double form_round(double v, int decimals);

/* form_set.c: the id pattern [a-z][a-z0-9_]* */
int form_id_ok(const char *s);
/* An option code: [a-z0-9][a-z0-9_]* */
int form_code_ok(const char *s);

#endif
