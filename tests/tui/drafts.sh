#!/usr/bin/env bash
# Drafts: killing the tmux session mid-form (the terminal hangs up) keeps
# every accepted answer; `bedside drafts` lists the draft; opening the form
# again offers to resume it, and it can be finished. Leaving with Esc keeps
# the draft; discarding needs a second, explicit confirmation. SIGTERM acts
# like a hangup.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add D-1 --name "Dora Kim" --sex F --born 1975-03-03
bs hip add D-1 --side L --index-date 2026-06-20   # today is a pre-operative baseline
expect_rc 0 "setup"
me=$(id -un)

tui_bedside k 80 24 enter D-1 --form hhs --hip L --timepoint baseline
tui_expect k 'Harris Hip Score v1 +D-1 Dora Kim +Left hip +baseline' "enter opens the form"
pid=$(tui_pid k)
for key in 2 1 2 2 2 1 1 1 y y; do tui_type k "$key"; done
tui_expect k 'Answered 10 of 17' "ten answers accepted"
tui_type k 'n'          # the eleventh, accepted too
tui_expect k 'Answered 11 of 17' "eleven"
tui_kill k
if tui_wait_exit "$pid" 5; then ok; else fail "bedside still runs after its terminal went away"; fi

bs drafts
expect_rc 0 "drafts"
expect_out "^D-1 +L +baseline +hhs +11 +$me +20" "the draft: MRN, hip, timepoint, form, 11 answers, who, when"

# Resume and finish.
tui_bedside r 80 24 enter D-1 --form hhs --hip L --timepoint baseline
tui_expect r "Resume draft with 11 answers saved by $me at 20[0-9-]+ [0-9:]+" "offer to resume"
tui_expect r "Harris Hip Score for D-1 Dora Kim, left hip, baseline\." "the dialog names the patient, hip and timepoint"
tui_keys r r
tui_expect r '>\*Limb-length' "resumed at the first unanswered field"
tui_expect r 'Answered 11 of 17' "with the eleven answers"
tui_type r y
for deg in 100 20 15 20 10; do
    tui_type r "$deg"
    tui_keys r Enter
done
tui_expect r 'Answered 17 of 17' "all answered"
tui_keys r C-s
tui_expect r 'Enter saves the final record' "review"
tui_keys r Enter
tui_expect r 'Saved Harris Hip Score baseline' "saved"
bs export csv --form hhs
expect_out "^D-1,L,baseline,2026-06-15,hhs,1,$me,[^,]+,slight,none,cane_long_walks,six_blocks,railing,ease,ordinary_chair,able,yes,yes,no,yes,100,20,15,20,10,40,38,0,4\\.9,82\\.9," \
    "the final record has every answer, the one typed before the hangup included"
bs drafts
expect_err 'no open drafts' "the draft became the final record"
tui_keys r q q
tui_wait_exit "$(tui_pid r)" 5 && ok || tui_fail "quit"

# Esc keeps the draft; discarding asks twice.
tui_bedside e 80 24 enter D-1 --form vas --hip L --timepoint baseline
tui_expect e 'VAS pain v1' "the VAS form"
tui_type e 3
tui_keys e Enter
tui_expect e 'draft saved' "a draft exists"
tui_keys e Escape
tui_expect e 'Leave the form\?' "Esc asks"
tui_expect e '\(l\)eave +\(d\)iscard the draft +\(s\)tay' "with the choices"
tui_keys e d
tui_expect e 'Throw away the 1 answer of this draft for good\?' "discarding needs a confirmation"
tui_keys e n
tui_expect e 'VAS pain v1' "no: still in the form"
bs drafts
expect_out '^D-1 +L +baseline +vas +1 ' "the draft is still there"
tui_keys e Escape
tui_expect e 'Leave the form\?' "Esc again"
tui_keys e l
tui_expect e 'Draft kept: VAS pain baseline, 1 answer' "left, the draft kept"
bs drafts
expect_out '^D-1 +L +baseline +vas +1 ' "kept after leaving"

# Reopen from the patient screen (n): resume offered; discard it for good.
tui_keys e n
tui_expect e 'Visit date' "new visit: the date first"
tui_keys e Enter
tui_expect e 'Timepoint' "then the timepoint"
tui_keys e Enter
tui_expect e 'Resume draft with 1 answer' "the VAS draft is offered"
tui_keys e d
tui_expect e 'Throw away the 1 answer' "confirm"
tui_keys e y
tui_expect e 'VAS pain +–' "a fresh form"
bs drafts
expect_err 'no open drafts' "discarded"
tui_keys e Escape
tui_expect e 'Harris|MRN D-1' "no draft: Esc leaves at once (next form or patient)"
tui_kill e

# SIGTERM: the answer typed is already saved; bedside exits by itself.
tui_bedside t 80 24 enter D-1 --form vas --hip L --timepoint baseline
tui_expect t 'VAS pain v1' "the VAS form"
tui_type t 7.2
tui_keys t Enter
tui_expect t 'draft saved' "answer saved"
pid=$(tui_pid t)
kill -TERM "$pid"
if tui_wait_exit "$pid" 5; then ok; else fail "SIGTERM: bedside still runs"; fi
bs drafts
expect_out '^D-1 +L +baseline +vas +1 ' "the draft survives SIGTERM"
# A dead terminal without SIGHUP (ignored, as under nohup): the failing
# reads are noticed, bedside exits by itself, the answer is kept.
tui_start d 80 24 sh -c 'trap "" HUP; exec "$@" 2>>"$0"' "$T/d.err" \
    env TERM=xterm-256color LC_ALL=C.UTF-8 BEDSIDE_DB="$DB" BEDSIDE_CONFIG="$BEDSIDE_CONFIG" \
    "$BEDSIDE" --today "$TODAY" enter D-1 --form complications --hip L --timepoint unscheduled
tui_expect d 'Complications v1' "complications form"
tui_type d 1
tui_expect d 'draft saved' "an answer saved"
pid=$(tui_pid d)
grep -q '^SigIgn:.*[13579bdf]$' "/proc/$pid/status" && ok || fail "the test needs SIGHUP ignored in bedside"
tui_kill d
if tui_wait_exit "$pid" 10; then ok; else fail "dead terminal: bedside still runs (SIGHUP ignored)"; fi
bs drafts
expect_out '^D-1 +L +unscheduled +complications +1 ' "the draft survives a dead terminal"
# The draft goes away under a nurse's feet: another session discards it.
# The next answer makes a new draft holding every answer on screen.
bs patient add D-2 --name "Dan Oak" --sex M --born 1960-06-06
bs hip add D-2 --side R --index-date 2026-06-15
tui_bedside a 80 24 enter D-2 --form hhs --hip R --timepoint baseline
tui_expect a 'Harris Hip Score v1' "nurse A: HHS"
for key in 1 2 3; do tui_type a "$key"; done
tui_expect a 'Answered 3 of 17' "nurse A: three answers"
tui_bedside b 80 24 enter D-2 --form hhs --hip R --timepoint baseline
tui_expect b 'Resume draft with 3 answers' "nurse B: the draft is offered"
tui_keys b d
tui_expect b 'Throw away' "confirm"
tui_keys b y
tui_expect b 'Harris Hip Score v1' "nurse B: a fresh form"
tui_kill b
bs drafts
expect_no_out '^D-2 ' "the draft is gone"
tui_type a 1
tui_expect a 'discarded elsewhere: a new one holds these 4 answers' "nurse A is told, and nothing is lost"
bs drafts
expect_out '^D-2 +R +baseline +hhs +4 ' "the new draft has all four answers"
tui_kill a
tui_end
t_done
