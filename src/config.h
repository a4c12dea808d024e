/* config.h — config/bedside.yaml: database path, forms folder, print
 * command, the patient-list score and the follow-up schedule. */
#ifndef BEDSIDE_CONFIG_H
#define BEDSIDE_CONFIG_H

#include "util.h"

typedef struct {
    char *id, *label;
    int day;                  /* offset from the hip's index date */
    int before, after;        /* window, in days, around day */
    char **forms;             /* form ids expected here */
    int n_forms;
} sched_tp;

/* One table of `report:` (see bedside.yaml(5)); form NULL when absent.
 * line, col: where it is, for messages about its form and field. */
typedef struct {
    char *form, *field, *by;  /* field/by NULL when not given */
    int line, col;
    int by_line, by_col;      /* where by: is (form_group_find checks it) */
} config_report_item;

typedef struct {
    char *path;               /* the file read */
    char *database;           /* NULL if not set; ~ and relative paths resolved */
    char *forms_dir;          /* resolved against the config file's folder; NULL if not set */
    char **print_cmd;         /* argv, NULL-terminated; default {"lpr", NULL} */
    int paper_letter;         /* paper: letter (1) or a4 (0, the default) */
    int print_pdf;            /* print_format: pdf (1) or text (0, the default) */
    int print_ascii;          /* print_ascii: true, every print is printer-safe ASCII */
    char *list_form, *list_score;  /* score shown in the patient list (hhs, total);
                                    * both NULL when patient_list is not set */
    sched_tp *tp;             /* strictly increasing day, windows apart (checked) */
    int n_tp;
    /* report: outcome cross-table and time to endpoint (bedside report). */
    config_report_item rep_outcome, rep_endpoint;
} config;

/* Load and check a config file. Returns 0, or -1 with every problem added to d
 * as FILE:LINE:COLUMN. Forms named in the schedule are not checked here
 * (see config_check_forms). */
int config_load(config *c, const char *path, diag *d);
int config_load_buffer(config *c, const char *name, const char *buf, size_t len, diag *d);
void config_free(config *c);
/* Index of timepoint id, or -1. "unscheduled" is never in the schedule. */
int config_timepoint(const config *c, const char *id);

#endif
