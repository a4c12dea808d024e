# tests/safety/lib_safety.sh — fixtures shared by the safety tests. Source
# after tests/lib.sh (and tests/tui/lib_tmux.sh for the TUI helpers):
# patients and hips through the real command line, a complete HHS as
# FIELD=VALUE arguments and as keys, cells of the CSV export, and the drafts
# as stored, read straight from the file.

# A complete HHS: pain 40 + function 38 + deformity 4 + ROM 4.3 = 86.3
# (the worked ROM example of clinical.md: 45 + 27 + 8 + 2 + 4 = 86 -> 4.3).
HHS_FULL=(pain=slight limp=none support=cane_long_walks distance=six_blocks
    stairs=railing shoes_socks=ease sitting=ordinary_chair public_transport=able
    flexion_contracture_lt30=yes adduction_lt10=yes internal_rotation_lt10=yes
    limb_length_lt32=yes flexion=90 abduction=10 adduction=10 external_rotation=10
    internal_rotation=5)
HHS_FULL_TOTAL=86.3

# mk_patient MRN [NAME] — add a patient or fail the test loudly.
mk_patient() {
    bs patient add "$1" --name "${2:-Test Patient $1}" --sex F --born 1970-05-04
    [ "$rc" = 0 ] || { fail "setup: patient add $1: exit $rc"; return 1; }
}
# mk_hip MRN SIDE [INDEX_DATE]
mk_hip() {
    bs hip add "$1" --side "$2" --index-date "${3:-2026-06-15}"
    [ "$rc" = 0 ] || { fail "setup: hip add $1 $2: exit $rc"; return 1; }
}

# csv_rows [ARGS...] — the number of data rows (header left out) of
# `bedside export csv ARGS`, which is kept in $T/csv; -1 if export failed.
csv_rows() {
    "$BEDSIDE" --today "$TODAY" export csv "$@" >"$T/csv" 2>"$T/csv.err"
    local st=$?
    if [ "$st" != 0 ]; then
        echo "export csv exit $st: $(head -3 "$T/csv.err")" >&2
        echo -1
        return
    fi
    local rows
    rows=$(awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" | cut -f1 | sort -u | wc -l)
    echo $((rows > 0 ? rows - 1 : 0))
}

# csv_col NAME — the 1-based column number of NAME in the header of $T/csv.
csv_col() {
    head -1 "$T/csv" | tr -d '\r"' | tr ',' '\n' | grep -nx -- "$1" | cut -d: -f1 | head -1
}

# sql QUERY... — sqlite3 on $DB: to look at what bedside stored, from outside.
sql() { sqlite3 -batch "$DB" "$@"; }

# csv_cell ROW COLUMN_NAME — one cell of $T/csv (row 1 is the header).
csv_cell() {
    local col
    col=$(csv_col "$2")
    [ -n "$col" ] || return 1
    awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" |
        awk -F'\t' -v r="$1" -v c="$col" '$1 == r && $2 == c { sub(/^[^\t]*\t[^\t]*\t/, ""); print; exit }'
}

# draft_answers MRN FORM — "field=value" lines of that patient's open draft of
# FORM, sorted, read from records.answers (a JSON object) behind bedside's back.
draft_answers() {
    sql "SELECT j.key || '=' || j.value FROM records r JOIN patients p ON p.uuid = r.patient,
         json_each(r.answers) j WHERE p.mrn = '$1' AND r.form = '$2' AND r.status = 'draft'
         ORDER BY j.key" 2>/dev/null
}
draft_count() { draft_answers "$1" "$2" | grep -c . || true; }

# wait_draft MRN FORM N [SECONDS] — until the draft holds N answers: the proof
# that each accepted answer reached the database at once.
wait_draft() {
    local secs=${4:-15} i
    for ((i = 0; i < secs * 10 * ${TUI_SLOW:-1}; i++)); do
        [ "$(draft_count "$1" "$2")" = "$3" ] && return 0
        sleep 0.1
    done
    return 1
}

# want_answers N FIELD=VALUE... — the first N of the given answers, sorted,
# as draft_answers prints them.
want_answers() {
    local n=$1; shift
    printf '%s\n' "${@:1:n}" | sort
}

# The HHS of HHS_FULL typed as a nurse would in the form screen: a digit per
# choice (it selects and moves on), y per yesno, degrees then Enter.
# hhs_type NAME FROM TO — type fields FROM..TO (1-based, in HHS_FULL order),
# waiting after each for the draft to hold that many answers (MRN in $HHS_MRN).
HHS_KEYS=(2 1 2 2 2 1 1 1 y y y y 90 10 10 10 5)
hhs_type() {
    local name=$1 from=$2 to=$3 i k
    for ((i = from; i <= to; i++)); do
        k=${HHS_KEYS[i - 1]}
        tui_type "$name" "$k"
        if [ "$i" -gt 12 ]; then tui_keys "$name" Enter; fi
        if ! wait_draft "$HHS_MRN" hhs "$i" 15; then
            tui_fail "typing HHS field $i ($k): the draft holds $(draft_count "$HHS_MRN" hhs) answers, want $i"
            return 1
        fi
    done
}

# tui_enter NAME MRN FORM SIDE TP — `bedside enter` at 80x24 in tmux
# (tests/tui/lib_tmux.sh); the pane's pid is bedside's own.
tui_enter() { tui_bedside "$1" 80 24 enter "$2" --form "$3" --hip "$4" --timepoint "$5"; }

# record_uuid MRN FORM [STATUS] — uuid of that patient's (first) record of FORM.
record_uuid() {
    sql "SELECT r.uuid FROM records r JOIN patients p ON p.uuid = r.patient
         WHERE p.mrn = '$1' AND r.form = '$2' AND r.status = '${3:-final}' ORDER BY r.rowid LIMIT 1"
}

# raw_free FILE WHAT — no C0 control but tab, form feed (pages), newline and a
# CR ending a line (CSV), no C1 control, no bidi control or zero-width character, and no byte
# that is not UTF-8 (a raw 8-bit CSI) in FILE.
raw_free() {
    if LC_ALL=C sed 's/\r$//' "$1" | LC_ALL=C grep -q $'[\x01-\x08\x0b\x0d-\x1f\x7f]'; then
        fail "$2: raw C0 control in output: $(LC_ALL=C sed 's/\r$//' "$1" | LC_ALL=C grep -n $'[\x01-\x08\x0b\x0d-\x1f\x7f]' | head -1 | cut -c1-120 | od -c | head -3)"
    else ok; fi
    if LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$1"; then fail "$2: raw C1 control in output"; else ok; fi
    if LC_ALL=C grep -qE $'\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf' "$1"; then
        fail "$2: raw bidi or zero-width character in output"
    else ok; fi
    iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 && ok || fail "$2: bytes that are not UTF-8 in output"
}
