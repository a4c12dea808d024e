# form_version.sh — a record remembers the version of the form it was made
# with, and forms keep no old versions on disk. A record made with a NEWER
# version than the forms folder holds (a copy from a site that upgraded its
# forms) cannot be read right: check lists it, merge refuses the copy, amend
# and void refuse it. A record made with an OLDER version is read and
# validated with the current form; check names both versions in a problem,
# and amend saves the new version under the current one.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib_safety.sh"

# Forms where the VAS is version 2 and allows at most 8 cm.
mkdir "$T/v2"
cp "$TOP"/forms/*.yaml "$T/v2/"
sed -i -e 's/^version: 1$/version: 2/' -e 's/^        max: 10$/        max: 8/' "$T/v2/vas.yaml"
grep -q '^version: 2' "$T/v2/vas.yaml" && grep -q '^        max: 8' "$T/v2/vas.yaml" && ok ||
    fail "setup: the version 2 VAS"

mk_patient H1
mk_hip H1 L 2026-01-10
bs record H1 --form vas --hip L --timepoint baseline --date 2026-01-10 pain=9
expect_rc 0 "a VAS of 9 with version 1"
old=$(record_uuid H1 vas)
cp "$DB" "$T/ward.db"
bs --forms "$T/v2" record H1 --form vas --hip L --timepoint 1m --date 2026-02-09 pain=3
expect_rc 0 "a VAS with version 2"
new=$(sql "SELECT uuid FROM records WHERE form_version = 2")
expect_same "$(sql "SELECT count(*) FROM records WHERE form_version = 2")" 1 "stored with version 2"

# --- newer than the forms folder: refused everywhere -------------------------
bs check
expect_rc 1 "check with version 1 forms"
expect_out "record ${new:0:8} \(vas, 1m\): made with version 2 of form 'vas', newer than the forms folder's version 1" \
    "check names the newer version"
refused 1 "amend of a record newer than the form" "record ${new:0:8}: made with version 2 of form 'vas', newer" \
    amend "$new" --reason typo pain=2
refused 1 "void of a record newer than the form" "made with version 2" void "$new" --reason typo
cp "$DB" "$T/laptop.db"
DB=$T/ward.db
export BEDSIDE_DB=$DB
refused 1 "merge of a copy with a newer form version" "has [0-9]+ problems? \(listed above\); nothing was merged" merge "$T/laptop.db"
expect_err "laptop.db: record ${new:0:8} \(vas, 1m\): made with version 2 of form 'vas', newer than the forms folder's version 1" \
    "merge lists the record"
# A version below 1 is not a version.
sql "INSERT INTO scores VALUES ('99999999-9999-4999-8999-999999999999', 'vas', 1);
    INSERT INTO records SELECT '99999999-9999-4999-8999-999999999999', patient, hip, '1m',
    '2026-02-09', 'vas', 0, 'final', '{\"pain\":\"1.0\"}', entered_by, entered_at, NULL, NULL, 0
    FROM records LIMIT 1;
    INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint)
    SELECT 'x0', entered_at, entered_by, 'create', patient, hip, uuid, form, timepoint
    FROM records WHERE uuid = '99999999-9999-4999-8999-999999999999'" ||
    fail "setup: a version 0 record"
bs check
expect_rc 1 "check of a version 0 record"
expect_out "record 99999999 \(vas, 1m\): form version 0 is not a version" "check: version 0"

# --- older than the forms folder: validated with the current form ------------
DB=$T/laptop.db
export BEDSIDE_DB=$DB
bs --forms "$T/v2" check
expect_rc 1 "check with version 2 forms"
expect_out "record ${old:0:8} \(vas, baseline\): vas\.pain: must be between 0 and 8 \(recorded with version 1, the form is now version 2\)" \
    "check validates the old record with the current form, naming both versions"
expect_no_out "${new:0:8}" "the version 2 record is fine"
bs --forms "$T/v2" amend "$old" --reason "scale changed" pain=8
expect_rc 0 "amend of an old-version record under the current form"
expect_same "$(sql "SELECT form_version FROM records WHERE supersedes = '$old'")" 2 \
    "the amendment is stored with version 2"
bs --forms "$T/v2" check
expect_rc 0 "check is clean after the amendment"

t_done
