#!/usr/bin/env bash
# The shared server of README ("Shared server over SSH"): a setgid data folder
# owned by the nurses' group; two different logins write one database, each
# recorded as entered_by under their own login (never from the environment);
# the files stay in the group with mode 0660 whoever created them; someone
# outside the group is refused with a message and changes nothing.
# The second nurse is `nobody` in group `nogroup` (setpriv), which exist on
# every Debian system, so the test needs no new account.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
trap 't_cleanup' EXIT

if [ "$(id -u)" != 0 ]; then
    # Playing a second login takes root (CI runs as root); say so plainly.
    echo "skipped: only root can run bedside as a second user here"
    t_done
    exit
fi
grp=$(getent group nogroup | cut -d: -f1)
if [ -z "$grp" ] || ! getent passwd nobody >/dev/null; then
    fail "no nobody/nogroup account to play the second nurse"
    t_done
    exit
fi
gid=$(getent group nogroup | cut -d: -f3)

# The program, config and forms where nobody can read them (the checkout may
# be under a private home folder).
chmod 0711 "$T"
mkdir -m 0755 "$T/pub"
cp "$BEDSIDE" "$T/pub/bedside" && chmod 0755 "$T/pub/bedside"
cp -r "$TOP/forms" "$T/pub/forms"
{ sed '/^forms:/d' "$TOP/config/bedside.yaml"; echo "forms: $T/pub/forms"; } >"$T/pub/bedside.yaml"
chmod -R a+rX "$T/pub"
export BEDSIDE_CONFIG=$T/pub/bedside.yaml
BIN=$T/pub/bedside

install -d -m 2770 -g "$grp" "$T/srv"
SDB=$T/srv/bedside.db
export BEDSIDE_DB=$SDB
DB=$SDB

# as_nurse2 ARGS... — bedside as nobody:nogroup, HOME somewhere harmless,
# and USER/LOGNAME lying about who it is.
as_nurse2() {
    setpriv --reuid=nobody --regid="$gid" --clear-groups \
        env HOME=/ USER=root LOGNAME=root "$BIN" --today "$TODAY" "$@" >"$T/out" 2>"$T/err"
    rc=$?
}
as_outsider() {
    setpriv --reuid=nobody --regid=65533 --clear-groups \
        env HOME=/ "$BIN" --today "$TODAY" "$@" >"$T/out" 2>"$T/err"
    rc=$?
}

# Nurse 1 (root here) creates the database in the shared folder.
(umask 022; "$BIN" --today "$TODAY" patient add SG-1 --name "Shared Group" --sex F --born 1970-01-01) \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "nurse 1 creates the database in the setgid folder"
"$BIN" --today "$TODAY" hip add SG-1 --side L --index-date 2025-01-01 >/dev/null 2>&1
"$BIN" --today "$TODAY" hip add SG-1 --side R --index-date 2025-01-01 >/dev/null 2>&1
expect_same "$(stat -c '%a %G' "$SDB")" "660 $grp" "the database is 0660 in the folder's group"

# Nurse 2 writes while nurse 1 has the database open (its -shm file, made by
# nurse 1, must be usable by nurse 2 through the group).
sqlite3 "$SDB" "BEGIN; SELECT count(*) FROM patients;" ".shell sleep 3" "COMMIT;" >/dev/null 2>&1 &
reader=$!
for ((i = 0; i < 50; i++)); do [ -e "$SDB-shm" ] && break; sleep 0.05; done
shm=$(stat -c '%a %G' "$SDB-shm" 2>/dev/null)
as_nurse2 record SG-1 --form vas --hip L --timepoint baseline --date 2025-01-01 pain=4.0
expect_rc 0 "nurse 2 (another login in the group) records a VAS"
wait "$reader"
[ -z "$shm" ] || expect_same "$shm" "660 $grp" "the -shm file is 0660 in the folder's group"
"$BIN" --today "$TODAY" record SG-1 --form vas --hip R --timepoint baseline --date 2025-01-01 pain=6.0 \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "nurse 1 records after nurse 2 (files nurse 2 made are usable)"
as_nurse2 record SG-1 --form hhs --hip L --timepoint baseline --date 2025-01-01 "${HHS_FULL[@]}"
expect_rc 0 "nurse 2 again"

# Who entered what: the real login, whatever USER and LOGNAME said.
"$BIN" --today "$TODAY" export csv --form vas >"$T/csv" 2>"$T/err"
l=$(awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" | awk -F'\t' -v c="$(csv_col hip)" '$2 == c && $3 == "L" { print $1 }')
r=$(awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" | awk -F'\t' -v c="$(csv_col hip)" '$2 == c && $3 == "R" { print $1 }')
expect_same "$(csv_cell "${l:-0}" entered_by)" nobody "entered_by of nurse 2's record"
expect_same "$(csv_cell "${r:-0}" entered_by)" "$(id -un)" "entered_by of nurse 1's record"
"$BIN" --today "$TODAY" history SG-1 >"$T/out" 2>"$T/err"
grep -E 'create' "$T/out" | grep -q nobody && ok || fail "history shows nurse 2's create as nobody"
grep -E 'create' "$T/out" | grep -q "$(id -un)" && ok || fail "history shows nurse 1's create"

# Every file in the folder stays in the group, readable by no one else.
for f in "$T"/srv/*; do
    m=$(stat -c '%a %G' "$f")
    case $m in "660 $grp"|"2770 $grp") ok ;; *) fail "${f##*/}: mode/group $m, want 660 $grp" ;; esac
done

# Someone outside the group can neither read nor write, and is told so.
sum=$(md5sum "$SDB" | cut -d' ' -f1)
as_outsider patient list
[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && ok || fail "outsider: patient list exit $rc, want 1..127"
grep -q '^bedside: ' "$T/err" && ok || fail "outsider: no 'bedside: ...' message"
grep -q 'SG-1' "$T/out" && fail "outsider could read the patients" || ok
as_outsider record SG-1 --form vas --hip R --timepoint 1m --date 2025-01-31 pain=1.0
[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && ok || fail "outsider: record exit $rc, want 1..127"
expect_same "$(md5sum "$SDB" | cut -d' ' -f1)" "$sum" "outsider changed nothing"

"$BIN" --today "$TODAY" check >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "bedside check on the shared database"

t_done
