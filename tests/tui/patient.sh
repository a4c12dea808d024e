#!/usr/bin/env bash
# The patient screen's actions: add hips through the dialog (validated like
# `bedside hip add`) and their enrolment form, the hip question of a new visit, printing to a file and
# to the configured print command after a confirmation, help, and a
# read-only database refusing entry before any typing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

# A config whose print command writes what it is fed to a file.
sed -e "s|^forms:.*|forms: $TOP/forms|" \
    -e "s|^print_command:.*|print_command: [dd, \"of=$T/printed\", status=none]|" \
    "$TOP/config/bedside.yaml" >"$T/bedside.yaml"
export BEDSIDE_CONFIG=$T/bedside.yaml

bs patient add PS-1 --name "Paul Stein" --sex M --born 1965-08-08
expect_rc 0 "setup"

tui_bedside p 80 24
tui_expect p 'Patients: 1' "list"
tui_keys p Enter
tui_expect p 'MRN PS-1' "patient screen"
tui_keys p n
tui_expect p 'no hip yet: h adds one' "a visit needs a hip"

tui_keys p h
tui_expect p 'Add hip' "h opens the hip dialog"
tui_expect p 'Index date +2026-06-15' "the index date defaults to today"
tui_type p l
tui_keys p Tab C-u
tui_type p 2027-07-01
tui_keys p C-s
tui_expect p "index date 2027-07-01 is more than a year ahead" "a date too far ahead is refused"
bs show PS-1
expect_no_out 'LEFT HIP' "nothing saved"
tui_keys p C-u
tui_type p 2026-06-15
tui_keys p C-s
# Then the hip's enrolment form, on the form screen: ARCO IIB (seed 003).
tui_expect p 'Hip at enrolment v1 .*Left hip +enrolment +2026-06-15' \
    "the enrolment form follows, dated by the index date"
# The hip is saved with its enrolment record, in one transaction: nothing is
# written yet, and Esc on the enrolment form writes nothing at all.
sum=$(db_sum)
filesum=$(md5sum <"$DB")
tui_keys p 1
tui_expect p 'Etiology +Corticosteroid' "an answer typed"
expect_same "$(db_sum)" "$sum" "no hip and no draft while the enrolment form is open"
tui_keys p Escape
tui_expect p 'Leave without adding\?' "Esc with an answer asks first"
tui_expect p 'The left hip is not added and these 1 answer' "saying the hip is not added"
tui_keys p n
tui_wait_gone p 'Leave without adding' 5 && ok || tui_fail "n stays on the form"
tui_expect p 'Hip at enrolment v1' "still on the enrolment form"
tui_keys p Escape
tui_expect p 'Leave without adding\?' "asked again"
tui_keys p y
tui_expect p 'Nothing saved: the left hip was not added' "y leaves, saying nothing was saved"
tui_expect p 'No hip is recorded for this patient' "back on the patient screen, no hip"
expect_same "$(db_sum)" "$sum" "the database is unchanged after Esc"
expect_same "$(md5sum <"$DB")" "$filesum" "the database file is byte-identical after Esc"
bs show PS-1
expect_no_out 'LEFT HIP' "no hip without its enrolment record"
# Again, and this time saved.
tui_keys p h
tui_expect p 'Add hip' "h again"
tui_type p l
tui_keys p Tab C-u
tui_type p 2026-06-15
tui_keys p C-s
tui_expect p 'Hip at enrolment v1 .*Left hip +enrolment +2026-06-15' "the enrolment form again"
tui_keys p 1 2
tui_expect p 'press 1-m to choose' "every stage of both systems is offered"
tui_keys p m
tui_expect p "is not a stage of the staging system given.*\\('VI'\\)|is not a stage of the staging" \
    "ARCO VI is refused, naming the value"
tui_keys p 8
tui_expect p 'Stage +IIB' "ARCO IIB accepted"
tui_type p 30
tui_keys p Enter C-s
tui_expect p 'Review' "review"
tui_keys p Enter
tui_expect p 'Added the left hip with its Hip at enrolment' "saved: the hip and its record"
tui_expect p 'LEFT HIP' "the patient screen shows the hip"
tui_expect p 'Etiology Corticosteroid · Staging system ARCO · Stage IIB' \
    "with its enrolment answers, labelled"
# The right hip: Steinberg IIIC.
tui_keys p h
tui_expect p 'Side +R ' "the other side is proposed"
tui_keys p C-s
tui_expect p 'Hip at enrolment v1 .*Right hip' "its enrolment form"
tui_keys p 2 1 d
tui_expect p 'Stage +IIIC' "Steinberg IIIC"
tui_keys p C-s
tui_expect p 'Review' "review"
tui_keys p Enter
tui_expect p 'RIGHT HIP|LEFT HIP' "back on the patient screen"
bs show PS-1
expect_out 'Etiology Corticosteroid · Staging system ARCO · Stage IIB' "show: left hip from the TUI"
expect_out 'Etiology Idiopathic · Staging system Steinberg · Stage IIIC' "show: right hip from the TUI"
expect_out 'Involvement of the femoral head 30.0 %' "show: involvement typed in the TUI"
tui_keys p h
tui_expect p 'Both hips are already recorded' "no third hip"

tui_keys p n
tui_expect p 'Which hip\?' "two hips: which one"
tui_expect p 'Right hip \(day 0 2026-06-15\)' "listed with day 0"
tui_keys p Escape
tui_wait_gone p 'Which hip' 5 && ok || tui_fail "Esc cancels"

# Print to a file, after a confirmation.
tui_keys p p
tui_expect p 'Print the summary of PS-1' "p asks first"
tui_keys p f
tui_expect p 'File: bedside-PS-1-2026-06-15\.txt' "a file name is proposed"
tui_keys p C-u
tui_type p "$T/summary.txt"
tui_keys p Enter
tui_expect p 'Saved to .*summary\.txt' "saved"
grep -q 'Page 1 of' "$T/summary.txt" && ok || fail "the file is the printed summary"
grep -q 'PS-1' "$T/summary.txt" && ok || fail "for this patient"
# Cancel prints nothing.
tui_keys p p
tui_expect p 'Print the summary' "p again"
tui_keys p c
tui_wait_gone p 'Print the summary' 5 && ok || tui_fail "c cancels"
[ -e "$T/printed" ] && fail "cancel must not print" || ok
# The print command gets the text on its standard input.
tui_keys p p
tui_expect p 'Print the summary' "p again"
tui_keys p p
tui_expect p 'Sent to the printer' "printed"
grep -q 'Page 1 of' "$T/printed" && ok || fail "the print command received the summary"
tui_expect p 'MRN PS-1' "the screen is back after the print command ran"

tui_keys p '?'
tui_expect p 'Help: patient' "? shows help for this screen"
tui_expect p 'new visit' "with its keys"
tui_keys p x
tui_wait_gone p 'Help: patient' 5 && ok || tui_fail "any key closes help"
tui_keys p q q
tui_wait_exit "$(tui_pid p)" 5 && ok || tui_fail "quit"

# A read-only database: browsing works, entry is refused before typing.
chmod 0444 "$DB"
# `bedside enter` refuses at once (stderr, exit 1); the TUI itself is
# checked from the patient screen below.
bs enter PS-1 --form vas --hip L --timepoint baseline
expect_rc 1 "enter on a read-only database exits 1"
expect_err 'read-only|not writable' "and says why"
tui_bedside r2 80 24
tui_expect r2 'Patients: 1' "a read-only database can be browsed"
tui_keys r2 Enter n
tui_expect r2 'Which hip' "new visit"
tui_keys r2 1 Enter Enter
tui_expect r2 'Entry refused' "entry refused from the patient screen too"
tui_expect r2 'read-only|not writable' "with the reason"
tui_kill r2
chmod 0644 "$DB"
bs drafts
expect_err 'no open drafts' "nothing was written"
tui_end
t_done
