#!/usr/bin/env bash
# Databases that bedside must refuse (issue 6, "Databases"): a text file, an
# unrelated SQLite database, a newer schema, a truncated or overwritten file,
# and a database the user cannot write. Each: a clear message, a non-zero
# exit below 128 (no crash), and the file byte for byte unchanged.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"
. "$(dirname "$0")/../tui/lib_tmux.sh"
trap 'tui_stop; t_cleanup' EXIT

fsum() { md5sum "$1" | cut -d' ' -f1; }

# refused FILE WHAT ARGS... — bedside --db FILE ARGS fails cleanly and leaves
# FILE (and no -wal/-journal beside it) as it was.
refused() {
    local file=$1 what=$2; shift 2
    local sum
    sum=$(fsum "$file")
    bs --db "$file" "$@"
    if [ "$rc" -ge 1 ] && [ "$rc" -lt 128 ]; then ok; else fail "$what: $*: exit $rc, want 1..127"; fi
    if grep -q '^bedside: ' "$T/err" && grep -qF "${file##*/}" "$T/err"; then ok; else
        fail "$what: $*: no 'bedside: ...' message naming ${file##*/}"
    fi
    grep -qE 'AddressSanitizer|runtime error|Segmentation' "$T/err" && fail "$what: $*: sanitizer report"
    expect_same "$(fsum "$file")" "$sum" "$what: $* leaves the file unchanged"
    if [ -e "$file-wal" ] || [ -e "$file-journal" ]; then
        fail "$what: $* left a -wal or -journal beside the file"
        rm -f "$file-wal" "$file-shm" "$file-journal"
    else ok; fi
}

# --- not a bedside database --------------------------------------------------
printf 'MRN,name\n1,Ada\n' >"$T/text.db"
refused "$T/text.db" "text file" patient list
refused "$T/text.db" "text file" patient add X-1 --name A --sex F --born 1970-01-01
# The deep link refuses before any screen is drawn (stdin is no terminal, so a
# wrongly opened TUI would fail differently, not hang).
refused "$T/text.db" "text file" enter X-1 --form hhs --hip L </dev/null

sqlite3 "$T/other.db" "CREATE TABLE patients(id, name); INSERT INTO patients VALUES (1, 'Ada');"
refused "$T/other.db" "unrelated SQLite db" patient list
refused "$T/other.db" "unrelated SQLite db" patient add X-1 --name A --sex F --born 1970-01-01
refused "$T/other.db" "unrelated SQLite db" check
refused "$T/other.db" "unrelated SQLite db" enter X-1 --form hhs --hip L </dev/null
# An empty file that merely has another program's application_id.
sqlite3 "$T/app.db" "PRAGMA application_id = 1234; CREATE TABLE t(x);"
refused "$T/app.db" "SQLite db of another application" patient list

# Not files at all: a folder, a FIFO (opening one for reading would wait for
# a writer for ever), a device. Refused at once, never hung on.
mkdir "$T/folder.db"
mkfifo "$T/fifo.db"
for f in "$T/folder.db" "$T/fifo.db" /dev/null; do
    timeout $((20 * TUI_SLOW)) "$BEDSIDE" --today "$TODAY" --db "$f" patient list >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    if [ "$rc" -ge 1 ] && [ "$rc" -lt 124 ] && grep -qF "bedside: $f" "$T/err"; then ok; else
        fail "${f##*/}: patient list: exit $rc (124: hung), want a message naming it and 1..123"
    fi
done
[ -p "$T/fifo.db" ] && [ -d "$T/folder.db" ] && ok || fail "the FIFO and the folder were replaced"

# --- a real database, then damaged copies -----------------------------------
bs demo --patients 60 --seed 7
expect_rc 0 "demo cohort for the damage tests"
# Everything in the main file, so that copies of it are whole databases.
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
real_sum=$(fsum "$DB")
bs check
expect_rc 0 "bedside check passes on the intact database"
expect_same "$(fsum "$DB")" "$real_sum" "bedside check does not change the file"

cp "$DB" "$T/db-a.db"
sqlite3 "$T/db-a.db" "PRAGMA user_version = 99;"
refused "$T/db-a.db" "newer schema" patient list
grep -qiE 'version|newer' "$T/err" && ok || fail "newer schema: message says version: $(head -1 "$T/err")"
refused "$T/db-a.db" "newer schema" patient add X-1 --name A --sex F --born 1970-01-01
refused "$T/db-a.db" "newer schema" enter X-1 --form hhs --hip L </dev/null

size=$(stat -c %s "$DB")
cp "$DB" "$T/db-b.db"
truncate -s $((size / 2)) "$T/db-b.db"
refused "$T/db-b.db" "truncated file" check
refused "$T/db-b.db" "truncated file" patient list
refused "$T/db-b.db" "truncated file" export csv
refused "$T/db-b.db" "truncated file" patient add X-1 --name A --sex F --born 1970-01-01

# Garbage over the pages after the first (the header stays valid).
cp "$DB" "$T/db-c.db"
psize=$(sqlite3 "$DB" "PRAGMA page_size;")
pages=$((size / psize))
# (A cohort that was not made leaves a file of a page or two: head -c of a
# negative count would copy /dev/urandom without end.)
[ "$pages" -gt 2 ] || { fail "the demo cohort is only $pages pages"; t_done; exit; }
head -c $((psize * (pages - 2))) /dev/urandom |
    dd of="$T/db-c.db" bs="$psize" seek=1 conv=notrunc status=none
refused "$T/db-c.db" "overwritten pages" check
refused "$T/db-c.db" "overwritten pages" export csv

# damage_leaf FILE TABLE — random bytes over the middle leaf page of TABLE.
damage_leaf() {
    local leaf
    leaf=$(sqlite3 "$1" "SELECT pageno FROM dbstat WHERE name = '$2' AND pagetype = 'leaf'
        ORDER BY pageno LIMIT 1 OFFSET (SELECT count(*) / 2 FROM dbstat WHERE name = '$2'
        AND pagetype = 'leaf')")
    head -c "$psize" /dev/urandom |
        dd of="$1" bs="$psize" seek=$((leaf - 1)) conv=notrunc status=none
}
# unreadable_leaf FILE TABLE [DESC] — 0xff (no page type) over the first
# leaf page of TABLE in key order, or with DESC the last one.
unreadable_leaf() {
    local leaf
    leaf=$(sqlite3 "$1" "SELECT pageno FROM dbstat WHERE name = '$2' AND pagetype = 'leaf'
        ORDER BY path $3 LIMIT 1")
    head -c "$psize" /dev/zero | tr '\0' '\377' |
        dd of="$1" bs="$psize" seek=$((leaf - 1)) conv=notrunc status=none
}
# first_unreadable FILE SQL — the first MRN (of the sound $DB) for which SQL,
# ending in "p.mrn = ", cannot be read from FILE. SQL reads the rows along
# bedside's own path (a patient's records by its index, each record's scores
# by their key): a damaged page can read as garbage on one path and fail on
# another.
first_unreadable() {
    local m
    for m in $(sqlite3 "$DB" "SELECT mrn FROM patients ORDER BY mrn"); do
        sqlite3 "$1" "$2'$m'" >/dev/null 2>&1 || { echo "$m"; return; }
    done
}

# A damaged page among one patient's records (the opening probes read the
# first and last rows only): show and print refuse with a message naming the
# file, rather than a summary short of some records.
cp "$DB" "$T/db-d.db"
damage_leaf "$T/db-d.db" records
hit=$(first_unreadable "$T/db-d.db" "SELECT r.answers FROM patients p JOIN records r
    ON r.patient = p.uuid WHERE p.mrn = ")
[ -n "$hit" ] && ok || fail "the damaged page holds some patient's records"
if [ -n "$hit" ]; then
    refused "$T/db-d.db" "a damaged page of one patient's records" show "$hit"
    refused "$T/db-d.db" "a damaged page of one patient's records" print "$hit"
fi

# The same for a page of scores: the summary would lack a score and look
# whole. A conversion is not recorded either: its once-only rule reads the
# hip's records and their scores.
cp "$DB" "$T/db-s.db"
damage_leaf "$T/db-s.db" scores
hit=$(first_unreadable "$T/db-s.db" "SELECT (SELECT group_concat(s.score || '=' || s.value)
    FROM scores s WHERE s.record = r.uuid) FROM patients p JOIN records r ON r.patient = p.uuid
    WHERE p.mrn = ")
[ -n "$hit" ] && ok || fail "the damaged page holds some patient's scores"
if [ -n "$hit" ]; then
    side=$(sqlite3 "$DB" "SELECT h.side FROM hips h JOIN patients p ON p.uuid = h.patient
        WHERE p.mrn = '$hit' ORDER BY h.side LIMIT 1")
    refused "$T/db-s.db" "a damaged page of one patient's scores" show "$hit"
    refused "$T/db-s.db" "a damaged page of one patient's scores" print "$hit"
    refused "$T/db-s.db" "a damaged page of one patient's scores" record "$hit" --form tha \
        --hip "$side" --timepoint unscheduled --date "$TODAY" tha_date="$TODAY" reason=collapse
fi

# A damaged page of the audit trail: history refuses rather than list a
# trail that lacks entries and looks whole.
cp "$DB" "$T/db-h.db"
damage_leaf "$T/db-h.db" audit
hit=$(first_unreadable "$T/db-h.db" "SELECT a.at, a.detail FROM patients p, audit a
    WHERE a.patient = p.uuid AND p.mrn = ")
[ -n "$hit" ] && ok || fail "the damaged page holds some patient's audit trail"
[ -n "$hit" ] && refused "$T/db-h.db" "a damaged page of one patient's audit trail" history "$hit"

# A draft whose answers are not JSON, put past the CHECK as a doctored copy
# could hold it: drafts refuses rather than list the drafts before it.
cp "$DB" "$T/db-j.db"
not_json "$T/db-j.db" "$(sqlite3 "$DB" "SELECT mrn FROM patients ORDER BY mrn LIMIT 1")" draft 24m
refused "$T/db-j.db" "a draft whose answers are not JSON" drafts

# An unreadable page of the next-due table: check says the hips' rows cannot
# be read, not that they lack a visit --repair-derived would put back.
cp "$DB" "$T/db-n.db"
unreadable_leaf "$T/db-n.db" due ""
refused "$T/db-n.db" "an unreadable page of the next-due table" check
grep -q 'the next-due table cannot be read' "$T/out" && ok ||
    fail "check on an unreadable next-due page: no 'cannot be read' line"
grep -q 'lacks.*repair-derived' "$T/out" &&
    fail "check on an unreadable next-due page: advises --repair-derived for rows it could not read" ||
    ok
refused "$T/db-n.db" "an unreadable page of the next-due table" check --repair-derived

# The last page of records, where the next record lands, made unreadable.
# A command that writes reads the ends of every
# table first and refuses before it adds anything. A command that only
# reads is not refused for a page it does not read: the first patient's
# records lie on the first pages, and its summary is whole.
cp "$DB" "$T/db-e.db"
unreadable_leaf "$T/db-e.db" records DESC
refused "$T/db-e.db" "the last page of records unreadable" patient add X-9 --name A --sex F \
    --born 1970-01-01
first=$(sqlite3 "$DB" "SELECT mrn FROM patients ORDER BY rowid LIMIT 1")
last=$(sqlite3 "$DB" "SELECT p.mrn FROM records r JOIN patients p ON p.uuid = r.patient
    ORDER BY r.rowid DESC LIMIT 1")
bs --db "$DB" show "$first"
cp "$T/out" "$T/show-sound"
bs --db "$T/db-e.db" show "$first"
expect_rc 0 "show of a patient whose pages are sound, beside an unreadable page"
expect_same "$(cat "$T/out")" "$(cat "$T/show-sound")" "that summary is the sound file's"
refused "$T/db-e.db" "the last page of records unreadable" show "$last"
rm -f "$T/db-e.db-wal" "$T/db-e.db-shm"

# A zero-length file at the path is not a database someone can lose data
# in, but a file of zeros that is not empty is not ours.
head -c 8192 /dev/zero >"$T/zeros.db"
refused "$T/zeros.db" "file of zeros" patient list

# --- read-only: refused before the nurse types -------------------------------
# Root ignores file modes, so these run as root without the capabilities that
# override them: the file's owner bits then apply as for any nurse.
NOCAP=(setpriv --bounding-set=-dac_override,-dac_read_search,-fowner)
[ "$(id -u)" = 0 ] || NOCAP=()     # anyone else is bound by the modes already
probe=$T/probe
: >"$probe"; chmod 0444 "$probe"
if "${NOCAP[@]}" sh -c "echo x >>'$probe'" 2>/dev/null; then
    fail "cannot drop root's permission override (setpriv); read-only cases not run"
else
    ok
    mk_patient RO-1 && mk_hip RO-1 L 2026-06-15
    mkdir -m 0755 "$T/rofile"
    cp "$DB" "$T/rofile/ro.db"
    chmod 0444 "$T/rofile/ro.db"
    mkdir -m 0755 "$T/rodir"
    cp "$DB" "$T/rodir/ro.db"
    chmod 0555 "$T/rodir"
    for f in "$T/rofile/ro.db" "$T/rodir/ro.db"; do
        what="read-only ${f#$T/}"
        sum=$(fsum "$f")
        "${NOCAP[@]}" "$BEDSIDE" --today "$TODAY" --db "$f" record RO-1 --form vas --hip L \
            --timepoint baseline pain=3.0 >"$T/out" 2>"$T/err"
        rc=$?
        if [ "$rc" -ge 1 ] && [ "$rc" -lt 128 ] && grep -q '^bedside: ' "$T/err"; then ok; else
            fail "$what: record: exit $rc, want a message and 1..127"
        fi
        # The TUI deep link must say so before the form opens: either it
        # exits with the message (stderr, kept in a file: tmux may drop the
        # last output of a pane that dies at once) or it shows it on screen.
        name=ro$RANDOM
        rm -f "$T/$name.err" "$T/$name.status"
        tui_start "$name" 200 24 sh -c '"$@" 2>>"$0.err"; echo $? >"$0.status"' "$T/$name" \
            env TERM=xterm-256color LANG=C.UTF-8 BEDSIDE_DB="$f" \
            BEDSIDE_CONFIG="$BEDSIDE_CONFIG" ASAN_OPTIONS="$ASAN_OPTIONS" \
            "${NOCAP[@]}" "$BEDSIDE" --today "$TODAY" enter RO-1 --form hhs --hip L
        re='[Rr]ead.?only|[Cc]annot write|not writable|[Pp]ermission|[Rr]efus'
        for ((i = 0; i < 200 * TUI_SLOW; i++)); do
            [ -s "$T/$name.status" ] && break
            tui_screen "$name" >/dev/null 2>&1
            grep -qE -- "$re" "$T/screen" 2>/dev/null && break
            sleep 0.1
        done
        if grep -qE -- "$re" "$T/$name.err" "$T/screen" 2>/dev/null; then ok; else
            tui_fail "$what: enter gives no read-only message (stderr: $(head -2 "$T/$name.err"))"
        fi
        # (A pane that died at once may be gone already: then there is no form.)
        tui_screen "$name" >/dev/null 2>&1 || : >"$T/screen"
        grep -qE 'Harris Hip Score v1|Answered [0-9]+ of' "$T/screen" && tui_fail "$what: enter opened the form anyway"
        if [ -s "$T/$name.status" ]; then
            st=$(cat "$T/$name.status")
            [ "$st" != 0 ] && [ "$st" -lt 128 ] && ok || fail "$what: enter exit $st, want 1..127"
        fi
        tui_tmux kill-session -t "$name" 2>/dev/null
        expect_same "$(fsum "$f")" "$sum" "$what: file unchanged"
    done
    chmod 0755 "$T/rodir"
fi

t_done
