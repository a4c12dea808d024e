#!/usr/bin/env bash
# rand36.sh — a complete RAND-36 (36 items) typed in the TUI under the
# second study's protocol, counting every key sent: a digit answers an item
# and moves on, across section boundaries, so the target is 36 digits plus
# review and save (at most 45 keys in all). The mixed patient of
# tests/unit/test_form_rand36.c, so the saved scales are known.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT
export BEDSIDE_CONFIG=$TOP/config/examples/trial-003.yaml

bs patient add RQ-1 --name "Rui Quintana" --sex M --born 1968-03-09
bs hip add RQ-1 --side L --index-date 2026-05-16
expect_rc 0 "setup"

tui_bedside h 80 24 enter RQ-1 --form rand36
tui_expect h 'RAND 36-Item Health Survey v1 +RQ-1 Rui Quintana +patient +1m' \
    "a patient-scope form, the due timepoint (1m) preselected"
tui_expect h 'Answered 0 of 36' "36 items to answer"
# A digit beyond the item's answers is refused and answers nothing.
tui_type h 7
tui_expect h 'press the number \(or letter\) of an option' "7 is not an answer to item 1"
tui_expect h 'Answered 0 of 36' "nothing answered by a wrong digit"
TUI_KEYS=0
# Items 1-2, 3-12, 13-16, 17-19, 20-22, 23-31, 32, 33-36, one digit each. On
# the way, the long questions and the stems (notes) are on screen whole.
for k in 3 2  1 2 2 1 2 2 1 2 3 3  1 1 2 1  2 1 2; do tui_type h "$k"; done
tui_expect h 'Physical functioning +45\.0' "the scale is computed as the items come in"
tui_expect h '^  family, friends, neighbors, *│' "item 20 wraps over several rows"
tui_expect h '^  or groups\? *│' "item 20 shown to its last word"
for k in 2 4 3; do tui_type h "$k"; done
tui_expect h '^  past 4 weeks\.\.\. *│' "the stem of items 23-31 shown whole"
for k in 4 5 6 2 3 4 3 3 2 4  2 3 4 4; do tui_type h "$k"; done
tui_expect h 'Answered 36 of 36' "every item answered by its digit"
tui_keys h C-s
tui_expect h 'Enter saves the final record' "review reached"
tui_keys h Enter
tui_expect h 'Saved RAND 36-Item Health Survey 1m' "saved"
echo "keystrokes for a complete RAND-36: $TUI_KEYS"
[ "$TUI_KEYS" -le 45 ] && ok || fail "a complete RAND-36 took $TUI_KEYS keystrokes (at most 45)"
[ "$TUI_KEYS" = 38 ] && ok || fail "36 digits, Ctrl-S and Enter are 38 keys, not $TUI_KEYS"

bs export csv --form rand36
expect_out ',1m,.*,3,2,1,2,2,1,2,2,1,2,3,3,1,1,2,1,2,1,2,2,4,3,4,5,6,2,3,4,3,3,2,4,2,3,4,4,' \
    "each digit reached its item, in order"
expect_out ',45\.0,25\.0,66\.7,40\.0,76\.0,75\.0,45\.0,45\.0,75([^0-9.]|$)' \
    "the nine scores of the unit test's mixed patient"
tui_end
t_done
