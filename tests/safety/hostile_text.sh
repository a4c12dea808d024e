#!/usr/bin/env bash
# Text typed by people cannot attack a terminal, a printer or a spreadsheet
# (issue 6, "Text from people"): escape sequences, C1 controls and newlines in
# names and free text come out visibly escaped from show, print, patient
# list, history and drafts, and on the TUI screen; CSV cells that a
# spreadsheet would run as a formula are neutralised (negative numbers stay
# numbers); print --lpr runs the print command with no shell.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
. "$(dirname "$0")/../tui/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

ESC=$'\e'
CSI8=$'\xc2\x9b'          # U+009B, the 8-bit CSI, as UTF-8
BAD_NAME=$'Eve\e[2J\e]0;pwned\aMallory\xc2\x9b31mTwo\nLines\x7f'
# Not valid UTF-8 (a raw 8-bit CSI): refused at entry, but a file merged from
# elsewhere could hold it, so it is stored behind bedside's back.
RAW_NAME=$'Raw\x9b2JByte\xff'
BAD_TEXT=$'wound\e[31mred\e]0;title\a\r\nsecond line\e[?1049h'

# raw_free FILE WHAT — FILE holds no ESC, no BEL and no C1 control.
raw_free() {
    if grep -q "$ESC" "$1"; then fail "$2: raw ESC in output"; else ok; fi
    if grep -q $'\a' "$1"; then fail "$2: raw BEL in output"; else ok; fi
    if LC_ALL=C grep -q "$CSI8" "$1" || LC_ALL=C grep -q $'\x9b' "$1"; then
        fail "$2: raw C1 CSI in output"
    else ok; fi
    # Invalid bytes must come out as \xHH, never raw.
    iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 && ok || fail "$2: invalid UTF-8 in output"
}

# --- hostile data, through the front door where the command line takes it ---
bs patient add EVIL-1 --name "$BAD_NAME" --sex M --born 1960-02-03
if [ "$rc" = 0 ]; then
    ok
else
    # Refusing control characters at entry is fine too, but names also arrive
    # from merged laptop copies; store it behind bedside's back to test output.
    bs patient add EVIL-1 --name "Eve Placeholder" --sex M --born 1960-02-03
    expect_rc 0 "patient add with a plain name"
    sqlite3 "$DB" "UPDATE patients SET name = CAST(X'$(printf '%s' "$BAD_NAME" | od -An -tx1 | tr -d ' \n')' AS TEXT) WHERE mrn = 'EVIL-1'" ||
        fail "setup: could not store the hostile name"
fi
mk_hip EVIL-1 L 2025-01-01
mk_patient EVIL-2 "Raw Placeholder"
sqlite3 "$DB" "UPDATE patients SET name = CAST(X'$(printf '%s' "$RAW_NAME" | od -An -tx1 | tr -d ' \n')' AS TEXT) WHERE mrn = 'EVIL-2'" ||
    fail "setup: could not store the raw-byte name"
# Free text and reasons with control characters are refused at entry (only
# line breaks are allowed) ...
refused 1 "free text with escape sequences" "other_text: has a control character" \
    record EVIL-1 --form complications --hip L --timepoint 1m --date 2025-01-31 \
    events=hematoma,other "other_text=$BAD_TEXT" "action=$BAD_TEXT" grade=II
bs record EVIL-1 --form complications --hip L --timepoint 1m --date 2025-01-31 \
    events=hematoma,other "other_text=PLACEHOLDER" "action=PLACEHOLDER" grade=II
expect_rc 0 "complications with plain free text"
bs record EVIL-1 --form hhs --hip L --timepoint 1m --date 2025-01-31 "${HHS_FULL[@]}"
expect_rc 0 "HHS for the hostile patient"
cu=$(sql "SELECT uuid FROM records WHERE form = 'complications'" 2>/dev/null)
refused 1 "a reason with escape sequences" "reason has a control character" \
    amend "$cu" --reason $'typo\e[2J' events=hematoma,other grade=II
bs amend "$cu" --reason PLACEREASON events=hematoma,other "other_text=PLACEHOLDER again" \
    "action=PLACEHOLDER" grade=II
expect_rc 0 "amend with plain text and reason"
# ... but a copy edited behind bedside's back can still hold them, in the
# answers, the reason and the history's old/new values.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
json_bad=$(printf '%s' "$BAD_TEXT" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read())[1:-1])')
behind_back "$DB" "UPDATE records SET answers = replace(answers, 'PLACEHOLDER', '$json_bad'),
        reason = replace(reason, 'PLACEREASON', CAST(X'$(hex $'typo\e[2J')' AS TEXT));
    UPDATE audit SET detail = replace(detail, 'PLACEHOLDER', '$json_bad'),
        reason = replace(reason, 'PLACEREASON', CAST(X'$(hex $'typo\e[2J')' AS TEXT))" ||
    fail "setup: hostile text stored behind bedside's back"

for cmd in "show EVIL-1" "print EVIL-1" "show EVIL-2" "print EVIL-2" "patient list" "history EVIL-1" \
    "history EVIL-2" "drafts" "due" "due --within 400" "patient list Eve"; do
    # shellcheck disable=SC2086
    bs $cmd
    expect_rc 0 "$cmd"
    raw_free "$T/out" "$cmd (stdout)"
    raw_free "$T/err" "$cmd (stderr)"
done
bs show EVIL-1
grep -q 'Eve^\[\[2J' "$T/out" && ok || fail "show: the name's ESC is shown as ^[ ($(grep -m1 Eve "$T/out"))"
bs print EVIL-1 -o "$T/print.txt"
expect_rc 0 "print -o FILE"
raw_free "$T/print.txt" "print -o"
grep -q '\^\[' "$T/print.txt" && ok || fail "print: the escapes are visible as ^["
bs history EVIL-1
grep -q 'wound^\[\[31mred' "$T/out" && ok || fail "history: the free text is shown escaped"
bs patient list
# One patient is one line, whatever newlines the name holds.
expect_same "$(grep -c 'EVIL-1' "$T/out")" 1 "patient list: the hostile name stays on one line"
grep 'EVIL-1' "$T/out" | grep -q 'Lines' && ok || fail "patient list: name escaped, not cut at the newline"
grep 'EVIL-2' "$T/out" | grep -qi 'Raw.x9b2JByte.xff' && ok || fail "patient list: invalid bytes shown as \\xHH"

# --- the TUI shows ^[ instead of obeying the escape -------------------------
name=tui$RANDOM
tui_start "$name" 80 24 env TERM=xterm-256color LANG=C.UTF-8 BEDSIDE_DB="$DB" \
    BEDSIDE_CONFIG="$BEDSIDE_CONFIG" ASAN_OPTIONS="$ASAN_OPTIONS" "$BEDSIDE" --today "$TODAY"
if tui_wait "$name" 'EVIL-1' 20; then
    ok
    grep -q 'Eve^\[\[2J' "$T/screen" && ok || tui_fail "TUI patient list shows the ESC as ^["
    title=$(tui_tmux display-message -p -t "$name" '#{pane_title}')
    [ "$title" != pwned ] && ok || fail "TUI let an OSC sequence set the terminal title"
else
    tui_fail "TUI patient list never showed EVIL-1"
fi
tui_tmux kill-session -t "$name" 2>/dev/null

# --- CSV formula injection ---------------------------------------------------
# Exports refuse a database with invalid records (the hostile ones above), so
# these run on a database of their own.
HOSTILE_DB=$DB
DB=$T/csv.db
export BEDSIDE_DB=$DB
# A test-only form with a field that may be negative, next to the shipped ones.
mkdir -p "$T/forms"
cp "$TOP"/forms/*.yaml "$T/forms/"
cat >"$T/forms/delta.yaml" <<'EOF'
id: delta
title: Change test
version: 1
scope: hip
sections:
  - title: Change
    fields:
      - {id: change, label: Change, type: decimal, decimals: 1, min: -100, max: 100, required: true}
      - {id: note, label: Note, type: text}
scores:
  - {id: doubled, label: Doubled, expr: "change * 2", decimals: 1}
EOF
mk_patient CSV-1 && mk_hip CSV-1 L 2025-01-01
i=0
for cell in '=HYPERLINK("http://x.invalid","click")' '+1+cmd|calc' '-2+3+cmd|calc' '@SUM(A1:A9)' \
    '=1' '-1)+cmd' '@cmd'; do
    i=$((i + 1))
    bs --forms "$T/forms" record CSV-1 --form delta --hip L --timepoint unscheduled \
        --date "2025-0$((i + 1))-01" change=-12.5 "note=$cell"
    expect_rc 0 "record note '$cell'"
done
# --forms is a global option: it goes before the command.
"$BEDSIDE" --today "$TODAY" --forms "$T/forms" export csv --form delta >"$T/csv" 2>"$T/err"
rc=$?
expect_rc 0 "export csv --form delta"
n=$(($(awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" | cut -f1 | sort -u | wc -l) - 1))
expect_same "$n" 7 "seven delta records exported"
for r in 2 3 4 5 6 7 8; do
    c=$(csv_cell "$r" note)
    case "$c" in
        [=+@-]*) fail "CSV row $r: note cell starts with a formula character: $c" ;;
        *) ok ;;
    esac
    case "$c" in
        *HYPERLINK*|*cmd*|*SUM*|*=1*) ok ;;
        *) fail "CSV row $r: note cell lost its text: '$c'" ;;
    esac
    expect_same "$(csv_cell "$r" change)" "-12.5" "CSV row $r: a negative number stays a number"
    expect_same "$(csv_cell "$r" doubled)" "-25.0" "CSV row $r: a negative score stays a number"
done

# --- a form file whose texts hold escape sequences ----------------------------
# Titles, labels, help and band names come from form authors: shown escaped
# (or replaced) everywhere, never obeyed.
cat >"$T/forms/evil.yaml" <<'EOF'
id: evil
title: "Evil\e[2J\e]0;pwned\aForm"
version: 1
scope: hip
description: "desc\e[31m"
sections:
  - title: "Sec\e[5m"
    fields:
      - id: x
        label: "Label\e[2J"
        type: choice
        required: true
        help: "help\e]0;pwned\a"
        options:
          - {code: a, label: "Opt\e[31mA", points: 1}
          - {code: b, label: "OptB", points: 2}
scores:
  - id: s
    label: "Score\e[7m"
    expr: x
    decimals: 0
    trend: true
    better: higher
    bands:
      - {min: 1, label: "Band\e[2J"}
EOF
bs --forms "$T/forms" record CSV-1 --form evil --hip L --timepoint unscheduled --date 2025-03-01 x=a
expect_rc 0 "record with the evil form"
for cmd in "forms list" "forms check $T/forms" "show CSV-1" "print CSV-1" "history CSV-1" "export csv --form evil"; do
    # shellcheck disable=SC2086
    bs --forms "$T/forms" $cmd
    expect_rc 0 "evil form: $cmd"
    raw_free "$T/out" "evil form: $cmd (stdout)"
    raw_free "$T/err" "evil form: $cmd (stderr)"
done
tui_bedside evilform 80 24 --forms "$T/forms" enter CSV-1 --form evil --hip L --timepoint unscheduled
if tui_wait evilform 'Evil.*CSV-1 Test Patient CSV-1 +Left hip +unscheduled' 20; then
    ok
    tui_type evilform 1
    tui_keys evilform C-s
    tui_wait evilform 'Enter saves' 10 || tui_fail "evil form: no review"
    title=$(tui_tmux display-message -p -t evilform '#{pane_title}')
    [ "$title" != pwned ] && ok || fail "evil form: an OSC sequence in the form set the terminal title"
else
    tui_fail "the evil form did not open (its title shown escaped)"
fi
tui_kill evilform

# --- print --lpr runs no shell -----------------------------------------------
DB=$HOSTILE_DB
export BEDSIDE_DB=$DB
cat >"$T/fake-lpr" <<EOF
#!/bin/sh
# Stands in for lpr: records its arguments (one per line) and its input.
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T/lpr.argv"
ls -l /proc/\$\$/fd >"$T/lpr.fds" 2>&1
cat >"$T/lpr.stdin"
EOF
chmod +x "$T/fake-lpr"
sed -e "s|^forms: .*|forms: $TOP/forms|" -e "s|^print_command: .*|print_command: [\"$T/fake-lpr\", \"--title\", \"x; rm -rf ~\"]|" \
    "$TOP/config/bedside.yaml" >"$T/print.yaml"
bs patient add 'SHELL-1' --name 'x; rm -rf ~ $(touch '"$T"'/pwned2) `touch '"$T"'/pwned3`' --sex F --born 1970-01-01
expect_rc 0 "patient named like a shell command"
mk_hip SHELL-1 R 2025-01-01
printer="a;touch $T/pwned"
bs --config "$T/print.yaml" print SHELL-1 --lpr="$printer"
expect_rc 0 "print --lpr=PRINTER through the configured command"
printf '%s\n' --title 'x; rm -rf ~' -P "$printer" >"$T/want.argv"
if cmp -s "$T/want.argv" "$T/lpr.argv" 2>/dev/null; then ok; else
    fail "print command argv: got [$(tr '\n' '|' <"$T/lpr.argv" 2>/dev/null)], want [$(tr '\n' '|' <"$T/want.argv")]"
fi
grep -q 'SHELL-1' "$T/lpr.stdin" 2>/dev/null && ok || fail "the report reached the print command's input"
grep -qF 'x; rm -rf ~' "$T/lpr.stdin" 2>/dev/null && ok || fail "the name is printed as text"
# The print command gets the report, not the database (no inherited fd).
grep -q 'test\.db' "$T/lpr.fds" && fail "the print command inherited the database: $(grep test.db "$T/lpr.fds")" || ok
for f in pwned pwned2 pwned3; do
    [ -e "$T/$f" ] && fail "a shell ran: $T/$f exists" || ok
done
[ -d "$HOME" ] && ok || fail "home folder still there"
# The hostile name reaches the printer escaped too.
bs --config "$T/print.yaml" print EVIL-1 --lpr
expect_rc 0 "print --lpr of the hostile patient"
raw_free "$T/lpr.stdin" "print --lpr input"
# A print command that fails is reported, not ignored.
sed -e "s|^forms: .*|forms: $TOP/forms|" -e 's|^print_command: .*|print_command: [/bin/false]|' \
    "$TOP/config/bedside.yaml" >"$T/false.yaml"
bs --config "$T/false.yaml" print SHELL-1 --lpr
[ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && ok || fail "a failing print command: exit $rc, want 1..127"
expect_err "false" "the message names the print command"

t_done
