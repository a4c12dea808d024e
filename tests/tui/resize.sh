#!/usr/bin/env bash
# Resizing: 120x40 re-lays the screen out, 60x20 shows "terminal too small",
# and back at 80x24 nothing typed is lost (the half-typed field included).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add RS-1 --name "Rosa Silva" --sex F --born 1969-11-11
bs hip add RS-1 --side L --index-date 2026-06-15
bs hip add RS-1 --side R --index-date 2026-06-15
expect_rc 0 "setup"

# Where "Scores" starts on the second line: the side panel's column.
scores_col() {
    tui_screen "$1" >/dev/null
    sed -n 2p "$T/screen" | awk '{ print index($0, "Scores") }'
}

tui_bedside z 80 24 enter RS-1 --form hhs --hip L --timepoint baseline
tui_expect z 'Harris Hip Score v1' "form open"
tui_type z 1
tui_type z 2
tui_expect z 'Answered 2 of 17' "two answers"
tui_keys z PageDown PageDown PageDown
tui_expect z '>\*Flexion' "on flexion"
tui_type z 12
tui_expect z '>\*Flexion +12' "half typed, no Enter"
c80=$(scores_col z)

tui_resize z 120 40
tui_wait z 'Range of motion' 10
for ((i = 0; i < 50; i++)); do [ "$(scores_col z)" -gt 80 ] && break; sleep 0.1; done
c120=$(scores_col z)
[ "$c120" -gt "$c80" ] && ok || tui_fail "120x40: the score panel moves right ($c80 -> $c120)"
tui_expect z '>\*Flexion +12' "120x40: the typed text is still there"
tui_expect z 'Answered 2 of 17' "120x40: answers intact"
[ "$(wc -l <"$T/screen")" -ge 39 ] && ok || tui_fail "120x40: the screen uses 40 lines"

tui_resize z 60 20
tui_expect z 'terminal too small \(need 80x24, have 60x20\)' "60x20: too small"
tui_type z 3            # ignored while too small: nothing half-applied
tui_expect_not z 'Flexion' "60x20: no form drawn into the small window"

tui_resize z 80 24
tui_expect z '>\*Flexion +12' "80x24 again: the half-typed value is intact"
tui_expect_not z '>\*Flexion +123' "the key pressed while too small was not taken"
tui_expect z 'Answered 2 of 17' "and the answers"
c=$(scores_col z)
expect_same "$c" "$c80" "the layout is the 80x24 one again"
tui_keys z Enter
tui_expect z 'Answered 3 of 17' "Enter accepts the value typed before the resizes"
bs drafts
expect_out '^RS-1 +L +baseline +hhs +3 ' "three answers in the draft"
tui_keys z Escape
tui_expect z 'Leave the form' "leave"
tui_keys z l

# The patient screen at 160 columns puts both hips side by side.
tui_expect z 'MRN RS-1' "patient screen"
tui_resize z 160 40
tui_expect z 'LEFT HIP.*RIGHT HIP' "160 columns: both hips side by side"
tui_resize z 80 24
tui_wait_gone z 'LEFT HIP.*RIGHT HIP' 10 && ok || tui_fail "80 columns: stacked again"
tui_resize z 70 30
tui_expect z 'have 70x30' "too narrow"
tui_resize z 80 24
tui_expect z 'MRN RS-1' "back"
tui_end
t_done
