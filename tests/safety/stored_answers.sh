# stored_answers.sh — an edited copy whose rows are each consistent with
# their own score and audit entry, but whose answers `record` would never
# have accepted, and a patient whose MRN and name hold control characters:
# check lists every one with its record or patient id, and merge refuses
# the copy and lists them too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"

mk_patient H1
mk_hip H1 L 2025-01-10
# Each visit dated on its timepoint's day, as the visit rules require.
for v in 1m:2025-02-09 3m:2025-04-11 6m:2025-07-11 12m:2026-01-10; do
    bs record H1 --form vas --hip L --timepoint "${v%%:*}" --date "${v#*:}" pain=5
done
bs check
expect_rc 0 "setup: a clean database"
cp "$DB" "$T/ward.db"

uuid() { sql "SELECT uuid FROM records WHERE timepoint = '$1'"; }
big=$(uuid 1m) abc=$(uuid 3m) neg=$(uuid 6m) who=$(uuid 12m)
# Edited behind bedside's back: each answer with a matching score.
triggers=$(sql "SELECT group_concat(sql, '; ') || ';' FROM sqlite_master WHERE type = 'trigger'")
drops=$(sql "SELECT group_concat('DROP TRIGGER ' || name, '; ') || ';' FROM sqlite_master
    WHERE type = 'trigger'")
sql "$drops
    UPDATE records SET answers = '{\"pain\":\"1000.0\"}' WHERE uuid = '$big';
    UPDATE scores SET value = 1000 WHERE record = '$big';
    UPDATE records SET answers = '{\"pain\":\"abc\"}' WHERE uuid = '$abc';
    DELETE FROM scores WHERE record = '$abc';
    UPDATE records SET answers = '{\"pain\":\"-3.0\"}' WHERE uuid = '$neg';
    UPDATE scores SET value = -3 WHERE record = '$neg';
    UPDATE records SET entered_by = 'dr house', entered_at = '2099-01-01T00:00:00Z'
        WHERE uuid = '$who';
    $triggers"
sql "INSERT INTO patients VALUES ('99999999-9999-4999-8999-999999999999',
    'X' || char(27) || '[2J', 'Eve' || char(10) || char(155) || 'x', 'F', '1970-01-01', 'a',
    '2026-01-01T00:00:00Z')"
cp "$DB" "$T/laptop.db"

bs check
expect_rc 1 "check finds the answers record would refuse"
expect_no_out "no problems found" "check does not say all is well"
expect_out "record ${big:0:8} \(vas, 1m\): vas\.pain: .*(at most|maximum|10)" "a VAS of 1000"
expect_out "record ${big:0:8} \(vas, 1m\): vas\.vas: score .* above its maximum" "its score of 1000"
expect_out "record ${abc:0:8} \(vas, 3m\): vas\.pain: " "a VAS of 'abc'"
expect_out "record ${neg:0:8} \(vas, 6m\): vas\.pain: " "a negative VAS"
expect_out "record ${who:0:8} \(vas, 12m\): entered by 'dr house', which is not a plausible login" \
    "an implausible login"
expect_out "record ${who:0:8} \(vas, 12m\): entered at 2099-01-01T00:00:00Z, after today" \
    "a time in the future"
expect_out "patient 99999999-9999-4999-8999-999999999999: the MRN \"X\^\[\[2J\" contains control characters" \
    "an MRN with ESC"

# The name rule at entry: no control character, not even a newline.
refused 1 "a name with a newline" "contains control characters" \
    patient add H9 --name $'Two\nLines' --sex F --born 1970-01-01

DB=$T/ward.db
export BEDSIDE_DB=$DB
refused 1 "merge of a copy with invalid answers" "has [0-9]+ problems" merge "$T/laptop.db"
expect_err "record ${big:0:8} \(vas, 1m\): vas\.pain" "merge lists the VAS of 1000"
expect_err "record ${who:0:8} \(vas, 12m\): entered at 2099" "merge lists the future time"

# An answer to a field the form hides (no complication, yet a grade), and
# a score that does not match the answers: both named, the score first.
DB=$T/hidden.db
export BEDSIDE_DB=$DB
cp "$T/ward.db" "$DB"
bs record H1 --form complications --hip L --timepoint unscheduled --date 2025-03-01 events=none
expect_rc 0 "setup: a complications record"
comp=$(sql "SELECT uuid FROM records WHERE form = 'complications'")
behind_back "$DB" "UPDATE records SET answers = json_set(answers, '\$.grade', 'ii')
    WHERE uuid = '$comp'; UPDATE scores SET value = 2 WHERE record = '$comp'"
bs check
expect_rc 1 "check of a hidden answer"
expect_same "$(grep -E "^record ${comp:0:8} " "$T/out" | sed -E 's/^record [0-9a-f]+ \([a-z]+, [a-z]+\): //' | head -2 | tr '\n' '|')" \
    "complications.count is 2, answers give 0|complications: 1 answer to fields the form hides|" \
    "the score, then the hidden answer"

# The only record of a file (the last one read) is checked too.
DB=$T/one.db
export BEDSIDE_DB=$DB
mk_patient O1
mk_hip O1 L 2025-01-10
bs record O1 --form vas --hip L --timepoint 1m --date 2025-02-09 pain=5
one=$(sql "SELECT uuid FROM records WHERE form = 'vas'")
behind_back "$DB" "UPDATE scores SET value = 9 WHERE record = '$one'"
bs check
expect_rc 1 "check of the one record with a changed score"
expect_out "^record ${one:0:8} \(vas, 1m\): vas\.vas is 9\.0, answers give 5\.0$" "names it"

t_done
