# tests/tui/lib_tmux.sh — drive a terminal program in a private tmux server.
# Source after tests/lib.sh (it needs $T). Generic on purpose: the TUI tests
# and the safety tests (SSH hangups) share it.
#
#   tui_start NAME COLS ROWS CMD [ARG...]   start CMD in a detached session
#   tui_wait NAME REGEX [SECONDS]           wait until REGEX (grep -E) is on screen
#   tui_wait_gone NAME REGEX [SECONDS]      wait until it is not
#   tui_keys NAME KEY...                    tmux key names (Enter, Escape, C-s, Up)
#   tui_type NAME TEXT                      literal text, one key per character
#   tui_screen NAME                         the screen as text (also in $T/screen)
#   tui_resize NAME COLS ROWS               resize the window (SIGWINCH)
#   tui_pid NAME / tui_dead NAME / tui_status NAME
#   tui_kill NAME                           kill the session (the pty hangs up)
#   tui_fail MESSAGE                        a failure with the last screen shown
#
# TUI_KEYS counts every key sent (each character of tui_type is one key),
# so a test can check how many keystrokes a task took. Waiting is by polling
# the screen every 0.1 s, never by fixed sleeps; SANITIZE builds get longer.

TUI_SOCK=$T/tmux.sock
TUI_KEYS=0
TUI_SLOW=1
[ -n "${SANITIZE:-}" ] && TUI_SLOW=4

tui_tmux() { tmux -S "$TUI_SOCK" -f /dev/null "$@"; }

# The pane keeps its last screen after the program exits, so a test can
# read what it said and its exit status.
tui_start() {
    local name=$1 cols=$2 rows=$3
    shift 3
    local cmd
    cmd=$(printf '%q ' "$@")
    tui_tmux new-session -d -s "$name" -x "$cols" -y "$rows" "exec $cmd" || return 1
    tui_tmux set-option -t "$name" remain-on-exit on >/dev/null
    # The server stays when a test kills its last session (tui_stop ends it):
    # otherwise the next tui_start may reach a server that is shutting down
    # ("server exited unexpectedly", seen once in safety/sigterm.sh).
    tui_tmux set-option -g exit-empty off >/dev/null
}

tui_screen() { tui_tmux capture-pane -p -t "$1" 2>/dev/null | tee "$T/screen"; }

tui_wait() {
    local name=$1 re=$2 secs=${3:-10} i
    for ((i = 0; i < secs * 10 * TUI_SLOW; i++)); do
        tui_tmux capture-pane -p -t "$name" >"$T/screen" 2>/dev/null
        grep -qE -- "$re" "$T/screen" && return 0
        sleep 0.1
    done
    return 1
}

tui_wait_gone() {
    local name=$1 re=$2 secs=${3:-10} i
    for ((i = 0; i < secs * 10 * TUI_SLOW; i++)); do
        tui_tmux capture-pane -p -t "$name" >"$T/screen" 2>/dev/null
        grep -qE -- "$re" "$T/screen" || return 0
        sleep 0.1
    done
    return 1
}

tui_keys() {
    local name=$1
    shift
    TUI_KEYS=$((TUI_KEYS + $#))
    tui_tmux send-keys -t "$name" "$@"
}

tui_type() {
    TUI_KEYS=$((TUI_KEYS + ${#2}))
    tui_tmux send-keys -t "$1" -l "$2"
}

tui_resize() { tui_tmux resize-window -t "$1" -x "$2" -y "$3"; }
tui_pid() { tui_tmux display-message -p -t "$1" '#{pane_pid}'; }
tui_dead() { [ "$(tui_tmux display-message -p -t "$1" '#{pane_dead}' 2>/dev/null)" = 1 ]; }
tui_status() { tui_tmux display-message -p -t "$1" '#{pane_dead_status}'; }
# tui_kill NAME — end the session as a dropped connection does (the program
# gets SIGHUP), and wait until the program has exited: it closes its database
# as it goes (WAL checkpoint), and a sqlite3 shell run meanwhile, with no busy
# timeout, fails with "database is locked".
tui_kill() {
    local pid
    pid=$(tui_pid "$1" 2>/dev/null)
    tui_tmux kill-session -t "$1" 2>/dev/null
    [ -z "$pid" ] || tui_wait_exit "$pid" || true
    return 0
}
tui_stop() { tui_tmux kill-server 2>/dev/null; return 0; }

# tui_wait_exit PID [SECONDS] — 0 once the process is gone (or a zombie).
tui_wait_exit() {
    local pid=$1 secs=${2:-10} i st
    for ((i = 0; i < secs * 10 * TUI_SLOW; i++)); do
        st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 0
        [ -z "$st" ] || [ "$st" = Z ] && return 0
        sleep 0.1
    done
    return 1
}

# The line reported is the test script's, however deep the helper call.
tui_fail() {
    local n=${#BASH_SOURCE[@]}
    t_fail=$((t_fail + 1))
    echo "FAIL ${BASH_SOURCE[n - 1]##*/}:${BASH_LINENO[n - 2]}: $1"
    [ -f "$T/screen" ] && sed 's/^/     screen| /' "$T/screen"
    return 0
}

# tui_expect NAME REGEX DESCRIPTION [SECONDS] — pass when REGEX shows up.
tui_expect() {
    if tui_wait "$1" "$2" "${4:-10}"; then ok; else tui_fail "$3: no /$2/ on screen"; fi
}
# tui_expect_not NAME REGEX DESCRIPTION — the current screen lacks REGEX.
tui_expect_not() {
    tui_screen "$1" >/dev/null
    if grep -qE -- "$2" "$T/screen"; then tui_fail "$3: /$2/ on screen"; else ok; fi
}

# tui_bedside NAME COLS ROWS ARGS... — $BEDSIDE on the test's database and
# config with today pinned, TERM=xterm-256color and a UTF-8 locale; the
# array TUI_ENV adds or overrides VAR=VALUE settings (e.g. NO_COLOR=1).
# bedside's stderr goes to $T/NAME.err.
TUI_ENV=()
tui_bedside() {
    local name=$1 cols=$2 rows=$3
    shift 3
    tui_start "$name" "$cols" "$rows" sh -c 'exec "$@" 2>>"$0"' "$T/$name.err" \
        env TERM=xterm-256color LC_ALL=C.UTF-8 BEDSIDE_DB="$DB" BEDSIDE_CONFIG="$BEDSIDE_CONFIG" \
        "${TUI_ENV[@]}" "$BEDSIDE" --today "$TODAY" "$@"
}

# tui_stderr_clean — no sanitizer report or crash in any $T/*.err written by
# tui_bedside (ASan, UBSan and LeakSanitizer print there). Call before t_done,
# after the sessions have ended (tui_stop), so exit-time leak reports count.
tui_stderr_clean() {
    local f bad=0
    for f in "$T"/*.err; do
        [ -f "$f" ] || continue
        if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: ' "$f"; then
            bad=1
            echo "FAIL: sanitizer report in ${f##*/}:"
            grep -E 'ERROR|runtime error|SUMMARY|#[0-9] ' "$f" | head -20 | sed 's/^/     /'
        fi
    done
    if [ "$bad" = 0 ]; then ok; else t_fail=$((t_fail + 1)); fi
}

# tui_end — stop every session, wait for their programs to exit (leak
# reports are written at exit), then tui_stderr_clean.
tui_end() {
    local pids p
    pids=$(tui_tmux list-panes -a -F '#{pane_pid}' 2>/dev/null)
    tui_stop
    for p in $pids; do tui_wait_exit "$p" 10; done
    tui_stderr_clean
}
