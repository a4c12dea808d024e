# merge_audit.sh — a merge leaves its own entry in the audit trail: who, when,
# which file (name and SHA-256) and how many rows it took, shown by
# `history`; a dry run or a refused merge leaves none. And a schema 2
# database is upgraded to schema 3 (which adds the action) with its audit
# trail intact.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/safety/lib_safety.sh"

mk_patient H1
mk_hip H1 L 2026-01-10
bs record H1 --form vas --hip L --timepoint 1m --date 2026-02-09 pain=5
bs backup "$T/laptop.db"
expect_rc 0 "setup: the laptop's copy"

# On the laptop: a new patient with a hip and a visit, and a visit of H1.
WARD=$DB
DB=$T/laptop.db
export BEDSIDE_DB=$DB
mk_patient H2
mk_hip H2 R 2026-02-01
bs record H2 --form vas --hip R --timepoint 1m --date 2026-03-03 pain=3
bs record H1 --form vas --hip L --timepoint 3m --date 2026-04-11 pain=4
DB=$WARD
export BEDSIDE_DB=$DB

sha=$(sha256sum "$T/laptop.db" | cut -d' ' -f1)
bs merge --dry-run "$T/laptop.db"
expect_rc 0 "a dry run"
expect_same "$(sql "SELECT count(*) FROM audit WHERE action = 'merge'")" 0 \
    "a dry run writes no merge entry"
bs merge "$T/laptop.db"
expect_rc 0 "the merge"
expect_same "$(sql "SELECT count(*) FROM audit WHERE action = 'merge'")" 2 \
    "one merge entry for each patient the merge brought rows of"
expect_same "$(sql "SELECT who FROM audit WHERE action = 'merge' LIMIT 1")" "$(id -un)" \
    "the merge entry says who merged"

bs history H2
expect_rc 0 "history of the laptop's patient"
expect_out "^[0-9T:Z-]+  $(id -un) +merge" "history shows the merge"
expect_out "^  file: $T/laptop\.db$" "with the file's name"
expect_out "^  sha256: $sha$" "and its SHA-256"
expect_out "^  patients: 1$" "the patient taken"
expect_out "^  hips: 1$" "the hip taken"
expect_out "^  records: 1$" "the record taken"
bs history H1
expect_out "^  records: 1$" "H1's merge entry counts its one new record"
expect_out "^  patients: 0$" "and no new patient"

# Merging the same file again takes nothing and writes no entry.
bs merge "$T/laptop.db"
expect_rc 0 "the same merge again"
expect_same "$(sql "SELECT count(*) FROM audit WHERE action = 'merge'")" 2 \
    "nothing taken, no new merge entry"

# --- schema 2 -> 3 ----------------------------------------------------------------
# A schema 2 file, made from this one: the audit table as schema 1 wrote it
# (no 'merge' action), the same rows, user_version 2. A later migration must
# undo its own objects here too.
cp "$T/laptop.db" "$T/v1.db"
hips_before_enrolment "$T/v1.db"
rows=$(sqlite3 "$T/v1.db" "SELECT count(*) FROM audit")
audit_before_merge_action "$T/v1.db"
sqlite3 "$T/v1.db" "ALTER TABLE records DROP COLUMN out_of_window; ALTER TABLE hips DROP COLUMN observed;
    PRAGMA user_version = 2"
bs --db "$T/v1.db" check
expect_rc 0 "a schema 2 file opens (and is upgraded)"
expect_same "$(sqlite3 "$T/v1.db" "PRAGMA user_version")" "$SCHEMA_NOW" "it is now the current schema"
expect_same "$(sqlite3 "$T/v1.db" "SELECT count(*) FROM audit")" "$rows" \
    "every audit entry kept"
bs merge "$T/v1.db"
expect_rc 0 "an upgraded copy merges"
if sqlite3 "$T/v1.db" "DELETE FROM audit" 2>/dev/null; then
    fail "the upgraded audit trail can be deleted"
else ok; fi

t_done
