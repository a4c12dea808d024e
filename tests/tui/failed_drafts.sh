#!/usr/bin/env bash
# Drafts that cannot all be read (a draft's answers that are not JSON, put
# past the CHECK by another program, as a doctored copy could hold them):
# the patient list and the drafts screen say so, with the file and SQLite's
# words, rather than mark and list fewer drafts; nothing is saved.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add DF-1 --name "Dora Falk" --sex F --born 1970-01-01
bs hip add DF-1 --side L --index-date 2026-05-15
bs record DF-1 --form vas --hip L --timepoint 1m pain=4
expect_rc 0 "setup: a patient with a VAS record"
not_json "$DB" DF-1 draft 3m
before=$(entered_sum)

bs drafts
expect_rc 1 "drafts refuses"
grep -q "cannot list the drafts: .*test.db: malformed JSON" "$T/err" && ok ||
    fail "drafts names the file and SQLite's words: $(head -1 "$T/err")"

tui_bedside a 80 24
tui_expect a 'DF-1 +Dora Falk' "list"
tui_expect a "cannot list the drafts: .*malformed JSON" "the list says the drafts could not be read"
tui_keys a r
tui_expect a "cannot list the drafts: .*malformed JSON" "and so does the drafts screen"
tui_kill a
expect_same "$(entered_sum)" "$before" "nothing saved, nothing lost"
tui_stop
tui_stderr_clean
t_done
