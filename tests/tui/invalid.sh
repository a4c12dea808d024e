#!/usr/bin/env bash
# An invalid value is refused on screen with the engine's message; it stays
# in the field, the cursor does not move on, and nothing is saved.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add IV-1 --name "Ivo Petrov" --sex M --born 1970-01-01
bs hip add IV-1 --side L --index-date 2026-06-15
expect_rc 0 "setup"
sum0=$(db_sum)

tui_bedside i 80 24 enter IV-1 --form hhs --hip L --timepoint baseline
tui_expect i 'Harris Hip Score v1' "form open"
tui_keys i PageDown PageDown PageDown
tui_expect i 'Range of motion +section 4 of 4' "PgDn jumps section by section"
tui_expect i '>\*Flexion' "on the first field of the section"
tui_type i 200
tui_keys i Enter
tui_expect i 'Flexion: .*150' "out of range: the message names the field and the limit"
tui_expect i '>\*Flexion +200' "the value stays in the field, the cursor on it"
tui_keys i Down
tui_expect i '>\*Flexion +200' "Down does not leave a refused value either"
expect_same "$(db_sum)" "$sum0" "nothing was written"

tui_keys i C-u
tui_type i 9x
tui_keys i Enter
tui_expect i '>\*Flexion +9x' "not a number: stays"
tui_screen i >/dev/null
grep -qiE 'whole number|integer|not a number' "$T/screen" && ok || tui_fail "not a number: a message says so"
tui_keys i C-u
tui_type i 45.5
tui_keys i Enter
tui_expect i '>\*Flexion +45\.5' "a decimal in an integer field: stays"
expect_same "$(db_sum)" "$sum0" "still nothing written"
bs drafts
expect_err 'no open drafts' "no draft was made from refused values"

# Leaving keeps nothing of the refused value: the first Esc abandons it,
# the second leaves at once (nothing was accepted).
tui_keys i Escape
tui_expect i 'typing abandoned' "Esc abandons the refused value"
tui_expect i '>\*Flexion +│' "the field is empty again"
tui_keys i Escape
tui_expect i 'MRN IV-1' "Esc with nothing accepted leaves at once"
expect_same "$(db_sum)" "$sum0" "nothing written after leaving"

# VAS: one decimal, 0-10.
tui_bedside v 80 24 enter IV-1 --form vas --hip L --timepoint baseline
tui_expect v 'VAS pain v1' "VAS"
tui_type v 10.5
tui_keys v Enter
tui_expect v '>\*Pain.* 10\.5' "above 10 stays"
tui_expect v 'Pain.*: .*10' "with a message"
tui_keys v C-u
tui_type v 4.25
tui_keys v Enter
tui_expect v '>\*Pain.* 4\.25' "two decimals refused"
expect_same "$(db_sum)" "$sum0" "nothing written"
tui_keys v C-u
tui_type v 4
tui_keys v Enter
tui_expect v 'VAS pain +4\.0' "a valid value is accepted and scored"
bs drafts
expect_out '^IV-1 +L +baseline +vas +1 ' "and it is the only thing saved"
tui_end
t_done
