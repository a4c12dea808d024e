#!/usr/bin/env bash
# print_pdf.sh — bedside print MRN --pdf / --svg / --png and --lpr with
# print_format: pdf (issue 11): the fixed bilateral patient of the report
# tests under a name with letters beyond Latin-1; every page's head and
# foot, every line of the text summary in the PDF, page 1 not blank; in
# the SVG charts one point per recorded visit at its day and value (read
# from the database, the amended value in place of the original), the
# baseline and MCID lines, the missed visit and the conversion to THA; a
# hostile name never raw; bad input.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/report/fixture.sh"
CHK="python3 $TOP/tests/report/charts.py"
export SOURCE_DATE_EPOCH=1781481600   # 2026-06-15 00:00 UTC: the foot is fixed
NAME="Zoë Łukasz-Dvořák"

rpt_patient RPT-1 "$NAME"
sum=$(db_sum)

bs print RPT-1 --pdf "$T/a.pdf" -o "$T/a.txt"
expect_rc 2 "--pdf with -o"
expect_err "exclude each other" "message says why"
bs print RPT-1 --svg "$T/s" --lpr
expect_rc 2 "--svg with --lpr"
bs print NOPE --pdf "$T/nope.pdf"
expect_rc 1 "unknown MRN"
expect_err "no patient with MRN 'NOPE'" "message names the MRN"
[ ! -e "$T/nope.pdf" ] && ok || fail "a file was written for an unknown MRN"

# --- the PDF ----------------------------------------------------------------
bs print RPT-1 --pdf "$T/p.pdf"
expect_rc 0 "print --pdf"
pages=$(pdfinfo "$T/p.pdf" 2>/dev/null | sed -nE 's/^Pages: +([0-9]+)$/\1/p')
[ "${pages:-0}" -ge 3 ] && ok || fail "the PDF has ${pages:-no} pages; want the summary and 2 hips' charts on 3 or more"
pdfinfo "$T/p.pdf" | grep -qE '\(A4\)' && ok || fail "A4 by default"
for k in $(seq 1 "${pages:-1}"); do
    pdftotext -layout -f "$k" -l "$k" "$T/p.pdf" "$T/page.txt"
    head -2 "$T/page.txt" | grep -qF "MRN RPT-1 · born 1968-04-12 · $NAME" && ok ||
        fail "page $k: head lacks MRN, birth date and name: $(head -1 "$T/page.txt")"
    grep -qE "^Printed 2026-06-15 00:00 UTC by .* · bedside [0-9.]+ +Page $k of $pages\$" "$T/page.txt" && ok ||
        fail "page $k: foot lacks 'Printed …' and 'Page $k of $pages'"
done
pdftotext -layout "$T/p.pdf" "$T/p.txt"
bs print RPT-1
# The text summary's lines but its own running heads, rules and page feet.
grep -vE '^(MRN RPT-1 · born|Printed |─+$| +Page [0-9]+ of [0-9]+$)' "$T/out" | tr -d '\f' >"$T/text.txt"
$CHK lines "$T/text.txt" "$T/p.txt" >"$T/chk" && ok || { fail "the PDF lacks lines of the text summary:"; cat "$T/chk"; }
for s in "Reviewed by" "LEFT HIP" "RIGHT HIP" "THA: Converted to THA on 2025-06-10" \
    "Left hip: VAS pain" "Right hip: HHS total" "Months from the index date"; do
    grep -qF "$s" "$T/p.txt" && ok || fail "the PDF lacks '$s'"
done
pdftoppm -png -r 40 -f 1 -l 1 "$T/p.pdf" "$T/pg"
$CHK ink "$T"/pg*1.png >"$T/chk" && ok || { fail "page 1 renders blank:"; cat "$T/chk"; }
expect_same "$(db_sum)" "$sum" "printing changes nothing"

# --- SVG: the points are the visits ------------------------------------------
bs print RPT-1 --svg "$T/svg"
expect_rc 0 "print --svg"
for f in left-vas-vas left-hhs-total right-vas-vas right-hhs-total; do
    [ -f "$T/svg/$f.svg" ] && ok || fail "$f.svg written"
done
# visits SIDE FORM SCORE — [day, value] of the hip's current final records.
visits() {
    sqlite3 "$DB" "SELECT json_group_array(json_array(
            CAST(julianday(r.visit_date) - julianday(h.index_date) AS INTEGER), s.value))
        FROM (SELECT * FROM records r WHERE r.status = 'final' AND r.form = '$2'
              AND NOT EXISTS (SELECT 1 FROM records n WHERE n.supersedes = r.uuid
                              AND n.status = 'final') ORDER BY r.visit_date) r
        JOIN hips h ON h.uuid = r.hip JOIN patients p ON p.uuid = h.patient
        JOIN scores s ON s.record = r.uuid AND s.score = '$3'
        WHERE p.mrn = 'RPT-1' AND h.side = '$1'"
}
# spec SIDE FORM SCORE Y0 Y1 MCID — the JSON for charts.py visits (MCID: the
# threshold's offset from the baseline value).
spec() {
    python3 - "$(visits "$1" "$2" "$3")" "$4" "$5" "$6" <<'EOF'
import json, math, sys
pts = json.loads(sys.argv[1])
last = max([730] + [d for d, _ in pts])
raw, step = last / 30.4375 / 6, None
for s in [1, 3, 6, 12, 24, 60, 120]:
    if s >= raw:
        step = s
        break
x1 = math.ceil(last / 30.4375 / step - 1e-9) * step
print(json.dumps({"x1": x1, "y0": float(sys.argv[2]), "y1": float(sys.argv[3]), "points": pts,
                  "base": pts[0][1], "mcid": pts[0][1] + float(sys.argv[4])}))
EOF
}
n_vas=$(visits L vas vas | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_same "$n_vas" 5 "the left hip has five current VAS values (the amended one once)"
spec L vas vas 0 10 -2 >"$T/lvas.json"
$CHK visits "$T/svg/left-vas-vas.svg" "$T/lvas.json" >"$T/chk" && ok || { fail "left VAS points:"; cat "$T/chk"; }
grep -q "2.5\]" "$T/lvas.json" && ok || fail "the amended VAS (2.5) is what the chart shows: $(cat "$T/lvas.json")"
spec L hhs total 0 100 18 >"$T/lhhs.json"
$CHK visits "$T/svg/left-hhs-total.svg" "$T/lhhs.json" >"$T/chk" && ok || { fail "left HHS points:"; cat "$T/chk"; }
spec R hhs total 0 100 18 >"$T/rhhs.json"
$CHK visits "$T/svg/right-hhs-total.svg" "$T/rhhs.json" >"$T/chk" && ok || { fail "right HHS points:"; cat "$T/chk"; }
# A wrong expectation is caught.
sed -E 's/"points": \[\[0, ([0-9.]+)\]/"points": [[9, \1]/' "$T/lhhs.json" >"$T/bad.json"
$CHK visits "$T/svg/left-hhs-total.svg" "$T/bad.json" >/dev/null && fail "a visit drawn 9 days off passed" || ok
$CHK marks "$T/svg/left-vas-vas.svg" >"$T/chk"
expect_same "$(cat "$T/chk")" "missed 1 event 0" "left hip: the missed 6-month visit marked, no conversion"
$CHK marks "$T/svg/right-hhs-total.svg" >"$T/chk"
grep -q "event 1" "$T/chk" && ok || fail "right hip: the conversion to THA drawn: $(cat "$T/chk")"
bs print RPT-1 --png "$T/png"
$CHK ink "$T/png/left-hhs-total.png" >"$T/chk" && ok || { fail "left-hhs-total.png blank:"; cat "$T/chk"; }

# --- --lpr sends the PDF when print_format: pdf --------------------------------
cat >"$T/fake-lpr" <<EOF
#!/bin/sh
cat >"$T/lpr.stdin"
EOF
chmod +x "$T/fake-lpr"
{ grep -v '^print_command:' "$BEDSIDE_CONFIG"; echo "print_command: [\"$T/fake-lpr\"]"; } >"$T/text.yaml"
{ cat "$T/text.yaml"; echo "print_format: pdf"; echo "paper: letter"; } >"$T/pdf.yaml"
BEDSIDE_CONFIG=$T/pdf.yaml bs print RPT-1 --lpr
expect_rc 0 "print --lpr with print_format: pdf"
[ "$(head -c 5 "$T/lpr.stdin")" = "%PDF-" ] && ok || fail "the print command was not given a PDF"
pdfinfo "$T/lpr.stdin" | grep -qE '\(letter\)' && ok || fail "paper: letter gives Letter pages"
BEDSIDE_CONFIG=$T/text.yaml bs print RPT-1 --lpr
grep -q "^Reviewed by" "$T/lpr.stdin" && ok || fail "print_format absent: the text summary is sent"
{ cat "$T/text.yaml"; echo "print_format: postscript"; } >"$T/ps.yaml"
BEDSIDE_CONFIG=$T/ps.yaml bs print RPT-1 --lpr
expect_rc 1 "print_format: postscript refused"
expect_err "ps.yaml:[0-9]+:[0-9]+: 'print_format: postscript' is not text or pdf" "message names file, line, value"

# --- a hostile name is escaped as the text summary escapes it ------------------
evil=$(printf 'Eve\033[2J \342\200\256evil')
rpt patient add EVIL-9 --name "Placeholder" --sex M --born 1980-01-01
sqlite3 "$DB" "UPDATE patients SET name = CAST(X'$(printf '%s' "$evil" | od -An -tx1 | tr -d ' \n')' AS TEXT) WHERE mrn = 'EVIL-9'"
rpt hip add EVIL-9 --side L --index-date 2025-01-01
rpt record EVIL-9 --form vas --hip L --date 2025-01-01 pain=6
bs print EVIL-9 --pdf "$T/evil.pdf"
expect_rc 0 "print --pdf of a hostile name"
pdftotext -layout "$T/evil.pdf" "$T/evil.txt"
if LC_ALL=C grep -q $'\033' "$T/evil.txt" || grep -q $'\u202e' "$T/evil.txt"; then
    fail "a raw ESC or bidi override reached the PDF"
else ok; fi
bs print EVIL-9
head=$(head -1 "$T/out")
grep -qF "$head" "$T/evil.txt" && ok || fail "the PDF head is not the text head '$head'"
grep -qF 'Eve^[[2J' "$T/evil.txt" && ok || fail "the escape is shown as ^["
t_done
