#!/usr/bin/env bash
# Slow SSH links: typing a digit into a field sends only that field's change
# to the terminal, not a repaint. tmux's pipe-pane records the bytes bedside
# writes while one key is handled.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add BW-1 --name "Bea Wolf" --sex F --born 1971-01-01
bs hip add BW-1 --side L --index-date 2026-06-15
expect_rc 0 "setup"

tui_bedside w 80 24 enter BW-1 --form hhs --hip L --timepoint baseline
tui_expect w 'Harris Hip Score v1' "form open"
tui_keys w PageDown PageDown PageDown
tui_expect w '>\*Flexion' "a number field"

# bytes_for NAME KEY REGEX — bytes written to the terminal while KEY is
# handled, until REGEX is on screen and the output has stopped growing.
bytes_for() {
    local name=$1 key=$2 re=$3 log=$T/pipe.$RANDOM i last=-1 size
    : >"$log"
    tui_tmux pipe-pane -o -t "$name" "cat >>'$log'"
    tui_type "$name" "$key"
    tui_wait "$name" "$re" 10 || echo "(screen never showed /$re/)" >&2
    for ((i = 0; i < 50; i++)); do
        size=$(wc -c <"$log")
        [ "$size" -gt 0 ] && [ "$size" = "$last" ] && break
        last=$size
        sleep 0.1
    done
    tui_tmux pipe-pane -t "$name"
    wc -c <"$log"
}

n=$(bytes_for w 7 '>\*Flexion +7 ')
echo "bytes sent for one digit typed: $n"
[ "$n" -gt 0 ] && [ "$n" -le 64 ] && ok || fail "one digit typed sent $n bytes (want 1..64)"
n=$(bytes_for w 5 '>\*Flexion +75 ')
[ "$n" -gt 0 ] && [ "$n" -le 64 ] && ok || fail "a second digit sent $n bytes (want 1..64)"

# For scale: a full repaint of the screen is far larger.
full=$(bytes_for w '?' 'Help: form')
echo "bytes for the help box: $full"
[ "$full" -gt 400 ] && ok || fail "the help box should cost more than a digit ($full bytes)"
tui_end
t_done
