#!/usr/bin/env bash
# Editing as in any form: a value already in a field (a suggestion or an
# earlier answer) is selected when the cursor arrives, so typing replaces it;
# arrows or Backspace start editing it instead. The same for dialogs and a
# second search. Esc abandons a half-typed value and never saves it. The
# hint line and ? name the editing keys.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add ED-1 --name "Edda Lund" --sex F --born 1970-03-03
bs hip add ED-1 --side L --index-date 2026-05-15
bs patient add OT-2 --name "Otto Berg" --sex M --born 1961-01-01
expect_rc 0 "setup"
draft_pain() {
    sqlite3 "$DB" "SELECT json_extract(answers,'\$.pain') FROM records WHERE status='draft'"
}

tui_bedside e 80 24
tui_expect e 'Patients: 2' "list"
# A second search replaces the first instead of appending to it.
tui_keys e /
tui_type e ot
tui_keys e Enter
tui_expect e 'Search: ot( |$)' "first search"
tui_keys e /
tui_type e ed
tui_expect e 'Search: ed( |$)' "a second / starts a new search"
tui_expect e 'Patients: 1' "and finds ED-1"
tui_expect_not e 'Search: oted' "not appended"
tui_keys e Enter Enter
tui_expect e 'MRN ED-1' "patient screen"

# The suggested visit date is replaced by typing (n asks the date first,
# then the timepoint whose window holds it).
tui_keys e n
tui_expect e 'Date \(YYYY-MM-DD\): 2026-06-15' "today suggested"
tui_type e 2026-06-10
tui_expect e 'Date \(YYYY-MM-DD\): 2026-06-10 ' "typing replaced the suggestion"
tui_expect_not e '2026-06-152026' "nothing appended"
# End starts editing instead: Backspace then a digit changes the last one.
tui_keys e End BSpace
tui_type e 1
tui_expect e 'Date \(YYYY-MM-DD\): 2026-06-11 ' "End, Backspace edit the value"
tui_keys e Enter
tui_expect e 'Timepoint' "then the timepoint"
tui_keys e Enter
tui_expect e 'VAS pain v1 .*2026-06-11' "the form for that date"

# An earlier answer is selected too; Backspace edits it, typing replaces it.
tui_type e 5
tui_keys e Enter
tui_expect e 'VAS pain +5\.0' "accepted"
tui_expect e 'typing replaces it' "the hint says typing replaces the value"
tui_type e 7
tui_expect e '>\*Pain.* 7 ' "typing replaced 5.0 with 7"
tui_expect_not e '5\.07' "not appended"
tui_expect e 'Ctrl-U clears, Esc undoes typing' "the hint names Esc and Ctrl-U while typing"
# Esc abandons the typing: the draft keeps 5.0.
tui_keys e Escape
tui_expect e 'typing abandoned' "Esc says what it did"
tui_expect e '>\*Pain.* 5\.0' "the field is as it was"
expect_same "$(draft_pain)" "5.0" "the half-typed 7 was never saved"
tui_keys e BSpace
tui_expect e '>\*Pain.* 5\. ' "Backspace edits the value instead of replacing it"
tui_keys e Escape
tui_expect e '>\*Pain.* 5\.0' "abandoned again"
expect_same "$(draft_pain)" "5.0" "still 5.0"
# ? names every editing key.
tui_keys e '?'
tui_expect e 'Help: form' "help"
for k in 'Ctrl-U' 'Ctrl-K' 'Ctrl-A/E' 'Backspace' 'typing replaces it'; do
    tui_keys e Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down
    tui_wait e "$k" 3 || { tui_keys e Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up; }
    tui_expect e "$k" "help names $k"
done
tui_keys e q
tui_wait_gone e 'Help: form' && ok || tui_fail "help closes"
# Leaving now asks (a draft exists); Esc is a second press.
tui_keys e Escape
tui_expect e 'Leave the form\?' "the second Esc leaves"
tui_keys e l
tui_expect e 'Draft kept' "draft kept"

# Add hip: the proposed side is replaced by the typed one.
tui_keys e h
tui_expect e 'Side +R ' "the other side is proposed"
tui_type e R
tui_expect e 'Side +R ' "typing R over R gives R"
tui_expect_not e 'Side +RR' "not RR"
tui_keys e Tab
tui_type e 2026-06-01
tui_expect e 'Index date +2026-06-01 ' "the index date replaced"
tui_keys e C-s
tui_expect e 'Hip at enrolment v1 .*Right hip' "the hip's enrolment form"
tui_keys e C-s
tui_expect e 'Review' "review"
tui_keys e Enter
tui_expect e 'Added the right hip with its Hip at enrolment' "saved"
bs show ED-1
expect_out 'RIGHT HIP' "the right hip"
expect_out '2026-06-01' "with the typed date"
tui_end
t_done
