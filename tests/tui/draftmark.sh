#!/usr/bin/env bash
# Drafts are visible: after a dropped connection the patient list and the
# Due view mark the patient and the hip with an unfinished draft.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add DM-1 --name "Dina Marsh" --sex F --born 1970-01-01
bs hip add DM-1 --side L --index-date 2026-05-15
bs hip add DM-1 --side R --index-date 2026-05-15
bs patient add DM-2 --name "Dan Moor" --sex M --born 1971-01-01
bs hip add DM-2 --side L --index-date 2026-05-15
expect_rc 0 "setup"

tui_bedside a 80 24
tui_expect a 'Patients: 2' "list"
tui_expect_not a '(Marsh|Moor) +draft' "no draft yet, no marker"
tui_kill a

tui_bedside k 80 24 enter DM-1 --form vas --hip R --timepoint 1m
tui_expect k 'VAS pain v1' "the form"
tui_type k 6
tui_keys k Enter
tui_expect k 'draft saved' "one answer in the draft"
tui_kill k      # the connection drops

tui_bedside b 80 24
tui_expect b 'DM-1 +Dina Marsh +draft ' "the patient list marks DM-1"
tui_expect_not b 'DM-2 .*draft' "not DM-2"
tui_keys b d
tui_expect b 'Due now or overdue' "Due view"
tui_expect b 'DM-1 +Dina Marsh +draft +R ' "the right hip is marked"
tui_expect_not b 'DM-1 .*draft +L ' "the left hip is not"
tui_end
t_done
