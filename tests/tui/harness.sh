#!/usr/bin/env bash
# The tmux helpers themselves, on a trivial program: a broken helper fails
# here, plainly, rather than as a puzzling TUI failure elsewhere.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

tui_start self 40 10 sh -c 'echo ready; read -r x; echo "got $x"; sleep 20'
tui_expect self '^ready' "a started session shows its output"
tui_type self 'a b'
tui_keys self Enter
tui_expect self '^got a b$' "typed text and Enter reach the program"
expect_same "$TUI_KEYS" 4 "keys are counted one per character and key name"
tui_resize self 50 12
expect_same "$(tui_tmux display-message -p -t self '#{window_width}x#{window_height}')" 50x12 \
    "resize"
if tui_wait self 'never shown' 1; then fail "tui_wait matched absent text"; else ok; fi
pid=$(tui_pid self)
tui_kill self
if tui_wait_exit "$pid" 5; then ok; else fail "killing the session ends the program"; fi
t_done
