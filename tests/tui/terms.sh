#!/usr/bin/env bash
# Plain and fancy terminals: TERM=vt100 (no colour), linux, screen,
# tmux-256color, xterm-256color; NO_COLOR; a non-UTF-8 locale draws ASCII
# only; names with escape sequences are shown escaped, never sent raw.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add TM-1 --name "Zoë Ångström" --sex F --born 1972-02-02
bs hip add TM-1 --side L --index-date 2026-05-15
bs patient add TM-2 --name "Placeholder" --sex M --born 1980-01-01
expect_rc 0 "setup"
# A hostile name, as only a merged copy could bring it (entry refuses it).
sqlite3 "$DB" "UPDATE patients SET name = 'Evil' || char(27) || '[2J' || char(27) ||
    ']0;pwned' || char(7) || 'Name' WHERE mrn = 'TM-2'"

# colour_sgr NAME — count SGR colour codes (30-37, 40-47, 38;/48;, 90-97) on
# the screen as tmux renders it with attributes.
colour_sgr() {
    tui_tmux capture-pane -e -p -t "$1" | grep -oE $'\e\\[[0-9;]*m' |
        grep -cE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48|9[0-7])(;[0-9;]*)?m' || true
}

# One short task in each terminal type: open the patient, enter a VAS.
n=0
for term in vt100 linux screen tmux-256color xterm-256color; do
    n=$((n + 1))
    s=t$n
    TUI_ENV=(TERM=$term)
    tui_bedside $s 80 24
    tui_expect $s 'Patients: 2' "$term: the list"
    tui_keys $s Enter
    tui_expect $s 'MRN TM-1' "$term: the patient"
    tui_keys $s Down Down Up
    tui_keys $s n
    tui_expect $s 'Visit date' "$term: new visit asks the date"
    tui_keys $s Enter Enter
    if [ $n -gt 1 ]; then
        # The previous terminal's draft: resume it and replace the value.
        tui_expect $s 'Resume draft with 1 answer' "$term: the draft is offered"
        tui_keys $s r
    fi
    tui_expect $s 'VAS pain v1' "$term: the VAS form"
    tui_keys $s C-u
    tui_type $s "$n"
    tui_keys $s Enter
    tui_expect $s "VAS pain +$n\\.0" "$term: typed and scored"
    tui_keys $s Escape
    tui_expect $s 'Leave the form' "$term: Esc"
    tui_keys $s l
    tui_expect $s 'Draft kept' "$term: left, draft kept"
    c=$(colour_sgr $s)
    case $term in
    vt100) expect_same "$c" 0 "vt100 has no colour: none used" ;;
    xterm-256color | tmux-256color) [ "$c" -gt 0 ] && ok || tui_fail "$term: colours are used" ;;
    esac
    tui_kill $s
    bs drafts
    expect_out "^TM-1 +L +1m +vas +1 " "$term: the draft was saved"
done

# NO_COLOR: the same terminal, no colour at all, still readable (reverse/bold).
TUI_ENV=(TERM=xterm-256color NO_COLOR=1)
tui_bedside nc 80 24
tui_expect nc 'Patients: 2' "NO_COLOR: the list"
expect_same "$(colour_sgr nc)" 0 "NO_COLOR: no colour codes"
tui_tmux capture-pane -e -p -t nc | grep -qE $'\e\\[[0-9;]*7[;m]' && ok ||
    tui_fail "NO_COLOR: the selection is still shown (reverse video)"
tui_kill nc

# Untrusted text: the ESC bytes of a name are drawn as ^[ and never reach the terminal.
TUI_ENV=(TERM=xterm-256color)
tui_bedside esc 80 24
tui_expect esc 'Evil\^\[\[2J\^\[\]0;pwned' "the name is shown escaped"
tui_tmux capture-pane -e -p -t esc | grep -q $'\e\\[2J\|\e\\]0;' && tui_fail "raw escape from a name" || ok
tui_keys esc Down Enter
tui_expect esc 'MRN TM-2' "its patient screen"
tui_expect esc 'Evil\^\[\[2J\^\[\]0;pwned\^GName' "escaped in full on the patient screen"
tui_kill esc

# A non-UTF-8 locale: ASCII only on screen (names, dashes, boxes).
TUI_ENV=(TERM=xterm-256color LC_ALL=C LANG=C)
tui_bedside as 80 24
tui_expect as 'Patients: 2' "C locale: the list"
tui_expect as 'Zoe Angstrom' "non-ASCII letters drawn without their accents"
tui_keys as Enter
tui_expect as 'MRN TM-1' "patient screen"
tui_keys as n
tui_expect as '\+-+ Visit date -+\+' "ASCII box"
tui_screen as >/dev/null
expect_same "$(LC_ALL=C tr -d '\000-\177' <"$T/screen" | wc -c)" 0 "no byte beyond ASCII on screen"
tui_kill as
bs patient list
expect_out 'TM-1 +Zoë Ångström' "the stored name is untouched"
tui_end
t_done
