#!/usr/bin/env bash
# r_check.sh — every figure of `bedside report --csv` against R: demo
# cohorts of 46, 300 and 3,000 patients; the raw data are taken from the
# database with the sqlite3 shell (its own SQL for "current record", the
# endpoint and the last record; a per-patient score goes with the patient's
# first hip) and R recomputes survfit (log-log CI), survdiff, t.test,
# wilcox.test, means and SDs (tests/report/r_check.R).
. "$(dirname "$0")/../lib.sh"

if ! command -v Rscript >/dev/null || ! Rscript -e 'library(survival)' >/dev/null 2>&1; then
    fail "R with the survival package is missing (make check installs r-base-core, r-cran-survival)"
    t_done; exit
fi

CURANY="r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n
     WHERE n.supersedes = r.uuid AND n.status IN ('final','void'))"
CUR="r.hip IS NOT NULL AND $CURANY"

raw_data() {   # DB DIR
    sqlite3 -header -csv "$1" "
      SELECT h.uuid, p.uuid AS patient, p.mrn, h.side, h.index_date, p.born, h.stage,
             h.involvement,
             (SELECT min(json_extract(r.answers, '\$.tha_date')) FROM records r
               WHERE r.hip = h.uuid AND r.form = 'tha' AND $CUR) AS end_date,
             (SELECT max(r.visit_date) FROM records r WHERE r.hip = h.uuid AND $CUR) AS last_date
      FROM hips h JOIN patients p ON p.uuid = h.patient" >"$2/raw_hips.csv"
    sqlite3 -header -csv "$1" "
      SELECT coalesce(r.hip, (SELECT h.uuid FROM hips h WHERE h.patient = r.patient
                              ORDER BY h.index_date, h.side LIMIT 1)) AS hip,
             r.timepoint, r.form, s.score, s.value, r.visit_date
      FROM records r JOIN scores s ON s.record = r.uuid
      WHERE $CURANY AND r.timepoint <> 'unscheduled'" >"$2/raw_scores.csv"
}

# Under the sanitizers (10x slower) the 3,000-patient cohort is left out:
# there the point is memory errors, and the figures are the same code's.
sizes="46 300 3000"
[ -n "${SANITIZE:-}" ] && sizes="46 300"
for n in $sizes; do
    db=$T/demo$n.db out=$T/csv$n
    "$BEDSIDE" --today "$TODAY" --db "$db" demo --patients "$n" --seed 7 >/dev/null 2>"$T/err" \
        && ok || fail "demo --patients $n"
    bs --db "$db" report --csv "$out" --by stage
    expect_rc 0 "report --csv on $n patients"
    raw_data "$db" "$out"
    Rscript "$TOP/tests/report/r_check.R" "$out" >"$T/r.out" 2>&1
    line=$(tail -1 "$T/r.out")
    if [[ $line =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -gt 100 ]; then ok
    else fail "R disagrees on $n patients: $line"; grep -m 20 MISMATCH "$T/r.out"; tail -5 "$T/r.out"; fi
done

t_done
