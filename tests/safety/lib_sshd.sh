# tests/safety/lib_sshd.sh — a throwaway OpenSSH server on 127.0.0.1 for the
# hangup tests. Source after tests/lib.sh. sshd_start picks a free high port,
# makes a host key and a client key in $T/ssh, and runs sshd -D in the
# background; sshd_stop (also run from the EXIT trap) ends it by its pid.
# After sshd_start: $SSH_PORT and the client argv prefix ${SSH_ARGV[@]}.

SSHD_DIR=$T/ssh
SSHD_PID=
SSH_PORT=

# port_open PORT — something accepts TCP connections on 127.0.0.1:PORT.
# bash's /dev/tcp needs no extra package (ss and nc may be missing in CI).
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# sshd_start — 0 when sshd listens, 1 (with a message) when it cannot run.
sshd_start() {
    local sshd
    sshd=$(command -v sshd || echo /usr/sbin/sshd)
    if [ ! -x "$sshd" ] || ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null; then
        echo "sshd_start: openssh-server/openssh-client not installed" >&2
        return 1
    fi
    mkdir -p "$SSHD_DIR" && chmod 700 "$SSHD_DIR"
    # sshd refuses to start without its privilege-separation folder.
    [ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_key" </dev/null >/dev/null || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/client_key" </dev/null >/dev/null || return 1
    cp "$SSHD_DIR/client_key.pub" "$SSHD_DIR/authorized_keys"
    local try port
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        port_open "$port" && continue
        cat >"$SSHD_DIR/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_key
AuthorizedKeysFile $SSHD_DIR/authorized_keys
PidFile $SSHD_DIR/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitUserEnvironment no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
PrintLastLog no
ClientAliveInterval 0
LogLevel VERBOSE
EOF
        # sshd must be started by absolute path (it re-executes itself).
        "$sshd" -D -e -f "$SSHD_DIR/sshd_config" >>"$SSHD_DIR/sshd.log" 2>&1 &
        SSHD_PID=$!
        local i
        for i in $(seq 1 100); do
            if port_open "$port"; then
                SSH_PORT=$port
                ssh_argv
                return 0
            fi
            kill -0 "$SSHD_PID" 2>/dev/null || break
            sleep 0.1
        done
        # Port taken between the probe and the bind, or sshd is slow: next port.
        kill "$SSHD_PID" 2>/dev/null
        wait "$SSHD_PID" 2>/dev/null
        SSHD_PID=
    done
    echo "sshd_start: sshd did not come up; its log:" >&2
    tail -20 "$SSHD_DIR/sshd.log" >&2
    return 1
}

sshd_stop() {
    if [ -n "$SSHD_PID" ]; then
        kill "$SSHD_PID" 2>/dev/null
        wait "$SSHD_PID" 2>/dev/null
        SSHD_PID=
    fi
}

# After sshd_start, SSH_ARGV holds the client command up to (not including)
# the remote command. -F /dev/null: no user config can change the test; -tt:
# a pty on the server, as a nurse's login gets.
ssh_argv() {
    SSH_ARGV=(ssh -F /dev/null -tt -i "$SSHD_DIR/client_key" -p "$SSH_PORT"
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
        -o BatchMode=yes -o LogLevel=ERROR -o ServerAliveInterval=0
        "$(id -un)@127.0.0.1")
}
