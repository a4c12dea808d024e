/* ui_add.c — the add-patient and add-hip dialogs: several labelled lines in
 * one box, checked like `bedside patient add` / `bedside hip add` before
 * anything is written. */
#include "ui.h"

#include "entry.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *label, *hint;
    ui_edit ed;
} dfield;

typedef struct {
    const char *title;
    dfield *f;
    int n, cur;
    char err[256];
    WINDOW *w;
} fdlg;

static void fdlg_draw(ui *u, void *ctx)
{
    fdlg *d = ctx;
    int width = u->cols - 8 < 72 ? u->cols - 8 : 72;
    int height = d->n * 2 + 5;
    if (d->w)
        delwin(d->w);
    d->w = newwin(height, width, (u->rows - height) / 2, (u->cols - width) / 2);
    WINDOW *w = d->w;
    werase(w);
    ui_box(u, w);
    char *t = xasprintf(" %s ", d->title);
    ui_put(u, w, 0, 2, t, width - 4, ui_attr(u, UC_HEAD));
    free(t);
    for (int i = 0; i < d->n; i++) {
        int y = 1 + i * 2;
        ui_put(u, w, y, 2, d->f[i].label, 16, i == d->cur ? A_BOLD : A_NORMAL);
        ui_edit_draw(u, &d->f[i].ed, w, y, 19, width - 21, i == d->cur,
                     i == d->cur ? ui_attr(u, UC_SELECT) : A_UNDERLINE);
        /* A hint too long for the column under the field starts further left,
         * so it is never cut. */
        if (d->f[i].hint) {
            int hw = ui_width(u, d->f[i].hint), hx = hw <= width - 21 ? 19 : 4;
            ui_put(u, w, y + 1, hx, d->f[i].hint, width - hx - 2, ui_attr(u, UC_DIM));
        }
    }
    if (d->err[0])
        ui_put(u, w, height - 3, 2, d->err, width - 4, ui_attr(u, UC_ERROR));
    ui_put(u, w, height - 2, 2, "Tab/Up/Down move   Enter on the last line or Ctrl-S saves   Esc",
           width - 4, ui_attr(u, UC_DIM));
    wnoutrefresh(w);
}

/* Runs the dialog until submit returns 0 (saved) or the user cancels.
 * submit returns the index of the field at fault with a message in err. */
typedef int (*fdlg_submit)(ui *u, dfield *f, void *ctx, char *err, size_t errlen);

static int fdlg_run(ui *u, fdlg *d, fdlg_submit submit, void *ctx)
{
    ui_modal_push(u, fdlg_draw, d);
    ui_draw_all(u);
    int saved = 0;
    for (;;) {
        int k = ui_getkey(u);
        if (k == UK_HANGUP || k == UK_ESC || k == UI_CTRL('c') || k == UI_CTRL('x'))
            break;
        int enter = k == '\r' || k == '\n' || k == UK(KEY_ENTER);
        if (k == UI_CTRL('s') || (enter && d->cur == d->n - 1)) {
            d->err[0] = '\0';
            int bad = submit(u, d->f, ctx, d->err, sizeof d->err);
            if (bad < 0) {
                saved = 1;
                break;
            }
            d->cur = bad;
        } else if (enter || k == '\t' || k == UK(KEY_DOWN)) {
            d->cur = (d->cur + 1) % d->n;
            ui_edit_select(&d->f[d->cur].ed);
        } else if (k == UK(KEY_BTAB) || k == UK(KEY_UP)) {
            d->cur = (d->cur + d->n - 1) % d->n;
            ui_edit_select(&d->f[d->cur].ed);
        } else if (!ui_edit_key(u, &d->f[d->cur].ed, k)) {
            continue;
        }
        fdlg_draw(u, d);
        ui_flush(u);
    }
    if (d->w)
        delwin(d->w);
    d->w = NULL;
    for (int i = 0; i < d->n; i++)
        ui_edit_free(&d->f[i].ed);
    ui_modal_pop(u);
    return saved;
}

static const char *trimmed(dfield *f)
{
    /* Leading and trailing blanks are never meant. */
    char *s = f->ed.b.s;
    if (!s)
        return "";
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
    f->ed.b.len = n;
    while (*s == ' ')
        s++;
    return s;
}

/* ---- add patient ---- */

typedef struct {
    char *mrn_out;
    st_patient p;            /* checked, to be added with the enrolment form */
} add_pat;

static int valid_mrn(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

static int submit_patient(ui *u, dfield *f, void *ctx, char *err, size_t errlen)
{
    add_pat *ap = ctx;
    const char *mrn = trimmed(&f[0]), *name = trimmed(&f[1]), *sex = trimmed(&f[2]),
               *born = trimmed(&f[3]);
    int born_day;
    if (!valid_mrn(mrn)) {
        snprintf(err, errlen, "MRN: 1 to 32 letters, digits, '_' or '-'");
        return 0;
    }
    if (!*name) {
        snprintf(err, errlen, "name: required");
        return 1;
    }
    char sx = (char)toupper((unsigned char)sex[0]);
    if (strlen(sex) != 1 || (sx != 'F' && sx != 'M' && sx != 'X')) {
        snprintf(err, errlen, "sex: F, M or X");
        return 2;
    }
    if (date_parse(born, &born_day) < 0) {
        snprintf(err, errlen, "born: a date as YYYY-MM-DD");
        return 3;
    }
    if (born_day > u->a->today) {
        snprintf(err, errlen, "born: %s is in the future", born);
        return 3;
    }
    st_patient p = {.mrn = (char *)mrn, .name = (char *)name, .sex = sx, .born = born_day};
    entry_error e;
    char other[64];
    if (entry_patient_duplicate(u->a, &p, other, &e) != ENTRY_OK) {
        char *em = text_escape(e.msg), *eo = text_escape(other), *en = text_escape(mrn);
        char *q = xasprintf("%s.\n\nAdd %s as another person anyway?", em, en);
        int yes = ui_confirm(u, "Possible duplicate", q);
        if (!yes)
            snprintf(err, errlen, "not added: the same name and birth date are MRN %s", eo);
        free(q);
        free(em);
        free(eo);
        free(en);
        if (!yes)
            return 0;
    }
    /* With an enrolment form the patient is added when that form is saved. */
    int later = u->a->enrol[SCOPE_PATIENT] != NULL;
    if ((later ? entry_patient_new_ok(u->a, &p, &e) : entry_add_patient(u->a, &p, NULL, NULL, &e))
        != ENTRY_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return 0;
    }
    if (later) {
        ap->p = p;
        ap->p.mrn = xstrdup(mrn);
        ap->p.name = xstrdup(name);
    } else {
        u->data_gen++;
    }
    snprintf(ap->mrn_out, 64, "%s", mrn);
    return -1;
}

int ui_add_patient(ui *u, char mrn_out[64])
{
    dfield f[4] = {
        {.label = "MRN", .hint = "hospital number: letters, digits, _ or -"},
        {.label = "Name", .hint = "as on the wristband"},
        {.label = "Sex", .hint = "F, M or X"},
        {.label = "Born", .hint = "YYYY-MM-DD"},
    };
    f[0].ed.max_chars = 32;
    f[1].ed.max_chars = 200;
    f[2].ed.max_chars = 1;
    f[3].ed.max_chars = 10;
    for (int i = 0; i < 4; i++)
        ui_edit_set(&f[i].ed, "");
    fdlg d = {.title = "Add patient", .f = f, .n = 4};
    add_pat ap = {.mrn_out = mrn_out};
    if (!fdlg_run(u, &d, submit_patient, &ap))
        return 0;
    if (!ap.p.mrn)
        return 1;
    /* Then the patient's enrolment form; the patient is saved with it. */
    ui_form_args fa = {.f = u->a->enrol[SCOPE_PATIENT], .p = &ap.p, .tp = TIMEPOINT_ENROLMENT,
                       .visit_date = u->a->today, .adding = 1};
    ui_form_open(u, &fa);
    st_patient_free(&ap.p);
    return 0;
}

/* ---- add hip ---- */

/* Side and index date here; what the hip was like at enrolment is its
 * enrolment form, opened next on the form screen, which saves the hip. */
typedef struct {
    const st_patient *p;
    st_hip h;                  /* the hip checked (or, with no enrolment form, added) */
} add_hip;

static int submit_hip(ui *u, dfield *f, void *ctx, char *err, size_t errlen)
{
    add_hip *ah = ctx;
    const st_patient *p = ah->p;
    const char *side = trimmed(&f[0]), *idx = trimmed(&f[1]);
    char sd = (char)toupper((unsigned char)side[0]);
    if (strlen(side) != 1 || (sd != 'L' && sd != 'R')) {
        snprintf(err, errlen, "side: L or R");
        return 0;
    }
    st_hip h = {.side = sd};
    if (date_parse(idx, &h.index_date) < 0) {
        snprintf(err, errlen, "index date: a date as YYYY-MM-DD");
        return 1;
    }
    memcpy(h.patient, p->uuid, sizeof h.patient);
    entry_error e;
    int later = u->a->enrol[SCOPE_HIP] != NULL;
    if ((later ? entry_hip_new_ok(u->a, &h, &e) : entry_add_hip(u->a, &h, NULL, NULL, &e)) !=
        ENTRY_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return strcmp(e.field, "index_date") == 0 ? 1 : 0;
    }
    if (!later)
        u->data_gen++;
    ah->h = h;
    return -1;
}

int ui_add_hip(ui *u, const st_patient *p)
{
    dfield f[2] = {
        {.label = "Side", .hint = "L or R"},
        {.label = "Index date", .hint = "day 0 (the procedure), YYYY-MM-DD"},
    };
    size_t nh = 0;
    st_hip *hips;
    (void)store_hips_of(u->a->db, p->uuid, &hips, &nh);   /* only the side offered */
    const char *side = nh == 1 ? (hips[0].side == 'L' ? "R" : "L") : "";
    store_hips_free(hips, nh);
    char today[11];
    date_format(u->a->today, today);
    ui_edit_set(&f[0].ed, side);
    ui_edit_set(&f[1].ed, today);
    fdlg d = {.title = "Add hip", .f = f, .n = 2};
    add_hip ah = {.p = p};
    if (!fdlg_run(u, &d, submit_hip, &ah))
        return 0;
    /* Then the hip's enrolment form, if the site has one: it saves the hip
     * and the record together, and Esc there writes neither. */
    const form *ef = u->a->enrol[SCOPE_HIP];
    if (!ef)
        return 1;
    ui_form_args fa = {.f = ef, .p = p, .h = &ah.h, .tp = TIMEPOINT_ENROLMENT,
                       .visit_date = ah.h.index_date, .adding = 1};
    ui_form_open(u, &fa);
    return 0;
}
