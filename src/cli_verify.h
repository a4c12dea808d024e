/* cli_verify.h — the stored-data validator (cli_verify.c): what `bedside
 * check` looks for, and what a report or export refuses. Writes nothing to
 * the terminal of its own (but CLI_VERIFY_PROGRESS), so the TUI uses it too. */
#ifndef BEDSIDE_CLI_VERIFY_H
#define BEDSIDE_CLI_VERIFY_H

#include "app.h"

/* Every problem `bedside check` looks for in db (cli_verify.c): the store's
 * checks and each current record against its form; report(ctx, text) once
 * per problem, text already escaped. Returns the number of problems. */
int cli_verify(app *a, store *db, void (*report)(void *ctx, const char *problem), void *ctx);
/* The same, with CLI_VERIFY_QUICK: SQLite's quick_check for the pages; with
 * CLI_VERIFY_PROGRESS: a progress line on stderr (a terminal's); with
 * CLI_VERIFY_MARKS (db is bedside's own, not a copy read for a merge): the
 * validation marks (store_mark.c) of the records found valid are rebuilt
 * if the file is writable, and a mark on an invalid record is a problem;
 * with QUICK too, records marked valid are skipped and only the others'
 * marks added. */
enum { CLI_VERIFY_QUICK = 1, CLI_VERIFY_PROGRESS = 2, CLI_VERIFY_MARKS = 4 };
int cli_verify_with(app *a, store *db, int flags, void (*report)(void *ctx, const char *problem),
                    void *ctx);
/* The part of it about what the data says, which every report and export
 * relies on: each patient's MRN and name, and each current record's form
 * version, fields, option codes, answers (the validation `record` applies)
 * and scores; not the visit rules, who or when. Records whose validation
 * mark holds their digest now are not validated again; nothing is written. */
int cli_verify_data(app *a, store *db, void (*report)(void *ctx, const char *problem), void *ctx);

/* What a refusal shows of cli_verify_data's problems: the first
 * CLI_VERIFY_SHOWN of them (copies, already escaped) and how many there
 * are. The CLI prints them (cli_refuse_invalid_data), the TUI draws them. */
enum { CLI_VERIFY_SHOWN = 20 };
typedef struct {
    char *line[CLI_VERIFY_SHOWN];
    int n;              /* lines kept: min(total, CLI_VERIFY_SHOWN) */
    int total;          /* problems found */
} cli_problems;
/* Fills p (freed with cli_problems_free); returns p->total. */
int cli_verify_first(app *a, store *db, cli_problems *p);
void cli_problems_free(cli_problems *p);

#endif
