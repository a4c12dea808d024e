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

# csv_rows [ARGS...] — data rows of `bedside export csv ARGS` (header left
# out), into $T/csv; prints the count. Free-text cells may hold newlines, so
# this counts records by their leading MRN cell, which the tests choose.
csv_rows() {
    "$BEDSIDE" --today "$TODAY" export csv "$@" >"$T/csv" 2>"$T/csv.err"
    local st=$?
    if [ "$st" != 0 ]; then
        echo "export csv exit $st: $(head -3 "$T/csv.err")" >&2
        echo -1
        return
    fi
    tail -n +2 "$T/csv" | grep -c '^"\{0,1\}[A-Z][A-Z0-9-]*"\{0,1\},' || true
}

# csv_col NAME — the 1-based column number of NAME in the header of $T/csv.
csv_col() {
    head -1 "$T/csv" | tr -d '\r"' | tr ',' '\n' | grep -nx -- "$1" | cut -d: -f1 | head -1
}

# sql QUERY... — run sqlite3 on $DB (output in stdout); a test helper for
# reading the file behind bedside's back, never for setting data up.
sql() { sqlite3 -batch "$DB" "$@"; }
