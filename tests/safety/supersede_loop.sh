# supersede_loop.sh — amendments that loop (A -> B -> A, C -> C), each with
# its audit row as a real amendment has, leave records that are never
# current and can never be corrected: check names every one of them, and one
# that amends a record in a loop (D -> A), but no record of a real chain of
# amendments (E, amended twice); merge refuses a copy that holds them.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/safety/lib_safety.sh"

mk_patient H1
mk_hip H1 L 2025-01-10
bs record H1 --form vas --hip L --timepoint 6m --date 2025-07-11 pain=5
bs record H1 --form vas --hip L --timepoint 1m --date 2025-02-09 pain=4
bs record H1 --form vas --hip L --timepoint 3m --date 2025-04-11 pain=3
bs record H1 --form vas --hip L --timepoint 12m --date 2026-01-10 pain=2
bs record H1 --form vas --hip L --timepoint 18m --date 2026-07-10 pain=2
e=$(sql "SELECT uuid FROM records WHERE timepoint = '18m'")
bs amend "$e" --reason "misread" pain=3
e2=$(sql "SELECT uuid FROM records WHERE supersedes = '$e'")
bs amend "$e2" --reason "misread again" pain=4
e3=$(sql "SELECT uuid FROM records WHERE supersedes = '$e2'")
a=$(sql "SELECT uuid FROM records WHERE timepoint = '6m'")
b=$(sql "SELECT uuid FROM records WHERE timepoint = '1m'")
c=$(sql "SELECT uuid FROM records WHERE timepoint = '3m'")
d=$(sql "SELECT uuid FROM records WHERE timepoint = '12m'")
bs check
expect_rc 0 "setup: a clean database"
cp "$DB" "$T/ward.db"

# Rewrite supersedes behind bedside's back: the safeguard triggers are
# dropped for the edit and put back from their own text, and each link gets
# an 'amend' audit row, so only the loop itself is wrong.
triggers=$(sql "SELECT group_concat(sql, '; ') || ';' FROM sqlite_master WHERE type = 'trigger'")
drops=$(sql "SELECT group_concat('DROP TRIGGER ' || name, '; ') || ';' FROM sqlite_master
    WHERE type = 'trigger'")
sql "$drops
    UPDATE records SET timepoint = '6m', supersedes = '$a', reason = 'x' WHERE uuid = '$b';
    UPDATE records SET supersedes = '$b', reason = 'x' WHERE uuid = '$a';
    UPDATE records SET supersedes = '$c', reason = 'x' WHERE uuid = '$c';
    UPDATE records SET timepoint = '6m', supersedes = '$a', reason = 'x' WHERE uuid = '$d';
    UPDATE audit SET action = 'amend' WHERE record IN ('$a', '$b', '$c', '$d');
    $triggers"
LOOP=$T/loop.db
cp "$DB" "$LOOP"

bs check
expect_rc 1 "check finds the loops"
for r in "$a" "$b" "$c" "$d"; do
    expect_out "record $r is in a loop of amendments" "names record ${r:0:8}"
done
for r in "$e" "$e2" "$e3"; do
    expect_no_out "record $r is in a loop" "a real chain of amendments is no loop (${r:0:8})"
done
expect_no_out "no problems found" "does not say all is well"

DB=$T/ward.db
export BEDSIDE_DB=$DB
refused 1 "merge of a copy with looping amendments" "loop of amendments" merge "$LOOP"
bs merge --dry-run "$LOOP"
expect_rc 1 "a dry run says the same"

t_done
