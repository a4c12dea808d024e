# hostile_output.sh — nothing raw reaches the terminal from the places the
# adversarial review found open: a form's check_message on record's stderr,
# a form file whose name holds ESC in start-up problems, MRNs in the patient
# list, and bidi overrides or zero-width characters in names (shown as
# <U+202E>). Every command's output is grepped for raw C0/C1/bidi bytes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"

ESC=$'\e'
RLO=$'\xe2\x80\xae'     # U+202E RIGHT-TO-LEFT OVERRIDE
ZWSP=$'\xe2\x80\x8b'    # U+200B ZERO WIDTH SPACE

# A patient with ESC in the MRN and a bidi override and zero-width space in
# the name, as a merged copy could hold them (stored behind bedside's back).
mk_patient H1 "Plain Name"
mk_hip H1 L 2026-01-10
sql "UPDATE patients SET mrn = 'H' || char(27) || '[2J' || char(155) || '9',
    name = 'Ann ' || char(8238) || 'evil' || char(8203) || 'x' WHERE mrn = 'H1'"
bs patient list
expect_rc 0 "patient list"
raw_free "$T/out" "patient list"
grep -q 'H^\[\[2J\\xC2\\x9B9\|H^\[\[2J' "$T/out" && ok || fail "patient list: the MRN's ESC shown as ^["
grep -q 'Ann <U+202E>evil<U+200B>x' "$T/out" && ok || fail "patient list: bidi and zero-width shown as <U+...>"
for cmd in "due" "drafts" "export csv" "check"; do
    # shellcheck disable=SC2086
    bs $cmd
    raw_free "$T/out" "$cmd (stdout)"
    raw_free "$T/err" "$cmd (stderr)"
done
mrn=$(sql "SELECT mrn FROM patients")
for cmd in show print history; do
    bs "$cmd" "$mrn"
    expect_rc 0 "$cmd with a hostile MRN"
    raw_free "$T/out" "$cmd (stdout)"
    raw_free "$T/err" "$cmd (stderr)"
done

# A form whose check_message holds ESC, an OSC 52 clipboard write and C1.
FORMS=$T/forms
mkdir "$FORMS"
cp "$TOP"/forms/*.yaml "$FORMS/"
printf '%s\n' 'id: evil' 'title: Evil' 'version: 1' 'scope: hip' 'sections:' '  - title: Main' \
    '    fields:' '      - id: pain' '        label: Pain' '        type: decimal' \
    '        check: "pain < 5"' \
    '        check_message: "too high\e]52;c;cm0gLXJmIH4=\a\e[2J\xc2\x9b31m"' >"$FORMS/evil.yaml"
bs --forms "$FORMS" forms check "$FORMS"
expect_rc 0 "the form with a hostile check_message loads"
bs --forms "$FORMS" record "$mrn" --form evil --hip L pain=9
expect_rc 1 "the check refuses the answer"
raw_free "$T/err" "record's check_message"
grep -q 'too high^\[\]52;c;' "$T/err" && ok || fail "record: check_message shown escaped"

# A form file whose name holds ESC, and which does not load: the start-up
# problem names it escaped.
printf 'id: [\n' >"$FORMS/e${ESC}[2Jvil2.yaml"
bs --forms "$FORMS" show "$mrn"
expect_rc 1 "a broken form stops show"
raw_free "$T/err" "start-up problems"
grep -q 'e^\[\[2Jvil2\.yaml:' "$T/err" && ok || fail "the form's file name is shown escaped"

t_done
