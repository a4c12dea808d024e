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
bs check
expect_rc 0 "bedside check after the signals"

t_done
