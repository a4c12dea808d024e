#!/usr/bin/env bash
# query.sh — `due`, `drafts` and `history` on a small cohort whose schedule
# states are worked out by hand for the pinned day (2026-06-15).
. "$(dirname "$0")/../lib.sh"

sql() { sqlite3 -batch "$DB" "$@"; }
setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc"; }

setup patient add D1 --name "Due Today" --sex F --born 1970-01-01
setup patient add D2 --name "Due Window" --sex M --born 1971-01-01
setup patient add D3 --name "Over Due" --sex F --born 1972-01-01
setup patient add D4 --name "Converted" --sex M --born 1973-01-01

bs due
expect_rc 0 "due with no hips"
expect_err "nothing is due" "says nothing is due"

# D1 L: day 0 today -> baseline due. D2 L: day 105 -> 3m due (window
# 05-18..06-15), 1m missed. D3 R: day 125 -> 3m overdue (closed 05-26, 6m
# opens 07-21). D4 L: like D2 but converted to THA on 2026-05-01 -> ended.
setup hip add D1 --side L --index-date 2026-06-15
setup hip add D2 --side L --index-date 2026-03-02
setup hip add D3 --side R --index-date 2026-02-10
setup hip add D4 --side L --index-date 2026-03-02
setup record D4 --form tha --hip L --date 2026-05-01 --timepoint unscheduled tha_date=2026-05-01 reason=collapse

bs due
expect_rc 0 "due"
expect_out "^MRN +NAME +SIDE +TIMEPOINT +TARGET +WINDOW +STATE +MISSING$" "due header"
expect_out "^D1 +Due Today +L +baseline +2026-06-15 +2026-05-16–2026-06-15 +due +vas,hhs,mri,procedure$" \
    "baseline due today, every form missing"
expect_out "^D2 +Due Window +L +3m +2026-06-01 +2026-05-18–2026-06-15 +due +" "3m due on its last day"
expect_out "^D3 +Over Due +R +3m +2026-05-12 +2026-04-28–2026-05-26 +overdue +" "3m overdue"
expect_no_out "^D2 .* 1m " "a missed timepoint (a later window is open) is not listed"
expect_no_out "^D4 " "a hip converted to THA has no more visits due"
order=$(tail -n +2 "$T/out" | awk '{print $1}' | tr '\n' ' ')
expect_same "$order" "D3 D2 D1 " "soonest first"

# A recorded form leaves the missing list; the window stays due.
setup record D1 --form vas --hip L pain=6.5
bs due
expect_out "^D1 .* due +hhs,mri,procedure$" "vas no longer missing"

# --within: windows opening soon. D1 1m opens 07-08 (23 days), D3 6m opens
# 07-21 (36 days), D2 6m opens 08-10 (56 days).
bs due --within 40
expect_rc 0 "due --within"
expect_out "^D1 +Due Today +L +1m +2026-07-15 +2026-07-08–2026-07-22 +upcoming +" "1m opening in 23 days"
expect_out "^D3 +Over Due +R +6m +2026-08-11 +2026-07-21–2026-09-01 +upcoming +" "6m opening in 36 days"
expect_no_out "^D2 .* 6m " "a window opening in 56 days is not within 40"
bs due --within 0
expect_no_out "upcoming" "--within 0 adds nothing that is not open today"
bs --ascii due
expect_out "2026-05-16\.\.2026-06-15" "--ascii writes the window with two dots"
bs due --within soon
expect_rc 1 "--within not a number"
expect_err "^bedside: --within: 'soon'" "names the bad value"
bs due extra
expect_rc 2 "due takes no arguments"

# --- drafts -------------------------------------------------------------------
bs drafts
expect_rc 0 "drafts when there are none"
expect_err "no open drafts" "says there are none"
# Drafts are made only by the TUI; plant two the way the store keeps them.
p1=$(sql "SELECT uuid FROM patients WHERE mrn = 'D1'")
h1=$(sql "SELECT uuid FROM hips WHERE patient = '$p1'")
p3=$(sql "SELECT uuid FROM patients WHERE mrn = 'D3'")
sql "INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, status,
       answers, entered_by, entered_at)
     VALUES ('11111111-1111-4111-8111-111111111111', '$p1', '$h1', 'baseline', '2026-06-15', 'hhs', 1,
       'draft', '{\"pain\":\"mild\",\"limp\":\"none\",\"support\":\"none\"}', 'anna', '2026-06-15T08:01:02Z'),
            ('22222222-2222-4222-8222-222222222222', '$p3', NULL, 'unscheduled', '2026-06-15',
       'satisfaction', 1, 'draft', '{}', 'ben', '2026-06-15T09:00:00Z')"
bs drafts
expect_rc 0 "drafts"
expect_out "^MRN +HIP +TIMEPOINT +FORM +ANSWERS +SAVED_BY +SAVED_AT$" "drafts header"
expect_out "^D1 +L +baseline +hhs +3 +anna +2026-06-15T08:01:02Z$" "a hip draft with 3 answers"
expect_out "^D3 +- +unscheduled +satisfaction +0 +ben +2026-06-15T09:00:00Z$" "a patient-scope draft"
bs drafts extra
expect_rc 2 "drafts takes no arguments"

# --- history ----------------------------------------------------------------------
setup record D2 --form vas --hip L --date 2026-06-01 pain=7.0
id=$(sql "SELECT substr(uuid, 1, 8) FROM records WHERE form = 'vas' AND visit_date = '2026-06-01'")
# A reason holding a terminal escape is refused (history shows what was typed,
# so nothing typed may carry one); the nurse types it plainly.
bs amend "$id" --reason $'misread \e[31mscale' pain=6.0
expect_rc 1 "a reason with ESC is refused"
expect_err "^bedside: --reason: the reason has a control character .* at character 9$" "naming where"
setup amend "$id" --reason "misread scale" pain=6.0
new=$(sql "SELECT substr(uuid, 1, 8) FROM records WHERE supersedes LIKE '$id%'")
setup void "$new" --reason "wrong patient"
bs history D2
expect_rc 0 "history"
me=$(id -un)
actions=$(awk '/^[0-9]/ {print $3}' "$T/out" | tr '\n' ' ')
expect_same "$actions" "patient hip create amend void " "every action, oldest first"
expect_out "^20[0-9-]{8}T[0-9:]{8}Z +$me +create +L 3m vas +record $id$" "create line: when, who, hip, timepoint, form, record"
expect_out "^  pain: 7\.0$" "created value"
expect_out "^  pain: 7\.0 → 6\.0$" "amended value old → new"
expect_out '^  reason: misread scale$' "amend reason"
expect_out "^  reason: wrong patient$" "void reason"
expect_out "void +L 3m vas +record $new$" "void line names the voided record"
[ "$(grep -c $'\e' "$T/out")" = 0 ] && ok || fail "history printed a raw ESC"
bs --ascii history D2
expect_out "^  pain: 7\.0 -> 6\.0$" "--ascii arrow"
bs history NOPE
expect_rc 1 "history of an unknown MRN"
expect_err "no patient with MRN 'NOPE'" "names the MRN"
bs history
expect_rc 2 "history without an MRN"

t_done
