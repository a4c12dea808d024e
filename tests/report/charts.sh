#!/usr/bin/env bash
# charts.sh — bedside report --pdf / --svg / --png (issue 11): the PDF's
# pages, head and foot, every line of the text report in it, page 1 not
# blank; the Kaplan–Meier steps in the SVG equal `report --csv`'s
# estimates; the paper from the config; bad paths and option mixes.
. "$(dirname "$0")/../lib.sh"
CHK="python3 $TOP/tests/report/charts.py"

bs report --pdf "$T/x.pdf" --csv "$T/c"
expect_rc 2 "--pdf with --csv"
expect_err "exclude each other" "message says why"
bs report --svg "$T/s" --png "$T/p"
expect_rc 2 "--svg with --png"
bs report --pdf
expect_rc 2 "--pdf without a file"

bs demo --patients 60 --seed 3 --complete
expect_rc 0 "demo cohort"
sum=$(db_sum)

# --- the PDF ----------------------------------------------------------------
bs report --pdf "$T/r.pdf"
expect_rc 0 "report --pdf"
expect_same "$(cat "$T/out")" "" "nothing on stdout"
pages=$(pdfinfo "$T/r.pdf" 2>/dev/null | sed -nE 's/^Pages: +([0-9]+)$/\1/p')
[ "${pages:-0}" -ge 3 ] && ok || fail "the PDF has ${pages:-no} pages, want the tables and charts on 3 or more"
pdfinfo "$T/r.pdf" | grep -qE '^Page size: +595.* x 841.* \(A4\)' && ok || fail "A4 by default"
for k in $(seq 1 "${pages:-1}"); do
    pdftotext -layout -f "$k" -l "$k" "$T/r.pdf" "$T/page.txt"
    head -3 "$T/page.txt" | grep -q "Cohort report" && ok || fail "page $k: no head"
    grep -qE "bedside [0-9.]+ +Page $k of $pages\$" "$T/page.txt" && ok || fail "page $k: no 'Page $k of $pages' foot"
done
bs report
cp "$T/out" "$T/report.txt"
pdftotext -layout "$T/r.pdf" "$T/r.txt"
$CHK lines "$T/report.txt" "$T/r.txt" >"$T/chk" && ok || { fail "the PDF lacks lines of the text report:"; cat "$T/chk"; }
grep -q "Number at risk" "$T/r.txt" && ok || fail "the Kaplan–Meier chart has its numbers at risk"
grep -qE "Log-rank test: p (<|=) [0-9.]+ \(chi-square [0-9.]+, df 2\)" "$T/r.txt" && ok || fail "the log-rank p under the chart"
p_csv=$(bs report --csv "$T/csv"; sed -n 2p "$T/csv/logrank.csv" | cut -d, -f3)
python3 -c "import sys; p=float(sys.argv[1]); sys.exit(not (p < 0.001))" "$p_csv" &&
    { grep -q "p < 0.001" "$T/r.txt" && ok || fail "p < 0.001 in the CSV, not in the PDF"; } ||
    { grep -q "p = $(printf '%.3f' "$p_csv")" "$T/r.txt" && ok || fail "the PDF's p is not the CSV's $p_csv"; }
pdftoppm -png -r 40 -f 1 -l 1 "$T/r.pdf" "$T/pg"
$CHK ink "$T"/pg*1.png >"$T/chk" && ok || { fail "page 1 renders blank:"; cat "$T/chk"; }
expect_same "$(db_sum)" "$sum" "the report changes nothing"

# --- SVG: one file per chart; the Kaplan–Meier steps are the CSV's estimates
bs report --svg "$T/svg"
expect_rc 0 "report --svg"
[ -f "$T/svg/km.svg" ] && ok || fail "km.svg written"
[ -f "$T/svg/scores-hhs-total.svg" ] && ok || fail "a trajectory chart per trend score (HHS)"
[ -f "$T/svg/scores-vas-vas.svg" ] && ok || fail "a trajectory chart per trend score (VAS)"
$CHK km "$T/svg/km.svg" "$T/csv/survival.csv" >"$T/chk" && ok || { fail "KM steps differ from the CSV:"; cat "$T/chk"; }
grep -q "3 strata" "$T/chk" && ok || fail "three stages, three curves: $(cat "$T/chk")"
bs report --by sex --svg "$T/svg2"
bs report --by sex --csv "$T/csv2"
$CHK km "$T/svg2/km.svg" "$T/csv2/survival.csv" >"$T/chk" && ok || { fail "--by sex: KM steps differ:"; cat "$T/chk"; }
grep -q "2 strata" "$T/chk" && ok || fail "--by sex: two curves: $(cat "$T/chk")"
# The check can fail: a changed estimate is caught.
sed -E '3s/,1,0,1,1$/,1,0.5,1,1/; 3s/^([^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*),1,/\1,0.5,/' "$T/csv/survival.csv" >"$T/bad.csv"
cmp -s "$T/bad.csv" "$T/csv/survival.csv" && fail "could not alter the CSV" ||
    { $CHK km "$T/svg/km.svg" "$T/bad.csv" >/dev/null && fail "an altered estimate passed" || ok; }

bs report --png "$T/png"
expect_rc 0 "report --png"
$CHK ink "$T/png/km.png" >"$T/chk" && ok || { fail "km.png is blank:"; cat "$T/chk"; }

# --- paper from the config --------------------------------------------------
{ cat "$BEDSIDE_CONFIG"; echo "paper: letter"; } >"$T/letter.yaml"
BEDSIDE_CONFIG=$T/letter.yaml bs report --pdf "$T/l.pdf"
expect_rc 0 "report --pdf on Letter"
pdfinfo "$T/l.pdf" | grep -qE '^Page size: +612 x 792 pts \(letter\)' && ok || fail "paper: letter gives Letter pages"
{ cat "$BEDSIDE_CONFIG"; echo "paper: a5"; } >"$T/a5.yaml"
BEDSIDE_CONFIG=$T/a5.yaml bs report --pdf "$T/a5.pdf"
expect_rc 1 "paper: a5 refused"
expect_err "a5.yaml:[0-9]+:[0-9]+: 'paper: a5' is not a4 or letter" "the message names the file, line and value"
[ ! -e "$T/a5.pdf" ] && ok || fail "nothing written with a bad config"

# --- bad paths ----------------------------------------------------------------
mkdir "$T/dir"
bs report --pdf "$T/dir"
expect_rc 1 "--pdf to a folder"
expect_err "is a folder" "message says so"
ln -s "$T/target.pdf" "$T/link.pdf"
bs report --pdf "$T/link.pdf"
expect_rc 1 "--pdf through a symbolic link"
[ ! -e "$T/target.pdf" ] && ok || fail "the link was followed"
bs report --pdf "$T/nowhere/r.pdf"
expect_rc 1 "--pdf into a missing folder"
expect_err "nowhere/r.pdf" "message names the path"
touch "$T/file"
bs report --svg "$T/file"
expect_rc 1 "--svg into a file"
expect_err "file" "message names it"
t_done
