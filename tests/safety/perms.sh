#!/usr/bin/env bash
# Safe by default (issue 6): a new database and its folder are private to
# owner and group whatever the umask; `bedside backup` is consistent while
# others write; `bedside check` finds each kind of damage it promises to.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
. "$(dirname "$0")/../tui/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

mode() { stat -c %a "$1" 2>/dev/null || echo missing; }

# --- modes of a new database -------------------------------------------------
# The default location ($XDG_DATA_HOME/bedside/bedside.db) with no database
# named anywhere: a config without `database:` and no BEDSIDE_DB.
sed -e "s|^forms: .*|forms: $TOP/forms|" -e '/^database:/d' "$TOP/config/bedside.yaml" >"$T/cfg.yaml"
(
    umask 022
    unset BEDSIDE_DB
    export XDG_DATA_HOME=$T/xdg BEDSIDE_CONFIG=$T/cfg.yaml
    "$BEDSIDE" --today "$TODAY" patient add PERM-1 --name A --sex F --born 1970-01-01
) >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "patient add into the default database"
expect_same "$(mode "$T/xdg/bedside")" 770 "default database folder mode"
expect_same "$(mode "$T/xdg/bedside/bedside.db")" 660 "default database file mode"

# --db FILE in a folder that exists, and under umask 000 too (never wider).
for um in 022 000; do
    mkdir -p "$T/u$um"
    (umask "$um"; "$BEDSIDE" --today "$TODAY" --db "$T/u$um/b.db" patient add P-1 --name A \
        --sex F --born 1970-01-01) >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 0 "patient add, umask $um"
    expect_same "$(mode "$T/u$um/b.db")" 660 "database file mode under umask $um"
    # The -wal and -shm files exist while bedside has the database open:
    # keep the TUI open on it and look at them.
    tui_start "wal$um" 80 24 sh -c 'umask "$0"; exec "$@"' "$um" env TERM=xterm-256color \
        LC_ALL=C.UTF-8 BEDSIDE_CONFIG="$BEDSIDE_CONFIG" "$BEDSIDE" --today "$TODAY" --db "$T/u$um/b.db"
    if tui_wait "wal$um" 'P-1' 20; then
        expect_same "$(mode "$T/u$um/b.db-wal")" 660 "-wal file mode under umask $um"
        expect_same "$(mode "$T/u$um/b.db-shm")" 660 "-shm file mode under umask $um"
    else
        tui_fail "the TUI did not open the database made under umask $um"
    fi
    tui_kill "wal$um"
done
# A database in a folder that does not exist yet: the folder is made 0770.
(umask 022; "$BEDSIDE" --today "$TODAY" --db "$T/new/sub/b.db" patient add P-1 --name A \
    --sex F --born 1970-01-01) >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 0 ]; then
    expect_same "$(mode "$T/new/sub")" 770 "new database folder mode"
    expect_same "$(mode "$T/new/sub/b.db")" 660 "new database file mode"
else
    # Refusing to invent folders for an explicit --db is acceptable, if said.
    expect_err "new/sub" "--db in a missing folder: message names it"
fi

# The -wal file is checked again below, made by writers under load.

# --- backup while four writers run -------------------------------------------
for p in 1 2 3 4; do
    for k in 1 2 3 4 5 6; do mk_patient "B$p-$k" && mk_hip "B$p-$k" L 2025-01-01; done
done
TPS=(baseline 1m 3m 6m 12m)
DATES=(2025-01-01 2025-01-31 2025-04-02 2025-07-02 2026-01-01)
writer() {
    local p=$1 k t
    for k in 1 2 3 4 5 6; do
        for t in 0 1 2 3 4; do
            "$BEDSIDE" --today "$TODAY" record "B$p-$k" --form vas --hip L --timepoint "${TPS[t]}" \
                --date "${DATES[t]}" pain=5.0 >/dev/null 2>>"$T/writer.err" ||
                echo "B$p-$k ${TPS[t]}" >>"$T/writer.fail"
        done
    done
}
: >"$T/writer.err"
pids=()
for p in 1 2 3 4; do writer "$p" & pids+=($!); done
# Take the backups while the writers are busy (wait until some records exist).
for i in $(seq 1 200); do
    [ "$(sqlite3 "$DB" "SELECT count(*) FROM records" 2>/dev/null || echo 0)" -ge 5 ] && break
    sleep 0.05
done
wal_mode=$(mode "$DB-wal")
"$BEDSIDE" --today "$TODAY" backup "$T/backup1.db" >"$T/out" 2>"$T/err"
b1=$?
"$BEDSIDE" --today "$TODAY" backup "$T/backup2.db" >"$T/out2" 2>"$T/err2"
b2=$?
for pid in "${pids[@]}"; do wait "$pid"; done
# On a failure, the saves that failed and what bedside said (not its "saved" lines).
[ -s "$T/writer.fail" ] && fail "writers failed during backup: $(head -5 "$T/writer.fail" | tr '\n' ';')" \
    "$(grep -v -e '^bedside: saved record' -e '^bedside: dated ' "$T/writer.err" | head -5)" || ok
case $wal_mode in 660|missing) ok ;; *) fail "-wal file mode $wal_mode, want 660" ;; esac
rc=$b1; expect_rc 0 "backup while writers run"
rc=$b2; expect_rc 0 "second backup while writers run"
for b in "$T/backup1.db" "$T/backup2.db"; do
    [ -f "$b" ] || { fail "backup file ${b##*/} missing"; continue; }
    expect_same "$(sqlite3 "$b" 'PRAGMA integrity_check')" ok "${b##*/}: integrity_check"
    "$BEDSIDE" --today "$TODAY" --db "$b" check >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 0 "${b##*/}: bedside check passes"
    # Consistent: every record of the backup has its create in the audit,
    # and the backup is a state that existed (0 < n <= 120 whole records).
    n=$(sqlite3 "$b" "SELECT count(*) FROM records WHERE form = 'vas'")
    [ "$n" -ge 1 ] && [ "$n" -le 120 ] && ok || fail "${b##*/}: $n VAS records"
    a=$(sqlite3 "$b" "SELECT count(*) FROM audit WHERE action = 'create'" 2>/dev/null)
    expect_same "$a" "$n" "${b##*/}: one audit create per record"
    "$BEDSIDE" --today "$TODAY" --db "$b" export csv --form vas >"$T/bcsv" 2>"$T/err"
    rc=$?
    expect_rc 0 "${b##*/}: export csv from the backup"
    expect_same "$(($(wc -l <"$T/bcsv") - 1))" "$n" "${b##*/}: export has every record"
    expect_same "$(mode "$b")" 660 "${b##*/}: backup file mode"
done
n=$(csv_rows --form vas)
expect_same "$n" 120 "all 120 records in the live database after the backups"

# --- bedside check finds injected problems -----------------------------------
bs check
expect_rc 0 "check passes on the live database"
uuid_of() { sqlite3 "$1" "SELECT uuid FROM records WHERE form = 'vas' ORDER BY rowid LIMIT 1 OFFSET $2"; }

# injected COPY WHAT PATTERN — bedside check on COPY exits non-zero and its
# report matches PATTERN (grep -Ei over stdout and stderr). The copies have
# neutral names, so that a pattern cannot match the file name in a message.
injected() {
    "$BEDSIDE" --today "$TODAY" --db "$1" check >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -ge 1 ] && [ "$rc" -lt 128 ]; then ok; else fail "check on $2: exit $rc, want 1..127"; fi
    if cat "$T/out" "$T/err" | grep -qEi -- "$3"; then ok; else
        fail "check on $2: report lacks /$3/: $(cat "$T/out" "$T/err" | head -3)"
    fi
}
copy() { "$BEDSIDE" --today "$TODAY" backup "$T/$1.db" >/dev/null 2>&1 || cp "$DB" "$T/$1.db"; }

# Orphan records: their hip is deleted behind bedside's back.
copy dmg1
sqlite3 "$T/dmg1.db" "PRAGMA foreign_keys = OFF;
    DELETE FROM hips WHERE uuid = (SELECT hip FROM records WHERE form = 'vas' LIMIT 1);" 2>"$T/sqlerr" ||
    fail "setup: orphan: $(cat "$T/sqlerr")"
injected "$T/dmg1.db" "an orphan record" 'missing hip|orphan'

# A broken supersede chain: a record superseding one that does not exist.
copy dmg2
sqlite3 "$T/dmg2.db" "PRAGMA foreign_keys = OFF;
    CREATE TEMP TABLE x AS SELECT * FROM records WHERE rowid = (SELECT min(rowid) FROM records);
    UPDATE x SET uuid = '11111111-1111-4111-8111-111111111111',
                 supersedes = '22222222-2222-4222-8222-222222222222';
    INSERT INTO records SELECT * FROM x;" 2>"$T/sqlerr" || fail "setup: broken chain: $(cat "$T/sqlerr")"
injected "$T/dmg2.db" "a broken supersede chain" 'supersedes a missing|broken chain|chain'

# Two current finals for the same key (the unique rule bypassed).
copy dmg3
sqlite3 "$T/dmg3.db" "PRAGMA foreign_keys = OFF;
    DROP INDEX IF EXISTS records_current;
    CREATE TEMP TABLE x AS SELECT * FROM records WHERE rowid = (SELECT min(rowid) FROM records);
    UPDATE x SET uuid = '33333333-3333-4333-8333-333333333333';
    INSERT INTO records SELECT * FROM x;" 2>"$T/sqlerr"
if [ -s "$T/sqlerr" ]; then
    # A unique index forbids it outright: that is the stronger guarantee.
    ok
else
    injected "$T/dmg3.db" "two current finals for one key" 'twice|duplicate|more than one'
fi

# A stored score that no longer matches its answers: change a VAS answer in
# a copy whose triggers are dropped (only a tampered file can get there).
copy dmg4
u=$(uuid_of "$T/dmg4.db" 3)
# The triggers are put back afterwards: a file without them is refused on
# open as damaged, before check could look at the score.
sqlite3 "$T/dmg4.db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" >"$T/triggers.sql"
sqlite3 "$T/dmg4.db" "SELECT 'DROP TRIGGER ' || quote(name) || ';' FROM sqlite_master WHERE type = 'trigger'" |
    sqlite3 "$T/dmg4.db"
sqlite3 "$T/dmg4.db" "UPDATE records SET answers = replace(answers, '5.0', '9.5') WHERE uuid = '$u'" 2>"$T/sqlerr" ||
    fail "setup: answers edit: $(cat "$T/sqlerr")"
sqlite3 "$T/dmg4.db" <"$T/triggers.sql" 2>"$T/sqlerr" || fail "setup: triggers back: $(cat "$T/sqlerr")"
injected "$T/dmg4.db" "a score that no longer matches its answers" 'answers give|no longer match|recomputed'
grep -q "${u:0:8}" "$T/out" "$T/err" && ok || fail "check names the record with the wrong score ($u)"

t_done
