#!/usr/bin/env bash
# SIGTERM behaves as a hangup, and so does a SIGHUP sent directly (issue 6):
# bedside exits by itself within seconds, without waiting for a key, and
# every accepted answer is in the draft.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
. "$(dirname "$0")/../tui/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

HHS_MRN=SIG-1
mk_patient SIG-1 && mk_hip SIG-1 L "$TODAY"
n=0
for sig in TERM HUP; do
    name=s$sig
    tui_enter "$name" SIG-1 hhs L baseline
    if [ "$n" = 0 ]; then
        tui_wait "$name" 'Harris Hip Score v1' 20 || { tui_fail "the HHS form did not open"; continue; }
    else
        tui_wait "$name" '[Rr]esume' 20 || tui_fail "SIG$sig: the draft is offered for resuming"
        tui_type "$name" r
        tui_wait "$name" 'Harris Hip Score v1' 15 || tui_fail "SIG$sig: the form did not open after resuming"
    fi
    pid=$(tui_pid "$name")
    hhs_type "$name" $((n + 1)) $((n + 5))
    n=$((n + 5))
    kill -"$sig" "$pid"
    if tui_wait_exit "$pid" 10; then ok; else
        fail "SIG$sig: bedside still runs 10 s later"
        kill -9 "$pid" 2>/dev/null
    fi
    expect_same "$(draft_answers SIG-1 hhs)" "$(want_answers "$n" "${HHS_FULL[@]}")" "draft after SIG$sig"
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T/$name.err"; then
        fail "SIG$sig: sanitizer report: $(grep -m2 -E 'Sanitizer|runtime error' "$T/$name.err")"
    else ok; fi
    tui_tmux kill-session -t "$name" 2>/dev/null
done
# --- a terminal that vanishes without any SIGHUP ------------------------------
# bedside in a session of its own (setsid) does not have the pane as its
# controlling terminal, so closing the pane sends it no signal: only the
# read errors say the terminal is gone. It must notice them, stop, and keep
# the draft, not spin on a dead descriptor.
mk_patient SIG-2 && mk_hip SIG-2 R "$TODAY"
HHS_MRN=SIG-2
tui_start dead 80 24 setsid -w sh -c 'echo $$ >"$0"; exec "$@" 2>>"$0.err"' "$T/dead.pid" \
    env TERM=xterm-256color LC_ALL=C.UTF-8 BEDSIDE_DB="$DB" BEDSIDE_CONFIG="$BEDSIDE_CONFIG" \
    "$BEDSIDE" --today "$TODAY" enter SIG-2 --form hhs --hip R --timepoint baseline
if tui_wait dead 'Harris Hip Score v1' 20; then
    pid=$(cat "$T/dead.pid")
    hhs_type dead 1 3
    tui_kill dead
    if tui_wait_exit "$pid" 10; then ok; else
        fail "bedside still runs 10 s after its terminal vanished (no SIGHUP): $(awk '{print "state", $3, "utime", $14}' "/proc/$pid/stat" 2>/dev/null)"
        kill -9 "$pid" 2>/dev/null
    fi
    expect_same "$(draft_answers SIG-2 hhs)" "$(want_answers 3 "${HHS_FULL[@]}")" "draft after the terminal vanished"
else
    tui_fail "the HHS form did not open under setsid"
fi

bs check
expect_rc 0 "bedside check after the signals"

t_done
