#!/usr/bin/env bash
# demo.sh — bedside demo: deterministic by seed (whatever the batch),
# refuses a non-empty database, the cohort looks like the seeded study (with
# tolerances), and a run stopped half-way keeps whole batches and says so.
. "$(dirname "$0")/../lib.sh"

# q DB SQL — a query over CSV exports imported into an in-memory database
# (sqlite3 reads RFC 4180, so quoted commas in free text are handled).
q() {
    sqlite3 -batch -noheader :memory: \
        ".import --csv $T/all.csv a" ".import --csv $T/hhs.csv hhs" \
        ".import --csv $T/vas.csv vas" ".import --csv $T/tha.csv tha" \
        ".import --csv $T/satisfaction.csv sat" ".import --csv $T/complications.csv comp" "$1"
}
# between X LO HI DESCRIPTION — LO <= X <= HI (decimals allowed).
between() {
    if awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; then ok
    else fail "$4: $1 not in [$2, $3]"; fi
}

# --- usage ---
bs demo --help
expect_rc 0 "demo --help"
expect_out "--patients N" "help names --patients"
[ ! -e "$DB" ] && ok || fail "--help created a database"
bs demo --patients 0
expect_rc 2 "--patients 0"
expect_err "--patients" "message names the option"
bs demo --patients many
expect_rc 2 "--patients many"
bs demo --seed -3
expect_rc 2 "negative seed"
bs demo --colour
expect_rc 2 "unknown option"
bs demo extra
expect_rc 2 "stray argument"
bs demo --batch 0
expect_rc 2 "--batch 0"
expect_err "--batch" "message names the option"

# --- the cohort ---
bs demo --patients 300 --seed 5
expect_rc 0 "demo 300"
expect_out "^demo: 300 patients" "summary line"
bs export csv
expect_rc 0 "export"
cp "$T/out" "$T/all.csv"
for f in hhs vas tha satisfaction complications; do
    bs export csv --form "$f"
    cp "$T/out" "$T/$f.csv"
done
bs patient list
cp "$T/out" "$T/list1"
# Every demo patient is made through the patient_enrolment form: one current
# record each, with a BMI and the exposures, heavy drinking for the alcohol
# etiology.
pe=$(sqlite3 "$DB" "SELECT count(DISTINCT patient) || ' ' || count(*) || ' ' ||
    sum(CAST(json_extract(answers, '$.bmi') AS REAL) BETWEEN 17 AND 45) || ' ' ||
    sum(json_extract(answers, '$.smoking') IS NOT NULL)
    FROM current_records WHERE form = 'patient_enrolment' AND timepoint = 'enrolment'")
expect_same "$pe" "300 300 300 300" "one patient_enrolment record per demo patient, each with a BMI"
alc=$(sqlite3 "$DB" "SELECT count(*) FROM current_records p JOIN current_records h
    ON h.patient = p.patient AND h.form = 'hip_enrolment'
    WHERE p.form = 'patient_enrolment' AND json_extract(h.answers, '$.etiology') = 'alcohol'
    AND json_extract(p.answers, '$.alcohol') <> 'heavy'")
expect_same "$alc" 0 "a hip of the alcohol etiology belongs to a heavy drinker"
# What the demo makes passes every check a real database must (plausible
# who and when: nothing entered after today). Today is put after the real
# clock, which check would otherwise take as the later "today". Seed 3 at
# 300 patients has bilateral patients whose 24-month satisfaction (a
# patient-scope form) is late for the first hip but inside the second hip's
# window: not marked out of window, as entry would not mark it (check names
# a mark on a record inside its window).
DBF=$T/future.db
"$BEDSIDE" --db "$DBF" --today 2031-01-15 demo --patients 300 --seed 3 >/dev/null 2>&1
"$BEDSIDE" --db "$DBF" --today 2031-01-15 check >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "check on the demo cohort"
expect_out "no problems found" "check says so"

# Determinism: the same seed and today give byte-identical exports, however
# many patients each transaction saves.
DB2=$T/second.db
"$BEDSIDE" --db "$DB2" --today "$TODAY" demo --patients 300 --seed 5 --batch 7 >/dev/null 2>&1
"$BEDSIDE" --db "$DB2" --today "$TODAY" export csv >"$T/all2.csv" 2>/dev/null
# Without the uuids, which are random by design.
nouuid() { python3 "$TOP/tests/cli/csvtool.py" drop "$1" record_id patient_id hip_id 2>/dev/null; }
if cmp -s <(nouuid "$T/all.csv") <(nouuid "$T/all2.csv"); then ok; else fail "same seed, different export"; fi
"$BEDSIDE" --db "$DB2" --today "$TODAY" patient list >"$T/list2" 2>/dev/null
if cmp -s "$T/list1" "$T/list2"; then ok; else fail "same seed, different patient list"; fi
# A different seed gives a different cohort.
DB3=$T/third.db
"$BEDSIDE" --db "$DB3" --today "$TODAY" demo --patients 300 --seed 6 >/dev/null 2>&1
"$BEDSIDE" --db "$DB3" --today "$TODAY" export csv >"$T/all3.csv" 2>/dev/null
if [ -s "$T/all3.csv" ] && ! cmp -s <(nouuid "$T/all.csv") <(nouuid "$T/all3.csv"); then ok
else fail "seed 6 gave the same export as seed 5"; fi

# Patients: MRNs, ~70 % male, ~25 % bilateral, some non-ASCII names.
n=$(grep -c '^D[0-9]\{6\} ' "$T/list1")
expect_same "$n" 300 "patients listed"
bilateral=$(grep -c 'L+R' "$T/list1")
between "$bilateral" 48 105 "bilateral patients of 300 (~25 %)"
male=$(grep -cE '^D[0-9]{6} .* M ' "$T/list1")
between "$male" 180 240 "male patients of 300 (~70 %)"
grep -q "$(printf '\xc3')\|$(printf '\xc5')" "$T/list1" && ok || fail "no non-ASCII names"

# Trajectories like the study: VAS 7.8 -> ~2, HHS ~55 -> ~84.
between "$(q "select avg(pain) from vas where timepoint='baseline'")" 7.2 8.4 "baseline VAS"
between "$(q "select avg(pain) from vas where timepoint='3m'")" 3.6 5.0 "3m VAS"
between "$(q "select avg(pain) from vas where timepoint='24m'")" 1.2 3.0 "24m VAS"
between "$(q "select avg(total) from hhs where timepoint='baseline'")" 50 59 "baseline HHS"
between "$(q "select avg(total) from hhs where timepoint='6m'")" 67 78 "6m HHS"
between "$(q "select avg(total) from hhs where timepoint='24m'")" 78 90 "24m HHS"
# Every timepoint of the schedule has records, and nothing has a total
# that the form's points could not give.
expect_same "$(q "select count(distinct timepoint) from hhs where timepoint <> 'unscheduled'")" 7 \
    "timepoints with HHS"
expect_same "$(q "select count(*) from hhs where total+0 < 0 or total+0 > 100")" 0 "HHS in 0..100"
# Hip replacements happen, end follow-up: no HHS after a hip's THA date.
between "$(q "select count(*) from tha")" 5 60 "hip replacements"
expect_same "$(q "select count(*) from hhs h join tha t on h.mrn = t.mrn and h.hip = t.hip
                  where h.visit_date > t.tha_date")" 0 "no visit after THA"
# ~15 % of hips report a complication, mostly mild (grade i).
hips=$(q "select count(distinct mrn || hip) from hhs where timepoint='baseline'")
comp=$(q "select count(distinct mrn || hip) from comp where events <> 'none'")
between "$(awk -v c="$comp" -v h="$hips" 'BEGIN { print c / h }')" 0.07 0.24 "hips with a complication"
between "$(q "select 1.0 * sum(grade = 'i') / count(*) from comp where events <> 'none'")" 0.7 1 \
    "mostly grade I"
# Satisfaction is per patient: at most one per patient and timepoint.
expect_same "$(q "select count(*) from (select mrn, timepoint from sat group by 1, 2
                  having count(*) > 1)")" 0 "satisfaction once per patient"
# Some visits outside their window, some missed: not every hip is complete.
late=$(q "select count(*) from vas v join vas b on v.mrn = b.mrn and v.hip = b.hip
          and b.timepoint = 'baseline' where v.timepoint = '1m'
          and julianday(v.visit_date) - julianday(b.visit_date) > 37")
between "$late" 1 60 "late 1m visits"
# Nurses and entry dates look real.
between "$(q "select count(distinct entered_by) from a")" 3 10 "nurse logins"
expect_same "$(q "select count(*) from a where substr(entered_at, 1, 10) < visit_date")" 0 \
    "entered on or after the visit"

# Patients at every stage of follow-up: due has content, show works.
bs due
expect_rc 0 "due"
expect_out " due " "some visits are due"
expect_out "overdue" "some visits are overdue"
bs show D000001
expect_rc 0 "show D000001"
expect_out "D000001" "show names the patient"

# --- refusals: never mix synthetic and real data ---
before=$(db_sum)
bs demo --patients 5 --seed 9
expect_rc 1 "demo on a demo database"
expect_err "already holds a demo cohort .or part of one, if a run was stopped.; delete it" \
    "refusal says why"
expect_same "$(db_sum)" "$before" "database unchanged by the refusal"

DB=$T/real.db
export BEDSIDE_DB=$DB
bs patient add H123 --name "Real Person" --sex F --born 1970-03-04
expect_rc 0 "a real patient"
before=$(db_sum)
bs demo --patients 5
expect_rc 1 "demo on a database with a real patient"
expect_err "already holds patients" "refusal names the reason"
expect_same "$(db_sum)" "$before" "real database unchanged"

# --- stopped half-way: whole batches stay, the file is an incomplete demo ---
DB=$T/stopped.db
export BEDSIDE_DB=$DB
"$BEDSIDE" --today "$TODAY" demo --patients 20000 --seed 2 --batch 10 >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 1 600); do
    n=$(sqlite3 "$DB" "SELECT count(*) FROM patients" 2>/dev/null)
    [ "${n:-0}" -ge 30 ] && break
    sleep 0.1
done
# SIGTERM: a script's background job ignores SIGINT (Ctrl-C), and so does
# the demo then, as it keeps any signal it inherits ignored.
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_rc 1 "SIGTERM stops the demo with an error"
saved=$(sqlite3 "$DB" "SELECT count(*) FROM patients")
expect_err "^bedside: demo: interrupted after [0-9]* of 20000 patients; .*stopped.db now holds the first $saved of the 20000 demo patients .saved 10 at a time., part of a cohort: delete it and run demo again" \
    "saying how many patients were saved, and what to do"
[ "$saved" -ge 30 ] && [ $((saved % 10)) = 0 ] && ok ||
    fail "whole batches of 10 are saved, at least 3: $saved"
expect_same "$(sqlite3 "$DB" "SELECT max(mrn) FROM patients")" "$(printf 'D%06d' "$saved")" \
    "the first patients, in order"
# The batches after the first are unjournalled: the one stopped is dropped
# from memory, the file is sound, and back in WAL mode.
expect_same "$(sqlite3 "$DB" "PRAGMA integrity_check")" ok "the stopped file is sound"
expect_same "$(sqlite3 "$DB" "PRAGMA journal_mode")" wal "the stopped file is in WAL mode again"
# Part of a cohort is never taken for a database: every command refuses it.
before=$(db_sum)
bs check
expect_rc 1 "check refuses the stopped file"
expect_err "stopped.db holds an incomplete demo cohort: .*delete it and run demo again" \
    "check says it is an incomplete demo"
bs patient list
expect_rc 1 "patient list refuses the stopped file"
expect_err "holds an incomplete demo cohort" "patient list says why"
bs demo --patients 5
expect_rc 1 "demo again on the stopped file"
expect_err "holds an incomplete demo cohort: .*delete it and run demo again" \
    "refused, saying why"
expect_same "$(db_sum)" "$before" "the stopped file unchanged by the refusals"

t_done
