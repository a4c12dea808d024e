#!/usr/bin/env bash
# rand36.sh — the shipped RAND-36 through the real binary: scores as RAND's
# rule gives them (tests/unit/test_form_rand36.c has the full cases), items
# left blank, a bad answer refused, and the trend view showing the eight
# scales only for a patient who has a RAND-36 record.
. "$(dirname "$0")/../lib.sh"

bs patient add Q1 --name "Quinn One" --sex M --born 1975-02-03 &&
    bs hip add Q1 --side L --index-date 2026-05-16 &&
    bs patient add Q2 --name "Quinn Two" --sex M --born 1971-07-08 &&
    bs hip add Q2 --side R --index-date 2026-05-16
[ "$rc" = 0 ] && ok || fail "setup"

# No RAND-36 in the first study's schedule and no record: no empty columns.
bs show Q1
expect_rc 0 "show without a RAND-36 record"
expect_no_out "Physical functioning" "no RAND-36 columns without a record"
bs report
expect_rc 0 "report with no record"
expect_out "^VAS pain: VAS pain by visit$" "report: the scheduled forms' tables"
expect_no_out "^RAND 36-Item" "report: no RAND-36 tables where the protocol and the records have none"

# The unit test's mixed patient with some items left blank (1, 3, 9, 18, 20,
# 21, 32): PF 450/8 = 56.25 -> 56.3, RP 25, RE 200/2 = 100, EF 40, EWB 76,
# SF no item -> NA, pain 50, GH 175/4 = 43.75 -> 43.8, change 75.
args=(q2=2 q4=2 q5=2 q6=1 q7=2 q8=2 q10=2 q11=3 q12=3 q13=1 q14=1 q15=2 q16=1
    q17=2 q19=2 q22=3 q23=4 q24=5 q25=6 q26=2 q27=3 q28=4 q29=3 q30=3 q31=2
    q33=2 q34=3 q35=4 q36=4)
bs record Q1 --form rand36 "${args[@]}"
expect_rc 0 "record a partly answered RAND-36"
expect_same "$(tr '\n' ' ' <"$T/out")" "physical_functioning=56.3 role_physical=25.0 \
role_emotional=100.0 energy_fatigue=40.0 emotional_wellbeing=76.0 social_functioning=NA \
pain=50.0 general_health=43.8 health_change=75 " "the nine scores, in form order"
bs show Q1
expect_out "Physical functioning" "the trend view shows the scales once recorded"
expect_out "56\.3" "physical functioning in the trend view"
bs show Q2
expect_no_out "Physical functioning" "another patient still has no RAND-36 columns"

# On paper, items 13 and 17 ask the same words under two headings; the
# section titles tell them apart, and long questions wrap within 80 columns.
bs print Q1
expect_rc 0 "print a patient with a RAND-36"
sed -n '/^      Physical health and work$/,/^      Social/p' "$T/out" >"$T/sec"
grep -A1 "^      Physical health and work$" "$T/sec" |
    grep -q "^        Cut down the amount of time you spent on work or other activities: Yes$" &&
    ok || fail "item 13 under its heading (physical health)"
grep -A1 "^      Emotional problems and work$" "$T/sec" |
    grep -q "^        Cut down the amount of time you spent on work or other activities: No$" &&
    ok || fail "item 17 under its heading (emotional problems)"
widest=$(LC_ALL=C.UTF-8 wc -L <"$T/out")
expect_same "$widest" 80 "no printed line wider than 80 columns"
expect_out "^            took extra effort\): Yes$" "a long question wraps under itself"

# An answer outside the item's codes is refused and nothing is saved.
refused 1 "a code the item lacks" "rand36\.q13: .*" record Q2 --form rand36 q1=1 q13=3
refused 1 "an unknown item" "rand36\.q37" record Q2 --form rand36 q37=1

# --- the second study's protocol, config/examples/trial-003.yaml -------------
C3=$TOP/config/examples/trial-003.yaml
bs --config "$C3" forms check
expect_rc 0 "trial-003 example passes forms check"
expect_out "^11 forms OK$" "trial-003 example passes forms check"
bs --config "$C3" patient add S3 --name "Sam Three" --sex M --born 1966-01-01 &&
    bs --config "$C3" hip add S3 --side R --index-date 2026-05-16 stage_system=arco stage=II
expect_rc 0 "trial-003 setup"
# Baseline questionnaires may be taken up to four weeks before the injection.
bs --config "$C3" record S3 --form rand36 --date 2026-04-20 q1=4 q3=1
expect_rc 0 "a RAND-36 26 days before day 0"
expect_out "^physical_functioning=0\.0$" "one item answered: the scale is that item"
expect_out "^general_health=25\.0$" "general health from item 1 alone"
sqlite3 "$DB" "SELECT timepoint FROM records WHERE form = 'rand36' AND visit_date = '2026-04-20'" >"$T/out"
expect_out "^baseline$" "26 days before day 0 is the baseline visit"
# Today (2026-06-15) the 1-month visit is due with all four of its forms.
bs --config "$C3" due
expect_out "^S3 .* 1m .*vas,hhs,rand36,complications" "1 month due with VAS, HHS, RAND-36, complications"
bs --config "$C3" show S3
expect_out "^Baseline .*  0\.0" "the baseline RAND-36 in the trend view"
expect_out "Bodily pain" "every scale is a column under this protocol"

# --- the demo under trial-003: RAND-36 records shaped like seed 003's Table 1
DB=$T/demo3.db
export BEDSIDE_DB=$DB
bs --config "$C3" demo --patients 120 --seed 3
expect_rc 0 "demo with the trial-003 protocol"
mean() {  # mean of score $1 of the current RAND-36 records at timepoint $2
    sqlite3 "$DB" "SELECT round(avg(s.value), 1) FROM current_records r
                   JOIN scores s ON s.record = r.uuid
                   WHERE r.form = 'rand36' AND s.score = '$1' AND r.timepoint = '$2'"
}
n=$(sqlite3 "$DB" "SELECT count(*) FROM current_records WHERE form = 'rand36'
                   AND timepoint IN ('baseline', '1m', '3m', '6m', '12m')")
[ "$n" -gt 300 ] && ok || fail "RAND-36 records at every visit ($n)"
pf0=$(mean physical_functioning baseline) pf12=$(mean physical_functioning 12m)
rp0=$(mean role_physical baseline) rp12=$(mean role_physical 12m)
gh0=$(mean general_health baseline) gh12=$(mean general_health 12m)
echo "demo RAND-36 means, baseline -> 12m: PF $pf0 -> $pf12, RP $rp0 -> $rp12, GH $gh0 -> $gh12"
# Table 1: PF 38.75 -> 52.50, RP 0 -> 43.75, GH 38.75 -> 57.50.
awk -v a="$pf0" -v b="$pf12" 'BEGIN { exit !(a > 32 && a < 46 && b > 46 && b < 60) }' &&
    ok || fail "physical functioning rises from about 39 to about 52 ($pf0 -> $pf12)"
awk -v a="$rp0" -v b="$rp12" 'BEGIN { exit !(a < 12 && b > 35 && b < 53) }' &&
    ok || fail "role physical rises from about 0 to about 44 ($rp0 -> $rp12)"
awk -v a="$gh0" -v b="$gh12" 'BEGIN { exit !(a > 32 && a < 46 && b > 50 && b < 65) }' &&
    ok || fail "general health rises from about 39 to about 57 ($gh0 -> $gh12)"
nulls=$(sqlite3 "$DB" "SELECT count(*) FROM current_records r WHERE r.form = 'rand36' AND
                       (SELECT count(*) FROM scores s WHERE s.record = r.uuid) < 8")
[ "$nulls" = 0 ] && ok || fail "a demo RAND-36 misses at most one scale ($nulls miss more)"
bs --config "$C3" check
expect_rc 0 "check recomputes every demo RAND-36 score from its answers"

# bedside report: a table per scale, each patient counted once.
bs --config "$C3" report
expect_rc 0 "report under the trial-003 protocol"
grep -A4 "^RAND 36-Item Health Survey: Physical functioning by visit$" "$T/out" >"$T/pf"
read -r n0 m0 < <(sqlite3 -separator ' ' "$DB" "SELECT count(*), round(avg(s.value), 2)
    FROM current_records r JOIN scores s ON s.record = r.uuid WHERE r.form = 'rand36'
    AND r.timepoint = 'baseline' AND s.score = 'physical_functioning'")
m0=$(printf '%.2f' "$m0")
grep -qE "^Baseline +$n0 +$m0 ±" "$T/pf" && ok ||
    fail "report: physical functioning at baseline, n = $n0 patients, mean $m0"
expect_out "^RAND 36-Item Health Survey: Role physical by visit$" "report: role physical"
expect_out "each patient once, with the patient's first hip" "report says how patients count"

t_done
