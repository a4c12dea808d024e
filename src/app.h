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
    /* Every form whose ends_follow_up field ends a hip's follow-up (a
     * conversion, an end of follow-up; a patient-scope form's ends every
     * hip's), in the forms' order. */
    st_ends ends;
    /* The enrolment form of each scope (enrolment: true), or NULL:
     * enrol[SCOPE_HIP] is asked when a hip is added, enrol[SCOPE_PATIENT]
     * when a patient is. At most one per scope. */
    const form *enrol[2];
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

/* src/app.c: where the global options point, and what a command needs
 * loaded. NULL members take their defaults (environment, config, XDG). */
typedef struct {
    const char *db, *config, *forms;
    int ascii;
} app_opts;
enum {
    APP_CONFIG = 1,   /* the configuration only (forms check) */
    APP_FORMS = 2,    /* config + forms, cross-checked with the schedule */
    APP_DB_READ = 4,  /* + an existing database (never created) */
    APP_DB_WRITE = 8, /* + the database, created with its folder if missing */
    APP_WRITES = 16   /* with APP_DB_READ: the command writes to the database */
};
/* Fill a from o with what `need` asks for (APP_* flags). Prints every problem
 * as "bedside: ..." on stderr; returns 0, or the exit status (1). a is
 * always safe to pass to app_free afterwards. */
int app_init(app *a, const app_opts *o, int need);
void app_free(app *a);
/* The configuration file that will be read: --config, $BEDSIDE_CONFIG, else
 * the first that exists of $XDG_CONFIG_HOME/bedside/bedside.yaml, each
 * $XDG_CONFIG_DIRS/bedside/bedside.yaml (default /etc/xdg),
 * /etc/bedside/bedside.yaml, and the shipped default
 * (app_data_dir()/config/bedside.yaml). Caller frees. */
char *app_config_path(const char *opt);
/* The folder of the shipped forms/ and config/, found from the running
 * binary's location (PREFIX/bin -> PREFIX/share/bedside; a checkout), else
 * the compiled default. Caller frees. */
char *app_data_dir(void);
/* Where form id goes among the records of a visit at timepoint tp (an index
 * into a->cfg.tp, or -1): the schedule's order there, then the form set's,
 * unknown forms last. */
int app_form_rank(const app *a, int tp, const char *id);

/* The survival endpoint: the config's report.endpoint (form and date
 * field), else the first form whose ends_follow_up is an event. 0 and *out
 * filled, or -1 when there is none. */
int app_endpoint(const app *a, st_end *out);
/* The form of the ends_follow_up entry that is form id, or NULL. */
const form *app_end_form(const app *a, const char *id);

/* src/cli.c: parse global options and run a subcommand (or the TUI). */
int cli_main(int argc, char **argv, ui_main_fn ui);

#endif
