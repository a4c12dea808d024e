/* cli.h — the subcommands. Each is `int cli_NAME(app *a, int argc, char **argv)`:
 * argv[0] is the subcommand's name, options are parsed with getopt_long,
 * --help works, and the return value is the exit status (0 ok, 1 a problem
 * with the input or data, 2 usage). Messages go to stderr as
 * "bedside: ...". The dispatch table is in cli.c. */
#ifndef BEDSIDE_CLI_H
#define BEDSIDE_CLI_H

#include "app.h"

int cli_patient(app *a, int argc, char **argv);    /* patient add | list */
int cli_hip(app *a, int argc, char **argv);        /* hip add | amend */
int cli_hip_amend(app *a, int argc, char **argv);  /* src/cli_hip.c */
int cli_record(app *a, int argc, char **argv);
int cli_amend(app *a, int argc, char **argv);
int cli_void(app *a, int argc, char **argv);
int cli_due(app *a, int argc, char **argv);
int cli_export(app *a, int argc, char **argv);
int cli_demo(app *a, int argc, char **argv);
int cli_forms(app *a, int argc, char **argv);      /* forms check [DIR] | forms list */
int cli_drafts(app *a, int argc, char **argv);
int cli_history(app *a, int argc, char **argv);
int cli_backup(app *a, int argc, char **argv);
int cli_check(app *a, int argc, char **argv);
int cli_merge(app *a, int argc, char **argv);       /* merge FILE: src/cli_merge.c */
/* enter MRN --form FORM [--hip L|R] [--timepoint TP]: checks, then ui(). */
int cli_enter(app *a, int argc, char **argv, ui_main_fn ui);
int cli_show(app *a, int argc, char **argv);       /* src/cli_report.c */
int cli_print(app *a, int argc, char **argv);      /* src/cli_report.c */
int cli_report_cohort(app *a, int argc, char **argv);   /* report: src/cli_cohort.c */

#endif
