#!/usr/bin/env bash
# Text that fits 80x24: the help of every screen, dialog hints and the
# add-hip list are wrapped, never cut. Each captured box is scanned word by
# word against the words of the program's own strings (src/ui_*.c): a word
# cut at the edge ("soonest fir", "con") is not one of them. Hip details show
# labels, not codes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add FT-1 --name "Fay Tan" --sex F --born 1975-05-05
bs hip add FT-1 --side L --index-date 2026-05-15 etiology=sickle_cell stage_system=steinberg stage=IIIA
expect_rc 0 "setup"

# cut_words FILE — words in the box lines of FILE that no ui string contains.
cut_words() {
    python3 - "$1" "$TOP"/src/ui_*.c <<'PY'
import re, sys
src = ""
for f in sys.argv[2:]:
    for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', open(f, encoding="utf-8").read()):
        src += " " + lit
known = set(re.findall(r"[A-Za-z][A-Za-z]*", src))
bad = set()
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^.*?[│|](.*)[│|]\s*$", line)
    if not m:
        continue
    for w in re.findall(r"[A-Za-z][A-Za-z]*", m.group(1)):
        if w not in known:
            bad.add(w)
print(" ".join(sorted(bad)))
PY
}

# help_scan NAME WHAT — page through the help of the screen on top; every
# word on every page is whole.
help_scan() {
    local name=$1 what=$2 all=$T/help.$1 i
    : >"$all"
    tui_keys "$name" '?'
    tui_expect "$name" "Help: " "$what: help opens"
    for ((i = 0; i < 12; i++)); do
        tui_screen "$name" >>"$all"
        tui_keys "$name" Down Down Down Down Down Down Down Down
    done
    tui_screen "$name" >>"$all"
    tui_keys "$name" q
    tui_wait_gone "$name" "Help: " 5
    local bad
    bad=$(cut_words "$all")
    expect_same "$bad" "" "$what: no word of the help is cut at 80 columns"
    cp "$all" "$T/screen"
}

tui_bedside f 80 24
tui_expect f 'Patients: 1' "list"
help_scan f "patient list"
tui_keys f Enter
tui_expect f 'MRN FT-1' "patient screen"
tui_expect f 'Etiology Sickle cell · Staging system Steinberg · Stage IIIA' \
    "the enrolment answers by their labels, not sickle_cell, steinberg, iiia"
help_scan f "patient screen"
tui_keys f h
tui_expect f 'Add hip' "add hip"
tui_expect f 'day 0 \(the procedure\), YYYY-MM-DD' "the whole index-date hint"
tui_keys f Escape
tui_kill f

tui_bedside g 80 24 enter FT-1 --form hhs --hip L
tui_expect g 'Harris Hip Score v1' "form"
help_scan g "form"
tui_end

bs show FT-1
expect_out 'Etiology Sickle cell · Staging system Steinberg · Stage IIIA' "show: the labels"
t_done
