#!/usr/bin/env bash
# A laptop copy is untrusted input too. `bedside merge FILE` may take it or
# refuse it, but it must never bring into the shared database what
# `bedside check` calls a problem: a refused merge says why, exits non-zero
# and changes nothing; an accepted one leaves a database that passes check.
# The copies here were edited with the sqlite3 shell after dropping their
# triggers, as a broken or tampered laptop could be.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
trap 't_cleanup' EXIT

mk_patient MAIN-1 && mk_hip MAIN-1 L 2025-01-01
bs record MAIN-1 --form vas --hip L --timepoint baseline --date 2025-01-01 pain=2.0
expect_rc 0 "a record in the main database"

# laptop NAME — a fresh, valid laptop copy $T/NAME.db with one patient and
# two final records, its triggers dropped so the test can damage it.
laptop() {
    local f=$T/$1.db
    "$BEDSIDE" --today "$TODAY" --db "$f" patient add "LAP-$1" --name "Lap Top" \
        --sex M --born 1965-01-01 >/dev/null 2>&1 &&
    "$BEDSIDE" --today "$TODAY" --db "$f" hip add "LAP-$1" --side R --index-date 2025-01-01 >/dev/null 2>&1 &&
    "$BEDSIDE" --today "$TODAY" --db "$f" record "LAP-$1" --form vas --hip R --timepoint baseline \
        --date 2025-01-01 pain=5.0 >/dev/null 2>&1 &&
    "$BEDSIDE" --today "$TODAY" --db "$f" record "LAP-$1" --form hhs --hip R --timepoint baseline \
        --date 2025-01-01 "${HHS_FULL[@]}" >/dev/null 2>&1 ||
        fail "setup: laptop copy $1"
    sqlite3 "$f" "SELECT 'DROP TRIGGER ' || quote(name) || ';' FROM sqlite_master WHERE type = 'trigger'" |
        sqlite3 "$f"
}

# merged WHAT FILE — merge FILE into a fresh copy of the main database (so
# one bad case cannot spoil the next); refused cleanly, or check passes.
PRISTINE=$DB
merged() {
    local what=$1 file=$2 before
    DB=$T/main-${file##*/}
    export BEDSIDE_DB=$DB
    "$BEDSIDE" --db "$PRISTINE" backup "$DB" >/dev/null 2>&1 || fail "setup: copy of the main database"
    before=$(db_sum)
    # The tamperer puts the safeguards back (a copy without them is refused
    # for that alone), so only the content checks can catch the damage.
    sqlite3 "$PRISTINE" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'" |
        sqlite3 "$file" 2>/dev/null
    bs merge "$file"
    if grep -q $'\e' "$T/out" "$T/err"; then fail "$what: raw ESC in merge output"; else ok; fi
    if [ "$rc" != 0 ]; then
        [ "$rc" -lt 128 ] && grep -q '^bedside: ' "$T/err" && ok ||
            fail "$what: refused merge: exit $rc, want 1..127 and a 'bedside: ...' message"
        expect_same "$(db_sum)" "$before" "$what: a refused merge changes nothing"
        return
    fi
    "$BEDSIDE" --today "$TODAY" check >"$T/check" 2>&1
    local st=$?
    if [ "$st" = 0 ]; then ok; else
        fail "$what: merge accepted it, and now bedside check fails: $(grep -v '^bedside: [0-9]* problem' "$T/check" | head -2 | tr '\n' ' ')"
    fi
}

# An intact copy merges and checks clean (the baseline for the cases below).
laptop clean
merged "an intact laptop copy" "$T/clean.db"
expect_rc 0 "an intact laptop copy merges"

# A final record whose answers were changed after its scores were computed.
laptop score
sqlite3 "$T/score.db" "UPDATE records SET answers = replace(answers, '\"5.0\"', '\"9.5\"') WHERE form = 'vas'"
merged "a score that no longer matches its answers" "$T/score.db"

# A final record with an option code its form does not have.
laptop code
sqlite3 "$T/code.db" "UPDATE records SET answers = replace(answers, '\"slight\"', '\"bogus\"') WHERE form = 'hhs'"
merged "an answer with an unknown option code" "$T/code.db"

# Two current final records for the same visit.
laptop twice
sqlite3 "$T/twice.db" "CREATE TEMP TABLE x AS SELECT * FROM records WHERE form = 'vas';
    UPDATE x SET uuid = '44444444-4444-4444-8444-444444444444';
    INSERT INTO records SELECT * FROM x;
    INSERT INTO scores SELECT '44444444-4444-4444-8444-444444444444', score, value FROM scores
        WHERE record = (SELECT uuid FROM records WHERE form = 'vas' AND uuid <> '44444444-4444-4444-8444-444444444444');"
merged "the same visit twice" "$T/twice.db"

DB=$PRISTINE
export BEDSIDE_DB=$DB
bs check
expect_rc 0 "the main database itself was never touched"

# A copy whose safeguard triggers are gone is refused for that alone, even
# with its content intact: anything in it could have been rewritten.
laptop bare
before=$(db_sum)
bs merge "$T/bare.db"
expect_rc 1 "a copy without its safeguard triggers is refused"
expect_err "safeguard trigger audit_no_update is missing" "names the missing trigger"
expect_same "$(db_sum)" "$before" "the refused merge changes nothing"

t_done
