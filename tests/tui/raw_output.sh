#!/usr/bin/env bash
# raw_output.sh — the bytes the TUI writes to the terminal, taken with tmux
# pipe-pane from before bedside starts, carry no escape sequence, C1
# control, BEL, bidi override or zero-width character from the data: a name
# and free text edited into the database behind bedside's back hold an OSC
# title write, the 8-bit CSI, BEL, U+202E and U+200B. Only curses' own
# sequences reach the terminal; the data is drawn escaped (^[, <U+202E>).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
. "$TOP/tests/safety/lib_safety.sh"
trap 'tui_stop; t_cleanup' EXIT

mk_patient EV-1 "Placeholder Name"
mk_hip EV-1 L 2026-01-10
bs record EV-1 --form complications --hip L --date 2026-02-10 events=other other_text=PLACE \
    grade=I action=none
expect_rc 0 "setup: a complication"
# ESC ] 0 ; PWNED BEL (a title write), the 8-bit CSI, RLO and ZWSP.
name="'Eve' || char(27) || ']0;PWNED' || char(7) || char(155) || '31m' || char(8238) || 'evil' || char(8203) || 'x'"
behind_back "$DB" "UPDATE patients SET name = $name WHERE mrn = 'EV-1';
    UPDATE records SET answers = json_set(answers, '$.other_text',
        'wound' || char(27) || ']2;PWNED2' || char(7) || char(155) || '5m' || char(8238) || 'red')
    WHERE form = 'complications'" || fail "setup: hostile text behind bedside's back"

# bedside waits for the go file, so pipe-pane sees every byte it writes.
tui_start raw 100 30 sh -c 'while [ ! -e "$0.go" ]; do sleep 0.05; done; exec "$@" 2>>"$0"' \
    "$T/raw.err" env TERM=xterm-256color LC_ALL=C.UTF-8 BEDSIDE_DB="$DB" \
    BEDSIDE_CONFIG="$BEDSIDE_CONFIG" "$BEDSIDE" --today "$TODAY"
tui_tmux pipe-pane -o -t raw "cat >>'$T/raw.bytes'"
touch "$T/raw.err.go"
tui_expect raw 'Patients: 1' "the patient list"
tui_expect raw 'Eve\^\[\]0;PWNED\^G' "the name is drawn escaped in the list"
tui_keys raw d
tui_expect raw 'Due' "the due view"
tui_expect raw 'EV-1 +Eve\^\[' "the name is drawn escaped in the due view"
tui_keys raw Enter
tui_expect raw 'MRN EV-1' "the patient screen"
tui_expect raw 'wound\^\[\]2;PWNED2' "the free text is drawn escaped"
tui_keys raw q
sleep 1
tui_stop
[ -s "$T/raw.bytes" ] && ok || fail "pipe-pane saw no output"
grep -q 'PWNED' "$T/raw.bytes" && ok || fail "the raw stream holds the data (drawn escaped)"
# Nothing of the data's own control sequences reached the terminal.
LC_ALL=C grep -q $'\e\\]0;PWNED' "$T/raw.bytes" && fail "the name's OSC title write reached the terminal" || ok
LC_ALL=C grep -q $'\e\\]2;PWNED2' "$T/raw.bytes" && fail "the free text's OSC reached the terminal" || ok
LC_ALL=C grep -q $'\a' "$T/raw.bytes" && fail "a raw BEL reached the terminal" || ok
LC_ALL=C grep -q $'\xc2\x9b' "$T/raw.bytes" && fail "a raw C1 CSI reached the terminal" || ok
LC_ALL=C grep -q $'\x9b' "$T/raw.bytes" && fail "a raw 8-bit CSI byte reached the terminal" || ok
LC_ALL=C grep -qE $'\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf' "$T/raw.bytes" &&
    fail "a raw bidi or zero-width character reached the terminal" || ok
# Every ESC in the stream starts a sequence curses sends for xterm (CSI, the
# charset and keypad switches), never an OSC, DCS, APC or PM.
LC_ALL=C grep -q $'\e[]P_^]' "$T/raw.bytes" && fail "an OSC/DCS/APC/PM sequence in the stream: $(LC_ALL=C grep -ao $'\e[]P_^].\{0,12\}' "$T/raw.bytes" | head -2 | od -c | head -2)" || ok
tui_stderr_clean

t_done
