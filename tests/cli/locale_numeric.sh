#!/usr/bin/env bash
# locale_numeric.sh — a decimal-comma locale (de_DE.UTF-8) changes nothing in
# the numbers bedside reads, stores, scores or prints: a typed 7.8 or 7,8 is
# stored as 7.8, never as "7,0" (strtod and printf under LC_NUMERIC=de_DE).
# The locale is built into $T with localedef (the `locales` package, which
# `make test-deps` installs), so the test does not depend on the machine's.
. "$(dirname "$0")/../lib.sh"
sql() { sqlite3 -batch "$DB" "$@"; }

mkdir -p "$T/locale"
if localedef -i de_DE -f UTF-8 "$T/locale/de_DE.UTF-8" >"$T/err" 2>&1; then ok; else
    fail "localedef cannot build de_DE.UTF-8 (is the locales package installed?)"
fi
# de() — bs under the German locale, as a nurse's SSH session may set it.
# With LOCPATH set, glibc's newlocale (store_search.c asks it for C.UTF-8)
# keeps its list of locale folders unfreed (__argz_add_sep, newlocale.c):
# glibc's leak, not ours, and met only with LOCPATH, so under the sanitizer
# it is suppressed for these runs alone.
printf 'leak:__argz_add_sep\n' >"$T/lsan.supp"
de() {
    LOCPATH=$T/locale LC_ALL=de_DE.UTF-8 LSAN_OPTIONS=suppressions=$T/lsan.supp \
        "$BEDSIDE" --today "$TODAY" "$@" >"$T/out" 2>"$T/err"
    rc=$?
}
comma=$(LOCPATH=$T/locale LC_ALL=de_DE.UTF-8 python3 -c \
    'import locale; locale.setlocale(locale.LC_ALL, ""); print(locale.localeconv()["decimal_point"])')
expect_same "$comma" "," "the built locale writes a decimal comma"

bs patient add DE-1 --name "Jürgen Weiß" --sex M --born 1970-05-04 &&
    bs hip add DE-1 --side L --index-date 2026-03-02
expect_rc 0 "setup"

de record DE-1 --form vas --hip L --date 2026-06-01 pain=7.8
expect_rc 0 "VAS 7.8 under de_DE"
expect_out "^vas=7\.8$" "the score printed with a point"
de record DE-1 --form vas --hip L --timepoint unscheduled --date 2026-06-15 pain=6,4
expect_rc 0 "VAS 6,4 (a decimal comma typed) under de_DE"
expect_out "^vas=6\.4$" "read as 6.4"
expect_same "$(sql "SELECT group_concat(json_extract(answers, '\$.pain'), ' ') FROM
    (SELECT answers FROM records WHERE form = 'vas' ORDER BY visit_date)")" "7.8 6.4" \
    "the answers stored as typed, with a point"
expect_same "$(sql "SELECT group_concat(value, ' ') FROM
    (SELECT s.value FROM scores s JOIN records r ON r.uuid = s.record
     WHERE r.form = 'vas' ORDER BY r.visit_date)")" "7.8 6.4" "the scores stored"

de show DE-1
expect_rc 0 "show under de_DE"
expect_out "^3 months +2026-06-01 +7\.8 " "show prints 7.8"
expect_no_out "7,8|6,4" "no decimal comma in show"
LC_ALL=C.UTF-8 bs show DE-1
cp "$T/out" "$T/show.c"
de show DE-1
expect_same "$(cmp -s "$T/out" "$T/show.c" && echo same)" same "show under de_DE is byte for byte the C.UTF-8 one"
de export csv --out "$T/de.csv"
expect_rc 0 "export under de_DE"
LC_ALL=C.UTF-8 bs export csv --out "$T/c.csv"
expect_same "$(cmp -s "$T/de.csv" "$T/c.csv" && echo same)" same "the export the same as under C.UTF-8"
de check
expect_rc 0 "check passes on what was written under de_DE"
t_done
