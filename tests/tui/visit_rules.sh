#!/usr/bin/env bash
# The rules of a visit in the TUI (issue "Every record lands on the right
# visit"): `n` asks the date first and preselects the timepoint whose window
# holds it; picking another timepoint for that date is refused with the
# entry module's message and nothing is saved. Two sessions on one draft:
# whichever choice the second nurse makes after the first saved (keep it as
# a draft, amend, or leave), every answer on her screen is written.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

draft_pain() {
    sqlite3 "$DB" "SELECT json_extract(answers,'\$.pain') FROM records r JOIN patients p
                   ON p.uuid = r.patient WHERE status='draft' AND p.mrn = '$1'"
}
final_pain() {
    sqlite3 "$DB" "SELECT group_concat(json_extract(answers,'\$.pain'), ' ') FROM
                   (SELECT answers FROM records r JOIN patients p ON p.uuid = r.patient
                    WHERE status='final' AND p.mrn = '$1' AND r.form = 'vas'
                    ORDER BY entered_at, r.rowid)"
}

bs patient add V-1 --name "Vera Lind" --sex F --born 1960-01-01
bs hip add V-1 --side L --index-date 2026-01-15
bs record V-1 --form vas --hip L --timepoint baseline --date 2026-01-10 pain=6
expect_rc 0 "setup: a pre-operative baseline"

tui_bedside a 80 24
tui_expect a 'Vera Lind' "the list"
tui_keys a Enter
tui_expect a 'LEFT HIP' "the patient screen"

# The date comes first; its window's timepoint is preselected.
tui_keys a n
tui_expect a 'Date \(YYYY-MM-DD\)' "n asks the visit date"
tui_type a 2026-04-20
tui_keys a Enter
tui_expect a '3 3m +3 months +2026-04-16 +overdue' "the timepoints with their dates and states"
tui_keys a Enter
tui_expect a 'VAS pain v1 .*3m.*2026-04-20|VAS pain v1 .*2026-04-20.*3m' \
    "Enter takes the preselected timepoint: 3 months, the window holding 2026-04-20"
tui_keys a Escape
tui_expect a 'LEFT HIP' "back on the patient screen, nothing typed"

# Baseline for a date months later: refused, naming the window it is in.
tui_keys a n
tui_expect a 'Date \(YYYY-MM-DD\)' "date again"
tui_type a 2026-04-20
tui_keys a Enter
tui_expect a '1 baseline' "the timepoints"
tui_keys a 1
tui_expect a "Visit refused" "baseline on 2026-04-20 is refused"
tui_expect a "window of '3 months' for the left" "the message names the window the date is in"
tui_expect a "not 'baseline' \(2025-12-16 … 2026-01-15\)" "and the baseline window"
tui_keys a Enter
tui_expect a 'LEFT HIP' "back on the patient screen"
bs export csv --form vas
expect_same "$(grep -c '^V-1,' "$T/out")" 1 "still only the one baseline VAS"
bs drafts
expect_err 'no open drafts' "no draft was made"
tui_kill a

# --- Two sessions on one draft --------------------------------------------
# Each patient's 3-month window holds today (2026-06-15).
# A session that outlives the nurses' keeps the tmux server up between them.
tui_start keep 20 5 sleep 600
twodraft() {   # MRN NAME: nurse a starts a 3m VAS draft (pain 3); b resumes it, types 7
    bs patient add "$1" --name "$2" --sex F --born 1970-01-01
    bs hip add "$1" --side L --index-date 2026-03-16
    tui_bedside a 80 24 enter "$1" --form vas --hip L --timepoint 3m
    tui_expect a 'VAS pain v1' "$1: nurse A opens the 3m VAS"
    tui_type a 3
    tui_keys a Enter
    tui_expect a 'draft saved' "$1: nurse A's answer is in the draft"
    tui_bedside b 80 24 enter "$1" --form vas --hip L --timepoint 3m
    tui_expect b 'Resume draft with 1 answer' "$1: nurse B is offered the draft"
    tui_keys b r
    tui_expect b '>\*Pain.* 3\.0' "$1: nurse B sees 3.0"
    tui_type b 7
    tui_keys b Enter
    tui_expect b 'Pain.* 7\.0' "$1: nurse B changes it to 7"
    # Nurse A saves what her screen shows.
    tui_keys a C-s
    tui_expect a 'Enter saves' "$1: nurse A reviews"
    tui_keys a Enter
    tui_expect a 'Saved VAS pain 3m' "$1: nurse A saved"
    tui_kill a
    expect_same "$(final_pain "$1")" "3.0" "$1: the final record holds nurse A's 3.0"
}

# (k)eep this as a draft: the draft is gone (it became A's record); a new
# one holds nurse B's answer.
twodraft TD-1 "Tess Dale"
tui_keys b C-s
tui_expect b 'Enter saves' "TD-1: nurse B reviews"
tui_keys b Enter
tui_expect b 'A final record exists' "TD-1: nurse B's save is refused, amending offered"
tui_keys b k
tui_expect b 'A new draft holds these 1 answer' "TD-1: keep says a new draft holds the answer"
expect_same "$(draft_pain TD-1)" "7.0" "TD-1: and the new draft really holds 7.0"
expect_same "$(final_pain TD-1)" "3.0" "TD-1: the final record is untouched"
tui_kill b

# (a)mend: nurse B's answer becomes the current version, with her reason.
twodraft TD-2 "Tara Dunn"
tui_keys b C-s
tui_expect b 'Enter saves' "TD-2: nurse B reviews"
tui_keys b Enter
tui_expect b 'A final record exists' "TD-2: amending offered"
tui_keys b a
tui_expect b 'Reason:' "TD-2: a reason is asked"
tui_type b 'pain re-asked'
tui_keys b Enter
tui_expect b 'Amended VAS pain 3m' "TD-2: amended"
expect_same "$(final_pain TD-2)" "3.0 7.0" "TD-2: both versions kept, 7.0 last"
bs export csv --form vas
expect_out '^TD-2,L,3m,2026-06-15,vas,1,[^,]*,[^,]*,7\.0,7\.0' "TD-2: the current version holds 7.0"
bs drafts
expect_no_out '^TD-2 ' "TD-2: no draft left behind"
bs history TD-2
expect_out 'pain re-asked' "TD-2: the reason is in the history"
tui_kill b

# (l)eave after the draft vanished: "kept" means written, in a new draft.
twodraft TD-3 "Thea Dorn"
tui_keys b Escape
tui_expect b 'Leave the form\?' "TD-3: leaving asks"
tui_keys b l
tui_expect b 'New draft kept: VAS pain 3m, 1 answer' "TD-3: a new draft is kept"
expect_same "$(draft_pain TD-3)" "7.0" "TD-3: it holds nurse B's 7.0"
tui_end
t_done
