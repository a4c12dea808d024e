/* ui_patient.c — one patient: the trend view (report_trend, scrolling) and
 * the actions on it: a new visit (ui_visit.c), add a hip, open a record,
 * print. */
#include "ui_patient.h"

#include <stdlib.h>
#include <string.h>

void ui_patient_reload(ui *u, pat_st *s)
{
    store_hips_free(s->hips, s->nh);
    /* A failed read: the trend view below says so. */
    (void)store_hips_of(u->a->db, s->p.uuid, &s->hips, &s->nh);
    report_doc_free(&s->doc);
    memset(&s->doc, 0, sizeof s->doc);
    report_opts o = {.width = u->cols, .ascii = u->a->ascii, .today = u->a->today};
    char *err = NULL;
    if (report_trend(u->a, s->p.mrn, &o, &s->doc, &err) != 0) {
        ui_msg(u, UC_ERROR, "cannot show the trend view: %s", err ? err : "unknown patient");
        free(err);
    }
    s->doc_width = u->cols;
    s->gen = u->data_gen;
    size_t n = 0;
    st_draft_row *d = ui_drafts_read(u, &n);
    s->n_drafts = 0;
    for (size_t i = 0; i < n; i++)
        s->n_drafts += strcmp(d[i].mrn, s->p.mrn) == 0;
    store_draft_rows_free(d, n);
}

static void pat_draw(ui *u, void *stp)
{
    pat_st *s = stp;
    if (s->gen != u->data_gen || s->doc_width != u->cols)
        ui_patient_reload(u, s);
    attr_t at = ui_attr(u, UC_TITLE);
    int x0 = ui_top_begin(u);
    char *mrn = text_escape(s->p.mrn), *name = text_escape(s->p.name);
    char born[11];
    date_format(s->p.born, born);
    int used = ui_putf(u, u->top, 0, x0, u->cols - x0 - 1, at, "%s  %s  %d %c  born %s  %zu hip%s",
                       mrn, name, age_years(s->p.born, u->a->today), s->p.sex, born, s->nh,
                       s->nh == 1 ? "" : "s");
    /* An unfinished form of this patient is never out of sight. */
    if (s->n_drafts)
        ui_putf(u, u->top, 0, x0 + used + 2, u->cols - x0 - used - 3, ui_attr(u, UC_WARN),
                " %d draft%s: r ", s->n_drafts, s->n_drafts == 1 ? "" : "s");
    free(mrn);
    free(name);
    wnoutrefresh(u->top);
    ui_doc_view(u, &s->doc, &s->top);
}

static void pat_resume(ui *u, void *stp)
{
    ui_visit_resume(u, stp);
}

static void open_record(ui *u, pat_st *s)
{
    size_t n = 0;
    st_record *r;
    if (store_records_of(u->a->db, s->p.uuid, 0, &r, &n) < 0) {
        ui_alert(u, "Cannot list the records", store_read_failed(u->a->db));
        store_records_free(r, n);
        return;
    }
    if (!n) {
        ui_msg(u, UC_WARN, "No saved record yet: n starts a visit.");
        store_records_free(r, n);
        return;
    }
    char **lines = xcalloc(n + 1, sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        char d[11];
        date_format(r[i].visit_date, d);
        const form *f = form_set_find(&u->a->forms, r[i].form);
        char *by = text_escape(r[i].entered_by);
        lines[i] = xasprintf("%c  %-11s %s  %-24.24s %s%s", r[i].side ? r[i].side : '-',
                             r[i].timepoint, d, f ? f->title : r[i].form, by,
                             r[i].amended ? "  (amended)" : "");
        free(by);
    }
    int k = ui_pick(u, "Open a record", (const char *const *)lines, (int)n, 0);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    if (k >= 0) {
        char uuid[37];
        memcpy(uuid, r[k].uuid, sizeof uuid);
        store_records_free(r, n);
        ui_record_open(u, uuid);
        return;
    }
    store_records_free(r, n);
}

static void print_summary(ui *u, pat_st *s)
{
    char *mrn = text_escape(s->p.mrn);
    char *q = xasprintf("Print the summary of %s (trend view and every record)?\n\n"
                        "(p)rint on the configured printer   (f)ile   (c)ancel",
                        mrn);
    free(mrn);
    int k = ui_ask(u, "Print", q, "pfc");
    free(q);
    report_print_opts o = {.width = 80, .page_length = 66, .ascii = u->a->ascii,
                           .today = u->a->today};
    char *err = NULL;
    if (k == 'p') {
        /* The print command may write to the terminal: give it back meanwhile. */
        def_prog_mode();
        endwin();
        int rc = report_print_lpr(u->a, s->p.mrn, &o, NULL, &err);
        reset_prog_mode();
        clearok(curscr, TRUE);
        if (rc == 0)
            ui_msg(u, UC_OK, "Sent to the printer.");
        else
            ui_msg(u, UC_ERROR, "Not printed: %s", err ? err : "the print command failed");
    } else if (k == 'f') {
        char d[11];
        date_format(u->a->today, d);
        char *path = xasprintf("bedside-%s-%s.txt", s->p.mrn, d);
        if (ui_input(u, "Save the summary", "File:", &path) && *path) {
            if (report_print_file(u->a, s->p.mrn, &o, path, &err) == 0)
                ui_msg(u, UC_OK, "Saved to %s", path);
            else
                ui_msg(u, UC_ERROR, "Not saved: %s", err ? err : "cannot write the file");
        }
        free(path);
    }
    free(err);
    ui_draw_all(u);
}

static void pat_key(ui *u, void *stp, int k)
{
    pat_st *s = stp;
    if (ui_doc_scroll(u, k, &s->top, s->doc.n)) {
        if (!u->dead && ui_top(u) == UI_PATIENT)
            ui_draw_all(u);
        return;
    }
    switch (k) {
    case 'n':
        ui_visit_new(u, s);
        break;
    case 'h':
        if (s->nh >= 2)
            ui_msg(u, UC_ERROR, "Both hips are already recorded.");
        else if (ui_add_hip(u, &s->p))
            ui_msg(u, UC_OK, "Hip added.");
        break;
    case 'o':
    case '\r':
    case '\n':
    case UK(KEY_ENTER):
        open_record(u, s);
        return;
    case 'p':
        print_summary(u, s);
        return;
    case 'r':
        ui_drafts_open(u, s->p.mrn);
        return;
    default:
        ui_help_or_back(u, k);
        return;
    }
    if (!u->dead && ui_top(u) == UI_PATIENT)
        ui_draw_all(u);
}

static void pat_leave(ui *u, void *stp)
{
    pat_st *s = stp;
    (void)u;
    st_patient_free(&s->p);
    store_hips_free(s->hips, s->nh);
    report_doc_free(&s->doc);
    ui_visit_clear(s);
    free(s);
}

static const char *const pat_help[] = {
    "Patient",
    "  Up/Down, PgUp/PgDn, Home/End   scroll the trend view",
    "  n          new visit: pick the hip (if two), the timepoint (the one due",
    "             now is preselected) and the date; the schedule's forms for",
    "             that timepoint then open one after another",
    "  h          add a hip",
    "  o, Enter   open a saved record (A there amends it)",
    "  r          this patient's drafts (the title says how many): Enter",
    "             resumes one, x discards one",
    "  p          print the summary, or save it to a file (asks first)",
    "  q, Esc     back to the list",
    NULL,
};

const ui_screen_ops ui_patient_ops = {
    .name = "patient",
    .side_width = 0,
    .leave = pat_leave,
    .resume = pat_resume,
    .draw = pat_draw,
    .key = pat_key,
    .keys = "n new visit  h add hip  o open record  r drafts  p print  ? help  q back",
    .help = pat_help,
};

int ui_patient_open(ui *u, const char *mrn)
{
    pat_st *s = xcalloc(1, sizeof *s);
    if (store_patient_get(u->a->db, mrn, &s->p) != 0) {
        char *m = text_escape(mrn);
        ui_msg(u, UC_ERROR, "no patient with MRN '%s'", m);
        free(m);
        free(s);
        ui_draw_all(u);
        return -1;
    }
    s->gen = u->data_gen - 1;
    ui_push(u, UI_PATIENT, s);
    return 0;
}
