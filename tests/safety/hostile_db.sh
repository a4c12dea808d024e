# hostile_db.sh — a database edited behind bedside's back (sqlite3, as
# anyone can edit a laptop's copy) puts ESC, BEL, C1 controls, bidi
# overrides, zero-width characters and invalid bytes into every text column
# a command shows: MRN, name, hip details, timepoints, text answers, answer
# keys, score ids, form ids, logins, reasons, audit details and drafts.
# `check` refuses it, yet no command may copy a raw control byte to the
# terminal, a file or a spreadsheet: every command's output is grepped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"

# The hostile text: ESC, CSI, BEL, the 8-bit CSI (U+009B), a right-to-left
# override, a zero-width space, a tab and a carriage return.
H="'X' || char(27) || '[2J' || char(7) || char(155) || '31m' || char(8238) || 'Y' || char(8203) || char(9) || char(13) || 'Z'"
RAW="CAST(X'9b324aff' AS TEXT)"          # not UTF-8: a raw 8-bit CSI, 0xFF

mk_patient H1 "Plain Name"
mk_hip H1 L 2026-01-10
bs record H1 --form vas --hip L --timepoint baseline --date 2026-01-10 pain=6
expect_rc 0 "setup: a VAS"
bs record H1 --form complications --hip L --date 2026-02-10 events=other other_text=hello grade=I action=none
expect_rc 0 "setup: a complication"
cp "$DB" "$T/clean.db"
p1=$(sql "SELECT uuid FROM patients WHERE mrn = 'H1'")
h1=$(sql "SELECT uuid FROM hips")
vas1=$(sql "SELECT uuid FROM records WHERE form = 'vas'")
P2=22222222-2222-4222-8222-222222222222
H2=33333333-3333-4333-8333-333333333333
TS="'2026-03-01T10:00:00Z'"
sql "BEGIN; INSERT INTO patients VALUES ('$P2', 'EV' || $H, 'Eve ' || $H || $RAW, 'F', '1970-01-01',
        $H, $TS);
    INSERT INTO hips (uuid, patient, side, index_date, created_by, created_at)
        VALUES ('$H2', '$P2', 'L', '2026-01-10', $H, $TS);
    INSERT INTO records VALUES ('66666666-6666-4666-8666-666666666666', '$P2', '$H2', 'enrolment',
        '2026-01-10', 'hip_enrolment', 1, 'final',
        json_object('etiology', $H, 'stage_system', $H, 'stage', $H), $H, $TS, NULL, NULL, 0);
    -- A VAS and an HHS-less complication with hostile free text, key and score id.
    -- (A score goes in before its final record: the safeguard refuses it after.)
    INSERT INTO scores VALUES ('44444444-4444-4444-8444-444444444444', 'vas', 7),
        ('44444444-4444-4444-8444-444444444444', 's' || $H, 1);
    INSERT INTO records VALUES ('44444444-4444-4444-8444-444444444444', '$P2', '$H2', 'baseline',
        '2026-01-10', 'vas', 1, 'final', json_object('pain', '7.0', 'k' || $H, $H), $H, $TS,
        NULL, NULL, 0);
    INSERT INTO scores VALUES ('55555555-5555-4555-8555-555555555555', 'count', 1);
    INSERT INTO records VALUES ('55555555-5555-4555-8555-555555555555', '$P2', '$H2', 'unscheduled',
        '2026-02-11', 'complications', 1, 'final',
        json_object('events', 'other', 'other_text', $H || $RAW, 'grade', 'i', 'action', $H),
        'root', $TS, NULL, NULL, 0);
    -- A record with a hostile timepoint and form id, and an amendment with a hostile reason.
    INSERT INTO records VALUES ('66666666-6666-4666-8666-666666666666', '$P2', '$H2', 't' || $H,
        '2026-02-12', 'f' || $H, 1, 'final', json_object('a', $H), 'root', $TS, NULL, NULL, 0);
    INSERT INTO scores VALUES ('77777777-7777-4777-8777-777777777777', 'vas', 5);
    INSERT INTO records VALUES ('77777777-7777-4777-8777-777777777777', '$p1', '$h1', 'baseline',
        '2026-01-10', 'vas', 1, 'final', json_object('pain', '5.0'), 'root', $TS, '$vas1',
        'r' || $H, 0);
    -- A draft with hostile answers.
    INSERT INTO records VALUES ('88888888-8888-4888-8888-888888888888', '$P2', '$H2', '1m',
        '2026-02-09', 'complications', 1, 'draft', json_object('other_text', $H, 'k' || $H, $H),
        $H, $TS, NULL, NULL, 0);
    -- The audit trail: hostile login, form, timepoint, detail and reason.
    INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint, detail, reason) VALUES ('a1', $TS, $H, 'patient', '$P2', NULL, NULL, NULL, NULL,
        json_object('name', json_array(NULL, $H)), NULL);
    INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint, detail, reason) VALUES ('a2', $TS, 'root', 'create', '$P2', '$H2',
        '44444444-4444-4444-8444-444444444444', 'f' || $H, 't' || $H,
        json_object('k' || $H, json_array($H, $H)), 'r' || $H);
    INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint, detail, reason) VALUES ('a3', $TS, 'root', 'amend', '$p1', '$h1',
        '77777777-7777-4777-8777-777777777777', 'vas', 'baseline',
        json_object('pain', json_array('6.0', $H)), 'r' || $H); COMMIT;" || fail "setup: hostile rows"
cp "$DB" "$T/hostile.db"
mrn2=$(sql "SELECT mrn FROM patients WHERE uuid = '$P2'")

# check refuses the file and names each row (escaped): the name, the free
# text, the login, the reason.
bs check
expect_rc 1 "check refuses the edited file"
expect_out "patient $P2: the MRN \"EVX\^\[\[2J\^G" "check: the MRN with ESC, escaped"
expect_out "record 55555555 \(complications, unscheduled\): complications\.action: has a control character" \
    "check: free text with ESC"
expect_out "record 44444444 \(vas, baseline\): entered by 'X\^\[\[2J" "check: a login with ESC"
expect_out "record 77777777 \(vas, baseline\): the reason has a control character" "check: a reason with ESC"

# raw_free FILE WHAT is in lib_safety.sh; tabs and CR before LF are legitimate
# in CSV and tables, so only TSV-free outputs are checked with TAB=strict.
outputs() {
    raw_free "$T/out" "$1 (stdout)"
    raw_free "$T/err" "$1 (stderr)"
}
for cmd in "patient list" "patient list Eve" "due" "due --within 400" "drafts" "check" \
    "forms list" "report" "report --markdown" "export csv" "export csv --long --labels" \
    "export csv --all-versions" "export csv --deidentify --keep-text" "export codebook" \
    "export survival"; do
    # shellcheck disable=SC2086
    bs $cmd
    [ "$rc" -lt 2 ] && ok || fail "$cmd: exit $rc"
    outputs "$cmd"
done
for cmd in show print history; do
    for m in H1 "$mrn2"; do
        bs "$cmd" "$m"
        [ "$rc" -lt 2 ] && ok || fail "$cmd $m: exit $rc"
        outputs "$cmd $(printf %q "$m")"
    done
done
mkdir "$T/redcap" "$T/csvdir"
bs export redcap "$T/redcap"
outputs "export redcap"
for f in "$T"/redcap/*; do [ -e "$f" ] && raw_free "$f" "export redcap ${f##*/}"; done
bs report --csv "$T/csvdir"
outputs "report --csv"
for f in "$T"/csvdir/*; do [ -e "$f" ] && raw_free "$f" "report --csv ${f##*/}"; done
bs print "$mrn2" -o "$T/print.txt"
[ -f "$T/print.txt" ] && raw_free "$T/print.txt" "print -o"

# Who entered a record and a hip's details are not what report and export
# validate (check does): a file whose only hostile text is there is exported,
# and the CSV cells show it escaped.
DB=$T/clean2.db
export BEDSIDE_DB=$DB
cp "$T/clean.db" "$DB"
sql "BEGIN;
    INSERT INTO patients VALUES ('$P2', 'H2', 'Second Patient', 'F', '1970-01-01', 'root', $TS);
    INSERT INTO hips (uuid, patient, side, index_date, created_by, created_at)
        VALUES ('$H2', '$P2', 'L', '2026-01-10', $H, $TS);
    INSERT INTO records VALUES ('66666666-6666-4666-8666-666666666666', '$P2', '$H2', 'enrolment',
        '2026-01-10', 'hip_enrolment', 1, 'final',
        json_object('etiology', 'idiopathic', 'stage_system', 'steinberg', 'stage', 'ii'), $H, $TS,
        NULL, NULL, 0);
    INSERT INTO scores VALUES ('44444444-4444-4444-8444-444444444444', 'vas', 7);
    INSERT INTO records VALUES ('44444444-4444-4444-8444-444444444444', '$P2', '$H2', 'baseline',
        '2026-01-10', 'vas', 1, 'final', json_object('pain', '7.0'), $H, $TS, NULL, NULL, 0);
    COMMIT;" || fail "setup: hostile hip details and login"
rm -rf "$T/redcap" "$T/csvdir"
mkdir "$T/redcap" "$T/csvdir"
for cmd in "export csv" "export csv --long --labels" "export survival" "report" \
    "export redcap $T/redcap" "report --csv $T/csvdir"; do
    # shellcheck disable=SC2086
    bs $cmd
    expect_rc 0 "$cmd with hostile hip details and login"
    outputs "$cmd (hip details, login)"
done
# Hip details are enrolment answers now (schema 6): hostile ones are refused
# by the validation of stored records before any output; the login stays.
for f in "$T"/redcap/* "$T"/csvdir/*; do raw_free "$f" "${f#"$T"/} (hip details, login)"; done
bs export csv
grep -q 'X^\[\[2J^G\\xC2\\x9B31m<U+202E>Y<U+200B>^I^MZ' "$T/out" && ok ||
    fail "export csv shows the login escaped"

# The hostile copy merged into a clean ward database: refused, and the
# messages naming its rows are escaped.
DB=$T/clean.db
export BEDSIDE_DB=$DB
for m in "merge --dry-run" "merge"; do
    # shellcheck disable=SC2086
    bs $m "$T/hostile.db"
    expect_rc 1 "$m of the hostile copy is refused"
    outputs "$m"
done

t_done
