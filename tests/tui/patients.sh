#!/usr/bin/env bash
# Patients: adding one whose name and birth date match an existing patient
# asks first and names the existing MRN; the patient screen shows the
# answers of the patient's enrolment form; a database made by `bedside demo`
# says DEMO in the title line of every screen, a real one never does.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add ZM-1 --name "Zoë Martin" --sex F --born 1980-04-02
expect_rc 0 "setup"

tui_bedside p 80 24
tui_expect p 'Patients: 1' "list"
tui_expect_not p 'DEMO' "a real database has no DEMO marker"
tui_keys p a
tui_expect p 'Add patient' "the add dialog"
tui_type p ZM-2
tui_keys p Tab
tui_type p "zoë martin"
tui_keys p Tab
tui_type p F
tui_keys p Tab
tui_type p 1980-04-02
tui_keys p Enter
tui_expect p 'Possible duplicate' "the same name and birth date: asked first"
tui_expect p 'already recorded as MRN ZM-1' "naming the existing MRN"
tui_keys p n
tui_expect p 'not added: the same name and birth date are MRN ZM-1' "no: not added, and why"
expect_same "$(sqlite3 "$DB" 'SELECT count(*) FROM patients')" 1 "nothing written"
tui_keys p C-s
tui_expect p 'Possible duplicate' "asked again"
tui_keys p y
tui_expect p 'Patient at enrolment' "yes: another person; the enrolment form"
tui_type p 27.5
tui_keys p Enter
tui_keys p 2
tui_keys p C-s
tui_expect p 'Review' "review"
tui_keys p Enter
tui_expect p 'MRN ZM-2' "saved with it: another person, added"
# The patient screen shows the patient's enrolment answers with their
# labels, under the patient's name, as it shows each hip's.
tui_expect p '^Body-mass index 27\.5 kg/m2 . Smoking Former smoker' \
    "the patient screen shows the patient's enrolment answers"
expect_same "$(sqlite3 "$DB" 'SELECT count(*) FROM patients')" 2 "two patients"
tui_kill p

# The demo cohort is marked on every screen.
DB=$T/demo.db
bs --db "$DB" demo --patients 3 --seed 7
expect_rc 0 "demo"
tui_bedside d 80 24
tui_expect d '^  DEMO  bedside  Patients: 3' "the list says DEMO"
tui_keys d Enter
tui_expect d '^  DEMO  D0000' "the patient screen too"
tui_keys d o
tui_wait d 'Which record|v[0-9]' 5
tui_keys d Enter
tui_wait d 'v[0-9]' 5
tui_expect d '^  DEMO  ' "and the screen after it"
tui_end
t_done
