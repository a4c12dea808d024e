#!/usr/bin/env bash
# record.sh — `record`, `amend` and `void` with the shipped forms: scores
# printed, timepoints inferred, and every bad input of issue 3 §5 refused
# with a message, a non-zero exit and the database unchanged.
. "$(dirname "$0")/../lib.sh"

# saved_id — the record id that the last record/amend reported.
saved_id() { sed -nE 's/^bedside: (saved|amended as) record ([0-9a-f]{8}).*/\2/p' "$T/err" | tail -1; }
sql() { sqlite3 -batch "$DB" "$@"; }

HHS=(pain=slight limp=none support=cane_long_walks distance=six_blocks stairs=railing
    shoes_socks=ease sitting=ordinary_chair public_transport=able
    flexion_contracture_lt30=yes adduction_lt10=yes internal_rotation_lt10=yes
    limb_length_lt32=yes flexion=90 abduction=10 adduction=10 external_rotation=10
    internal_rotation=5)

bs patient add R1 --name "Rec One" --sex F --born 1970-05-04 &&
    bs hip add R1 --side L --index-date 2026-03-02 &&
    bs hip add R1 --side R --index-date 2026-06-01 &&
    bs patient add R2 --name "Rec Two" --sex M --born 1980-01-01 &&
    bs hip add R2 --side L --index-date 2025-06-15
[ "$rc" = 0 ] && ok || fail "setup"

# --- a complete HHS: scores in form order, timepoint from the date -----------
bs record R1 --form hhs --hip L --date 2026-06-01 "${HHS[@]}"
expect_rc 0 "record a complete HHS"
expect_out "^total=86\.3$" "HHS total with one decimal (clinical.md worked example)"
expect_out "^mhhs=85\.8$" "modified HHS"
expect_out "^pain_points=40$" "pain points"
[ "$(grep -vcE '^[a-z_]+=' "$T/out")" = 0 ] && ok || fail "stdout holds only ID=VALUE lines"
order=$(cut -d= -f1 "$T/out" | tr '\n' ' ')
want=$(sed -n '/^scores:/,$p' "$TOP/forms/hhs.yaml" | sed -nE 's/^  - id: *([a-z_]+).*/\1/p' | tr '\n' ' ')
expect_same "$order" "$want" "scores printed in the form's order"
hhs_id=$(saved_id)
[ -n "$hhs_id" ] && ok || fail "record reports the saved record's id on stderr"
row=$(sql "SELECT timepoint || '|' || visit_date || '|' || status || '|' || entered_by
           FROM records WHERE uuid LIKE '$hhs_id%'")
expect_same "$row" "3m|2026-06-01|final|$(id -un)" "timepoint 3m inferred (day 91), login recorded"

# Outside every window: unscheduled. An explicit timepoint is kept.
bs record R1 --form vas --hip L --date 2026-05-01 pain=4.0
expect_rc 0 "VAS on day 60"
expect_out "^vas=4\.0$" "VAS score printed with its decimal"
expect_same "$(sql "SELECT timepoint FROM records WHERE uuid LIKE '$(saved_id)%'")" unscheduled \
    "a date outside every window is unscheduled"
bs record R1 --form vas --hip L --date 2026-05-02 pain=4.5
expect_rc 0 "a second unscheduled VAS is allowed"
bs record R1 --form vas --hip L --date 2026-04-01 --timepoint 1m pain=6.0
expect_rc 0 "explicit timepoint"
vas_1m=$(saved_id)
expect_same "$(sql "SELECT timepoint FROM records WHERE uuid LIKE '$vas_1m%'")" 1m "explicit timepoint kept"
# Today is the default date.
bs record R1 --form vas --hip R pain=5
expect_rc 0 "VAS without --date"
expect_same "$(sql "SELECT visit_date || '|' || timepoint FROM records WHERE uuid LIKE '$(saved_id)%'")" \
    "2026-06-15|unscheduled" "date defaults to today (day 14: no window)"

# Days before 1970 are negative numbers inside bedside: still real dates.
bs patient add OLD1 --name "Old Record" --sex M --born 1930-02-01 &&
    bs hip add OLD1 --side R --index-date 1965-03-01
bs record OLD1 --form vas --hip R --date 1965-03-01 pain=3.0
expect_rc 0 "a visit in 1965"
expect_same "$(sql "SELECT timepoint FROM records WHERE uuid LIKE '$(saved_id)%'")" baseline \
    "a 1965 visit on the index date is the baseline"
refused 1 "a 1965 visit before the 1965 baseline window" \
    "before the hip's first visit window opens \(1965-01-30; index date 1965-03-01\)" \
    record OLD1 --form vas --hip R --date 1965-01-29 pain=3.0
bs patient add NOHIP --name "No Hip" --sex F --born 1980-01-01
bs record NOHIP --form satisfaction rating=satisfied
expect_rc 0 "a patient-scope form for a patient without hips"
expect_same "$(sql "SELECT timepoint FROM records WHERE uuid LIKE '$(saved_id)%'")" unscheduled \
    "no hip, no schedule: unscheduled"

# --- duplicate final: refused, naming the record, suggesting amend -------------
refused 1 "duplicate final record" "already recorded" \
    record R1 --form vas --hip L --date 2026-04-02 --timepoint 1m pain=5.0
expect_err "${vas_1m}" "the refusal names the existing record"
expect_err "amend" "the refusal says how to amend instead"

# --- every bad input ------------------------------------------------------------
refused 1 "unknown MRN" "no patient with MRN 'NOPE'" record NOPE --form vas --hip L pain=1
refused 1 "unknown form" "unknown form 'hhz'" record R1 --form hhz --hip L pain=none
refused 1 "unknown field" "hhs\.painn: unknown field" record R1 --form hhs --hip L painn=none
refused 1 "unknown option code" "hhs\.pain: .*terrible" \
    record R1 --form hhs --hip L --date 2026-06-02 "${HHS[@]/pain=slight/pain=terrible}"
refused 1 "out-of-range number" "hhs\.flexion: " \
    record R1 --form hhs --hip L --date 2026-06-02 "${HHS[@]/flexion=90/flexion=200}"
refused 1 "too many decimals" "vas\.pain: " record R2 --form vas --hip L pain=7.25
refused 1 "not a number" "vas\.pain: " record R2 --form vas --hip L pain=seven
refused 1 "missing required field" "hhs\.pain: " \
    record R2 --form hhs --hip L "${HHS[@]:1}"
refused 1 "hip-scope form without --hip" "per hip.*--hip" record R2 --form vas pain=3
refused 1 "a hip the patient lacks" "no right hip" record R2 --form vas --hip R pain=3
refused 1 "bad visit date" "--date: '2026-06-31' is not a valid date" \
    record R2 --form vas --hip L --date 2026-06-31 pain=3
refused 1 "future visit date" "in the future" record R2 --form vas --hip L --date 2026-06-16 pain=3
refused 1 "unknown timepoint" "unknown timepoint '5m'" record R2 --form vas --hip L --timepoint 5m pain=3
# The shipped schedule's baseline window opens 30 days before day 0: a
# pre-operative assessment keeps its real date and is filed as baseline.
bs record R2 --form vas --hip L --date 2025-05-20 pain=6.0
expect_rc 0 "a visit inside the baseline window before day 0"
bs export csv --form vas
expect_out "^R2,L,baseline,2025-05-20,vas," "filed as baseline with its real date"
refused 1 "before the baseline window opens" "before the hip's first visit window opens \(2025-05-16; index date 2025-06-15\)" \
    record R2 --form vas --hip L --date 2025-05-15 pain=6.0
# A schedule with a zero-width baseline: nothing before the index date.
sed -e 's/id: baseline, label: Baseline,  day: 0,   before: 30,/id: baseline, label: Baseline,  day: 0,   before: 0, /' \
    -e "s|^forms: ../forms|forms: $TOP/forms|" "$TOP/config/bedside.yaml" >"$T/zero.yaml"
grep -q 'before: 0,  after: 0' "$T/zero.yaml" && ok || fail "setup: a zero-width baseline in $T/zero.yaml"
refused 1 "visit before the index date" "before the hip's index date 2025-06-15" \
    --config "$T/zero.yaml" record R2 --form hhs --hip L --date 2025-06-14 "${HHS[@]}"
refused 1 "a score given as an answer" "hhs\.total: is a score" \
    record R2 --form hhs --hip L "${HHS[@]}" total=100
refused 1 "exclusive option with another" "complications\.events: " \
    record R2 --form complications --hip L events=none,hematoma
refused 1 "the same field twice" "vas\.pain: given twice" record R2 --form vas --hip L pain=3 pain=4
refused 2 "an argument that is not FIELD=VALUE" "expected FIELD=VALUE, got 'pain'" \
    record R2 --form vas --hip L pain
refused 2 "record without --form" "--form is required" record R2 pain=3
refused 2 "record without MRN" "MRN" record
refused 2 "--hip without a value" "option '--hip' needs a value" record R2 --form vas pain=3 --hip

# Every problem is reported, not only the first.
before=$(db_sum)
bs record R2 --form hhs --hip L "${HHS[@]:1}" flexion=200 painn=x
expect_rc 1 "several problems"
n=$(grep -cE '^bedside: hhs\.(pain|flexion|painn): ' "$T/err")
expect_same "$n" 3 "each of the three problems printed"
expect_same "$(db_sum)" "$before" "several problems: nothing saved"

# show_if: an answer to a hidden field is dropped, not an error.
bs record R2 --form complications --hip L --date 2025-07-15 events=hematoma other_text=ignored grade=I
expect_rc 0 "complications with a hidden other_text"
expect_out "^count=1$" "one complication counted"
cu=$(saved_id)
expect_same "$(sql "SELECT json_extract(answers, '$.other_text') IS NULL FROM records WHERE uuid LIKE '$cu%'")" 1 \
    "the hidden answer is not stored"

# A database file that is not bedside's.
echo "just some notes" >"$T/notes.txt"
sum=$(md5sum <"$T/notes.txt")
bs --db "$T/notes.txt" record R1 --form vas --hip L pain=3
[ "$rc" = 1 ] && ok || fail "record into a text file: exit $rc"
expect_err "^bedside: .*notes\.txt.*not a bedside database" "names the file and why"
expect_same "$(md5sum <"$T/notes.txt")" "$sum" "the foreign file is unchanged"
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
sum=$(sqlite3 "$T/other.db" .dump | md5sum)
bs --db "$T/other.db" patient add X1 --name A --sex F --born 1970-01-01
[ "$rc" = 1 ] && ok || fail "patient add into another program's SQLite file: exit $rc"
expect_err "not a bedside database" "another SQLite file refused"
expect_same "$(sqlite3 "$T/other.db" .dump | md5sum)" "$sum" "another SQLite file unchanged"

# --- amend ------------------------------------------------------------------------
bs amend "$vas_1m" --reason "scale misread" pain=2.5
expect_rc 0 "amend by an 8-character prefix"
expect_out "^vas=2\.5$" "amend prints the new scores"
new=$(saved_id)
expect_same "$(sql "SELECT substr(supersedes, 1, 8) || '|' || reason || '|' || timepoint FROM records WHERE uuid LIKE '$new%'")" \
    "$vas_1m|scale misread|1m" "the amendment supersedes the old record, keeps its timepoint"
refused 1 "amending a superseded record" "already amended; the current version is record" amend "$vas_1m" --reason "again" pain=3.0
refused 2 "amend without a reason" "--reason is required" amend "$new" pain=3.0
refused 1 "amend with a blank reason" "reason" amend "$new" --reason "   " pain=3.0
refused 1 "amend an unknown record" "no record 'deadbeef'" amend deadbeef --reason x pain=3.0
refused 1 "amend with a short prefix" "8" amend "${new:0:4}" --reason x pain=3.0
refused 1 "amend with an invalid value" "vas\.pain: " amend "$new" --reason x pain=11
refused 1 "amend clearing a required field" "vas\.pain: " amend "$new" --reason x pain=
refused 1 "amend an unknown field" "vas\.pian: unknown field" amend "$new" --reason x pian=3
refused 2 "amend with no change" "FIELD=VALUE" amend "$new" --reason x
bs amend "$hhs_id" --reason "flexion re-measured" flexion=110
expect_rc 0 "amend HHS: change one value"
# flexion 45 + 27 + 6, abduction 8, external rotation 4, adduction 2 = 92 -> 4.6
expect_out "^total=86\.6$" "amended HHS recomputed from the changed answer"

# --- a patient-scope form ------------------------------------------------------------
refused 1 "patient-scope form with --hip" "per patient.*leave out --hip" \
    record R1 --form satisfaction --hip L rating=satisfied
bs record R1 --form satisfaction rating=satisfied "comment=fine, thanks"
expect_rc 0 "a patient-scope form"
expect_out "^satisfaction=4$" "satisfaction score"
sat=$(saved_id)
expect_same "$(sql "SELECT timepoint || '|' || ifnull(hip, 'none') FROM records WHERE uuid LIKE '$sat%'")" \
    "3m|none" "timepoint from the earliest hip's index date (day 105 of 2026-03-02), no hip"
bs amend "$sat" --reason "patient withdrew the comment" comment=
expect_rc 0 "amend clearing an optional answer"
expect_same "$(sql "SELECT json_extract(answers, '$.comment') IS NULL FROM records WHERE supersedes LIKE '$sat%'")" 1 \
    "the cleared answer is gone from the new version"

# --- void ---------------------------------------------------------------------------
refused 2 "void without a reason" "--reason is required" void "$new"
bs void "$new" --reason "entered for the wrong hip"
expect_rc 0 "void with a reason"
expect_out "voided record ${new}" "void confirms which record"
refused 1 "void a void record again" "cannot void record ${new:0:8}: it is already void" \
    void "$new" --reason "twice"
refused 1 "void an unknown record" "no record" void 00000000 --reason x

# --- help without a database -------------------------------------------------------
for cmd in record amend void; do
    "$BEDSIDE" --db "$T/none.db" $cmd --help >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 0 "$cmd --help"
    expect_out "^usage: bedside $cmd" "$cmd --help on stdout"
done
[ ! -e "$T/none.db" ] && ok || fail "--help created a database"

t_done
