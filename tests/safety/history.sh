#!/usr/bin/env bash
# The history is complete and cannot be rewritten (issue 6, "History"):
# `bedside history MRN` shows every create, amend and void with who, when, old
# and new values and the reason; the audit table refuses UPDATE and DELETE
# even from the sqlite3 shell; a final record cannot be updated in place;
# voiding needs a reason and stays in the history.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
trap 't_cleanup' EXIT
me=$(id -un)

mk_patient HIST-1 "Hist Patient" && mk_hip HIST-1 L 2025-01-01 && mk_hip HIST-1 R 2025-01-01
bs record HIST-1 --form vas --hip L --timepoint baseline --date 2025-01-01 pain=6.5
expect_rc 0 "record VAS"
bs record HIST-1 --form hhs --hip R --timepoint baseline --date 2025-01-01 "${HHS_FULL[@]}"
expect_rc 0 "record HHS"
expect_out "^total=$HHS_FULL_TOTAL$" "HHS total printed"
vas=$(sql "SELECT uuid FROM records WHERE form = 'vas'" 2>/dev/null)
[ -n "$vas" ] && ok || fail "records table has a uuid column and the VAS row"

bs amend "$vas" --reason "scale misread" pain=4.5
expect_rc 0 "amend VAS with a reason"
amended=$(sql "SELECT uuid FROM records WHERE form = 'vas' AND supersedes = '$vas'" 2>/dev/null)
[ -n "$amended" ] && ok || fail "the amendment is a new row that supersedes the old one"

# Voiding without a reason is refused and changes nothing.
before=$(db_sum)
bs void "$amended"
[ "$rc" != 0 ] && ok || fail "void without a reason: exit 0"
expect_err "reason" "void without a reason says a reason is needed"
expect_same "$(db_sum)" "$before" "void without a reason leaves the database unchanged"
bs void "$amended" --reason ""
[ "$rc" != 0 ] && ok || fail "void with an empty reason: exit 0"
expect_same "$(db_sum)" "$before" "void with an empty reason leaves the database unchanged"

bs void "$amended" --reason "entered for the wrong hip"
expect_rc 0 "void with a reason"
n=$(csv_rows --form vas)
expect_same "$n" 0 "a voided record leaves the export"

bs history HIST-1
expect_rc 0 "history"
cp "$T/out" "$T/history"
for word in create amend void; do
    grep -qiw "$word" "$T/history" && ok || fail "history lists a '$word'"
done
[ "$(grep -ciw create "$T/history")" -ge 2 ] && ok || fail "history lists both creates (VAS and HHS)"
grep -q "$me" "$T/history" && ok || fail "history names who ($me)"
grep -qE '20[0-9]{2}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}' "$T/history" && ok ||
    fail "history says when (date and time)"
grep -q "scale misread" "$T/history" && ok || fail "history shows the amendment's reason"
grep -q "entered for the wrong hip" "$T/history" && ok || fail "history shows the void's reason"
# The amendment's old and new value of the changed field, on one line.
grep -E 'pain' "$T/history" | grep -E '6\.5' | grep -qE '4\.5' && ok ||
    fail "history shows pain 6.5 -> 4.5 on one line"
# The values of the create are in the history too.
grep -qE 'flexion.*90' "$T/history" && ok || fail "history shows the created HHS answers"
grep -q "$vas" "$T/history" || grep -q "${vas:0:8}" "$T/history" && ok ||
    fail "history names the record"

# --- the audit table is append-only, even to the sqlite3 shell ---------------
cols=$(sql "SELECT name FROM pragma_table_info('audit')" 2>/dev/null)
[ -n "$cols" ] && ok || fail "there is an audit table"
col=$(echo "$cols" | grep -vx rowid | tail -1)
rows_before=$(sql "SELECT count(*) FROM audit")
dump_before=$(sql "SELECT * FROM audit ORDER BY rowid" | md5sum)
[ "${rows_before:-0}" -ge 4 ] && ok || fail "audit has a row per create, amend and void (got $rows_before)"
if sqlite3 -batch "$DB" "UPDATE audit SET \"$col\" = 'forged'" >"$T/out" 2>"$T/err"; then
    fail "sqlite3 UPDATE audit succeeded"
else ok; fi
[ -s "$T/err" ] && ok || fail "UPDATE audit: no error message"
if sqlite3 -batch "$DB" "DELETE FROM audit" >"$T/out" 2>"$T/err"; then
    fail "sqlite3 DELETE FROM audit succeeded"
else ok; fi
[ -s "$T/err" ] && ok || fail "DELETE FROM audit: no error message"
expect_same "$(sql "SELECT * FROM audit ORDER BY rowid" | md5sum)" "$dump_before" "audit rows unchanged"
expect_same "$(sql "SELECT count(*) FROM audit")" "$rows_before" "audit row count unchanged"

# --- a final record is never updated in place --------------------------------
hhs=$(sql "SELECT uuid FROM records WHERE form = 'hhs'" 2>/dev/null)
rec_before=$(sql "SELECT * FROM records WHERE uuid = '$hhs'" | md5sum)
if sqlite3 -batch "$DB" "UPDATE records SET answers = '{}' WHERE uuid = '$hhs'" >"$T/out" 2>"$T/err"; then
    fail "sqlite3 UPDATE of a final record succeeded"
else ok; fi
[ -s "$T/err" ] && ok || fail "UPDATE records: no error message"
if sqlite3 -batch "$DB" "DELETE FROM records WHERE uuid = '$hhs'" >"$T/out" 2>"$T/err"; then
    fail "sqlite3 DELETE of a final record succeeded"
else ok; fi
expect_same "$(sql "SELECT * FROM records WHERE uuid = '$hhs'" | md5sum)" "$rec_before" \
    "final record unchanged"
bs export csv --form hhs
expect_out "86\.3" "the HHS total is still exported"

t_done
