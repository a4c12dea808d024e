#!/usr/bin/env bash
# A patient whose records cannot all be read (answers that are not JSON, put
# past the CHECK by another program, as a doctored copy could hold them): the
# patient screen says so instead of a trend short of a record, the record
# picker alerts with the file and SQLite's words rather than listing fewer
# records, and nothing is saved; another patient still shows as ever.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add RF-1 --name "Rosa Fink" --sex F --born 1970-01-01
bs hip add RF-1 --side L --index-date 2026-05-15
bs record RF-1 --form vas --hip L --timepoint 1m pain=4
bs patient add RG-1 --name "Rita Gold" --sex F --born 1971-01-01
bs hip add RG-1 --side R --index-date 2026-05-15
bs record RG-1 --form vas --hip R --timepoint 1m pain=6
expect_rc 0 "setup: one VAS record each"
not_json "$DB" RF-1 final 3m
before=$(entered_sum)

tui_bedside a 80 24
tui_expect a 'RF-1 +Rosa Fink' "list"
tui_keys a Enter
tui_expect a "cannot show the trend view: cannot read the hips and records of patient" \
    "the patient screen says the records could not be read"
tui_expect_not a "Visual analogue" "no trend of the record that could be read"
tui_keys a o
tui_expect a "Cannot list the records" "the record picker refuses"
tui_expect a "test.db: malformed JSON" "naming the file and SQLite's words"
tui_expect_not a "Open a record" "no picker with the records that could be read"
tui_keys a Enter
tui_expect a "n new visit" "the alert closes to the patient screen"
# Another patient, whose rows read whole, shows as ever: the failed read is
# not reported again for them.
tui_keys a q
tui_expect a 'RG-1 +Rita Gold' "back to the list"
tui_keys a Down Enter
tui_expect a 'MRN RG-1' "the other patient's screen"
tui_expect a 'VAS pain' "with its trend"
tui_expect_not a 'cannot show the trend view' "and no message of the other patient's read"
tui_kill a
expect_same "$(entered_sum)" "$before" "nothing saved, nothing lost"
tui_stop
tui_stderr_clean
t_done
