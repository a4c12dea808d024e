#!/usr/bin/env bash
# The review page at 80x24: a multi-choice answer with several options ticked
# shows every one of them, wrapped under itself, never cut.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add RV-1 --name "Rita Voss" --sex F --born 1970-01-01
bs hip add RV-1 --side L --index-date 2026-05-15
expect_rc 0 "setup"

tui_bedside r 80 24 enter RV-1 --form complications --hip L --timepoint 1m
tui_expect r 'Complications v1' "the form"
tui_type r 2345
tui_expect r 'Deep infection' "options listed"
tui_keys r C-s
tui_expect r 'Review: Complications' "review"
tui_screen r >/dev/null
for o in 'Pain at the aspiration site' 'Swelling at the injection site' 'Hematoma' \
    'Superficial infection'; do
    # The option may be wrapped at a space: join the review's value column.
    joined=$(sed -n '2,20p' "$T/screen" | cut -c1-50 | sed -E 's/^.{22}//' | tr -s ' \n' ' ')
    case $joined in *"$o"*) ok ;; *) tui_fail "review shows '$o' whole (got: $joined)" ;; esac
done
tui_end
t_done
