#!/usr/bin/env bash
# Corrections inside the TUI: the record view shows the record's id, who
# entered it and when; V voids the record, or every record of its visit,
# after a confirmation that lists them and a reason (kept in the history).
# What a nurse does wrong: Esc at the reason prompt, an empty reason, a
# record another nurse voided meanwhile ("already void"). The amend review
# shows old -> new for every changed answer and score before saving.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add VD-1 --name "Vera Dahl" --sex F --born 1970-01-01
bs hip add VD-1 --side L --index-date 2026-05-15
bs record VD-1 --form vas --hip L --timepoint 1m pain=5
bs record VD-1 --form complications --hip L --timepoint 1m events=hematoma grade=i
bs record VD-1 --form vas --hip L --timepoint baseline --date 2026-05-15 pain=7
expect_rc 0 "setup: a 1-month visit with two records, and a baseline"
vas1m=$(sqlite3 "$DB" "SELECT uuid FROM records WHERE form = 'vas' AND timepoint = '1m'")
me=$(id -un)

# --- The command line: void --help, already void --------------------------------
bs void --help
expect_rc 0 "void --help"
expect_out '^usage: bedside void RECORD \[--visit\] --reason TEXT' "the usage"
expect_out 'stays in the database' "what voiding does"
expect_out '--visit +void every current record' "--visit described"
expect_out 'already void' "what is refused"

# --- The TUI: record view ------------------------------------------------------
# pick REGEX — in the record picker, press the digit of the line matching REGEX
# (records saved in the same second have no fixed order).
pick() {
    local k
    tui_screen a >/dev/null
    k=$(grep -E -- "$1" "$T/screen" | head -1 | sed -E 's/^[^0-9]*([1-9]) .*/\1/')
    if [ -n "$k" ]; then ok; tui_type a "$k"; else tui_fail "no line /$1/ in the picker"; fi
}
open_vas1m() {
    tui_keys a o
    tui_expect a 'Open a record' "the record picker"
    pick ' L +1m .*VAS pain'
    tui_expect a "Record ${vas1m:0:8}, final, entered by $me, 20[0-9-]+ [0-9:]+" \
        "the record view shows the id, who entered it and when"
}
tui_bedside a 80 24
tui_expect a 'VD-1 +Vera Dahl' "list"
tui_keys a Enter
tui_expect a 'MRN VD-1' "patient screen"
open_vas1m
tui_expect a 'V void' "the keys name V"

# Esc at the choice, at the confirmation and at the reason: nothing changes.
before=$(db_sum)
tui_keys a V
tui_expect a '\(w\) the whole visit: all 2 records' "V offers the record or the whole visit"
tui_keys a Escape
tui_expect a 'Nothing voided' "Esc at the choice"
tui_keys a V
tui_expect a 'whole visit' "asked again"
tui_keys a r
tui_expect a 'Void this 1 record of VD-1 Vera Dahl, left hip, 1 month\?' "the confirmation names the visit"
tui_expect a "VAS pain, 2026-06-15, record ${vas1m:0:8} entered by $me" "and lists the record"
tui_keys a n
tui_expect a 'Nothing voided' "no at the confirmation"
tui_keys a V
tui_expect a 'whole visit' "asked again"
tui_keys a r
tui_expect a 'Void this 1 record' "confirm"
tui_keys a y
tui_expect a 'Reason:' "the reason is asked"
tui_type a 'half typed'
tui_keys a Escape
tui_expect a 'Nothing voided' "Esc at the reason prompt"
expect_same "$(db_sum)" "$before" "Esc anywhere left the database unchanged"
tui_keys a V
tui_expect a 'whole visit' "again"
tui_keys a r
tui_expect a 'Void this 1 record' "confirm"
tui_keys a y
tui_expect a 'Reason:' "reason"
tui_keys a Enter
tui_expect a 'a void needs a reason: say why' "an empty reason is refused"
tui_keys a V r y
tui_expect a 'Reason:' "reason"
tui_type a '   '
tui_keys a Enter
tui_expect a 'a void needs a reason' "a blank reason too"
expect_same "$(db_sum)" "$before" "still unchanged"

# Another nurse voids it meanwhile: the TUI says "already void".
bs void "$vas1m" --reason "duplicate entry"
expect_rc 0 "voided on the command line"
tui_keys a V
tui_expect a 'already void \(voided by' "the TUI says already void"
tui_expect a 'duplicate entry' "with the reason"
tui_keys a Enter
bs void "$vas1m" --reason again
expect_rc 1 "voiding twice on the command line"
expect_err "cannot void record ${vas1m:0:8}: it is already void" "says already void"
tui_keys a q
tui_expect a 'MRN VD-1' "back on the patient screen"

# A whole visit: the 1-month complications and a new VAS, both voided at once.
bs record VD-1 --form vas --hip L --timepoint 1m pain=4
expect_rc 0 "the 1-month VAS entered again"
tui_keys a o
tui_expect a 'Open a record' "picker"
pick ' L +1m .*Complications'
tui_expect a 'Complications v1' "its record view"
tui_keys a V
tui_expect a 'whole visit: all 2 records' "choice"
tui_keys a w
tui_expect a 'Void these 2 records of VD-1 Vera Dahl, left hip, 1 month\?' "the visit"
tui_expect a '  VAS pain, 2026-06-15' "lists the VAS"
tui_expect a '  Complications, 2026-06-15' "and the complications"
tui_keys a y
tui_type a 'wrong patient'
tui_keys a Enter
tui_expect a 'Voided 2 records of VD-1 Vera Dahl, left hip, 1 month' "voided"
tui_expect a 'MRN VD-1' "back on the patient screen"
bs history VD-1
n=$(grep -c '  void  .* 1m ' "$T/out")
expect_same "$n" 3 "three void entries for 1m in the history (one from the CLI)"
expect_out 'wrong patient' "with the reason"
bs export csv --form vas
expect_no_out ',1m,' "no current 1-month VAS"
expect_out ',baseline,' "the baseline is untouched"

# --- Amend: the review shows old -> new --------------------------------------------
tui_keys a o
tui_expect a 'Open a record' "picker"
pick ' L +baseline .*VAS pain'
tui_expect a 'VAS pain v1' "the baseline VAS"
tui_keys a A
tui_expect a 'Reason:' "reason"
tui_type a 'misread the scale'
tui_keys a Enter
tui_expect a 'AMEND VAS pain' "amend mode"
tui_keys a C-s
tui_expect a 'Nothing changed yet' "review with no change"
tui_expect a 'Nothing changed: there is nothing to save' "says so"
tui_keys a Enter
tui_expect a 'AMEND VAS pain' "Enter saves nothing"
tui_keys a Escape
tui_keys a C-u
tui_type a 3.5
tui_keys a Enter C-s
tui_expect a 'Changes \(old → new\)' "the review lists the changes"
tui_expect a 'Pain \(0 = none, 10 = worst imaginable\): 7\.0' "the answer's old value"
tui_expect a '  cm → 3\.5 cm' "and its new one"
tui_expect a 'Score VAS pain: 7\.0 → 3\.5' "and the score"
tui_keys a Enter
tui_expect a 'Amended VAS pain baseline' "saved"
bs export csv --form vas
expect_out ',baseline,2026-05-15,vas,1,[^,]*,[^,]*,3\.5,3\.5' "the new version"

# --- void --visit on the command line ------------------------------------------
bs patient add VD-2 --name "Vic Dunn" --sex M --born 1969-02-02
bs hip add VD-2 --side R --index-date 2026-05-15
bs record VD-2 --form vas --hip R --timepoint 1m pain=2
bs record VD-2 --form complications --hip R --timepoint 1m events=none
expect_rc 0 "setup: VD-2's 1-month visit"
id=$(sqlite3 "$DB" "SELECT r.uuid FROM records r JOIN patients p ON p.uuid = r.patient
    WHERE p.mrn = 'VD-2' AND r.form = 'vas'")
refused 2 "void --visit without a reason" "--reason is required" void "$id" --visit
refused 1 "void --visit with a blank reason" "--reason: say why" void "$id" --visit --reason " "
bs void "${id:0:8}" --visit --reason "wrong patient's visit"
expect_rc 0 "void --visit"
expect_same "$(grep -c '^voided record' "$T/out")" 2 "both records of the visit voided"
expect_out '^voided record [0-9a-f]{8} \(complications, 1m\)' "the complications too"
bs export csv --form complications
expect_no_out '^VD-2,' "VD-2 has no current complications record"
tui_end
t_done
