#!/usr/bin/env bash
# The audit entry of a record's creation or amendment names the record and
# keeps a digest of it instead of a copy of its hip, form and timepoint
# (issue 18, storage; schema 7): the trail is as strong as before. `check`
# catches an answer changed behind bedside's back and a changed audit
# entry; `history` reads the same; the upgrade converts an entry only where
# its copy equals the record, and `check` reports any other.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
trap 't_cleanup' EXIT

mk_patient DIG-1 "Digest Patient" && mk_hip DIG-1 L 2025-01-01 && mk_hip DIG-1 R 2025-01-01
bs record DIG-1 --form vas --hip L --timepoint baseline --date 2025-01-01 pain=6.5
expect_rc 0 "record VAS"
bs record DIG-1 --form hhs --hip R --timepoint baseline --date 2025-01-01 "${HHS_FULL[@]}"
expect_rc 0 "record HHS"
vas=$(sql "SELECT uuid FROM records WHERE form = 'vas'")
hhs=$(sql "SELECT uuid FROM records WHERE form = 'hhs'")
bs amend "$vas" --reason "scale misread" pain=4.5
expect_rc 0 "amend VAS"
amended=$(sql "SELECT uuid FROM records WHERE supersedes = '$vas'")
bs void "$hhs" --reason "wrong patient"
expect_rc 0 "void HHS"

expect_same "$(sql "SELECT count(*) FROM audit WHERE action IN ('create','amend')
    AND length(hash) = 16 AND hip IS NULL AND form IS NULL AND timepoint IS NULL")" \
    "$(sql "SELECT count(*) FROM audit WHERE action IN ('create','amend')")" \
    "every create and amend entry keeps a 16-byte digest, not a copy of the key"
expect_same "$(sql "SELECT count(*) FROM audit WHERE action = 'void' AND hash IS NULL
    AND form = 'hhs' AND timepoint = 'baseline'")" 1 "a void entry is as before"
bs check
expect_rc 0 "check of the untouched file"
bs history DIG-1
expect_rc 0 "history"
cp "$T/out" "$T/history"; [ -n "${DEBUG:-}" ] && cat "$T/history"
expect_out "create +L baseline vas  record ${vas:0:8}" "history: the create names hip, timepoint, form"
expect_out "amend  +L baseline vas  record ${amended:0:8}" "history: the amend too"
expect_out "pain: 6\.5 .* 4\.5" "history: the amended value"

# --- the upgrade from schema 6 ------------------------------------------------------
# A schema-6 copy (the key copied into every entry) upgrades to the same
# history and the same digests.
cp "$DB" "$T/v6.db"
audit_before_hash "$T/v6.db"
expect_same "$(sqlite3 "$T/v6.db" "SELECT count(*) FROM audit WHERE form IS NULL AND action = 'create'")" \
    0 "setup: the schema-6 copy has the key in every create"
sqlite3 "$T/v6.db" "SELECT uuid FROM audit ORDER BY rowid" >"$T/v6.uuids"
bs --db "$T/v6.db" history DIG-1
expect_rc 0 "history of the schema-6 copy (upgraded)"
expect_same "$(cat "$T/out")" "$(cat "$T/history")" "history unchanged by the upgrade"
expect_same "$(sqlite3 "$T/v6.db" "PRAGMA user_version")" "$SCHEMA_NOW" "upgraded to the current schema"
expect_same "$(sqlite3 "$T/v6.db" "SELECT group_concat(uuid || hex(hash)) FROM audit ORDER BY rowid")" \
    "$(sql "SELECT group_concat(uuid || hex(hash)) FROM audit ORDER BY rowid")" \
    "the upgrade gives every entry the digest bedside writes"
bs --db "$T/v6.db" check
expect_rc 0 "check of the upgraded copy"

# An entry whose copy does not match its record is kept as it was and
# reported; the others are converted.
cp "$DB" "$T/bad6.db"
audit_before_hash "$T/bad6.db"
sqlite3 "$T/bad6.db" "DROP TRIGGER audit_no_update;
    UPDATE audit SET timepoint = '1m' WHERE record = '$amended';
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"
bs --db "$T/bad6.db" check
expect_rc 1 "check of a copy whose entry disagrees with its record"
expect_out "record ${amended}[0-9a-f-]* differs from its audit entry [0-9a-f-]+ in patient, hip, form or timepoint" \
    "names the record"
expect_same "$(sqlite3 "$T/bad6.db" "SELECT timepoint || ':' || ifnull(quote(hash), 'none') FROM audit
    WHERE record = '$amended'")" "1m:NULL" "that entry keeps its copy, without a digest"
expect_same "$(sqlite3 "$T/bad6.db" "SELECT count(*) FROM audit WHERE hash IS NOT NULL")" 2 \
    "the other two are converted"

# --- behind bedside's back ----------------------------------------------------------
# An answer changed in a final record (triggers dropped and put back).
cp "$DB" "$T/good.db"
behind_back "$DB" "UPDATE records SET answers = json_set(answers, '\$.pain', '3.5') WHERE uuid = '$amended';
    UPDATE scores SET value = 3.5 WHERE record = '$amended'"
bs check
expect_rc 1 "check of a record changed behind bedside's back"
expect_out "record $amended is not what its audit entry [0-9a-f-]+ says was written" \
    "check names the changed record"
# The visit date, the login, the hip (moved to the other side).
for change in "visit_date = '2025-01-02'" "entered_by = 'mallory'" \
    "hip = (SELECT uuid FROM hips WHERE side = 'R')"; do
    cp "$T/good.db" "$DB"
    behind_back "$DB" "UPDATE records SET $change WHERE uuid = '$amended'"
    bs check
    expect_rc 1 "check after records.$change"
    expect_out "record $amended is not what its audit entry" "check names the record ($change)"
done
# The audit entry's digest changed instead.
cp "$T/good.db" "$DB"
behind_back "$DB" "UPDATE audit SET hash = zeroblob(16) WHERE record = '$amended'"
bs check
expect_rc 1 "check of a changed digest"
expect_out "record $amended is not what its audit entry" "names the record of the changed entry"
# The entry moved to another patient.
cp "$T/good.db" "$DB"
mk_patient DIG-2 "Other Patient"
behind_back "$DB" "UPDATE audit SET patient = (SELECT uuid FROM patients WHERE mrn = 'DIG-2')
    WHERE record = '$amended'"
bs check
expect_rc 1 "check of an entry moved to another patient"
expect_out "record $amended is not what its audit entry" "names the record"
# The entry made to name another record.
cp "$T/good.db" "$DB"
behind_back "$DB" "UPDATE audit SET record = '$hhs' WHERE record = '$amended'"
bs check
expect_rc 1 "check of an entry naming another record"
expect_out "final record $amended has no entry in the audit trail" "the record without its entry"
expect_out "record $hhs is not what its audit entry" "the record named by the entry"
# An entry naming a record that is not there.
cp "$T/good.db" "$DB"
behind_back "$DB" "UPDATE audit SET record = '00000000-0000-4000-8000-000000000000'
    WHERE record = '$amended'"
bs check
expect_rc 1 "check of an entry naming a missing record"
expect_out "audit entry [0-9a-f-]+ says it wrote record 00000000-0000-4000-8000-000000000000, which is not a final record here" \
    "names the entry and the missing record"
# A digest of the wrong length is refused by the schema itself.
cp "$T/good.db" "$DB"
if sqlite3 "$DB" "DROP TRIGGER audit_no_update; UPDATE audit SET hash = x'00' WHERE record = '$amended'" 2>/dev/null; then
    fail "a one-byte digest was stored"
else ok; fi

t_done
