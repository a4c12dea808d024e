#!/usr/bin/env bash
# A visit already recorded is not entered twice: the TUI says so before any
# typing and offers to amend it (with a reason); a record opened from the
# patient screen can be amended with A; a duplicate that appears while a
# draft is being typed (another nurse) is refused at saving, with the offer
# to amend instead. Amendments land in the history with their reason.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

bs patient add AM-1 --name "Amir Haddad" --sex M --born 1977-04-04
bs hip add AM-1 --side L --index-date 2026-05-15
bs record AM-1 --form vas --hip L --timepoint 1m pain=5
expect_rc 0 "setup: a final VAS at 1m"

tui_bedside a 80 24 enter AM-1 --form vas --hip L --timepoint 1m
tui_expect a 'A final VAS pain record for 1m already exists: [0-9a-f]{8} of' \
    "a second final record is refused before typing, naming the existing one"
tui_keys a a
tui_expect a 'Reason:' "amending asks a reason"
tui_type a 'pain misread'
tui_keys a Enter
tui_expect a 'AMEND VAS pain v1' "the form opens in amend mode"
tui_expect a '>\*Pain.*5\.0' "with the record's answer"
tui_keys a C-u
tui_type a 4
tui_keys a Enter C-s
tui_expect a 'Enter saves' "review"
tui_keys a Enter
tui_expect a 'Amended VAS pain 1m' "amended"
bs export csv --form vas
expect_out '^AM-1,L,1m,2026-06-15,vas,1,[^,]*,[^,]*,4\.0,4\.0' "the current version has the new value"
expect_no_out ',5\.0,5\.0' "the old version is no longer current"
bs history AM-1
expect_out 'amend' "the history has the amendment"
expect_out 'pain misread' "with its reason"

# From the patient screen: o, pick, A.
tui_expect a 'MRN AM-1' "patient screen"
tui_keys a o
tui_expect a 'Open a record' "picker"
tui_keys a 1
tui_expect a 'final, entered by' "record view"
tui_expect a 'Amended \(replaces record [0-9a-f]{8}\): pain misread' "it says it was amended, what it replaces, and why"
tui_keys a A
tui_expect a 'Reason:' "A asks a reason"
tui_keys a Enter
tui_expect a 'an amendment needs a reason; nothing changed' "an empty reason is refused"
tui_keys a A
tui_type a 'second look'
tui_keys a Enter
tui_expect a 'AMEND VAS pain' "amend mode"
tui_keys a C-u
tui_type a 3.5
tui_keys a Enter C-s Enter
tui_expect a 'Amended VAS pain 1m' "amended again"
tui_expect a 'MRN AM-1' "back on the patient screen"
bs export csv --form vas
expect_out '^AM-1,L,1m,2026-06-15,vas,1,[^,]*,[^,]*,3\.5,3\.5' "the latest amendment is current"
bs history AM-1
expect_out 'second look' "both reasons in the history"

# A duplicate appears while typing: the CLI records 3m while the TUI's draft
# for 3m is open. Saving is refused with the store's message; amend instead.
# (Another patient, whose 3-month window holds today.)
tui_keys a q
bs patient add AM-2 --name "Ada Moss" --sex F --born 1970-01-01
bs hip add AM-2 --side L --index-date 2026-03-16
tui_bedside b 80 24 enter AM-2 --form vas --hip L --timepoint 3m
tui_expect b 'VAS pain v1' "3m VAS"
tui_type b 6
tui_keys b Enter
tui_expect b 'draft saved' "draft"
bs record AM-2 --form vas --hip L --timepoint 3m pain=2
expect_rc 0 "another nurse records 3m meanwhile"
tui_keys b C-s Enter
tui_expect b 'A final record exists' "saving is refused, amending offered"
tui_keys b a
tui_expect b 'Reason:' "reason"
tui_type b 'both entered; mine is right'
tui_keys b Enter
tui_expect b 'Amended VAS pain 3m' "amended with the TUI's answers"
bs export csv --form vas
expect_out '^AM-2,L,3m,2026-06-15,vas,1,[^,]*,[^,]*,6\.0,6\.0' "3m now holds 6.0"
bs drafts
expect_err 'no open drafts' "no draft left"
tui_end
t_done
