/* app.h — what every command and the TUI share: the configuration, the
 * loaded forms, the open database and "today". Built once in main. */
#ifndef BEDSIDE_APP_H
#define BEDSIDE_APP_H

#include "config.h"
#include "form.h"
#include "store.h"

typedef struct {
    config cfg;
    form_set forms;
    store *db;
    char *db_path;
    int today;          /* days since epoch; --today pins it */
    int ascii;          /* --ascii, or a non-UTF-8 locale */
    /* The form whose ends_follow_up field ends a hip's follow-up, if any. */
    const form *end_form;
    const char *end_field;
} app;

/* Where the TUI starts: NULL for the patient list, or a deep link
 * (bedside enter MRN --form FORM [--hip L|R] [--timepoint TP]). */
typedef struct {
    const char *mrn, *form, *timepoint;
    char side;          /* 'L', 'R' or 0 */
} ui_start;

/* Implemented in src/ui_main.c; main passes it to cli_main so that the
 * curses-free core never links against the UI. Returns an exit status. */
typedef int (*ui_main_fn)(app *a, const ui_start *start);
int ui_main(app *a, const ui_start *start);

/* src/cli.c: parse global options and run a subcommand (or the TUI). */
int cli_main(int argc, char **argv, ui_main_fn ui);

#endif
