#!/usr/bin/env bash
# The trend view and the printed summary (issue 5): golden files of `show`
# and `print` for a fixed bilateral patient (UTF-8, ASCII, wide, short
# pages), the cell states and arrows, pagination, untrusted text, -o FILE,
# --lpr with no shell, and bad input. Regenerate the goldens on purpose with
# tests/report/update-golden.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/report/fixture.sh"
. "$TOP/tests/report/outputs.sh"
GOLD=$TOP/tests/report/golden

rpt_patient RPT-1 "Margaret O'Brien"
rpt_outputs "$T/got"
for f in show-utf8.txt show-ascii.txt show-wide.txt print-utf8.txt print-ascii.txt print-30.txt; do
    if cmp -s "$GOLD/$f" "$T/got/$f"; then ok; else
        fail "$f differs from the golden file (tests/report/update-golden regenerates it):"
        diff "$GOLD/$f" "$T/got/$f" | head -20
    fi
done

# --- what the view says, independently of the golden files -------------------
bs show RPT-1
expect_rc 0 "show"
expect_out "^MRN RPT-1 · Margaret O'Brien$" "header: MRN and name"
expect_out "^58 years, female · born 1968-04-12 · today 2026-06-15$" "header: age, sex, today"
expect_out "^LEFT HIP$" "left hip block"
expect_out "^RIGHT HIP$" "right hip block"
expect_out "^Etiology Idiopathic · Staging system Steinberg · Stage II$" \
    "hip details from its enrolment record, labelled as on the form"
expect_out "^Involvement of the femoral head 25.0 %$" "the involvement with its unit"
expect_out "^Index date 2024-06-01, 744 days ago$" "index date and days since"
expect_out "hematoma; Clavien-Dindo I; compression dressing" "complication line"
expect_out "1 month  2024-07-01  hematoma" "complication with timepoint and date"
expect_out "^║ THA: Converted to THA on 2025-06-10" "THA conversion in a box"
expect_out "follow-up ended 2025-06-10" "end of follow-up"
expect_out "^6 months   ~2024-11-30  missed" "missed visit"
expect_out "^24 months   2026-06-10  due        due$" "visit due today (satisfaction already in)"
expect_out "^24 months   2026-06-10  4$" "a patient-scope score in the hip's table"
expect_out "^Satisfaction \(24 months, 2026-06-10\): Satisfaction 4/5$" "patient-scope summary"
expect_out "^6 months     ~2025-07-16  —" "after THA: ended"
expect_out "^12 months   2025-06-01  2.5 -5.3↓" "amended VAS (2.5) with its change and arrow"
expect_out "95.9 \+46.2↑ Excellent" "HHS value, change, arrow and band"
expect_out "^Unscheduled   2025-05-20  9.0 \+0.5↑" "unscheduled visit row"
expect_out "^VAS pain +▆▅▄▃▂  first 7.8  last 1.8  best 1.8$" "VAS sparkline, first/last/best"
expect_out "change since baseline -6.0↓, MCID 2.0 reached" "VAS reaches its MCID"
expect_out "change since baseline -25.6↓, MCID 18.0 not reached" "a worsening never reaches the MCID"
expect_no_out $'\033' "no escape sequences when stdout is not a terminal"
if awk 'length($0) > 80 { bad = 1 } END { exit !bad }' "$T/out"; then
    # awk may count bytes; count characters before failing
    n=$(python3 -c 'import sys; print(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")))' "$T/out" 2>/dev/null || echo 0)
    [ "$n" -le 80 ] && ok || fail "show: a line is $n columns wide at width 80"
else ok; fi

bs show RPT-1 --ascii
expect_out "^12 months   2025-06-01  2.5 -5.3v" "ASCII arrow"
expect_out "^6 months     ~2025-07-16  n/a" "ASCII: ended is n/a"
expect_no_out "[↑↓→▁▂▃▄▅▆▇█─═║╔]" "ASCII mode draws no Unicode glyph"

bs show RPT-1 --width 170
expect_out "^LEFT HIP +RIGHT HIP$" "at 170 columns the hips are side by side"

# --- colour only on a terminal, and not with NO_COLOR --------------------------
if command -v script >/dev/null 2>&1; then
    script -qec "env -u NO_COLOR '$BEDSIDE' --today $TODAY show RPT-1 --width 80" /dev/null >"$T/tty.out" 2>&1
    grep -q $'\033\\[' "$T/tty.out" && ok || fail "show on a terminal uses colour"
    script -qec "NO_COLOR=1 '$BEDSIDE' --today $TODAY show RPT-1 --width 80" /dev/null >"$T/tty.out" 2>&1
    grep -q $'\033\\[' "$T/tty.out" && fail "NO_COLOR: no escape sequences" || ok
fi

# --- pagination ------------------------------------------------------------------
# pages FILE LENGTH — every page has LENGTH lines, the header, and a footer
# "Page n of m" with the right n and m; prints m.
pages() {
    python3 - "$1" "$2" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
length = int(sys.argv[2])
pages = text.split("\f")
m = len(pages)
for n, p in enumerate(pages, 1):
    lines = p.split("\n")
    assert lines[-1] == "", f"page {n} does not end with a newline"
    lines = lines[:-1]
    assert len(lines) == length, f"page {n} has {len(lines)} lines, want {length}"
    assert lines[0].startswith("MRN RPT-1 ") and "born 1968-04-12" in lines[0], f"page {n}: header {lines[0]!r}"
    assert "Margaret O'Brien" in lines[0], f"page {n}: name in the header"
    assert lines[-1].strip() == f"Page {n} of {m}", f"page {n}: footer {lines[-1]!r}"
    assert lines[-2].startswith("Printed 2026-06-15 09:30 UTC by ") and lines[-2].endswith("bedside 0.1.0"), f"page {n}: {lines[-2]!r}"
    assert max(len(l) for l in lines) <= 80, f"page {n}: a line wider than 80"
    assert any(l.strip() for l in lines[3:-3]), f"page {n} of {m}: only blank lines"
print(m)
PY
}
bs print RPT-1
expect_rc 0 "print"
m66=$(pages "$T/out" 66) && ok || fail "print: pages of 66 lines with header and footer ($m66)"
ff=$(tr -cd '\f' <"$T/out" | wc -c)
expect_same "$ff" "$((m66 - 1))" "a form feed between pages, none elsewhere"
expect_no_out $'\033' "print has no escape sequences"
grep -q "^Reviewed by _* *Date _*$" "$T/out" && ok || fail "sign-off line"
tail -4 "$T/out" | grep -q "Page $m66 of $m66" && ok || fail "the sign-off is on the last page"
grep -q '^      amended (reason "transcription error", by [^,]*, on 20' "$T/out" && ok \
    || fail "the amended record says who amended it, when and why"
grep -q "^      Pain (0 = none, 10 = worst imaginable): 2.5 cm$" "$T/out" && ok \
    || fail "the amended record shows its latest value"
grep -q ": 2.0 cm$" "$T/out" && fail "the superseded value is not printed" || ok
grep -q "^Left hip$" "$T/out" && grep -q "^Right hip$" "$T/out" && ok || fail "records grouped by hip"
grep -q "^  12 months, 2025-06-01$" "$T/out" && ok || fail "records grouped by timepoint"
grep -q "^        Limp: Moderate$" "$T/out" && ok || fail "answers labelled as on the form"
grep -q "^      Function$" "$T/out" && ok || fail "a form of several sections prints their titles"
# Within a visit, records in the schedule's order (baseline: vas, hhs, mri,
# procedure); every record says who entered it and when, in local time.
order=$(grep -E '^    [A-Z].*\((vas|hhs|mri|procedure), version' "$T/out" | head -4 |
    sed -E 's/.*\(([a-z]+),.*/\1/' | tr '\n' ' ')
expect_same "$order" "vas hhs mri procedure " "records within the baseline visit in schedule order"
n_rec=$(grep -cE '^    [A-Z].*\([a-z0-9_]+, version [0-9]+\)' "$T/out")
n_who=$(grep -cE '^      (entered by [^ ]+ on [0-9-]{10} [0-9:]{5} [A-Z]|amended \(reason)' "$T/out")
expect_same "$n_who" "$n_rec" "every record says who entered it and when"
TZ=Asia/Tokyo bs print RPT-1
grep -qE '^      entered by [^ ]+ on [0-9-]{10} [0-9:]{5} JST$' "$T/out" && ok ||
    fail "the entry time is local time"

bs print RPT-1 --page-length 30
m30=$(pages "$T/out" 30) && ok || fail "--page-length 30 ($m30)"
[ "${m30:-0}" -gt "${m66:-0}" ] && ok || fail "shorter pages, more of them ($m30 vs $m66)"

# No page of only blank lines, whatever the page length.
for len in $(seq 12 70); do
    bs print RPT-1 --page-length "$len"
    pages "$T/out" "$len" >/dev/null || { fail "--page-length $len: see above"; break; }
done
ok

bs print RPT-1 --page-length 5
expect_rc 2 "--page-length below the minimum"
expect_err "page-length: '5' is not a whole number from 12" "the message names the option"

# --- -o FILE ------------------------------------------------------------------
bs print RPT-1
cp "$T/out" "$T/stdout.txt"
bs print RPT-1 -o "$T/summary.txt"
expect_rc 0 "print -o FILE"
cmp -s "$T/stdout.txt" "$T/summary.txt" && ok || fail "-o FILE holds what stdout would"
echo old >"$T/summary.txt"
bs print RPT-1 -o "$T/summary.txt"
cmp -s "$T/stdout.txt" "$T/summary.txt" && ok || fail "-o overwrites a file"
mkdir "$T/folder"
bs print RPT-1 -o "$T/folder"
expect_rc 1 "-o a folder is refused"
expect_err "folder" "the message says it is a folder"
[ -z "$(ls "$T/folder")" ] && ok || fail "nothing written into the folder"
ln -s "$T/stdout.txt" "$T/link"
bs print RPT-1 -o "$T/link"
expect_rc 1 "-o a symbolic link is refused"
bs print NOPE -o "$T/none.txt"
expect_rc 1 "print of an unknown MRN"
[ -e "$T/none.txt" ] && fail "an unknown MRN creates no file" || ok
bs print RPT-1 -o "$T/x.txt" --lpr
expect_rc 2 "-o and --lpr together"

# --- bad input ------------------------------------------------------------------
sum=$(db_sum)
bs show NOPE
expect_rc 1 "show of an unknown MRN"
expect_err "^bedside: no patient with MRN 'NOPE'$" "unknown MRN message"
bs print NOPE
expect_rc 1 "print of an unknown MRN"
expect_err "^bedside: no patient with MRN 'NOPE'$" "unknown MRN message (print)"
bs show
expect_rc 2 "show without an MRN"
bs show RPT-1 --width 10
expect_rc 2 "show --width too small"
bs show RPT-1 --bogus
expect_rc 2 "unknown option"
SOURCE_DATE_EPOCH=soon bs print RPT-1
expect_rc 1 "a SOURCE_DATE_EPOCH that is not a number"
expect_err "SOURCE_DATE_EPOCH: 'soon'" "the message names the variable and the value"
expect_same "$(db_sum)" "$sum" "show and print change nothing"

# --- untrusted text --------------------------------------------------------------
evil=$(printf 'Evil\033[2J\033]0;pwn\007 Name\001\177')
# Entry refuses control characters in a name; a merged copy could hold
# them, so the name is stored behind bedside's back.
rpt patient add EVIL-9 --name "Placeholder" --sex M --born 1980-01-01
sqlite3 "$DB" "UPDATE patients SET name = CAST(X'$(printf '%s' "$evil" | od -An -tx1 | tr -d ' \n')' AS TEXT) WHERE mrn = 'EVIL-9'"
rpt hip add EVIL-9 --side L --index-date 2025-01-01
# Free text with control characters is refused at entry too; stored behind
# bedside's back, as a merged copy could hold it.
rpt record EVIL-9 --form complications --hip L --date 2025-01-31 events=other \
    other_text=PLACE1 grade=i action=PLACE2
behind_back "$DB" "UPDATE records SET answers = replace(replace(answers, 'PLACE1',
    'rash\\u001b[31m red'), 'PLACE2', 'x\\ry') WHERE form = 'complications'" ||
    fail "setup: hostile free text"
cat >"$T/fake-lpr" <<EOF
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T/lpr.argv"
cat >"$T/lpr.stdin"
EOF
chmod +x "$T/fake-lpr"
sed -e "s|^forms: .*|forms: $TOP/forms|" -e "s|^print_command: .*|print_command: [\"$T/fake-lpr\"]|" \
    "$TOP/config/bedside.yaml" >"$T/lpr.yaml"
# raw_free FILE WHAT — no control character but newline (and form feed) in FILE.
raw_free() {
    if LC_ALL=C grep -q $'[\001-\010\013\015-\037\177]' "$1"; then
        fail "$2: a raw control character reached the output"
    else ok; fi
    grep -q '\^\[\[2J' "$1" && ok || fail "$2: the escape is shown as ^["
}
bs show EVIL-9
expect_rc 0 "show a hostile name"
raw_free "$T/out" "show"
grep -q 'rash\^\[\[31m red' "$T/out" && ok || fail "show: free text escaped in the summary"
bs print EVIL-9
raw_free "$T/out" "print"
bs --config "$T/lpr.yaml" print EVIL-9 --lpr
expect_rc 0 "print --lpr through the configured command"
raw_free "$T/lpr.stdin" "print --lpr"
[ -s "$T/lpr.argv" ] && fail "no -P without a printer name" || ok

printer='ward 3; touch '"$T"'/pwned $(touch '"$T"'/pwned2)'
rpt patient add SH-1 --name 'x; rm -rf ~' --sex F --born 1970-01-01
bs --config "$T/lpr.yaml" print SH-1 --lpr="$printer"
expect_rc 0 "print --lpr=PRINTER"
printf '%s\n' -P "$printer" >"$T/want.argv"
cmp -s "$T/want.argv" "$T/lpr.argv" && ok || fail "argv is -P and the printer, untouched"
grep -qF 'x; rm -rf ~' "$T/lpr.stdin" && ok || fail "the name reaches the printer as text"
[ -e "$T/pwned" ] || [ -e "$T/pwned2" ] && fail "a shell ran" || ok

sed -e "s|^print_command: .*|print_command: [false]|" "$T/lpr.yaml" >"$T/false.yaml"
bs --config "$T/false.yaml" print SH-1 --lpr
expect_rc 1 "a failing print command"
expect_err "^bedside: the print command 'false' failed" "says the print command failed"
sed -e "s|^print_command: .*|print_command: [\"$T/no-such-lpr\"]|" "$T/lpr.yaml" >"$T/none.yaml"
bs --config "$T/none.yaml" print SH-1 --lpr
expect_rc 1 "a missing print command"
expect_err "cannot run the print command '.*no-such-lpr': No such file" "says it cannot run"

# --- a row is dated by the hip's own visit --------------------------------------
# Satisfaction is recorded once per patient, here at the left hip's 24-month
# visit; the right hip's 24-month row must keep the right hip's own date.
bs patient add SAT-1 --name "Two Hips" --sex F --born 1980-01-01
bs hip add SAT-1 --side L --index-date 2024-01-01
bs hip add SAT-1 --side R --index-date 2024-04-01
bs record SAT-1 --form vas --hip L --timepoint 24m --date 2025-12-31 pain=2.0
bs record SAT-1 --form vas --hip R --timepoint 24m --date 2026-03-31 pain=3.0
bs record SAT-1 --form satisfaction --timepoint 24m --date 2025-12-31 rating=satisfied
expect_rc 0 "setup: satisfaction at the left hip's visit"
bs show SAT-1 --width 80
awk '/RIGHT HIP/ { r = 1 } r && /^24 months/ { print; exit }' "$T/out" >"$T/row"
if grep -q '2026-03-31' "$T/row"; then ok; else
    fail "the right hip's 24-month row is dated by its own visit: got '$(cat "$T/row")'"
fi

# --- a patient without hips, and the demo cohort -------------------------------
bs show SH-1
expect_rc 0 "show a patient with no hip"
expect_out "No hip is recorded" "says there is no hip"

DB=$T/demo.db
export BEDSIDE_DB=$DB
bs demo --seed 1 --patients 50
if [ "$rc" = 0 ]; then
    ok
    bs patient list
    n=0
    for m in $(awk 'NR > 1 && $1 != "" { print $1 }' "$T/out" | head -50); do
        "$BEDSIDE" --today "$TODAY" show "$m" --width 80 >"$T/d.out" 2>"$T/d.err" || fail "demo: show $m: exit $?"
        "$BEDSIDE" --today "$TODAY" show "$m" --width 200 --ascii >/dev/null 2>>"$T/d.err" || fail "demo: show $m wide: exit $?"
        "$BEDSIDE" --today "$TODAY" print "$m" >"$T/d.out" 2>>"$T/d.err" || fail "demo: print $m: exit $?"
        n=$((n + 1))
    done
    [ "$n" -ge 40 ] && ok || fail "demo: showed $n patients, want about 50"
    [ -s "$T/d.err" ] && fail "demo: messages: $(head -3 "$T/d.err")" || ok
else
    fail "demo --seed 1 --patients 50: exit $rc"
fi

t_done
