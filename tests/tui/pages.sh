#!/usr/bin/env bash
# The patient list reads one keyset page at a time: paging down, End, paging
# back up past the rows read, Home, and a search with more matches than a
# page all show the right patients (130 here; a page is 40 rows).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs demo --patients 130 --seed 3
expect_rc 0 "setup: a demo cohort of 130"

# The command line streams the whole list, header first.
bs patient list
expect_rc 0 "patient list"
expect_same "$(wc -l <"$T/out")" 131 "a header and 130 rows"
expect_same "$(sed -n 2p "$T/out" | cut -d' ' -f1)" D000001 "first row by MRN"
expect_same "$(tail -1 "$T/out" | cut -d' ' -f1)" D000130 "last row by MRN"

tui_bedside s 80 24
tui_expect s 'Patients: 130' "the count of every patient"
tui_expect_not s 'D000041' "only the first page is on screen"
for i in 1 2 3; do tui_keys s NPage; done
tui_expect s '^ D000055 ' "PgDn past the first page reads the next one"
tui_keys s G
tui_expect s '^ D000130 ' "End shows the last patient"
tui_expect_not s 'D000001 ' "and not the first"
for i in 1 2 3 4 5 6; do tui_keys s PPage; done
tui_expect s '^ D0000[0-3][0-9] ' "PgUp past the rows read reads the page before"
tui_keys s g
tui_expect s '^ D000001 ' "Home goes back to the first patient"
# A patient added while the window was read from the end: back on the list
# it starts again at the top, never pointing at another patient.
tui_keys s G
tui_expect s '^ D000130 ' "End again"
tui_keys s a
tui_expect s 'Add patient' "a opens the dialog"
tui_type s E1
tui_keys s Tab
tui_type s 'Eve Added'
tui_keys s Tab
tui_type s f
tui_keys s Tab
tui_type s 1980-02-29
tui_keys s Enter
tui_expect s 'Patient at enrolment' "the patient's enrolment form"
tui_keys s C-s
tui_expect s 'Review' "review"
tui_keys s Enter
tui_expect s 'MRN E1' "saved: the new patient's screen opens"
tui_keys s q
tui_expect s 'Patients: 131' "back on the list, the new count"
tui_expect s '^ D000001 ' "the list starts again at the top"

# A search with more matches than a page says so, and pages like the list.
tui_keys s /
tui_type s d0
tui_expect s 'Patients: 40 shown, more match' "a search with more matches than a page"
tui_keys s Enter
tui_keys s G
tui_expect s '^ D000130 ' "End reads the last page of the matches"
tui_keys s /
tui_type s d0001
tui_expect s 'Patients: 31' "d0001 matches D000100 to D000130"
tui_expect_not s 'D000099' "and nothing else"

tui_keys s q
tui_end
t_done
