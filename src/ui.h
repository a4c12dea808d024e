/* ui.h — the contract between the ui_*.c files (the terminal UI).
 *
 * Only ui_*.c include curses. The UI is a stack of screens (list, patient,
 * form, record); each screen is a row in a table of init/draw/key function
 * pointers. Dialogs are modal loops drawn over the current screen. All data
 * comes from and goes to the model modules (store, form, sched, report). */
#ifndef BEDSIDE_UI_H
#define BEDSIDE_UI_H

#include <curses.h>

#include "app.h"
#include "report.h"

#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

/* A key is a Unicode code point, or a curses KEY_* code with UI_FN set, so
 * the two never collide (KEY_UP is also a valid code point). */
#define UI_FN 0x1000000
#define UK(k) (UI_FN | (k))
#define UK_HANGUP (-2)          /* the terminal is gone or we were told to stop */
#define UI_CTRL(c) ((c) & 0x1f)
#define UK_ESC 27

enum ui_color {
    UC_NORMAL, UC_TITLE, UC_KEYS, UC_CURSOR, UC_ERROR, UC_OK, UC_WARN, UC_DIM,
    UC_HEAD, UC_GOOD, UC_BAD, UC_ALERT, UC_SELECT, UC_N
};

enum ui_glyph {
    G_NULL, G_HLINE, G_SEL, G_UNSEL, G_RADIO, G_OVERDUE, G_MISSING, G_MORE_UP,
    G_MORE_DOWN, G_N
};

enum ui_screen_id { UI_LIST, UI_PATIENT, UI_FORM, UI_RECORD, UI_COHORT, UI_DRAFTS, UI_N_SCREENS };

typedef struct ui ui;

typedef struct {
    const char *name;
    int side_width;                 /* right-hand panel columns, 0 for none */
    void (*leave)(ui *u, void *st); /* free the state when the screen is popped */
    void (*resume)(ui *u, void *st); /* on top again after the screen above left */
    void (*draw)(ui *u, void *st);  /* every window of the screen */
    void (*key)(ui *u, void *st, int k);
    const char *keys;               /* the bottom line */
    const char *const *help;        /* lines for `?`, NULL-terminated */
} ui_screen_ops;

typedef void (*ui_modal_draw)(ui *u, void *ctx);

struct ui {
    app *a;
    WINDOW *in;                     /* 1x1, never drawn: reads keys */
    WINDOW *top, *body, *side, *help, *status, *keys;
    int rows, cols;
    int too_small;
    int dead;                       /* hangup, SIGTERM or a dead tty: touch nothing */
    int quit;
    int color;                      /* colour pairs in use */
    attr_t attr[UC_N];
    char msg[512];
    int msg_color;
    struct {
        int id;
        void *st;
    } stk[8];
    int depth;
    struct {
        ui_modal_draw draw;
        void *ctx;
    } modal[8];
    int n_modal;
    /* Where the terminal cursor goes after drawing (an edit field). */
    WINDOW *cur_win;
    int cur_y, cur_x, cur_on;
    int data_gen;                   /* bumped by every write: lists reload */
    int form_result;                /* UI_FORM_* of the last form screen */
    int err_run;                    /* read errors in a row (dead tty) */
    int fast_err;                   /* instant ERR returns in a row */
    int demo;                       /* the database holds the demo cohort */
};

/* ui_main.c */
int ui_getkey(ui *u);               /* waits; handles resize; UK_HANGUP when gone */
void ui_draw_all(ui *u);            /* the whole screen, modals, then doupdate */
void ui_flush(ui *u);               /* status, keys, cursor, doupdate */
void ui_push(ui *u, int id, void *st);
void ui_pop(ui *u);
void *ui_state(ui *u, int id);      /* the topmost state of screen id, or NULL */
int ui_top(const ui *u);            /* id of the screen on top */
void ui_modal_push(ui *u, ui_modal_draw draw, void *ctx);
void ui_modal_pop(ui *u);
void ui_msg(ui *u, int color, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Clear the title line, marking a demo database; returns the column where
 * the screen's title starts. */
int ui_top_begin(ui *u);
extern const ui_screen_ops *const ui_screens[UI_N_SCREENS];
extern const ui_screen_ops ui_list_ops, ui_patient_ops, ui_form_ops, ui_record_ops;
extern const ui_screen_ops ui_cohort_ops, ui_drafts_ops;
/* ui_drafts.c: every unfinished draft (mrn NULL) or one patient's, newest
 * first; Enter resumes one, x discards one. */
void ui_drafts_open(ui *u, const char *mrn);
/* The open drafts, oldest first (store_drafts), for every screen that
 * lists or marks them: a list that could not be read whole is said on the
 * message line, and the rows read before are given. */
st_draft_row *ui_drafts_read(ui *u, size_t *n);
/* ui_cohort.c: the cohort report (`c` from the patient list), scrollable. */
void ui_cohort_open(ui *u);
/* ui_doc.c: one line of a report document at row y of w. */
void ui_doc_line(ui *u, WINDOW *w, int y, const report_line *l);
/* A scrolling view of a whole document in the body window from line *top
 * (clamped to the document), with more-marks and a "lines a-b of n" hint. */
void ui_doc_view(ui *u, const report_doc *doc, int *top);
/* The scrolling keys of such a view (arrows, j/k, PgUp/PgDn, b/space,
 * Home/End, g/G): 1 if k was one and *top moved, 0 if k is not a scroll key.
 * *top may leave 0..n-1: the caller clamps it (ui_doc_view does). The record
 * view scrolls with it and the drafts screen moves its selection with it. */
int ui_doc_scroll(ui *u, int k, int *top, int n);
/* A list's selection kept below n and on screen: *top moves so that *sel is
 * among the rows shown from it. */
void ui_sel_show(int *sel, int *top, int n, int rows);
/* A keyset list (patients, the Due view) read a page next to the rows held
 * (dir 1 after, -1 before) or instead of them (0 the first page, -2 the
 * last): whether more lie that way (more) sets *before / *after. 1 when
 * the page replaces the rows held (dir 0 or -2). */
int ui_page_more(int dir, int more, int *before, int *after);

/* ui_theme.c: colours, glyphs and width-aware text. */
void ui_theme_init(ui *u);
attr_t ui_attr(const ui *u, int color);
const char *ui_glyph(const ui *u, int g);
/* Display width of UTF-8 text (ASCII mode: one column per code point). */
int ui_width(const ui *u, const char *s);
/* Draw UTF-8 text at (y, x) in at most maxw columns; returns columns used.
 * Control characters never reach the terminal (drawn as '?'); callers pass
 * untrusted text through text_escape first so it shows as ^[ etc. */
int ui_put(ui *u, WINDOW *w, int y, int x, const char *s, int maxw, attr_t at);
int ui_putf(ui *u, WINDOW *w, int y, int x, int maxw, attr_t at, const char *fmt, ...)
    PRINTF_LIKE(7, 8);
/* Untrusted text, escaped, then drawn. */
int ui_put_esc(ui *u, WINDOW *w, int y, int x, const char *s, int maxw, attr_t at);
void ui_fill(WINDOW *w, int y, int x, int n, attr_t at);   /* blanks with at */
/* Text broken into lines of at most width columns as drawn, at spaces
 * where possible (a longer word is cut), at every '\n' too; never cut off.
 * Returns the number of lines (>= 1); free with ui_wrap_free. */
int ui_wrap(const ui *u, const char *text, int width, char ***lines);
void ui_wrap_free(char **lines, int n);
void ui_box(ui *u, WINDOW *w);

/* ui_edit.c: a one-line editor over UTF-8, measured by display width. */
typedef struct {
    sbuf b;                         /* the text */
    size_t cur;                     /* cursor, byte offset on a code point */
    int scroll;                     /* first shown column */
    int changed;
    int sel;                        /* the whole value is selected: typing replaces it */
    size_t max_chars;               /* 0: no limit */
} ui_edit;
/* Set the text, cursor at its end, selected (the cursor has just arrived). */
void ui_edit_set(ui_edit *e, const char *s);
void ui_edit_select(ui_edit *e);    /* select the whole text again */
void ui_edit_free(ui_edit *e);
const char *ui_edit_text(const ui_edit *e);
/* Apply a key; returns 1 if it was an editing key (consumed). */
int ui_edit_key(ui *u, ui_edit *e, int k);
/* Draw in w at (y, x), width cols; sets the cursor when focus. */
void ui_edit_draw(ui *u, ui_edit *e, WINDOW *w, int y, int x, int cols, int focus, attr_t at);

/* ui_dialog.c: modal dialogs. Each returns when answered, cancelled (Esc)
 * or when the terminal goes away (u->dead). */
/* Show text; the answer is one of the letters in `keys` (lower case), or 0. */
int ui_ask(ui *u, const char *title, const char *text, const char *keys);
int ui_confirm(ui *u, const char *title, const char *text);        /* y/n: 1 yes */
void ui_alert(ui *u, const char *title, const char *text);
/* One line of input; *val in/out (malloc'd). Returns 1 on Enter. */
int ui_input(ui *u, const char *title, const char *prompt, char **val);
/* Pick one of n items; returns its index or -1. */
int ui_pick(ui *u, const char *title, const char *const *items, int n, int def);
/* Add a patient / a hip: identity first, then (if the site has one) the
 * enrolment form of that scope, and both are saved together when the form
 * is. Return 1 when it was saved at once (no enrolment form); 0 when it
 * was cancelled or the enrolment form is open (that screen saves it). */
int ui_add_patient(ui *u, char mrn_out[64]);
int ui_add_hip(ui *u, const st_patient *p);

/* ui_help.c */
void ui_help(ui *u);
/* The keys a view screen (patient, record, drafts, cohort) shares: ?/F1
 * shows its help, q/Esc/Ctrl-C/Ctrl-X/Left goes back (ui_pop). 1 if k was
 * one of them (done), else 0. */
int ui_help_or_back(ui *u, int k);

/* ui_list.c */
void ui_list_open(ui *u);

/* ui_due.c: the start screen's Due view (key d), the hips due or overdue
 * today, soonest first, read a page at a time from the next-due table. The
 * list screen owns it: it draws the title (ui_due_title) and the body
 * (ui_due_draw, dim: the selection not shown), passes keys (ui_due_key: 1 if
 * a moving key, taken) and opens the selected patient (ui_due_mrn). The rows
 * are read again when the data changed (u->data_gen). */
typedef struct ui_due ui_due;
ui_due *ui_due_new(const ui *u);
void ui_due_free(ui_due *d);
void ui_due_home(ui *u, ui_due *d);          /* to the first row */
void ui_due_title(ui *u, ui_due *d, char *buf, size_t size);
void ui_due_draw(ui *u, ui_due *d, int dim);
int ui_due_key(ui *u, ui_due *d, int k);
const char *ui_due_mrn(const ui_due *d);     /* the selected row's, or NULL */

/* ui_patient.c */
int ui_patient_open(ui *u, const char *mrn);
/* Deep link: open the patient, then the form for hip/timepoint. */
int ui_patient_enter(ui *u, const ui_start *start);
void ui_record_open(ui *u, const char *uuid);

/* ui_form.c */
typedef struct {
    const form *f;
    const st_patient *p;
    const st_hip *h;                /* NULL for patient scope */
    const char *tp;
    int visit_date;
    const st_record *amend;         /* amend this final record, else NULL */
    const char *reason;             /* the amendment's reason */
    int confirmed;                  /* a date in no window was confirmed */
    int resume;                     /* resume this visit's draft without asking */
    int adding;                     /* an enrolment form of a patient (p) or hip (h)
                                     * not stored yet: saving adds it with the
                                     * record in one transaction; no draft, and
                                     * leaving writes nothing */
} ui_form_args;
enum { UI_FORM_LEFT, UI_FORM_SAVED, UI_FORM_NOT_OPENED };
/* Push the form screen. Returns 0 if it was opened, -1 if refused or
 * cancelled (message set). The outcome reaches the screen below through
 * ui_form_result. */
int ui_form_open(ui *u, const ui_form_args *args);
int ui_form_result(ui *u);          /* outcome of the last form screen */

#endif
