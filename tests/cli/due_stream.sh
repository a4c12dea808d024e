#!/usr/bin/env bash
# due_stream.sh — `due` streams: its columns are as wide as the header and
# the first 100 rows need (read ahead, then printed), so the first line does
# not wait for every row; a wider cell further down widens its column from
# that line on, never cutting a value. Nothing printed is lost or reordered.
. "$(dirname "$0")/../lib.sh"

bs demo --patients 300 --seed 1
expect_rc 0 "setup: a demo cohort"
bs due --within 120
expect_rc 0 "due --within 120"
cp "$T/out" "$T/before"
rows=$(($(wc -l <"$T/before") - 1))
[ "$rows" -gt 150 ] && ok || fail "setup: more than 150 rows due (got $rows)"

# cols FILE — per line: the character offset where TARGET's date starts,
# found as the first ISO date after the timepoint (names hold no digits).
cols() {
    python3 - "$1" <<'PY'
import re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("MRN "):
        print(line.index("TARGET"))
        continue
    m = re.search(r"  (\d{4}-\d\d-\d\d)  ", line)
    print(m.start(1) if m else -1)
PY
}
cols "$T/before" >"$T/c1"
expect_same "$(sort -u "$T/c1" | wc -l)" 1 "every line's TARGET starts in the header's column"

# A name longer than any other, for a patient first listed after row 150:
# the header and the rows before keep the widths of the first 100 rows; from
# that row on the columns after NAME move right by the same amount, and the
# long name is there whole.
line=$(awk 'NR > 1 && !seen[$1]++ && NR > 151 { print NR; exit }' "$T/before")
mrn=$(sed -n "${line}p" "$T/before" | awk '{print $1}')
[ -n "$mrn" ] && ok || fail "setup: a patient first listed after row 150"
long="Maximiliana Wolkenstein-Trostburg de la Fuente y Ortega"
sqlite3 "$DB" "UPDATE patients SET name = '$long' WHERE mrn = '$mrn'"
bs due --within 120
expect_rc 0 "due with a long name past the read-ahead"
cols "$T/out" >"$T/c2"
h=$(head -1 "$T/c1")
expect_same "$(sed -n "1,$((line - 1))p" "$T/c2" | sort -u)" "$h" \
    "the header and the rows before it: the widths of the first 100 rows"
w=$(sed -n "${line}p" "$T/c2")
[ "$w" -gt "$h" ] && ok || fail "its row widens: TARGET at $w, was $h"
expect_same "$(sed -n "${line},\$p" "$T/c2" | sort -u)" "$w" "every later row keeps the wider column"
grep -qF "$mrn  $long  " "$T/out" && ok || fail "the long name is printed whole"
expect_same "$(awk '{print $1}' "$T/out" | tr '\n' ' ')" "$(awk '{print $1}' "$T/before" | tr '\n' ' ')" \
    "the same rows in the same order"

# The same name within the first 100 rows: the header and every row align.
mrn=$(sed -n '2p' "$T/before" | awk '{print $1}')
sqlite3 "$DB" "UPDATE patients SET name = '$long' WHERE mrn = '$mrn'"
bs due --within 120
cols "$T/out" >"$T/c3"
expect_same "$(sort -u "$T/c3")" "$w" "a long name read ahead widens the header and every row"

# --ascii: the same layout with two dots in the window.
bs --ascii due --within 120
expect_out "^MRN +NAME +SIDE +TIMEPOINT +TARGET +WINDOW +STATE +MISSING$" "--ascii: the header"
cols "$T/out" >"$T/c4"
expect_same "$(sort -u "$T/c4")" "$w" "--ascii: aligned the same way"

t_done
