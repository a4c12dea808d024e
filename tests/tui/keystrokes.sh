#!/usr/bin/env bash
# The target of issue 4: a complete HHS (8 choices, 4 yes/no, 5 degrees) in
# at most 40 keystrokes, digits included, counted key by key as sent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add KS-1 --name "Kai Sato" --sex M --born 1980-01-01
bs hip add KS-1 --side R --index-date 2026-05-16
expect_rc 0 "setup"

tui_bedside h 80 24 enter KS-1 --form hhs --hip R
tui_expect h 'Harris Hip Score v1 +KS-1 Kai Sato +Right hip +1m' "the due timepoint (1m) is the default"
TUI_KEYS=0
for k in 1 1 1 1 1 1 1 1 y y y y; do tui_type h "$k"; done
for deg in 110 20 15 15 30; do
    tui_type h "$deg"
    tui_keys h Enter
done
tui_keys h C-s
tui_expect h 'Enter saves the final record' "review reached"
tui_keys h Enter
tui_expect h 'Saved Harris Hip Score 1m: HHS total 100\.0' "saved, a perfect score"
echo "keystrokes for a complete HHS: $TUI_KEYS"
[ "$TUI_KEYS" -le 40 ] && ok || fail "a complete HHS took $TUI_KEYS keystrokes (at most 40)"
bs export csv --form hhs
expect_out '^KS-1,R,1m,2026-06-15,hhs,1,.*,none,none,none,unlimited,normal,ease,ordinary_chair,able,yes,yes,yes,yes,110,20,15,15,30,44,47,4,5\.0,100\.0,100\.0' \
    "every answer and the capped ROM (5) reached the record"
tui_end
t_done
