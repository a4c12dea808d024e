# validated_reads.sh — records that fail validation never feed a report or
# an export silently. A database edited behind bedside's back (a stored
# score that its answers do not give, an answer out of range) makes
# `report` and every `export` that reads records refuse, naming each record
# and its problem, and write nothing; the codebook (no records) still works.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"

mk_patient H1
mk_hip H1 L 2026-01-10
bs record H1 --form vas --hip L --timepoint baseline --date 2026-01-10 pain=7
bs record H1 --form vas --hip L --timepoint 1m --date 2026-02-09 pain=5
bs record H1 --form vas --hip L --timepoint 3m --date 2026-04-10 pain=3
for cmd in "report" "export csv" "export survival"; do
    # shellcheck disable=SC2086
    bs $cmd
    expect_rc 0 "$cmd of clean data"
done
base=$(record_uuid H1 vas)
m1=$(sql "SELECT uuid FROM records WHERE timepoint = '1m'")
m3=$(sql "SELECT uuid FROM records WHERE timepoint = '3m'")
# Behind bedside's back: the baseline's stored score says 1000 (its answer
# still 7), the 1-month answer is 50 cm with a matching score.
behind_back "$DB" "UPDATE scores SET value = 1000 WHERE record = '$base';
    UPDATE records SET answers = '{\"pain\":\"50.0\"}' WHERE uuid = '$m1';
    UPDATE scores SET value = 50 WHERE record = '$m1'" || fail "setup: tampering"

refused 1 "report of tampered data" "report refused: 3 problems in the stored data" report
expect_err "^bedside: record ${base:0:8} \(vas, baseline\): vas\.vas is 1000\.0, answers give 7\.0" \
    "report names the record with the wrong score"
expect_err "^bedside: record ${m1:0:8} \(vas, 1m\): vas\.pain: must be between 0 and 10" \
    "report names the record with the answer out of range"
expect_same "$(wc -c <"$T/out")" 0 "report writes no table"
mkdir "$T/csvdir"
refused 1 "report --csv of tampered data" "report refused" report --csv "$T/csvdir"
expect_same "$(ls "$T/csvdir" | wc -l)" 0 "report --csv writes no file"
for kind in csv survival; do
    refused 1 "export $kind of tampered data" "export $kind refused: 3 problems" export "$kind" -o "$T/x.csv"
    expect_err "record ${m1:0:8} \(vas, 1m\)" "export $kind names the record"
    [ -e "$T/x.csv" ] && fail "export $kind -o: a file was written" || ok
done
bs export csv --deidentify
expect_rc 1 "export csv --deidentify of tampered data"
expect_same "$(wc -c <"$T/out")" 0 "nothing on standard output"
mkdir "$T/redcap"
refused 1 "export redcap of tampered data" "export redcap refused" export redcap "$T/redcap"
expect_same "$(ls "$T/redcap" | wc -l)" 0 "export redcap writes no file"
bs export codebook
expect_rc 0 "the codebook reads no records"
# The 3-month record is valid and is never named.
bs report
expect_no_out "${m3:0:8}" "a valid record is not named"
grep -q "${m3:0:8}" "$T/err" && fail "a valid record is named" || ok

# Voiding the bad records (what a nurse does) makes the report work again.
bs void "$base" --reason "score tampered"
expect_rc 0 "void the baseline"
bs void "$m1" --reason "answer tampered"
expect_rc 0 "void the 1-month record"
bs report
expect_rc 0 "report after the bad records are voided"
bs export csv
expect_rc 0 "export csv after the bad records are voided"

# Many bad records: the first 20 are named, then how many more there are,
# and the refusal counts them all.
BEDSIDE_DB=$T/many.db bs demo --patients 6 --seed 1 --complete
expect_rc 0 "setup: demo database"
behind_back "$T/many.db" "UPDATE scores SET value = value + 1
    WHERE record IN (SELECT uuid FROM records WHERE form = 'vas')" || fail "setup: tampering"
BEDSIDE_DB=$T/many.db bs report
expect_rc 1 "report of many tampered records"
n=$(sed -nE 's/^bedside: report refused: ([0-9]+) problems in the stored data.*/\1/p' "$T/err")
[ "${n:-0}" -gt 40 ] && ok || fail "every tampered record counted: '$n' problems"
expect_same "$(grep -c '^bedside: record ' "$T/err")" 20 "the first 20 problems are named"
expect_err "^bedside: \.\.\. and $((${n:-0} - 20)) more$" "then how many more"

t_done
