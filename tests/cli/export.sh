#!/usr/bin/env bash
# export.sh — `export csv`: RFC 4180 (CRLF, quoting, doubled quotes), the
# columns with and without --form, current records only, formula cells
# neutralised while plain numbers stay numbers, -o FILE.
. "$(dirname "$0")/../lib.sh"

sql() { sqlite3 -batch "$DB" "$@"; }
setup() { bs "$@"; [ "$rc" = 0 ] || fail "setup: $*: exit $rc"; }
# cells — the last export as ROW<TAB>COL<TAB>CELL lines (quotes undone).
cells() { awk -f "$TOP/tests/safety/csvcells.awk" "$T/out"; }
cell() { cells | awk -F'\t' -v r="$1" -v c="$2" '$1 == r && $2 == c { print substr($0, length($1 $2) + 3) }'; }

setup patient add E1 --name "Ex Port" --sex F --born 1970-01-01
setup hip add E1 --side L --index-date 2026-03-02
setup hip add E1 --side R --index-date 2026-03-02
setup record E1 --form vas --hip L --date 2026-04-01 pain=6.5
setup record E1 --form vas --hip R --date 2026-04-01 pain=5.0
setup record E1 --form vas --hip L --date 2026-06-01 pain=3.0
setup record E1 --form complications --hip L --date 2026-04-01 \
    events=hematoma,other $'other_text=a, "quoted"\nsecond line' 'action==HYPERLINK("http://x")' grade=i
setup record E1 --form complications --hip R --date 2026-04-01 \
    events=other other_text=-3.5 action=@SUM grade=ii
setup record E1 --form satisfaction rating=satisfied comment=+1+1

bs export csv --form vas
expect_rc 0 "export csv --form vas"
head1=$(head -1 "$T/out")
expect_same "$head1" $'mrn,hip,timepoint,visit_date,form,form_version,entered_by,entered_at,pain,vas\r' \
    "vas columns: the eight fixed, then fields, then scores"
expect_same "$(grep -c $'\r$' "$T/out")" "$(wc -l <"$T/out")" "every line ends in CRLF"
expect_same "$(wc -l <"$T/out")" 4 "a header and three VAS rows"
me=$(id -un)
expect_out $'^E1,L,1m,2026-04-01,vas,1,'"$me"$',20[0-9-]+T[0-9:]+Z,6\.5,6\.5\r$' "a VAS row"
expect_out $'^E1,R,1m,2026-04-01,vas,1,' "the right hip's row"

# Only current records: an amended record shows its new values, a void none.
id=$(sql "SELECT substr(uuid, 1, 8) FROM records WHERE form = 'vas' AND visit_date = '2026-06-01'")
setup amend "$id" --reason "misread" pain=2.5
rid=$(sql "SELECT substr(uuid, 1, 8) FROM records WHERE form = 'vas' AND hip = (SELECT uuid FROM hips WHERE side = 'R')")
setup void "$rid" --reason "wrong hip"
bs export csv --form vas
expect_same "$(wc -l <"$T/out")" 3 "the void record left the export"
expect_out $',3m,2026-06-01,vas,1,.*,2\.5,2\.5\r$' "the amended value, once"
expect_no_out ',3\.0,3\.0' "the superseded value is gone"

# Quoting, doubled quotes, line breaks inside a cell, formula cells.
bs export csv --form complications
expect_rc 0 "export complications"
head1=$(head -1 "$T/out" | tr -d '\r')
expect_same "$head1" "mrn,hip,timepoint,visit_date,form,form_version,entered_by,entered_at,events,other_text,grade,action,count" \
    "complications columns"
expect_out '^E1,L,.*,"hematoma,other","a, ""quoted""' "comma and quote cells quoted, quotes doubled"
expect_same "$(cell 2 10)" 'a, "quoted"\nsecond line' "a line break stays inside its quoted cell"
expect_same "$(cell 2 12)" "'=HYPERLINK(\"http://x\")" "a formula cell gets a leading quote"
expect_same "$(cell 3 12)" "'@SUM" "an @ cell gets a leading quote"
expect_same "$(cell 3 10)" "-3.5" "a negative number stays a number"
expect_same "$(cell 2 13)" "2" "the score"

# No --form: every form's columns, named form.id; each row fills its own.
bs export csv
expect_rc 0 "export csv of every form"
hdr=$(head -1 "$T/out" | tr -d '\r')
case $hdr in
mrn,hip,timepoint,visit_date,form,form_version,entered_by,entered_at,*) ok ;;
*) fail "fixed columns first: $hdr" ;;
esac
for c in vas.pain vas.vas hhs.total complications.events satisfaction.rating satisfaction.satisfaction; do
    grep -q ",$c," <<<"$hdr,," && ok || fail "header lacks $c"
done
ncols=$(awk -F, '{print NF}' <<<"$hdr")
bad=$(cells | awk -F'\t' -v n="$ncols" '{ last[$1] = $2 } END { for (r in last) if (last[r] != n) print r }')
expect_same "$bad" "" "every row has as many cells as the header"
expect_same "$(wc -l < <(cells | awk -F'\t' '$2 == 1'))" 6 "a header and five current records"
satrow=$(cells | awk -F'\t' '$2 == 5 && $3 == "satisfaction" { print $1 }')
col=$(tr ',' '\n' <<<"$hdr" | grep -nx satisfaction.comment | cut -d: -f1)
expect_same "$(cell "$satrow" "$col")" "'+1+1" "a + cell gets a leading quote"
col=$(tr ',' '\n' <<<"$hdr" | grep -nx vas.pain | cut -d: -f1)
expect_same "$(cell "$satrow" "$col")" "" "another form's cells are empty"
expect_same "$(cell "$satrow" 2)" "" "a patient-scope record has an empty hip"

# -o FILE holds what stdout would.
cp "$T/out" "$T/stdout.csv"
bs export csv -o "$T/file.csv"
expect_rc 0 "export -o FILE"
cmp -s "$T/file.csv" "$T/stdout.csv" && ok || fail "-o FILE differs from stdout"
[ -s "$T/out" ] && fail "-o FILE also wrote stdout" || ok
bs export csv -o "$T/no/such/dir/x.csv"
expect_rc 1 "-o into a missing folder"
expect_err "^bedside: cannot write" "names the problem"

bs export csv --form hhz
expect_rc 1 "unknown form"
expect_err "unknown form 'hhz'" "names the form"
bs export json
expect_rc 2 "only csv"
bs export
expect_rc 2 "export without a format"
bs export csv --help
expect_rc 0 "export --help"
expect_out "^usage: bedside export csv" "usage on stdout"

t_done
