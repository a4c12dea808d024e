# marks.sh — validation marks (store_mark.c): check marks every record it
# finds valid; report and export skip a record whose mark holds its digest
# now, and validate the rest. A record changed behind bedside's back, a form
# changed, a mark copied or edited: the record is validated again and a bad
# one refused. A mark forged with the right digest passes report (the digest
# has no key) but not check, which validates everything and says so.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"

mk_patient H1
mk_hip H1 L 2025-01-10
for v in 1m:2025-02-09 3m:2025-04-11 6m:2025-07-11; do
    bs record H1 --form vas --hip L --timepoint "${v%%:*}" --date "${v#*:}" pain=5
done
sql() { sqlite3 "$DB" "$@"; }
uuid() { sql "SELECT uuid FROM records WHERE timepoint = '$1'"; }
one=$(uuid 1m) three=$(uuid 3m)
current=$(sql "SELECT count(*) FROM current_records")
expect_same "$(sql "SELECT count(*) FROM valid_marks")" "$current" "record marks what it saves"
bs amend "${three:0:8}" --reason "typo" pain=4
expect_rc 0 "setup: an amendment"
three=$(sql "SELECT uuid FROM current_records WHERE timepoint = '3m'")
expect_same "$(sql "SELECT count(*) FROM valid_marks WHERE record = '$three'")" 1 \
    "amend marks the new version"
sql "DELETE FROM valid_marks"

bs check
expect_rc 0 "setup: a clean database"
expect_same "$(sql "SELECT count(*) FROM valid_marks")" "$current" "check marks every current record"
bs report
expect_rc 0 "report on marked records"
cp "$DB" "$T/clean.db"

# The --repair-derived rebuild, and a plain check, put the marks back.
sql "DELETE FROM valid_marks"
bs check --repair-derived
expect_rc 0 "repair on a file without marks"
expect_same "$(sql "SELECT count(*) FROM valid_marks")" "$current" "repair rebuilds the marks"

# 1. A marked record changed behind bedside's back (answer and score agree).
behind_back "$DB" "UPDATE records SET answers = '{\"pain\":\"1000.0\"}' WHERE uuid = '$one';
    UPDATE scores SET value = 1000 WHERE record = '$one'"
bs report
expect_rc 1 "report refuses a marked record changed behind its back"
expect_err "record ${one:0:8} \(vas, 1m\): vas\.pain: " "report names the changed record"
bs export csv
expect_rc 1 "export refuses it too"
expect_err "record ${one:0:8} \(vas, 1m\)" "export names it"

# 2. The mark of a good record copied onto the bad one, or its digest zeroed.
sql "UPDATE valid_marks SET digest = (SELECT digest FROM valid_marks WHERE record = '$three')
    WHERE record = '$one'"
bs report
expect_rc 1 "a copied mark does not let the bad record through"
sql "UPDATE valid_marks SET digest = zeroblob(16) WHERE record = '$one'"
bs report
expect_rc 1 "an edited mark does not let the bad record through"

# 3. A forged mark: the digest as bedside computes it (SHA-256, no key) of
# the bad record as it is now. report cannot tell; check validates every
# record, reports the record and the forged mark, and drops the mark.
forge() {
    python3 - "$DB" "$TOP/forms/vas.yaml" "$1" <<'PY'
import hashlib, sqlite3, struct, sys
db, form, uuid = sys.argv[1:]
con = sqlite3.connect(db)
ver = open(form.rsplit("/forms/", 1)[0] + "/src/util.h").read().split('BEDSIDE_VERSION "')[1].split('"')[0]
fd = hashlib.sha256(b"bedside " + ver.encode() + b" validation\0" + open(form, "rb").read()).digest()[:16]
def item(v):
    if v is None:
        return b"N;"
    b = v if isinstance(v, bytes) else str(v).encode()
    return b"T%d:" % len(b) + b
s = hashlib.sha256()
for score, value in con.execute("SELECT score, value FROM scores WHERE record = ? ORDER BY score", (uuid,)):
    s.update(item(score) + b"R" + struct.pack("<d", value))
sd = s.digest()[:16]
r = con.execute("SELECT uuid, timepoint, form, form_version, status, answers FROM records WHERE uuid = ?", (uuid,)).fetchone()
h = hashlib.sha256(item(fd) + b"".join(item(x) for x in r) + item(sd))
con.execute("UPDATE valid_marks SET digest = ? WHERE record = ?", (h.digest()[:16], uuid))
con.commit()
PY
}
forge "$one"
bs report
expect_rc 0 "a mark forged with the right digest passes report (the digest has no key)"
bs check
expect_rc 1 "check validates every record whatever the marks say"
expect_out "record ${one:0:8} \(vas, 1m\): vas\.pain: " "check names the bad record"
expect_out "record ${one:0:8} \(vas, 1m\): its validation mark says .* changed behind bedside's back" \
    "check names the forged mark"
bs report
expect_rc 1 "after check the forged mark is gone and report refuses again"

# 4. A changed form: the marks were made under the shipped vas.yaml; under a
# stricter copy (pain at most 4) the same records are validated again.
DB=$T/clean.db
export BEDSIDE_DB=$DB
bs report
expect_rc 0 "the clean copy reports"
cp -r "$TOP/forms" "$T/forms"
sed -i 's/^        max: 10$/        max: 4/' "$T/forms/vas.yaml"
grep -q '^        max: 4$' "$T/forms/vas.yaml" || fail "setup: vas.yaml not changed"
bs --forms "$T/forms" report
expect_rc 1 "a changed form definition invalidates the marks"
expect_err "vas\.pain: " "report names the records the new form refuses"
bs report
expect_rc 0 "under the shipped form the marks hold again"

t_done
