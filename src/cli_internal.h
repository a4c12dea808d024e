/* cli_internal.h — helpers shared by the subcommand files (cli_*.c). Not a
 * contract for other modules: cli.h is. */
#ifndef BEDSIDE_CLI_INTERNAL_H
#define BEDSIDE_CLI_INTERNAL_H

#include <limits.h>
#include <stdio.h>

#include "app.h"
#include "cli_verify.h"
#include "entry.h"
#include "util.h"

/* Load what a subcommand needs (APP_* flags) after it parsed its options,
 * so that `--help` needs no database. writes != 0 also refuses a database
 * this process cannot write. Returns 0 or the exit status. */
int cli_load(app *a, int need, int writes);

/* Before a subcommand's getopt_long loop: a full reset of getopt's state
 * (glibc keeps the ordering mode of the global parse otherwise). */
void cli_getopt_reset(void);
/* getopt_long returned '?' or ':' (optstrings start with ":"): say which
 * option and why (cmd NULL for the global options), then the usage, on
 * stderr. Returns 2. */
int cli_bad_option(const char *cmd, int c, char **argv, const char *usage);
/* A usage problem other than an option: message, usage, return 2. */
int cli_usage_error(const char *usage, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* A command whose only option is --help and that takes nargs arguments:
 * 0 to go on, -1 after printing the usage for --help (exit 0), or 2
 * after a usage error. */
int cli_plain_opts(int argc, char **argv, const char *cmd, const char *use, int nargs);

/* "bedside: " + message + newline on stderr. Returns 1 (for `return cli_err(...)`). */
int cli_err(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* text_escape(s) kept until cli_esc_flush (called once per command), so
 * that messages can escape inline without a free per value. */
const char *cli_esc(const char *s);
void cli_esc_flush(void);

/* Parsers for option values; each prints its own message naming the
 * option and the value. Return 0 or -1. */
int cli_parse_date(const char *opt, const char *s, int *days);
int cli_parse_side(const char *opt, const char *s, char *side);     /* L|R */
int cli_parse_int(const char *opt, const char *s, long min, long max, long *out);

/* The patient with this MRN, or a message and 1. p is freed by the caller
 * only on success. */
int cli_find_patient(app *a, const char *mrn, st_patient *p);

/* --reason TEXT: not blank, valid UTF-8; else a message and 1. */
int cli_check_reason(const char *reason);
/* An entry error as "bedside: FORM.FIELD: message" (an answer) or
 * "bedside: message", escaped. Returns 1. */
int cli_entry_err(const entry_error *e, const form *f);
/* Every one of these arguments must be FIELD=VALUE with a FIELD: 0, or a
 * usage message and 2. */
int cli_check_pairs(char **v, int n, const char *use);
/* FIELD=VALUE pairs onto answers (an empty VALUE clears), the defaults
 * when asked, then the whole form validated; every problem printed as
 * "bedside: FORM.FIELD: reason". Returns the number of problems. */
int cli_fill_answers(form_answers *ans, char **pairs, int n, int defaults);
/* Print every score of a record's form as ID=VALUE (NA when absent). */
void cli_print_scores(const form *f, const st_record *r);

/* The side of a hip for people: "L", "R" or "-". */
const char *cli_side(char side);

/* Before a report or export (what, e.g. "export csv") reads a->db: 0 when
 * cli_verify_data finds nothing, else the first problems on stderr and 1. */
int cli_refuse_invalid_data(app *a, const char *what);

#endif
