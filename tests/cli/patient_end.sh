#!/usr/bin/env bash
# patient_end.sh — a patient-scope form with ends_follow_up (issue 14): one
# record ends the follow-up of every hip of the patient. Both hips leave
# `due`, scheduled visits after its date are refused on either hip, its date
# may not come before any hip's index date nor before a scheduled record of
# any hip (naming the record and its date), a treated hip added later may not
# start after it, survival analysis censors both hips at it (a hip's own
# earlier end still wins), the next-due table notices a form changing scope,
# and `check` agrees, listing a scheduled visit after it that a laptop copy
# brought in, and a treated hip a laptop added that starts after it.
. "$(dirname "$0")/../lib.sh"

csvcol() { python3 "$TOP/tests/cli/csvtool.py" col "$1" "$2"; }
# row FILE MRN SIDE — the endpoints.csv row of a hip, as "days|event|why".
row() {
    python3 - "$1" "$2" "$3" <<'EOF'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline='')):
    if r['mrn'] == sys.argv[2] and r['side'] == sys.argv[3]:
        print(f"{r['days']}|{r['event']}|{r['why']}")
EOF
}

F=$T/forms
cp -r "$TOP/forms" "$F"
cat >"$F/withdrawal.yaml" <<'EOF'
id: withdrawal
title: Withdrawal
version: 1
scope: patient
sections:
  - title: Withdrawal
    fields:
      - id: why
        label: Why
        type: choice
        required: true
        options:
          - {code: consent, label: "Consent withdrawn"}
          - {code: died, label: Died}
      - id: date
        label: Date
        type: date
        required: true
ends_follow_up: {field: date, event: false, reason: why}
EOF
fb() { bs --forms "$F" "$@"; }

# --- the form engine: a patient-scope ending censors; it is not an endpoint ------------
fb forms check
expect_rc 0 "a patient-scope form with ends_follow_up (event: false) loads"
mkdir "$T/bad" && cp "$F/withdrawal.yaml" "$T/bad/" &&
    sed -i 's/event: false/event: true/' "$T/bad/withdrawal.yaml"
bs --forms "$T/bad" forms check
expect_rc 1 "a patient-scope ending that is an event is refused"
expect_err "withdrawal\.yaml:[0-9]+:[0-9]+: 'ends_follow_up' of a patient-scope form ends every hip's follow-up by censoring: it needs 'event: false'" \
    "naming the file, the line and the rule"

# Today is 2026-06-15. Both hips: day 0 2025-06-01 (12m due today).
fb patient add W1 --name "Wim Two" --sex M --born 1960-01-01 &&
    fb hip add W1 --side L --index-date 2025-06-01 &&
    fb hip add W1 --side R --index-date 2025-06-01 &&
    fb record W1 --form vas --hip L --date 2025-06-01 pain=5 &&
    fb record W1 --form vas --hip L --timepoint 1m --date 2025-07-01 pain=4 &&
    fb record W1 --form vas --hip R --date 2025-06-01 pain=6 &&
    fb record W1 --form vas --hip R --timepoint 3m --date 2025-09-01 pain=3
[ "$rc" = 0 ] && ok || fail "setup"
cp "$DB" "$T/laptop.db"
fb due
expect_out "^W1 .* L +12m " "before: the left hip is due"
expect_out "^W1 .* R +12m " "and the right hip"

# --- the refusals ----------------------------------------------------------------------
refused 1 "a patient-scope ending given a hip" "withdrawal is recorded per patient, not per hip" \
    --forms "$F" record W1 --form withdrawal --hip L date=2025-10-01 why=consent
refused 1 "an ending in the future" "withdrawal\.date: 2026-07-01 is in the future" \
    --forms "$F" record W1 --form withdrawal date=2026-07-01 why=consent
refused 1 "an ending before a hip's index date" \
    "withdrawal\.date: 2025-05-01 is before the hip's index date 2025-06-01 \(the left hip\)" \
    --forms "$F" record W1 --form withdrawal date=2025-05-01 why=consent
refused 1 "an ending before a scheduled record of either hip" \
    "withdrawal\.date: 2025-08-15 is before record [0-9a-f]{8} \(vas, 3m, dated 2025-09-01\) of the right hip" \
    --forms "$F" record W1 --form withdrawal date=2025-08-15 why=consent
fb record W1 --form withdrawal --date 2025-10-01 date=2025-10-01 why=consent
expect_rc 0 "the patient withdraws on 2025-10-01"
refused 1 "a second ending for the patient" \
    "the patient already has 'Withdrawal' dated 2025-10-01 \(record [0-9a-f]{8}\)" \
    --forms "$F" record W1 --form withdrawal date=2025-11-01 why=died
wd=$(sqlite3 "$DB" "SELECT uuid FROM current_records WHERE form = 'withdrawal'")
refused 1 "an amendment moving the ending before a recorded visit" \
    "withdrawal\.date: 2025-06-20 is before record [0-9a-f]{8} \(vas, 1m, dated 2025-07-01\) of the left hip" \
    --forms "$F" amend "$wd" --reason "date mistyped" date=2025-06-20

# --- neither hip is due; scheduled visits after it are refused on both -----------------
fb due
expect_rc 0 "due"
expect_no_out "^W1 " "neither hip is due after the patient's ending"
refused 1 "a scheduled visit of the left hip after the ending" \
    "left hip's follow-up ended on 2025-10-01 \(Withdrawal: Consent withdrawn\): no scheduled visit" \
    --forms "$F" record W1 --form vas --hip L --timepoint 12m pain=2
refused 1 "and of the right hip" "right hip's follow-up ended on 2025-10-01" \
    --forms "$F" record W1 --form vas --hip R --timepoint 12m pain=2
fb record W1 --form vas --hip R --date 2026-06-01 pain=2
expect_rc 0 "an unscheduled visit after the ending"
expect_err "timepoint unscheduled" "kept as unscheduled"
fb check
expect_rc 0 "check is clean"
fb show W1 --ascii --width 80
expect_same "$(grep -c "follow-up ended 2025-10-01" "$T/out")" 2 "show: both hips' follow-up ended"

# --- survival: both hips censored at the patient's ending ------------------------------
fb report --csv "$T/rep"
expect_rc 0 "report --csv"
expect_same "$(row "$T/rep/endpoints.csv" W1 L)" "122|0|end of follow-up form" \
    "left hip: censored at the patient's ending (day 122)"
expect_same "$(row "$T/rep/endpoints.csv" W1 R)" "122|0|end of follow-up form" \
    "right hip: the same, not at its later unscheduled record"
fb export survival
expect_same "$(csvcol "$T/out" time_days | tr '\n' ',')" "122,122," "export survival: the same times"
expect_same "$(csvcol "$T/out" censor_reason | tr '\n' ',')" \
    "end of follow-up form,end of follow-up form," "and the rule"
# A hip's own earlier end still counts first.
fb record W1 --form end_of_followup --hip L --date 2025-09-01 date=2025-09-01 reason=lost
expect_rc 0 "the left hip was lost earlier"
fb report --csv "$T/rep2"
expect_same "$(row "$T/rep2/endpoints.csv" W1 L)" "92|0|end of follow-up form" \
    "left hip: its own earlier end"
expect_same "$(row "$T/rep2/endpoints.csv" W1 R)" "122|0|end of follow-up form" \
    "right hip: the patient's"

# --- a hip added after the patient's ending ---------------------------------------------
fb patient add W2 --name "Wanda Three" --sex F --born 1961-01-01 &&
    fb hip add W2 --side L --index-date 2025-06-01 &&
    fb record W2 --form withdrawal --date 2025-10-01 date=2025-10-01 why=died
[ "$rc" = 0 ] && ok || fail "setup: W2 withdrawn"
refused 1 "a treated hip whose index date is after the patient's ending" \
    "the follow-up of patient 'W2' ended on 2025-10-01 \(Withdrawal: Died\): a hip with index date 2026-01-10 would never be followed up" \
    --forms "$F" hip add W2 --side R --index-date 2026-01-10
fb hip add W2 --side R --observed --index-date 2026-01-10
expect_rc 0 "an observed hip (no schedule) may still be registered"

# --- check: a treated hip a laptop added while the patient's follow-up ended ------------
W=$T/w.db
fw() { "$BEDSIDE" --today "$TODAY" --forms "$F" --db "$1" "${@:2}" >/dev/null 2>&1; }
fw "$W" patient add W5 --name "Walt Five" --sex M --born 1955-01-01 &&
    fw "$W" hip add W5 --side L --index-date 2025-06-01 && cp "$W" "$T/w-laptop.db" &&
    fw "$T/w-laptop.db" hip add W5 --side R --index-date 2026-01-10 &&
    fw "$W" record W5 --form withdrawal --date 2025-10-01 date=2025-10-01 why=died &&
    fw "$W" merge "$T/w-laptop.db"
[ "$?" = 0 ] && ok || fail "setup: the laptop's right hip merged after the withdrawal"
bs --db "$W" --forms "$F" check
expect_rc 1 "check after merging a treated hip that starts after the patient's ending"
expect_out "^patient W5, right hip: the follow-up of patient 'W5' ended on 2025-10-01: a hip with index date 2026-01-10 would never be followed up$" \
    "check names the patient, the hip and both dates"
behind_back "$W" "UPDATE patients SET mrn = 'W5' || char(27) || '[2J' WHERE mrn = 'W5'"
bs --db "$W" --forms "$F" check
expect_rc 1 "check of a file whose MRN holds a terminal control sequence"
grep -q "$(printf '\033')" "$T/out" "$T/err" && fail "a control character from the file reached the terminal" || ok
expect_out "^patient W5\^\[\[2J, right hip: the follow-up of patient 'W5\^\[\[2J' ended" \
    "the MRN is named escaped, in the line and in the rule's message"
behind_back "$W" "UPDATE patients SET mrn = 'W5' WHERE mrn LIKE 'W5_%'"
behind_back "$W" "UPDATE hips SET index_date = '1950-03-01' WHERE side = 'L'"
bs --db "$W" --forms "$F" check
expect_out "^patient W5, left hip: index date 1950-03-01 is before the patient's birth date 1955-01-01$" \
    "check names a hip's index date before the birth date (hip add's rule)"

# --- check: an observed hip's index date, by the same rules where they apply -----------
fw "$W" patient add W6 --name "Wren Six" --sex F --born 1960-01-01 &&
    fw "$W" hip add W6 --side L --index-date 2025-06-01 &&
    fw "$W" record W6 --form withdrawal --date 2025-10-01 date=2025-10-01 why=died &&
    fw "$W" hip add W6 --side R --observed --index-date 2026-01-10
[ "$?" = 0 ] && ok || fail "setup: W6 withdrawn, then an observed hip"
bs --db "$W" --forms "$F" check
expect_no_out "^patient W6" "an observed hip after the patient's ending is no problem (it has no follow-up)"
behind_back "$W" "UPDATE hips SET index_date = '1950-03-01' WHERE observed = 1"
bs --db "$W" --forms "$F" check
expect_rc 1 "check of an observed hip dated before its patient's birth"
expect_out "^patient W6, right hip \(observed\): index date 1950-03-01 is before the patient's birth date 1960-01-01$" \
    "check names an observed hip's index date before the birth date"
behind_back "$W" "UPDATE hips SET index_date = '2028-01-01' WHERE observed = 1"
bs --db "$W" --forms "$F" check
expect_out "^patient W6, right hip \(observed\): index date 2028-01-01 is more than a year ahead of today \(2026-06-15\)$" \
    "and one more than a year ahead"

# --- the next-due table's stored schedule names an ending form's scope -----------------
H=$T/hipforms
cp -r "$F" "$H"
sed -i 's/^scope: patient$/scope: hip/' "$H/withdrawal.yaml"
bs --db "$T/k.db" --forms "$H" patient add K1 --name "Kay" --sex F --born 1970-01-01 &&
    bs --db "$T/k.db" --forms "$H" hip add K1 --side L --index-date 2026-03-02
bs --db "$T/k.db" --forms "$H" check
expect_rc 0 "the same form per hip: clean"
bs --db "$T/k.db" --forms "$F" check
expect_rc 1 "the form made patient-scope"
expect_out "^the next-due table was made for another schedule than the configuration's" \
    "check: the rows were computed under the per-hip form"

# --- check agrees: a laptop's scheduled visit after the ending -------------------------
"$BEDSIDE" --today "$TODAY" --forms "$F" --db "$T/laptop.db" record W1 --form vas --hip R \
    --timepoint 12m --date 2026-06-10 pain=1 >/dev/null 2>&1 &&
    ok || fail "the laptop records the right hip's 12-month visit"
fb merge "$T/laptop.db"
expect_rc 0 "merge"
fb check
expect_rc 1 "check after merging a scheduled visit dated after the patient's ending"
expect_out "^record [0-9a-f]{8} \(vas, 12m\): the right hip's follow-up ended on 2025-10-01 \(Withdrawal: Consent withdrawn\)" \
    "check names the record and the patient's ending"

t_done
