# tests/safety/lib_term.sh — drive terminal programs in a private tmux server
# for the safety tests. Source after tests/lib.sh. Every session lives on the
# socket $T/tmux.sock, so nothing touches a user's tmux; the server is killed
# from t_cleanup via term_stop.

TM_SOCK=$T/tmux.sock
# The sanitized binary is several times slower; waits scale with this.
TM_SLOW=1
[ -n "${SANITIZE:-}" ] && TM_SLOW=4

tm() { tmux -S "$TM_SOCK" -f /dev/null "$@"; }

# term_start NAME COMMAND... — a detached 80x24 session running COMMAND
# (exec'd by sh, so the pane's pid is the command's pid). The pane stays
# after the command exits so its last screen and exit status can be read.
term_start() {
    local name=$1; shift
    local cmd
    cmd=$(printf '%q ' "$@")
    tm new-session -d -s "$name" -x 80 -y 24 "exec $cmd" || return 1
    tm set-option -t "$name" remain-on-exit on >/dev/null
}

term_pid() { tm display-message -p -t "$1" '#{pane_pid}'; }
term_dead() { [ "$(tm display-message -p -t "$1" '#{pane_dead}' 2>/dev/null)" = 1 ]; }
term_status() { tm display-message -p -t "$1" '#{pane_dead_status}'; }
term_screen() { tm capture-pane -p -t "$1"; }
# term_keys NAME KEY... — tmux key names (Enter, Escape, C-s) or literal text.
term_keys() { local n=$1; shift; tm send-keys -t "$n" "$@"; }
term_text() { tm send-keys -t "$1" -l "$2"; }

# term_wait NAME REGEX [SECONDS] — poll the screen until REGEX (grep -E)
# appears; 1 on timeout (the screen goes to $T/screen for the message).
term_wait() {
    local name=$1 re=$2 secs=${3:-15}
    local tries=$((secs * 10 * TM_SLOW)) i
    for ((i = 0; i < tries; i++)); do
        term_screen "$name" >"$T/screen" 2>/dev/null
        grep -qE -- "$re" "$T/screen" && return 0
        sleep 0.1
    done
    return 1
}

# term_wait_gone NAME REGEX [SECONDS] — until REGEX is no longer on screen.
term_wait_gone() {
    local name=$1 re=$2 secs=${3:-15}
    local tries=$((secs * 10 * TM_SLOW)) i
    for ((i = 0; i < tries; i++)); do
        term_screen "$name" >"$T/screen" 2>/dev/null
        grep -qE -- "$re" "$T/screen" || return 0
        sleep 0.1
    done
    return 1
}

# pid_wait_exit PID [SECONDS] — 0 once PID is gone (or a zombie), 1 if it
# still runs after SECONDS.
pid_wait_exit() {
    local pid=$1 secs=${2:-10}
    local tries=$((secs * 10 * TM_SLOW)) i st
    for ((i = 0; i < tries; i++)); do
        st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 0
        [ -z "$st" ] || [ "$st" = Z ] && return 0
        sleep 0.1
    done
    return 1
}

term_stop() { tm kill-server 2>/dev/null; return 0; }

# fail_screen MESSAGE — fail and show the last captured screen.
fail_screen() {
    t_fail=$((t_fail + 1))
    echo "FAIL ${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}: $1"
    [ -f "$T/screen" ] && sed 's/^/     screen| /' "$T/screen" | head -24
}
