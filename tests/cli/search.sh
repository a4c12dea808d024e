#!/usr/bin/env bash
# search.sh — `patient list SEARCH` through the search index (store_search.c):
# the same patients, in the same order, as folding every MRN and name finds
# (checked against an independent fold in Python for many searches: accents,
# case, MRN fragments, quotes and LIKE/GLOB/FTS5 metacharacters taken
# literally; 1 and 2 characters, also 150 random ones, read the index's grams);
# the index is
# kept by patient add (also when the ids between two MRNs run out) and by
# merge, `check` names a patient the index has wrong, and
# `check --repair-derived` rebuilds it; an MRN typed in another case is
# looked up through it; a search that starts with - goes after --.
. "$(dirname "$0")/../lib.sh"

bs demo --patients 60 --seed 3
expect_rc 0 "demo cohort"
add() {   # MRN NAME
    bs patient add "$1" --name "$2" --sex F --born 1970-01-01
    expect_rc 0 "patient add $1"
}
add "AB-12_3" "O'Brien Ærøskøbing 50%_off"
add "ab-99" 'Quote "Q" Núñez'
add "X100" "100%_done Zoë"
add "X101" "ZOË ÑÚÑEZ"
add "X102" "Łukasz [x]* a?b ^c\$"
add "X103" "near AND or NOT (y) {mrn}: name"

# mrns SEARCH — the MRNs bedside lists for SEARCH, one line.
mrns() {
    bs patient list "$1"
    awk 'NR > 1 { print $1 }' "$T/out" | tr '\n' ' '
}
# oracle SEARCH — the same, from Python's own lower-casing, sorted by MRN bytes.
oracle() {
    python3 - "$DB" "$1" <<'PY'
import sqlite3, sys
q = sys.argv[2].lower()
rows = sqlite3.connect(sys.argv[1]).execute("SELECT mrn, name FROM patients").fetchall()
hit = sorted((m for m, n in rows if q in m.lower() or q in n.lower()), key=lambda m: m.encode())
print(" ".join(hit) + (" " if hit else ""), end="")
PY
}
searches=("ab-" "AB-12_3" "_3" "2_" "%_o" "%_d" "100%" "o'b" "O'BRIEN" '"q"' 'te "Q" n' "ærø" "ÆRØSK"
    "núñ" "ÑÚÑ" "zoë" "ZOË" "łuk" "ŁUKASZ" "[x]*" "a?b" "^c\$" "near" "AND or" "(y)" "{mrn}:"
    "ame" "son" "D000" "d0004" "000" "ann" "an " "zzq" "xyzw" "    " "ab" "a" "%" "_" "'" '"'
    "AB" "b-" "_o" "%_" "O'" "Æ" "ær" "ØS" "ñ" "ÑE" "ë" "Ë" "ł" "Ł" "[x" "]*" "?" "^" "\$"
    "(" "{" ": " "'b" '"Q' "d0" "00" "99" "zq" "qj" " " "  " "x" "z")
for s in "${searches[@]}"; do
    want=$(oracle "$s")
    got=$(mrns "$s")
    expect_same "$got" "$want" "patient list '$s' finds what folding finds"
done
# Many random searches of one or two characters (read under their gram), from
# the characters of the MRNs and names in both cases and a few in none.
while IFS=$'\t' read -r s want; do
    expect_same "$(mrns "$s")" "$want" "patient list '$s' (1-2 characters) finds what folding finds"
done < <(python3 - "$DB" <<'PY'
import random, sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT mrn, name FROM patients").fetchall()
chars = sorted(set("".join(m + n for m, n in rows)) | set("".join(m + n for m, n in rows).upper())
               | set("qzxğĞß#@"))
chars = [c for c in chars if c not in "\t\n\\-"]
rnd = random.Random(7)
for _ in range(150):
    q = "".join(rnd.choice(chars) for _ in range(rnd.choice((1, 2, 2))))
    hit = sorted((m for m, n in rows if q.lower() in m.lower() or q.lower() in n.lower()),
                 key=lambda m: m.encode())
    print(q + "\t" + " ".join(hit) + (" " if hit else ""))
PY
)
bs patient list "zzq"
expect_rc 0 "a search that finds no one"
expect_err "no patient matches 'zzq'" "says so"

# --- the index is what answers ---------------------------------------------------------
bs check
expect_out "no problems found" "a fresh index agrees with the patients"
uuid=$(sqlite3 "$DB" "SELECT uuid FROM patients WHERE mrn = 'X101'")
sqlite3 "$DB" "DELETE FROM patient_fold WHERE patient = '$uuid'"
expect_same "$(mrns "núñez")" "ab-99 " "a patient missing from the index is not found by 3 letters"
expect_same "$(mrns "úñ")" "ab-99 " "nor by 2 letters (they read the index's grams)"
expect_same "$(mrns "Ú")" "ab-99 " "nor by 1"
bs check
expect_rc 1 "check finds the index wrong"
expect_out "^patient X101 is missing from the search index; bedside check --repair-derived" \
    "naming the patient"
sqlite3 "$DB" "UPDATE patient_fold SET name = 'someone else' WHERE patient =
    (SELECT uuid FROM patients WHERE mrn = 'X100')"
bs check
expect_out "^patient X100 has another MRN or name in the search index" "a changed entry named"
expect_same "$(mrns "somEONE")" "" "an entry that is not the patient's shows no one"
sqlite3 "$DB" "INSERT INTO patient_search(patient_search, rowid, mrn, name)
    VALUES ('delete', (SELECT id FROM patient_fold LIMIT 1), 'x', 'yyy')"
bs check
expect_out "the search index is damaged" "a damaged FTS5 index is found"

before=$(sqlite3 "$DB" "SELECT count(*) FROM patients; SELECT count(*) FROM audit" | tr '\n' ' ')
bs check --repair-derived
expect_rc 0 "check --repair-derived"
expect_out "^rebuilt the search index" "says what it rebuilt"
expect_out "no problems found" "and the check after it is clean"
expect_same "$(sqlite3 "$DB" "SELECT count(*) FROM patients; SELECT count(*) FROM audit
    WHERE action <> 'repair'" | tr '\n' ' ')" "$before" "no patient or earlier audit row touched"
expect_same "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'repair'")" 1 \
    "the repair itself is one audit entry"
expect_same "$(mrns "núñez")" "$(oracle "núñez")" "found again after the repair"
expect_same "$(mrns "100%")" "X100 " "the changed entry is right again"
# The grams (one and two characters), once the rest of the index is right.
sqlite3 "$DB" "DELETE FROM patient_gram WHERE gram = ']*'"
expect_same "$(mrns "]*")" "" "a patient whose gram is gone is not found by it"
expect_same "$(mrns "[x")" "X102 " "but by another"
sqlite3 "$DB" "INSERT INTO patient_gram(gram, id) SELECT 'qq', max(id) + 1 FROM patient_fold"
bs check
expect_rc 1 "check finds the grams wrong"
expect_out "^patient X102 has other characters in the search index's grams; bedside check --repair-derived" \
    "naming the patient whose grams are wrong"
expect_out "^the search index's grams name id [0-9]*, which is no patient's" \
    "and grams of no patient"
bs check --repair-derived
expect_out "no problems found" "the repair makes the grams again"
expect_same "$(mrns "]*")" "X102 " "the lost gram is back"
chmod a-w "$DB"
bs check --repair-derived
expect_rc 1 "a read-only file is not repaired"
expect_err "read-only" "saying why"
chmod u+w "$DB"

# --- kept by every write ---------------------------------------------------------------
# Forty-five patients added one after the other between the same two MRNs use
# up the ids between them (2^40 apart, halved each time): the index is
# numbered anew and stays in MRN order.
add "M1" "Gap Low"
add "M2" "Gap High"
for i in $(seq -w 1 45); do
    bs patient add "M1-$i" --name "Gap $i" --sex M --born 1960-01-01
done
expect_rc 0 "the last of 45 patients added between M1 and M2"
expect_same "$(mrns "gap" | wc -w)" 47 "all of them found"
expect_same "$(mrns "gap")" "$(oracle "gap")" "in MRN order"
bs check
expect_out "no problems found" "the renumbered index agrees with the patients"

# A patient taken in by a merge is found.
bs backup "$T/laptop.db"
BEDSIDE_DB=$T/laptop.db bs patient add "L-7" --name "Laptop Only Person" --sex X --born 1999-09-09
expect_rc 0 "a patient added on the laptop"
bs merge "$T/laptop.db"
expect_rc 0 "merged"
expect_same "$(mrns "only pers")" "L-7 " "the merged patient is found"
bs check
expect_out "no problems found" "the index agrees after the merge"

# --- an MRN typed in another case is read through the index (schema 10) ---------------
bs patient add "x100" --name "Someone Else" --sex M --born 1980-01-01
expect_rc 1 "an MRN differing only in case is refused"
expect_err "a patient with MRN 'X100' already exists" "naming the MRN it clashes with"
bs show "ab-12_3"
expect_rc 0 "show finds an MRN typed in lower case"
expect_out "AB-12_3" "the patient as registered"
# A schema-9 file (no index on the folded MRNs) gets it when opened.
marks_before_table "$DB"
audit_before_repair "$DB"
sqlite3 "$DB" "DROP INDEX patient_fold_mrn; PRAGMA user_version = 9"
bs show "l-7"
expect_rc 0 "a schema-9 file is upgraded and the MRN found"
expect_out "L-7" "the merged patient, by its MRN in another case"
expect_same "$(sqlite3 "$DB" "PRAGMA user_version;
    SELECT name FROM sqlite_master WHERE name = 'patient_fold_mrn'" | tr '\n' ' ')" \
    "$SCHEMA_NOW patient_fold_mrn " "the index is made by the upgrade"
sqlite3 "$DB" "DELETE FROM patient_fold WHERE patient = (SELECT uuid FROM patients WHERE mrn = 'L-7')"
bs show "l-7"
expect_rc 1 "a patient missing from the index is not found by another case"
bs show "L-7"
expect_rc 0 "but by its MRN as registered"
bs check --repair-derived
expect_rc 0 "repaired"
bs show "l-7"
expect_rc 0 "found by another case again after the repair"
expect_same "$(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE name = 'patient_fold_mrn'")" \
    "patient_fold_mrn" "the repair made the index again"

# A schema-13 file (no grams) gets them when opened.
grams_before_table "$DB"
expect_same "$(mrns "]*")" "X102 " "a schema-13 file is upgraded and searched by its grams"
expect_same "$(sqlite3 "$DB" "PRAGMA user_version; SELECT count(*) FROM patient_gram
    WHERE gram = ']*'" | tr '\n' ' ')" "$SCHEMA_NOW 1 " "the upgrade made the grams"
bs check
expect_out "no problems found" "the grams the upgrade made agree with the patients"

# --- a search that starts with '-': after --, the end of the options ------------------
bs patient add "Q-9" --name "Dash Nine" --sex F --born 1970-01-01
expect_rc 0 "an MRN with a dash"
bs patient list -- -9
expect_rc 0 "patient list -- -9"
expect_same "$(awk 'NR > 1 { print $1 }' "$T/out" | tr '\n' ' ')" "Q-9 ab-99 " \
    "the search after -- finds the MRNs containing -9"
bs patient list -9
expect_rc 2 "without --, -9 is an option"
expect_err "unknown option '-9'; to search for text that starts with '-', put -- before it" \
    "the message says how to search for it"
bs patient list -- --9
expect_rc 0 "a search of --9"
expect_err "no patient matches '--9'" "the search is the text after --"

t_done
