#!/usr/bin/env bash
# admin.sh — `backup`, `check` (the store's checks plus scores and answers
# recomputed with the forms) and the checks `enter` makes before the TUI.
. "$(dirname "$0")/../lib.sh"

sql() { sqlite3 -batch "$DB" "$@"; }
setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc"; }
HHS=(pain=slight limp=none support=cane_long_walks distance=six_blocks stairs=railing
    shoes_socks=ease sitting=ordinary_chair public_transport=able
    flexion_contracture_lt30=yes adduction_lt10=yes internal_rotation_lt10=yes
    limb_length_lt32=yes flexion=90 abduction=10 adduction=10 external_rotation=10
    internal_rotation=5)

bs check
expect_rc 1 "check without a database"
expect_err "no such database" "check names the missing database"
expect_same "$(db_sum)" none "check created no database"

setup patient add A1 --name "Ad Min" --sex F --born 1970-01-01
setup hip add A1 --side L --index-date 2026-03-02
setup record A1 --form hhs --hip L --date 2026-06-01 "${HHS[@]}"
setup record A1 --form vas --hip L --date 2026-06-01 pain=4.5
setup record A1 --form satisfaction rating=neutral comment=ok

# --- check ----------------------------------------------------------------------
before=$(db_sum)
bs check
expect_rc 0 "check on a sound database"
expect_out "^no problems found$" "says so"
expect_same "$(db_sum)" "$before" "check changes nothing"
# record marked each record valid as it saved it (store_mark.c), so check,
# finding the same, had nothing to write.
expect_same "$(sqlite3 "$DB" "SELECT count(*) FROM valid_marks")" 3 "the 3 records are marked"
expect_no_out "bedside check:" "no progress line when stderr is not a terminal"
[ -s "$T/err" ] && fail "check wrote to a non-terminal stderr: $(cat "$T/err")" || ok
bs check --quick
expect_rc 0 "check --quick on a sound database"
expect_out "^no problems found$" "check --quick says so"
bs check --quick --full
expect_rc 2 "check: an unknown option is a usage error"
# On a terminal the full check says where it is on stderr (a pseudo-terminal
# through script(1)), then clears the line.
script -qec "$(printf '%q ' "$BEDSIDE" --today "$TODAY" check)" /dev/null >"$T/tty" 2>&1
grep -q 'bedside check: the file.s pages (integrity_check)' "$T/tty" && ok ||
    fail "no progress line on a terminal: $(cat -v "$T/tty")"
grep -q 'no problems found' "$T/tty" && ok || fail "the terminal run reports its result"

# Forms that no longer agree with what was stored: a changed score, a
# renamed option code, a renamed field.
cp -r "$TOP/forms" "$T/f1"
sed -i 's/^    expr: pain_points + function_points + deformity_points + rom_points$/& + 1/' "$T/f1/hhs.yaml"
grep -q 'rom_points + 1$' "$T/f1/hhs.yaml" && ok || fail "setup: could not change the HHS total"
bs --forms "$T/f1" check
expect_rc 1 "check finds a score that no longer matches its answers"
expect_out "^record [0-9a-f]{8} \(hhs, 3m\): hhs\.total is 86\.3, answers give 87\.3$" \
    "names the record, the score, the stored and the recomputed value"
expect_err "1 problem found" "counts the problems"

cp -r "$TOP/forms" "$T/f2"
sed -i 's/code: slight,/code: light,/' "$T/f2/hhs.yaml"
sed -i 's/- id: comment$/- id: remark/' "$T/f2/satisfaction.yaml"
bs --forms "$T/f2" check
expect_rc 1 "check finds answers the forms no longer know"
expect_out "hhs\.pain: unknown option 'slight'" "an unknown option code"
expect_out "satisfaction: unknown field 'comment'" "an unknown field"

# A broken amendment chain planted behind bedside's back.
p=$(sql "SELECT uuid FROM patients")
sql "PRAGMA foreign_keys = OFF;
     INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, status,
       answers, entered_by, entered_at, supersedes, reason)
     VALUES ('33333333-3333-4333-8333-333333333333', '$p', NULL, 'unscheduled', '2026-06-01',
       'vas', 1, 'void', '{}', 'eve', '2026-06-01T00:00:00Z',
       '44444444-4444-4444-8444-444444444444', 'planted')"
bs check
expect_rc 1 "check finds a store problem"
expect_out "33333333" "the problem names the record"
expect_no_out "no problems found" "and does not claim all is well"
expect_out "void of record 44444444.* no entry in the audit trail" \
    "a void with no audit entry is reported"
bs check --quick
expect_rc 1 "check --quick runs bedside's own checks too"
expect_out "void of record 44444444.* no entry in the audit trail" "check --quick names it"

# History rewritten with the safeguards dropped: a file without them is not
# opened at all; with the trigger put back, the final record whose audit
# entry was deleted is reported.
rec=$(sql "SELECT uuid FROM records WHERE status = 'final' LIMIT 1")
trig=$(sql "SELECT sql FROM sqlite_master WHERE name = 'audit_no_delete'")
sql "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE record = '$rec'"
bs check
expect_rc 1 "check refuses a file whose safeguards were dropped"
expect_err "not a bedside database or damaged: the safeguard trigger audit_no_delete is missing" \
    "names the dropped trigger"
sql "$trig"
bs check
expect_rc 1 "check finds a rewritten audit trail"
expect_out "final record $rec has no entry in the audit trail" "names the untraced record"
bs check extra
expect_rc 2 "check takes no arguments"

# --- backup -----------------------------------------------------------------------
bs backup "$T/copy.db"
expect_rc 0 "backup"
expect_out "copy\.db" "says where"
bs export csv
cp "$T/out" "$T/orig.csv"
bs --db "$T/copy.db" export csv
cmp -s "$T/out" "$T/orig.csv" && ok || fail "the backup exports the same records"
sum=$(md5sum <"$T/copy.db")
bs backup "$T/copy.db"
expect_rc 1 "backup refuses an existing file"
expect_err "already exists" "says why"
expect_same "$(md5sum <"$T/copy.db")" "$sum" "the existing file is untouched"
bs backup
expect_rc 2 "backup without a file"
bs --db "$T/missing.db" backup "$T/copy2.db"
expect_rc 1 "backup of a missing database"
[ ! -e "$T/missing.db" ] && [ ! -e "$T/copy2.db" ] && ok || fail "backup of nothing created files"

# --- enter: everything checked before the TUI starts ---------------------------------
refused 1 "enter an unknown MRN" "no patient with MRN 'NOPE'" enter NOPE --form hhs --hip L
refused 1 "enter an unknown form" "unknown form 'hhz'" enter A1 --form hhz --hip L
refused 1 "enter a hip form without --hip" "per hip" enter A1 --form hhs
refused 1 "enter a hip the patient lacks" "no right hip" enter A1 --form hhs --hip R
refused 1 "enter an unknown timepoint" "unknown timepoint '7m'" enter A1 --form hhs --hip L --timepoint 7m
refused 1 "enter a patient form with --hip" "per patient" enter A1 --form satisfaction --hip L
refused 2 "enter without --form" "--form is required" enter A1
refused 2 "enter without an MRN" "one MRN" enter --form hhs
bs --db "$T/none.db" enter A1 --form hhs --hip L </dev/null
expect_rc 1 "enter with no database"
[ ! -e "$T/none.db" ] && ok || fail "enter created a database"

t_done
