/* cli_verify.c — everything `bedside check` looks for in a database: the
 * store's own checks (integrity, orphans, chains, double visits) and every
 * current record's answers and scores against the forms. `merge` runs the
 * same on a laptop's copy before taking anything from it. */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_internal.h"

typedef struct {
    app *a;
    store *db;
    char patient[37];           /* the patient whose hips are in vh */
    entry_hip vh[2];
    int n_vh;
    int problems;
    int data_only;              /* cli_verify_data: what the data says, not who/when */
    void (*report)(void *ctx, const char *problem);
    void *ctx;
    int progress;               /* show a progress line on stderr */
    long records;               /* current records checked so far */
    int marks;                  /* CLI_VERIFY_MARKS: skip the marked, or (full) */
    int quick;                  /* ... with CLI_VERIFY_QUICK; else rebuild them */
    char (*clean)[37];          /* records whose data was found valid (marks) */
    size_t n_clean, cap_clean;
    int forged;                 /* invalid records holding a mark of their digest */
} check_ctx;

/* The progress line: rewritten in place, cleared by progress(c, NULL). */
static void progress(const check_ctx *c, const char *what)
{
    if (!c->progress)
        return;
    if (what)
        fprintf(stderr, "\rbedside check: %s\033[K", what);
    else
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* One problem, its data already escaped (cli_esc): the progress line
 * cleared, the line reported and counted. */
static void problem(check_ctx *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void problem(check_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    if (vasprintf(&line, fmt, ap) < 0)
        line = NULL;
    va_end(ap);
    progress(c, NULL);
    c->report(c->ctx, line ? line : "?");
    free(line);
    c->problems++;
}

static void on_store_problem(void *ctx, const char *what)
{
    problem(ctx, "%s", cli_esc(what));
}

static void record_problem(check_ctx *c, const st_record *r, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
static void record_problem(check_ctx *c, const st_record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sbuf b = {0};
    sbuf_printf(&b, "record %.8s (%s, %s): ", r->uuid, cli_esc(r->form), cli_esc(r->timepoint));
    char *what = NULL;
    if (vasprintf(&what, fmt, ap) >= 0) {
        sbuf_add(&b, what);
        free(what);
    }
    va_end(ap);
    problem(c, "%s", b.s);
    sbuf_free(&b);
}

/* Is every option code of a stored choice or multi answer in the form? */
static const char *bad_code(const form_field *fl, const char *value)
{
    static char code[128];
    if (fl->type != FT_CHOICE && fl->type != FT_MULTI)
        return NULL;
    const char *s = value;
    for (;;) {
        size_t n = fl->type == FT_MULTI ? strcspn(s, ",") : strlen(s);
        snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code ? n : sizeof code - 1), s);
        if (form_option_index(fl, code) < 0)
            return code;
        if (!s[n])
            return NULL;
        s += n + 1;
    }
}

/* The stored scores against val/isnull, what the answers give now. */
static void check_scores(check_ctx *c, const form *f, const double *val, const int *isnull,
                         const st_record *r)
{
    for (int i = 0; i < f->n_score; i++) {
        char stored[32] = "NA", now[32] = "NA";
        int k = 0;
        while (k < r->n_score && strcmp(r->score_id[k], f->score[i].id) != 0)
            k++;
        /* The same number shows the same: formatted only if they differ. */
        if (k < r->n_score && !isnull[i] && r->score_val[k] == val[i])
            continue;
        if (k == r->n_score && isnull[i])
            continue;
        if (k < r->n_score)
            form_score_format(&f->score[i], r->score_val[k], stored);
        if (!isnull[i])
            form_score_format(&f->score[i], val[i], now);
        if (strcmp(stored, now) == 0)
            continue;
        if (r->form_version == f->version)
            record_problem(c, r, "%s.%s is %s, answers give %s", f->id, f->score[i].id, stored,
                           now);
        else
            record_problem(c, r, "%s.%s is %s, answers give %s (recorded with version %d, the "
                           "form is now version %d)", f->id, f->score[i].id, stored, now,
                           r->form_version, f->version);
    }
    for (int k = 0; k < r->n_score; k++)
        if (form_score_index(f, r->score_id[k]) < 0)
            record_problem(c, r, "%s.%s: a score the form does not have", f->id,
                           cli_esc(r->score_id[k]));
}

typedef struct {
    const st_record *r;
    const form *f;
    char **line;   /* the problems, in order, reported after the scores' */
    int n;
} invalid_ctx;

/* One problem of form_validate: the same words `record` would print. */
static void on_invalid(void *ctx, const char *field_id, const char *msg)
{
    invalid_ctx *v = ctx;
    v->line = xrealloc(v->line, (size_t)(v->n + 1) * sizeof *v->line);
    if (v->r->form_version != v->f->version)
        v->line[v->n++] = xasprintf("%s.%s: %s (recorded with version %d, the form is now "
                                    "version %d)", v->f->id, cli_esc(field_id), cli_esc(msg),
                                    v->r->form_version, v->f->version);
    else
        v->line[v->n++] = xasprintf("%s.%s: %s", v->f->id, cli_esc(field_id), cli_esc(msg));
}

/* A login as useradd(8) allows it: letters, digits, '_', '-', '.', at most
 * 32, not starting with '-' (a trailing '$' for machine accounts). */
static int plausible_login(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 32 || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(ch < 128 && (isalnum(ch) || ch == '_' || ch == '-' || ch == '.')) &&
            !(ch == '$' && i == n - 1))
            return 0;
    }
    return 1;
}

/* The clock's UTC day, as entered_at is written, whatever --today says. */
static int clock_day(void)
{
    char now[21], day[11];
    int d = 0;
    util_timestamp(now);
    snprintf(day, sizeof day, "%.10s", now);
    date_parse(day, &d);
    return d;
}

/* Who entered the record, and when: a login, and not after today. */
static void check_who_when(check_ctx *c, const st_record *r)
{
    if (!plausible_login(r->entered_by))
        record_problem(c, r, "entered by '%s', which is not a plausible login",
                       cli_esc(r->entered_by ? r->entered_by : ""));
    int day;
    char when[11] = "";
    if (r->entered_at)
        snprintf(when, sizeof when, "%.10s", r->entered_at);
    if (date_parse(when, &day) < 0)
        record_problem(c, r, "entered at '%s', which is not a time",
                       cli_esc(r->entered_at ? r->entered_at : ""));
    else if (day > c->a->today && day > clock_day()) {
        /* --today may pin a day before the records were typed (tests,
         * reproducing an old report): only a time after both is wrong. */
        char today[11];
        int latest = c->a->today > clock_day() ? c->a->today : clock_day();
        date_format(latest, today);
        record_problem(c, r, "entered at %s, after today (%s)", cli_esc(r->entered_at), today);
    }
}

/* The visit rules of entry.h for a stored record: its date against its
 * timepoint's window for its hip (or the patient's hips), nothing scheduled
 * after a conversion, and (once per patient, as records come patient by
 * patient) no hip converted twice. */
static void check_visit(check_ctx *c, const char *mrn, const st_record *r)
{
    if (strcmp(c->patient, r->patient) != 0) {
        int ends[2];
        const char *end_form[2];
        snprintf(c->patient, sizeof c->patient, "%s", r->patient);
        c->n_vh = entry_hips_of(c->a, c->db, r->patient, c->vh, ends, end_form);
        for (int i = 0; i < c->n_vh; i++)
            if (ends[i] > 1)
                problem(c, "patient %s: the %s hip has %d records of %s, which ends follow-up "
                        "(one is allowed)", cli_esc(mrn), c->vh[i].side == 'L' ? "left" : "right",
                        ends[i], end_form[i]);
    }
    entry_error e = {0};
    if (entry_check_record(c->a, c->vh, c->n_vh, r, &e) != 0 ||
        entry_check_mark(c->a, c->vh, c->n_vh, r, &e) != 0)
        record_problem(c, r, "%s", cli_esc(e.msg));
}

/* What the data of r says against its form: form version, fields, option
 * codes, the validation `record` applies, scores. Returns 1 if it is valid,
 * 0 if a problem was reported; *known: 0 the form is unknown, 1 not its
 * version, 2 both known. */
static int check_record_data(check_ctx *c, const st_record *r, int *known)
{
    const form *f = form_set_find(&c->a->forms, r->form);
    *known = 0;
    if (!f) {
        record_problem(c, r, "form '%s' is not in the forms folder", cli_esc(r->form));
        return 0;
    }
    entry_error e = {0};
    if (entry_check_version(f, r, &e) != ENTRY_OK) {
        /* Its answers mean what a form bedside does not have says. */
        record_problem(c, r, "%s", e.msg);
        *known = 1;
        return 0;
    }
    *known = 2;
    int before = c->problems;
    if (entry_enrolment_rules(f, r->timepoint, &e) != ENTRY_OK)
        record_problem(c, r, "%s", cli_esc(e.msg));
    form_answers *ans = form_answers_new(f);
    for (int k = 0; k < r->n_ans; k++) {
        int i = form_field_index(f, r->ans[k].key);
        const char *code;
        if (i < 0) {
            record_problem(c, r, "%s: unknown field '%s'", f->id, cli_esc(r->ans[k].key));
        } else if ((code = bad_code(&f->field[i], r->ans[k].value)) != NULL) {
            record_problem(c, r, "%s.%s: unknown option '%s'", f->id, f->field[i].id,
                           cli_esc(code));
        } else {
            form_answer_load(ans, i, r->ans[k].value);
        }
    }
    /* Every answer through the validation `record` applies (types, ranges,
     * lengths, required fields, show_if, check rules, scores), which also
     * gives the scores the answers make and the hidden answers it dropped;
     * reported in the order: scores, hidden answers, the rest. */
    double *val = xcalloc((size_t)f->n_score + 1, sizeof *val);
    int *isnull = xcalloc((size_t)f->n_score + 1, sizeof *isnull);
    int hidden = 0;
    invalid_ctx v = {.r = r, .f = f};
    form_validate_all(ans, &hidden, val, isnull, on_invalid, &v);
    check_scores(c, f, val, isnull, r);
    if (hidden)
        record_problem(c, r, "%s: %d answer%s to fields the form hides", f->id, hidden,
                       hidden == 1 ? "" : "s");
    for (int i = 0; i < v.n; i++) {
        record_problem(c, r, "%s", v.line[i]);
        free(v.line[i]);
    }
    free(v.line);
    free(val);
    free(isnull);
    form_answers_free(ans);
    return c->problems == before;
}

/* A record found valid is kept for its mark; one found invalid must not
 * hold a mark of its digest now (only an edit of the marks gives one). */
static void note_validity(check_ctx *c, const st_record *r, int valid)
{
    if (valid) {
        if (c->n_clean == c->cap_clean) {
            c->cap_clean = c->cap_clean ? c->cap_clean * 2 : 1024;
            c->clean = xrealloc(c->clean, c->cap_clean * sizeof *c->clean);
        }
        memcpy(c->clean[c->n_clean++], r->uuid, sizeof *c->clean);
    } else if (store_marked(c->db, r->uuid) == 1) {
        c->forged++;
        record_problem(c, r, "its validation mark says bedside found it valid as it is now, "
                             "which it is not: the marks were changed behind bedside's back "
                             "(or bedside marked it in error)");
    }
}

static int check_record(void *ctx, const char *mrn, const st_record *r)
{
    check_ctx *c = ctx;
    if (c->progress && ++c->records % 5000 == 0) {
        char what[64];
        snprintf(what, sizeof what, "%ld records checked against their forms", c->records);
        progress(c, what);
    }
    if (!c->data_only)
        check_visit(c, mrn, r);
    int known = 0;
    int valid = check_record_data(c, r, &known);
    if (c->marks)
        note_validity(c, r, valid);
    if (!c->data_only && known) {
        check_who_when(c, r);
        entry_error e = {0};
        if (known == 2 && r->supersedes[0] && entry_check_reason(r->reason, &e) != 0)
            record_problem(c, r, "%s", cli_esc(e.msg));
    }
    return 0;
}

static void on_unenrolled(void *ctx, const char *mrn, char side)
{
    check_ctx *c = ctx;
    const form *f = c->a->enrol[side ? SCOPE_HIP : SCOPE_PATIENT];
    problem(c, "patient %s: the %s has no %s record (%s requires answers)", cli_esc(mrn),
            !side ? "patient" : side == 'L' ? "left hip" : "right hip", f->id, f->id);
}

/* Each treated hip and patient without the record its enrolment form
 * requires (entry_enrol_required). */
static void check_enrolled(check_ctx *c)
{
    for (int scope = 0; scope < 2; scope++) {
        const form *f = c->a->enrol[scope];
        if (!entry_enrol_required(f))
            continue;
        if (store_each_unenrolled(c->db, f->id, scope == SCOPE_HIP, on_unenrolled, c) != 0)
            problem(c, "cannot read the hips and patients without enrolment records");
    }
}

/* A hip's identity by the rules it was added under (entry_hip_stored_ok):
 * an index date before the birth date or over a year ahead, or, for a
 * treated hip, after the end of the follow-up that a laptop's copy merged
 * in. An observed hip's index date is the day observation began. */
static int check_hip(void *ctx, const st_patient *p, const st_hip *h, const st_done *done, int end)
{
    (void)done;
    check_ctx *c = ctx;
    entry_error e = {0};
    if (entry_hip_stored_ok(c->a, p, h, end, "", &e) != ENTRY_OK)
        problem(c, "patient %s, %s hip%s: %s", cli_esc(p->mrn), h->side == 'L' ? "left" : "right",
                h->observed ? " (observed)" : "", cli_esc(e.msg));
    return 0;
}

static int check_observed(void *ctx, const st_patient *p, const st_hip *h)
{
    return check_hip(ctx, p, h, NULL, -1);
}

static int check_patient(void *ctx, const st_patient_row *row)
{
    check_ctx *c = ctx;
    char *why = NULL;
    if (store_patient_valid(&row->p, &why) < 0)
        problem(c, "patient %s: %s", cli_esc(row->p.uuid), cli_esc(why ? why : "?"));
    free(why);
    return 0;
}

/* Every patient's MRN and name (streamed, without the list's latest score,
 * which walked each patient's records), then every current record. */
static void check_data(check_ctx *c)
{
    progress(c, "patients");
    if (store_each_patient(c->db, NULL, check_patient, c) != 0)
        problem(c, "cannot read the patients");
    check_enrolled(c);
    if (!c->data_only && (store_each_hip(c->db, NULL, &c->a->ends, check_hip, c) != 0 ||
                          store_each_observed_hip(c->db, check_observed, c) != 0))
        problem(c, "cannot read the hips");
    progress(c, "records checked against their forms");
    /* The marked records' data was found valid and has not changed since
     * (store_mark.c): a quick check and the reads before a report skip them. */
    int skip = c->data_only || (c->marks && c->quick);
    if ((skip ? store_each_unmarked(c->db, check_record, c)
              : store_each_current(c->db, NULL, check_record, c)) != 0)
        problem(c, "cannot read the current records");
    progress(c, NULL);
}

/* The marks of the records found valid: all of them rebuilt after a full
 * check, those validated added after a quick one. Derived data: a file
 * bedside cannot write keeps its marks, and the next check tries again. */
static void write_marks(check_ctx *c)
{
    char *err = NULL;
    long n = 0, held = 0, matching = 0;
    /* Every mark held is a valid record's and matches it: nothing to write. */
    if (!c->quick && !c->forged && store_marks_count(c->db, &held, &matching) == 0 &&
        held == matching && (size_t)held == c->n_clean)
        return;
    if (c->quick && c->n_clean == 0)
        return;
    if (store_can_write(c->db, &err) == 0)
        store_marks_write(c->db, (const char (*)[37])c->clean, c->n_clean, !c->quick, &n, &err);
    if (err)
        fprintf(stderr, "bedside: %s (the validation marks are left as they were)\n", err);
    free(err);
}

int cli_verify(app *a, store *db, void (*report)(void *ctx, const char *problem), void *ctx)
{
    return cli_verify_with(a, db, 0, report, ctx);
}

int cli_verify_with(app *a, store *db, int flags, void (*report)(void *ctx, const char *problem),
                    void *ctx)
{
    check_ctx c = {.a = a, .db = db, .report = report, .ctx = ctx,
                   .progress = (flags & CLI_VERIFY_PROGRESS) != 0,
                   .marks = (flags & CLI_VERIFY_MARKS) != 0,
                   .quick = (flags & CLI_VERIFY_QUICK) != 0};
    progress(&c, flags & CLI_VERIFY_QUICK ? "the file's pages (quick_check), references, chains"
                                          : "the file's pages (integrity_check), references, "
                                            "chains");
    if (flags & CLI_VERIFY_QUICK)
        store_check_quick(db, on_store_problem, &c);
    else
        store_check(db, on_store_problem, &c);
    check_data(&c);
    if (c.marks)
        write_marks(&c);
    free(c.clean);
    return c.problems;
}

int cli_verify_data(app *a, store *db, void (*report)(void *ctx, const char *problem), void *ctx)
{
    check_ctx c = {.a = a, .db = db, .data_only = 1, .report = report, .ctx = ctx};
    check_data(&c);
    return c.problems;
}

static void keep_problem(void *ctx, const char *problem)
{
    cli_problems *p = ctx;
    if (p->n < CLI_VERIFY_SHOWN)
        p->line[p->n++] = xstrdup(problem);
}

int cli_verify_first(app *a, store *db, cli_problems *p)
{
    memset(p, 0, sizeof *p);
    p->total = cli_verify_data(a, db, keep_problem, p);
    assert(p->n <= p->total);
    return p->total;
}

void cli_problems_free(cli_problems *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->line[i]);
    memset(p, 0, sizeof *p);
}

int cli_refuse_invalid_data(app *a, const char *what)
{
    cli_problems p;
    int n = cli_verify_first(a, a->db, &p);
    for (int i = 0; i < p.n; i++)
        cli_err("%s", p.line[i]);
    if (n > p.n)
        cli_err("... and %d more", n - p.n);
    cli_problems_free(&p);
    if (n)
        cli_err("%s refused: %d problem%s in the stored data (listed above; bedside check lists "
                "them all); amend or void those records first", what, n, n == 1 ? "" : "s");
    return n ? 1 : 0;
}
