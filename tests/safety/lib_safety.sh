# tests/safety/lib_safety.sh — fixtures shared by the safety tests. Source
# after tests/lib.sh: patients and hips through the real command line, a
# complete HHS as FIELD=VALUE arguments, and counting rows of the CSV export.

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

# sql QUERY... — run sqlite3 on $DB (output in stdout); a test helper for
# reading the file behind bedside's back, never for setting data up.
sql() { sqlite3 -batch "$DB" "$@"; }

# csv_cell ROW COLUMN_NAME — one cell of $T/csv (row 1 is the header).
csv_cell() {
    local col
    col=$(csv_col "$2")
    [ -n "$col" ] || return 1
    awk -f "$TOP/tests/safety/csvcells.awk" "$T/csv" |
        awk -F'\t' -v r="$1" -v c="$col" '$1 == r && $2 == c { sub(/^[^\t]*\t[^\t]*\t/, ""); print; exit }'
}
