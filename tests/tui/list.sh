#!/usr/bin/env bash
# The patient list: incremental search, opening a patient, the Due view,
# and adding a patient through the dialog (validated like the CLI).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add P100 --name "Alice Martin" --sex F --born 1970-05-04
bs hip add P100 --side L --index-date 2026-05-15 etiology=idiopathic stage_system=steinberg stage=II
bs patient add P200 --name "Bruno Díaz" --sex M --born 1961-02-03
bs hip add P200 --side L --index-date 2025-06-10
bs hip add P200 --side R --index-date 2025-06-10
bs record P200 --form hhs --hip L --timepoint 6m --date 2025-12-09 pain=mild limp=slight \
    support=none distance=unlimited stairs=railing shoes_socks=ease sitting=ordinary_chair \
    public_transport=able flexion_contracture_lt30=yes adduction_lt10=yes \
    internal_rotation_lt10=yes limb_length_lt32=yes flexion=90 abduction=10 adduction=10 \
    external_rotation=10 internal_rotation=5
expect_rc 0 "setup: an HHS for P200"
bs patient add P300 --name "Chloé Dupont" --sex F --born 1988-09-30
expect_rc 0 "setup"

tui_bedside s 80 24
tui_expect s 'Patients: 3' "the list opens with every patient"
tui_screen s >/dev/null
grep -E '^ P200 +Bruno Díaz +65 M +L\+R' "$T/screen" >/dev/null && ok ||
    tui_fail "P200 row: MRN, UTF-8 name, age/sex, both hips"
grep -E '^ P200 .* 80\.3$' "$T/screen" >/dev/null && ok || tui_fail "P200 shows its latest HHS"
grep -E '^ P100 .*L 1m +2026-06-14\*' "$T/screen" >/dev/null && ok ||
    tui_fail "P100: next due 1m, marked due"
grep -E '^ P300 .*–$' "$T/screen" >/dev/null && ok || tui_fail "no score shown as –"

# Incremental search: each key narrows the list.
tui_keys s /
tui_type s d
tui_expect s 'Patients: 2' "typing 'd' matches Bruno Díaz and Chloé Dupont"
tui_type s ía
tui_expect s 'Patients: 1' "typing 'día' leaves one patient"
tui_expect_not s 'P100|P300' "the others are filtered out"
tui_keys s Enter Enter
tui_expect s 'MRN P200' "Enter opens the patient"
tui_expect s 'LEFT HIP' "the patient screen shows the hips"
tui_keys s q
tui_expect s 'Search: día' "back on the list, the search is kept"
tui_keys s Escape
tui_expect s 'Patients: 3' "Esc clears the search"

# Search by MRN.
tui_keys s /
tui_type s p3
tui_expect s 'Patients: 1' "search by MRN"
tui_expect s 'P300' "P300 found"
tui_keys s Escape

# Due view: hips whose window is open or passed, soonest first.
tui_keys s d
tui_expect s 'Due now or overdue: [0-9]+ hips' "d shows the Due view"
tui_screen s >/dev/null
n_due=$(grep -cE '^ P[0-9]+ ' "$T/screen")
[ "$n_due" -ge 2 ] && ok || tui_fail "at least P100 L and a P200 hip are due (got $n_due)"
grep -q 'P300' "$T/screen" && tui_fail "P300 has no hip: not due" || ok
first=$(grep -E '^ P[0-9]+ ' "$T/screen" | head -1)
case "$first" in *P200*) ok ;; *) tui_fail "soonest first: P200 (12m target 2026-06-10) leads, got: $first" ;; esac
tui_keys s d
tui_expect s 'Patients: 3' "d again goes back"

# Add a patient: a future birth date is refused in the dialog, nothing saved.
tui_keys s a
tui_expect s 'Add patient' "a opens the dialog"
tui_type s N-1
tui_keys s Tab
tui_type s 'Nina Ørsted'
tui_keys s Tab
tui_type s f
tui_keys s Tab
tui_type s 2030-01-01
tui_keys s Enter
tui_expect s 'born: 2030-01-01 is in the future' "a future birth date is refused"
bs patient list
expect_no_out 'N-1' "nothing saved after the refusal"
tui_keys s C-u
tui_type s 1980-02-29
tui_keys s Enter
# Then the patient's enrolment form; the patient is saved with it, in one
# transaction, and Esc there writes nothing.
tui_expect s 'Patient at enrolment v1 .*N-1 Nina Ørsted +patient +enrolment' \
    "the patient's enrolment form follows the identity"
sum=$(db_sum)
tui_type s 27.1
tui_keys s Enter
tui_expect s 'Answered 1 of 4' "BMI typed"
expect_same "$(db_sum)" "$sum" "no patient and no draft while the enrolment form is open"
tui_keys s Escape
tui_expect s 'Leave without adding\?' "Esc with an answer asks first"
tui_keys s y
tui_expect s 'Nothing saved: the patient was not added' "y leaves, saying nothing was saved"
expect_same "$(db_sum)" "$sum" "the database is unchanged after Esc"
bs patient list
expect_no_out 'N-1' "no patient without its enrolment record"
# Again, and this time saved.
tui_keys s a
tui_expect s 'Add patient' "the dialog again"
tui_type s N-1
tui_keys s Tab
tui_type s 'Nina Ørsted'
tui_keys s Tab
tui_type s f
tui_keys s Tab
tui_type s 1980-02-29
tui_keys s Enter
tui_expect s 'Patient at enrolment v1' "the enrolment form again"
tui_keys s Escape
tui_expect s 'Nothing saved: the patient was not added' "Esc with no answer leaves at once"
tui_keys s a
tui_expect s 'Add patient' "the dialog a third time"
tui_type s N-1
tui_keys s Tab
tui_type s 'Nina Ørsted'
tui_keys s Tab
tui_type s f
tui_keys s Tab
tui_type s 1980-02-29
tui_keys s Enter
tui_expect s 'Patient at enrolment v1' "the enrolment form"
tui_type s 27.1
tui_keys s Enter 1 C-s
tui_expect s 'Review' "review"
tui_keys s Enter
tui_expect s 'MRN N-1' "saved: the new patient's screen opens"
tui_expect s 'Added the patient with its Patient at enrolment' "saying what was saved"
pe=$(sqlite3 "$DB" "SELECT r.answers FROM current_records r JOIN patients p ON p.uuid = r.patient
    WHERE p.mrn = 'N-1' AND r.form = 'patient_enrolment' AND r.timepoint = 'enrolment'")
expect_same "$pe" '{"bmi":"27.1","smoking":"never"}' "the patient's enrolment record, saved with the patient"
bs patient list
expect_out 'N-1 +Nina Ørsted +46 +F' "the patient is in the database, sex upper-cased"
tui_keys s q
tui_expect s 'Patients: 4' "the list shows the new patient"

# A duplicate MRN is refused with the store's message.
tui_keys s a
tui_expect s 'Add patient' "the dialog again"
tui_type s P100
tui_keys s Tab
tui_type s 'Someone Else'
tui_keys s Tab
tui_type s M
tui_keys s Tab
tui_type s 1990-01-01
tui_keys s Enter
tui_expect s 'P100' "duplicate MRN refused"
tui_expect s 'Add patient' "the dialog stays open"
tui_keys s Escape
tui_expect s 'Patients: 4' "Esc cancels; still four patients"

tui_keys s q
if tui_wait_exit "$(tui_pid s)" 5; then ok; else tui_fail "q on the list quits"; fi
tui_end
t_done
