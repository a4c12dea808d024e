/* test_config.c — the shipped configuration, path resolution, the print
 * command, and every class of mistake reported at its FILE:LINE:COLUMN. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "t.h"

#ifndef BEDSIDE_SRCDIR
#define BEDSIDE_SRCDIR "."
#endif

static int load(config *c, const char *name, const char *yaml, diag *d)
{
    return config_load_buffer(c, name, yaml, strlen(yaml), d);
}

/* The buffer must be refused, leave c empty, and report want (a substring
 * such as "x.yaml:3:5: unknown key") among its messages. */
static void refuse(const char *yaml, const char *want, int line)
{
    config c;
    diag d = {0};
    int rc = load(&c, "x.yaml", yaml, &d);
    int found = 0;
    for (size_t i = 0; i < d.n; i++)
        if (strstr(d.msg[i], want))
            found = 1;
    if (!found) {
        printf("     line %d: want \"%s\"; got:\n", line, want);
        for (size_t i = 0; i < d.n; i++)
            printf("       %s\n", d.msg[i]);
    }
    t_check(rc == -1 && found, want, __FILE__, line);
    CHECK(c.tp == NULL && c.n_tp == 0 && c.path == NULL && c.print_cmd == NULL);
    diag_free(&d);
}
#define REFUSE(yaml, want) refuse(yaml, want, __LINE__)

static void test_shipped(void)
{
    config c;
    diag d = {0};
    const char *path = BEDSIDE_SRCDIR "/config/bedside.yaml";
    CHECK_INT(config_load(&c, path, &d), 0);
    CHECK_INT(d.n, 0);
    diag_print(&d, stdout);
    diag_free(&d);
    if (c.n_tp != 7) {
        CHECK_INT(c.n_tp, 7);
        config_free(&c);
        return;
    }
    static const struct {
        const char *id;
        int day, win, nf;
        const char *last_form;
    } want[] = {
        {"baseline", 0, 0, 4, "procedure"}, {"1m", 30, 7, 3, "complications"},
        {"3m", 91, 14, 4, "procedure"},     {"6m", 182, 21, 5, "procedure"},
        {"12m", 365, 30, 4, "mri"},         {"18m", 547, 30, 3, "complications"},
        {"24m", 730, 30, 5, "satisfaction"},
    };
    for (int i = 0; i < 7; i++) {
        CHECK_STR(c.tp[i].id, want[i].id);
        CHECK_INT(c.tp[i].day, want[i].day);
        /* The baseline window opens 30 days before day 0 (pre-operative). */
        CHECK_INT(c.tp[i].before, i == 0 ? 30 : want[i].win);
        CHECK_INT(c.tp[i].after, want[i].win);
        CHECK_INT(c.tp[i].n_forms, want[i].nf);
        CHECK_STR(c.tp[i].forms[c.tp[i].n_forms - 1], want[i].last_form);
        CHECK_STR(c.tp[i].forms[0], "vas");
        CHECK_INT(config_timepoint(&c, want[i].id), i);
    }
    CHECK_STR(c.tp[0].label, "Baseline");
    CHECK_STR(c.tp[6].label, "24 months");
    CHECK(c.database == NULL);
    CHECK(c.forms_dir == NULL);   /* the shipped forms, chosen by app_init */
    CHECK_STR(c.print_cmd[0], "lpr");
    CHECK(c.print_cmd[1] == NULL);
    CHECK_STR(c.list_form, "hhs");
    CHECK_STR(c.list_score, "total");
    CHECK_STR(c.path, path);
    CHECK_INT(config_timepoint(&c, "unscheduled"), -1);
    CHECK_INT(config_timepoint(&c, "2m"), -1);
    config_free(&c);
    CHECK(c.tp == NULL && c.path == NULL);
}

static const char *minimal_schedule = "schedule:\n  - {id: a, day: 0, forms: vas}\n";

static void test_paths_and_defaults(void)
{
    config c;
    diag d = {0};
    char *y = NULL;

    y = xasprintf("database: data/b.db\nforms: ../forms\n%s", minimal_schedule);
    CHECK_INT(load(&c, "/srv/ward/bedside.yaml", y, &d), 0);
    CHECK_STR(c.database, "/srv/ward/data/b.db");
    CHECK_STR(c.forms_dir, "/srv/ward/../forms");
    /* Defaults: lpr, no list score, label = id, zero windows. */
    CHECK_STR(c.print_cmd[0], "lpr");
    CHECK(c.list_form == NULL && c.list_score == NULL);
    CHECK_STR(c.tp[0].label, "a");
    CHECK_INT(c.tp[0].before, 0);
    CHECK_INT(c.tp[0].after, 0);
    CHECK_INT(c.tp[0].n_forms, 1);
    CHECK_STR(c.tp[0].forms[0], "vas");
    config_free(&c);
    free(y);

    /* A bare file name: relative paths stay relative to where we run. */
    y = xasprintf("database: b.db\n%s", minimal_schedule);
    CHECK_INT(load(&c, "bedside.yaml", y, &d), 0);
    CHECK_STR(c.database, "b.db");
    CHECK(c.forms_dir == NULL);
    config_free(&c);
    free(y);

    setenv("HOME", "/home/nurse", 1);
    y = xasprintf("database: ~/bedside.db\nforms: /opt/forms\n%s", minimal_schedule);
    CHECK_INT(load(&c, "/etc/bedside.yaml", y, &d), 0);
    CHECK_STR(c.database, "/home/nurse/bedside.db");
    CHECK_STR(c.forms_dir, "/opt/forms");
    config_free(&c);
    free(y);

    y = xasprintf("print_command: lpr  -P\tward3\n%s", minimal_schedule);
    CHECK_INT(load(&c, "x.yaml", y, &d), 0);
    CHECK_STR(c.print_cmd[0], "lpr");
    CHECK_STR(c.print_cmd[1], "-P");
    CHECK_STR(c.print_cmd[2], "ward3");
    CHECK(c.print_cmd[3] == NULL);
    config_free(&c);
    free(y);

    y = xasprintf("print_command: [lp, -d, \"ward 3\"]\n"
                  "patient_list: {form: vas, score: vas}\n%s",
                  minimal_schedule);
    CHECK_INT(load(&c, "x.yaml", y, &d), 0);
    CHECK_STR(c.print_cmd[2], "ward 3");
    CHECK(c.print_cmd[3] == NULL);
    CHECK_STR(c.list_form, "vas");
    config_free(&c);
    free(y);

    /* Windows on adjacent days (4 and 5) do not overlap. */
    CHECK_INT(load(&c, "x.yaml",
                   "schedule:\n"
                   "  - {id: a, day: 0, after: 4, forms: [vas]}\n"
                   "  - {id: b, day: 10, before: 5, forms: [vas]}\n"
                   "  - {id: pre_op, day: 20, forms: [vas, hhs]}\n",
                   &d),
              0);
    CHECK_INT(c.n_tp, 3);
    CHECK_INT(c.tp[2].n_forms, 2);
    config_free(&c);
    CHECK_INT(d.n, 0);
    diag_free(&d);
}

static void test_errors(void)
{
    /* The YAML level (ytree) keeps its positions. */
    REFUSE("schedule: [\n", "x.yaml:2:");
    REFUSE("forms: x\n\tschedule: []\n", "x.yaml:2:1:");
    REFUSE("", "x.yaml:1:1: empty");
    REFUSE("forms: a\nforms: b\nschedule: []\n", "x.yaml:2:1:");
    REFUSE("f: &x a\nschedule: *x\n", "x.yaml:1:");
    REFUSE("forms: \"caf\xc3\x28\"\n", "x.yaml:1:");
    /* The top level. */
    REFUSE("- a\n- b\n", "x.yaml:1:1: the configuration must be a mapping");
    REFUSE("forms: x\nschedul: []\n", "x.yaml:2:1: unknown key 'schedul'");
    REFUSE("forms: x\n", "'schedule' is missing");
    REFUSE("schedule: []\n", "x.yaml:1:11: 'schedule' must be a list of at least one");
    REFUSE("schedule: {a: 1}\n", "x.yaml:1:11: 'schedule' must be a list");
    REFUSE("forms: [a, b]\nschedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:8: 'forms' must be text");
    REFUSE("database: \"\"\nschedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:11: 'database' is empty");
    REFUSE("database: ~nurse/x.db\nschedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:11: 'database': only \"~/\" is expanded");
    REFUSE("print_command: []\nschedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:16: 'print_command' is empty");
    REFUSE("print_command: [lpr, {a: b}]\nschedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:22: 'print_command' must be a list of text");
    REFUSE("patient_list: hhs\nschedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:15: 'patient_list' must be a mapping");
    REFUSE("patient_list: {form: hhs}\nschedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:15: missing required key 'score'");
    REFUSE("patient_list: {form: hhs, score: total, x: 1}\n"
           "schedule:\n  - {id: a, day: 0, forms: vas}\n",
           "x.yaml:1:41: unknown key 'x' in 'patient_list'");
    /* Schedule entries. */
    REFUSE("schedule:\n  - baseline\n", "x.yaml:2:5: a schedule entry must be a mapping");
    REFUSE("schedule:\n  - {id: a, day: 0, forms: vas, window: 3}\n",
           "x.yaml:2:33: unknown key 'window' in schedule entry");
    REFUSE("schedule:\n  - {day: 0, forms: vas}\n", "x.yaml:2:5: missing required key 'id'");
    REFUSE("schedule:\n  - {id: a, forms: vas}\n", "x.yaml:2:5: missing required key 'day'");
    REFUSE("schedule:\n  - {id: a, day: 0}\n", "x.yaml:2:5: missing required key 'forms'");
    REFUSE("schedule:\n  - {id: a, day: one, forms: vas}\n",
           "x.yaml:2:18: 'day' must be an integer");
    REFUSE("schedule:\n  - {id: a, day: \"30\", forms: vas}\n",
           "x.yaml:2:18: 'day' must be an integer");
    REFUSE("schedule:\n  - {id: a, day: 0, before: -1, forms: vas}\n",
           "x.yaml:2:29: 'before' must be between 0 and");
    REFUSE("schedule:\n  - {id: a, day: 0, after: 2.5, forms: vas}\n",
           "x.yaml:2:28: 'after' must be an integer");
    REFUSE("schedule:\n  - {id: a, day: 99999999, forms: vas}\n",
           "x.yaml:2:18: 'day' must be between");
    REFUSE("schedule:\n  - {id: unscheduled, day: 0, forms: vas}\n",
           "x.yaml:2:10: timepoint id 'unscheduled' is reserved");
    REFUSE("schedule:\n  - {id: Month1, day: 0, forms: vas}\n",
           "x.yaml:2:10: timepoint id 'Month1' must be");
    REFUSE("schedule:\n  - {id: _a, day: 0, forms: vas}\n", "x.yaml:2:10: timepoint id '_a'");
    REFUSE("schedule:\n  - {id: 'a b', day: 0, forms: vas}\n",
           "x.yaml:2:10: timepoint id 'a b'");
    REFUSE("schedule:\n  - {id: a, day: 0, forms: []}\n", "x.yaml:2:28: 'forms' is empty");
    REFUSE("schedule:\n  - {id: a, day: 0, forms: [vas, hhs, vas]}\n",
           "x.yaml:2:39: form 'vas' is listed twice");
    REFUSE("schedule:\n  - {id: a, day: 0, label: [x], forms: vas}\n",
           "x.yaml:2:28: 'label' must be text");
    REFUSE("schedule:\n  - {id: a, day: 0, label: \"\\e[31mred\", forms: vas}\n",
           "x.yaml:2:28: 'label' must be non-empty text without control characters");
    REFUSE("schedule:\n  - {id: a, day: 0, label: '', forms: vas}\n",
           "x.yaml:2:28: 'label' must be non-empty");
    /* Values from the file are escaped in messages. */
    REFUSE("schedule:\n  - {id: \"a\\e]0;x\", day: 0, forms: vas}\n",
           "x.yaml:2:10: timepoint id 'a^[]0;x' must be");
    /* Across entries. */
    REFUSE("schedule:\n  - {id: a, day: 0, forms: vas}\n  - {id: a, day: 30, forms: vas}\n",
           "x.yaml:3:10: timepoint id 'a' is used twice (first at line 2)");
    REFUSE("schedule:\n  - {id: a, day: 30, forms: vas}\n  - {id: b, day: 0, forms: vas}\n",
           "x.yaml:3:18: 'day': timepoint 'b' (day 0) must come after 'a' (day 30)");
    REFUSE("schedule:\n  - {id: a, day: 30, forms: vas}\n  - {id: b, day: 30, forms: vas}\n",
           "x.yaml:3:18: 'day': timepoint 'b' (day 30) must come after");
    REFUSE("schedule:\n  - {id: a, day: 0, after: 5, forms: vas}\n"
           "  - {id: b, day: 10, before: 5, forms: vas}\n",
           "x.yaml:3:5: the window of 'b' (days 5..10) overlaps that of 'a' (days 0..5)");
}

/* Every problem is reported, not only the first. */
static void test_all_problems(void)
{
    config c;
    diag d = {0};
    CHECK_INT(load(&c, "x.yaml",
                   "colour: red\n"
                   "schedule:\n"
                   "  - {id: A, day: 0, forms: vas}\n"
                   "  - {id: b, day: x, forms: vas}\n",
                   &d),
              -1);
    CHECK_INT(d.n, 3);
    diag_free(&d);
}

int main(void)
{
    test_shipped();
    test_paths_and_defaults();
    test_errors();
    test_all_problems();
    return t_done();
}
