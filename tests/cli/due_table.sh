#!/usr/bin/env bash
# due_table.sh — the next-due table (schema 8) that `due` and the Due view
# read: after every kind of write it equals a rebuild from the records, in
# the same transaction (nothing left queued); a table edited behind
# bedside's back is caught by `check` (one line per hip, named) and fixed by
# `check --repair-derived` (whose audit entries `history --repairs` lists);
# a changed schedule is noticed; an old file is migrated and filled.
. "$(dirname "$0")/../lib.sh"

sql() { sqlite3 -batch "$DB" "$@"; }
setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc"; }
saved_id() { sed -nE 's/^bedside: (saved|amended as) record ([0-9a-f]{8}).*/\2/p' "$T/err" | tail -1; }
rows_of() { sqlite3 -batch "$1" "SELECT h.side, d.tp, d.target, d.open, d.close, d.until, d.missing
    FROM due d JOIN hips h ON h.uuid = d.hip JOIN patients p ON p.uuid = h.patient
    ORDER BY p.mrn, h.side, d.target"; }
# same_as_rebuild WHAT — nothing queued, and the rows equal those a full
# rebuild (check --repair-derived on a copy) makes.
same_as_rebuild() {
    expect_same "$(sql 'SELECT count(*) FROM due_pending')" 0 "$1: nothing left queued"
    cp "$DB" "$T/rb.db"
    "$BEDSIDE" --today "$TODAY" --db "$T/rb.db" check --repair-derived >/dev/null 2>&1
    expect_same "$(rows_of "$DB")" "$(rows_of "$T/rb.db")" "$1: table equals a rebuild"
    rm -f "$T/rb.db"*
}
hip_rows() { sql "SELECT group_concat(d.tp || ' ' || d.missing, '; ') FROM (SELECT d.* FROM due d
    JOIN hips h ON h.uuid = d.hip JOIN patients p ON p.uuid = h.patient
    WHERE p.mrn = '$1' AND h.side = '$2' ORDER BY d.target) d"; }
# missing_at MRN SIDE TP — the stored missing forms of one open timepoint.
missing_at() { sql "SELECT d.missing FROM due d JOIN hips h ON h.uuid = d.hip JOIN patients p
    ON p.uuid = h.patient WHERE p.mrn = '$1' AND h.side = '$2' AND d.tp = '$3'"; }

setup patient add N1 --name "Next Due" --sex F --born 1970-01-01
setup patient add N2 --name "Two Hips" --sex M --born 1965-05-05
expect_same "$(sql 'SELECT count(*) FROM due')" 0 "no hips, no rows"
expect_same "$(sql 'PRAGMA user_version')" "$SCHEMA_NOW" "the current schema"

# --- every kind of write --------------------------------------------------------
setup hip add N1 --side L --index-date 2026-03-02
expect_same "$(sql "SELECT count(*) FROM due")" 7 "hip add: every timepoint open"
expect_same "$(hip_rows N1 L | cut -d';' -f1)" "baseline vas,hhs,mri,procedure" \
    "the baseline row lists every form missing"
same_as_rebuild "hip add"
setup record N1 --form vas --hip L --timepoint baseline --date 2026-03-02 pain=6
first=$(saved_id)
expect_same "$(hip_rows N1 L | cut -d';' -f1)" "baseline hhs,mri,procedure" "record: vas done"
same_as_rebuild "record"
setup amend "$first" --reason typo pain=5
same_as_rebuild "amend"
vas=$(sql "SELECT uuid FROM current_records WHERE form = 'vas'")
setup void "${vas:0:8}" --reason "wrong patient"
expect_same "$(hip_rows N1 L | cut -d';' -f1)" "baseline vas,hhs,mri,procedure" \
    "void: vas missing again"
same_as_rebuild "void"
HHS=(pain=slight limp=none support=cane_long_walks distance=six_blocks stairs=railing
    shoes_socks=ease sitting=ordinary_chair public_transport=able
    flexion_contracture_lt30=yes adduction_lt10=yes internal_rotation_lt10=yes
    limb_length_lt32=yes flexion=90 abduction=10 adduction=10 external_rotation=10
    internal_rotation=5)
setup record N1 --form vas --hip L --timepoint 1m --date 2026-04-01 pain=4
setup record N1 --form hhs --hip L --timepoint 1m --date 2026-04-01 "${HHS[@]}"
expect_same "$(hip_rows N1 L | cut -d';' -f2)" " 1m complications" "1m: two of three done"
setup record N1 --form complications --hip L --timepoint 1m --date 2026-04-01 events=none
expect_same "$(hip_rows N1 L | cut -d';' -f2 | cut -d' ' -f2)" "3m" "a complete 1m leaves the table"
same_as_rebuild "several records"
setup hip amend N1 --side L --index-date 2026-03-04 --reason "operation date corrected"
expect_same "$(sql "SELECT min(target) FROM due")" "2026-03-04" "hip amend: the targets move"
same_as_rebuild "hip amend"
setup hip add N2 --side R --index-date 2024-06-15
setup hip add N2 --side L --observed
expect_same "$(hip_rows N2 L)" "" "an observed hip has no rows"
# A patient-scope form counts for the hips of the patient.
setup record N2 --form satisfaction --timepoint 24m --date 2026-06-10 rating=neutral comment=ok
expect_same "$(hip_rows N2 R | sed 's/.*; //')" "24m vas,hhs,complications,mri" \
    "satisfaction, recorded once for the patient, is not missing"
same_as_rebuild "observed hip, patient-scope record"
setup record N2 --form tha --hip R --date 2026-06-12 --timepoint unscheduled tha_date=2026-06-12 reason=collapse
expect_same "$(hip_rows N2 R)" "" "a conversion to THA ends the rows"
same_as_rebuild "follow-up ended"

# --- due reads the table --------------------------------------------------------
bs due
expect_rc 0 "due"
expect_out "^N1 +Next Due +L +3m +2026-06-03 +2026-05-20–2026-06-17 +due +vas,hhs,complications,procedure$" \
    "due shows the open 3m from the table"
sql "UPDATE due SET missing = 'edited' WHERE tp = '3m'"
bs due
expect_out " due +edited$" "due prints what the table holds (no recomputation)"

# --- edited behind bedside's back: check names the hip, --repair-derived fixes --
bs check
expect_rc 1 "check finds the edited row"
expect_out "^patient N1, left hip: the next-due table holds 3m \(target 2026-06-03, missing edited\) where the records give 3m \(target 2026-06-03, missing vas,hhs,complications,procedure\); bedside check --repair-derived rebuilds it$" \
    "one line naming the patient and hip"
expect_same "$(grep -c . "$T/out")" 1 "one line in all"
bs check --repair-derived
expect_rc 0 "--repair-derived"
sql "INSERT INTO due VALUES ('no-such-hip', '3m', '2026-01-01', '2026-01-01', '2026-01-01',
    '2026-01-01', 'vas')"
sql "DELETE FROM due WHERE tp = '6m'"
bs check --quick
expect_rc 1 "check --quick checks the table too"
expect_out "^patient N1, left hip: the next-due table lacks 6m \(target 2026-09-02, missing vas" "a row missing"
expect_out "rows for hip no-such-hip, which is not a scheduled hip" "rows of no hip"
expect_same "$(grep -c . "$T/out")" 2 "one line per wrong hip"
bs check --repair-derived
expect_rc 0 "--repair-derived"
expect_out "^rebuilt the next-due table from 2 scheduled hips$" "says what it rebuilt"
expect_out "^recorded in the audit trail$" "says it is audited"
expect_out "^no problems found$" "and then finds none"
expect_same "$(sql "SELECT count(*), min(who = '$(id -un)'), min(patient IS NULL), max(detail)
    FROM audit WHERE action = 'repair'")" \
    '2|1|1|{"next_due_hips":2,"search_index":true}' \
    "each repair is an audit entry: who ran it, no patient, what it rebuilt"
expect_same "$(sql "SELECT max(at) >= '2026' FROM audit WHERE action = 'repair'")" 1 "and when"
# history --repairs shows them to the data manager: when, who, what was rebuilt.
bs history --repairs
expect_rc 0 "history --repairs"
expect_same "$(grep -c "^20[0-9-]*T[0-9:]*Z  $(id -un)  repair$" "$T/out")" \
    "$(sql "SELECT count(*) FROM audit WHERE action = 'repair'")" "each repair entry, with its time and login"
expect_out "^  next_due_hips: [0-9]+$" "what it rebuilt: the next-due hips"
expect_out "^  search_index: true$" "and the search index"
bs history --repairs N1
expect_rc 2 "history --repairs takes no MRN"
bs history
expect_rc 2 "history without an MRN or --repairs"
same_as_rebuild "after --repair-derived"
bs due
expect_out " due +vas,hhs,complications,procedure$" "due is right again"

# --- a changed schedule ---------------------------------------------------------
sed 's/{id: 3m,       label: 3 months,  day: 91,/{id: 3m,       label: 3 months,  day: 95,/' \
    "$TOP/config/bedside.yaml" >"$T/changed.yaml"
grep -q "day: 95" "$T/changed.yaml" && ok || fail "setup: the changed schedule"
bs --config "$T/changed.yaml" check
expect_rc 1 "check under another schedule"
expect_out "^the next-due table was made for another schedule than the configuration's" \
    "a changed schedule is one line"
bs --config "$T/changed.yaml" due
expect_rc 0 "due under the changed schedule"
expect_out "^N1 .* 3m +2026-06-07 +2026-05-24–2026-06-21 +due " "rebuilt for the new 3m day"
bs --config "$T/changed.yaml" check
expect_rc 0 "the table now matches the changed schedule"
bs check
expect_rc 1 "and no longer the original one"
bs record N2 --form vas --hip R --timepoint 24m --date 2026-06-01 pain=2 --out-of-window
bs patient add N3 --name "Third" --sex F --born 1980-01-01
expect_rc 0 "a write under the original schedule"
bs check
expect_rc 0 "a write rebuilds a table made for another schedule"

# --- migration 7 -> 8 ------------------------------------------------------------
bs due --within 400
want=$(cat "$T/out")
cp "$DB" "$T/v7.db"
due_before_table "$T/v7.db"
bs --db "$T/v7.db" due --within 400
expect_rc 0 "a schema 7 file"
expect_same "$(cat "$T/out")" "$want" "migrated and filled: the same due list"
expect_same "$(sqlite3 "$T/v7.db" 'PRAGMA user_version')" "$SCHEMA_NOW" "now the current schema"
bs --db "$T/v7.db" check
expect_rc 0 "the migrated table checks"

# --- merge ----------------------------------------------------------------------
setup backup "$T/lap.db"
setup --db "$T/lap.db" record N1 --form vas --hip L --timepoint 3m --date 2026-06-02 pain=3
setup merge "$T/lap.db"
expect_same "$(missing_at N1 L 3m)" "hhs,complications,procedure" "merge: the laptop's vas counts"
same_as_rebuild "merge"

# --- records written behind bedside's back ---------------------------------------
# Without bedside's triggers (sqlite3 by hand, triggers dropped): check names
# the hip, --repair-derived fixes it.
behind_back "$DB" "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form,
    form_version, status, answers, entered_by, entered_at)
    SELECT 'b0000000-0000-4000-8000-000000000001', patient, uuid, '3m', '2026-06-03', 'hhs', 1,
    'final', '{}', 'x', '2026-06-03T10:00:00Z' FROM hips WHERE side = 'L'
    AND patient = (SELECT uuid FROM patients WHERE mrn = 'N1')"
bs check
expect_out "^patient N1, left hip: the next-due table holds 3m \(target 2026-06-03, missing hhs,complications,procedure\) where the records give 3m \(target 2026-06-03, missing complications,procedure\)" \
    "a record written behind bedside's back: the hip is named"
bs check --repair-derived
expect_no_out "^patient .*next-due|rows for hip" "--repair-derived: the table is right (the record's own problems remain)"
# With the triggers in place, a hand-written record is queued, and due
# brings the table up to date before it reads.
sql "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, status,
    answers, entered_by, entered_at) SELECT 'b0000000-0000-4000-8000-000000000002', patient,
    uuid, '3m', '2026-06-03', 'complications', 1, 'final', '{}', 'x', '2026-06-03T10:00:00Z'
    FROM hips WHERE side = 'L' AND patient = (SELECT uuid FROM patients WHERE mrn = 'N1')"
expect_same "$(sql 'SELECT count(*) FROM due_pending')" 1 "a hand-written record is queued"
bs check
expect_out "^the next-due table waits for the rows of 1 patient \(written without bedside\)" \
    "check says so"
if [ "$(id -u)" != 0 ]; then
    chmod a-w "$DB"
    bs due
    expect_rc 1 "a read-only file with a queued patient: refused"
    expect_err "next-due table is out of date \(written by another program\) and the file is read-only; run bedside check --repair-derived" \
        "says why and what to run"
    chmod u+w "$DB"
fi
bs due
expect_rc 0 "due after a hand-written record"
expect_same "$(sql 'SELECT count(*) FROM due_pending')" 0 "the queue was worked off"
expect_same "$(missing_at N1 L 3m)" "procedure" "the hand-written records count"

# --- demo ------------------------------------------------------------------------
rm -f "$DB"*
setup demo --patients 30
same_as_rebuild "demo"
bs check
expect_rc 0 "a demo cohort checks"

bs check --repair-derived extra
expect_rc 2 "check takes no arguments"

t_done
