#!/usr/bin/env bash
# A dropped SSH connection loses nothing (issue 6, "Hangups and crashes"),
# over a real OpenSSH server: a nurse types part of an HHS through
# `ssh -tt ... bedside enter`, the ssh client is killed (the link drops, sshd
# hangs the session up), bedside exits by itself, the draft holds every
# accepted answer; reconnecting offers to resume, and finishing gives a final
# record with every answer.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
. "$(dirname "$0")/../tui/lib_tmux.sh"
. "$(dirname "$0")/lib_sshd.sh"
trap 'tui_stop; sshd_stop; t_cleanup' EXIT

if ! sshd_start; then
    fail "cannot run sshd (openssh-server is in the Makefile's TEST_DEBS)"
    t_done
    exit
fi
ok

HHS_MRN=SSH-1
mk_patient SSH-1 "Sam Shell" && mk_hip SSH-1 L "$TODAY"
# sshd gives the session a clean environment, so the remote command sets
# what the test needs; stderr goes to a file to catch sanitizer reports.
remote() {
    printf 'echo $$ >%q; exec env ' "$T/rpid"
    printf '%q ' BEDSIDE_DB="$DB" BEDSIDE_CONFIG="$BEDSIDE_CONFIG" TERM=xterm-256color \
        LANG=C.UTF-8 LC_ALL=C.UTF-8 ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
        "$BEDSIDE" --today "$TODAY" enter SSH-1 --form hhs --hip L --timepoint baseline
    printf '2>>%q' "$T/remote.err"
}
sanitizer_clean() {
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T/remote.err" 2>/dev/null; then
        fail "$1: sanitizer report: $(grep -m3 -E 'Sanitizer|runtime error' "$T/remote.err")"
    else ok; fi
}

# --- first session: type 13 answers and half of the 14th, then drop the link
rm -f "$T/rpid"
tui_start s1 80 24 "${SSH_ARGV[@]}" "$(remote)"
if ! tui_wait s1 'Harris Hip Score v1' 30; then
    tui_fail "the HHS form did not open over ssh"
    sed 's/^/     sshd| /' "$SSHD_DIR/sshd.log" | tail -5
    t_done
    exit
fi
ok
rpid=$(cat "$T/rpid")
hhs_type s1 1 13
# Half of abduction: typed, never accepted with Enter.
tui_type s1 "1"
sleep 0.3
before=$(draft_answers SSH-1 hhs)
client=$(tui_pid s1)
kill -9 "$client"
if tui_wait_exit "$rpid" 15; then ok; else
    fail "bedside (pid $rpid) still runs 15 s after the ssh connection dropped"
    echo "     state: $(awk '{print $3}' "/proc/$rpid/stat" 2>/dev/null) wchan: $(cat "/proc/$rpid/wchan" 2>/dev/null)"
    kill -9 "$rpid" 2>/dev/null
fi
sanitizer_clean "after the hangup"

# Every accepted answer is in the draft, with its value; the half-typed one is not.
expect_same "$(draft_answers SSH-1 hhs)" "$(want_answers 13 "${HHS_FULL[@]}")" "draft after the hangup"
expect_same "$(draft_answers SSH-1 hhs)" "$before" "nothing lost between the last answer and the hangup"
bs drafts
expect_rc 0 "bedside drafts"
line=$(grep 'SSH-1' "$T/out")
[ -n "$line" ] && ok || fail "drafts lists the SSH-1 draft: $(cat "$T/out")"
echo "$line" | grep -qw hhs && echo "$line" | grep -qw 13 && echo "$line" | grep -qw L && ok ||
    fail "drafts line names hhs, hip L and 13 answers: $line"
echo "$line" | grep -q "$(id -un)" && ok || fail "drafts line says who saved it: $line"

# --- reconnect: resume, finish, save -------------------------------------------
rm -f "$T/rpid"
tui_start s2 80 24 "${SSH_ARGV[@]}" "$(remote)"
if tui_wait s2 '[Rr]esume' 30; then ok; else tui_fail "reopening the form does not offer to resume"; fi
grep -q '13' "$T/screen" && ok || tui_fail "the resume offer says how many answers (13)"
grep -q "$(id -un)" "$T/screen" && ok || tui_fail "the resume offer says who saved the draft"
tui_type s2 r
tui_wait s2 'Harris Hip Score v1' 15 || tui_fail "the form did not open after resuming"
rpid=$(cat "$T/rpid")
hhs_type s2 14 17
tui_keys s2 C-s
tui_wait s2 '[Rr]eview|[Ss]ave' 15 || tui_fail "Ctrl-S shows no review"
grep -q "$HHS_FULL_TOTAL" "$T/screen" && ok || tui_fail "the review shows the total $HHS_FULL_TOTAL"
tui_keys s2 Enter
for ((i = 0; i < 100 * TUI_SLOW; i++)); do
    [ "$(csv_rows --form hhs)" = 1 ] && break
    sleep 0.1
done
expect_same "$(csv_rows --form hhs)" 1 "one final HHS after finishing over ssh"
for kv in "${HHS_FULL[@]}"; do
    expect_same "$(csv_cell 2 "${kv%%=*}")" "${kv#*=}" "final record: ${kv%%=*}"
done
expect_same "$(csv_cell 2 total)" "$HHS_FULL_TOTAL" "final record: total"
expect_same "$(csv_cell 2 entered_by)" "$(id -un)" "final record: entered_by is the ssh login"
expect_same "$(draft_count SSH-1 hhs)" 0 "the draft was consumed by the final record"
bs drafts
expect_no_out 'SSH-1' "no draft left in bedside drafts"
# Leave the second session the same way; bedside must go as well.
kill -9 "$(tui_pid s2)"
if tui_wait_exit "$rpid" 15; then ok; else
    fail "bedside still runs after the second hangup"
    kill -9 "$rpid" 2>/dev/null
fi
sanitizer_clean "after the second session"
# --- the usual way in: a login shell, bedside typed at the prompt ------------
# Here bedside is a foreground job of the nurse's shell, not the session
# leader; the hangup must still reach it and end it.
HHS_MRN=SSH-2
mk_patient SSH-2 "Lou Login" && mk_hip SSH-2 R "$TODAY"
rm -f "$T/rpid"
tui_start s3 80 24 "${SSH_ARGV[@]}"
sleep 1
for ((i = 0; i < 50 * TUI_SLOW; i++)); do
    tui_screen s3 >/dev/null
    grep -q '[#$] *$' "$T/screen" && break
    sleep 0.1
done
cmdline=$(printf '%q ' sh -c 'echo $$ >"$0"; exec "$@" 2>>"$0.err"' "$T/rpid" env \
    BEDSIDE_DB="$DB" BEDSIDE_CONFIG="$BEDSIDE_CONFIG" TERM=xterm-256color LC_ALL=C.UTF-8 \
    ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
    "$BEDSIDE" --today "$TODAY" enter SSH-2 --form hhs --hip R --timepoint baseline)
tui_type s3 "$cmdline"
tui_keys s3 Enter
if tui_wait s3 'Harris Hip Score v1' 30; then
    ok
    rpid=$(cat "$T/rpid")
    hhs_type s3 1 4
    kill -9 "$(tui_pid s3)"
    if tui_wait_exit "$rpid" 15; then ok; else
        fail "bedside started from the login shell still runs 15 s after the connection dropped"
        kill -9 "$rpid" 2>/dev/null
    fi
    expect_same "$(draft_answers SSH-2 hhs)" "$(want_answers 4 "${HHS_FULL[@]}")" "draft after the login-shell hangup"
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T/rpid.err" 2>/dev/null; then
        fail "login shell: sanitizer report: $(grep -m3 -E 'Sanitizer|runtime error' "$T/rpid.err")"
    else ok; fi
else
    tui_fail "bedside typed at the ssh login prompt did not open the form"
fi

bs check
expect_rc 0 "bedside check after the hangups"

t_done
