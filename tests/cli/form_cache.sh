#!/usr/bin/env bash
# form_cache.sh — checked forms kept in $XDG_CACHE_HOME/bedside/forms
# (src/form_cache.c), with the configuration's parsed tree beside them,
# through the real binary: made private at the first
# command; every command's output the same from a warm cache as from the
# YAML; an edited form, a damaged file, a shared folder and an unwritable
# cache all fall back to the YAML; a form with a problem is never kept.
. "$(dirname "$0")/../lib.sh"

C=$T/cache
export XDG_CACHE_HOME=$C
F=$T/forms
cp -r "$TOP/forms" "$F"
n_forms=$(ls "$F"/*.yaml | wc -l)

# The kept forms and trees; a folder's forms kept together (set-*, once its
# files have not changed for a few seconds) are not counted here.
cached() { find "$C/bedside/forms" -type f ! -name '.*' ! -name 'set-*' 2>/dev/null | wc -l; }
# The kept files' inodes: a miss writes a file anew (a new inode), a hit reads it.
inodes() { find "$C/bedside/forms" -type f ! -name '.*' ! -name 'set-*' -printf '%i %f\n' | sort; }

bs --forms "$F" forms check
expect_rc 0 "forms check, cache cold"
expect_same "$(cached)" "$((n_forms + 1))" "every checked form kept, and the configuration's tree"
expect_same "$(stat -c %a "$C/bedside/forms")" 700 "the cache folder is private"
expect_same "$(find "$C/bedside/forms" -type f ! -perm 600 | wc -l)" 0 "its files are 0600"

# A small cohort, then each reading command cold (a new, empty cache) and
# warm: the same bytes out. record's scores come from the kept expressions.
bs --forms "$F" demo --patients 12 --seed 3
expect_rc 0 "demo"
mrn=$(sqlite3 "$DB" "SELECT mrn FROM patients ORDER BY mrn LIMIT 1")
run_both() {   # run_both NAME ARGS...: cold then warm, same output
    local name=$1
    shift
    XDG_CACHE_HOME=$T/cold-$name bs --forms "$F" "$@"
    cp "$T/out" "$T/$name.cold"
    local cold_rc=$rc
    bs --forms "$F" "$@"
    expect_same "$rc" "$cold_rc" "$name: the same exit status warm and cold"
    if cmp -s "$T/out" "$T/$name.cold"; then ok; else fail "$name: output differs warm and cold"; fi
}
before=$(inodes)
run_both show show "$mrn"
expect_same "$(inodes)" "$before" "a warm command reads the kept forms, writes none"
run_both print print "$mrn"
run_both due due
run_both report report
run_both export export csv
run_both check check
expect_same "$(ls -d "$T"/cold-* | wc -l)" 6 "the cold runs had caches of their own"

# record: the same answers saved with a cold and a warm cache get the same scores.
cp "$DB" "$T/cold.db"
hhs=(pain=slight limp=none support=cane_long_walks distance=six_blocks stairs=railing
    shoes_socks=ease sitting=ordinary_chair public_transport=able
    flexion_contracture_lt30=yes adduction_lt10=yes internal_rotation_lt10=yes
    limb_length_lt32=yes flexion=90 abduction=10 adduction=10 external_rotation=10
    internal_rotation=5)
hip=$(sqlite3 "$DB" "SELECT h.side FROM hips h JOIN patients p ON p.uuid = h.patient
    WHERE p.mrn = '$mrn' ORDER BY h.side LIMIT 1")
bs --forms "$F" record "$mrn" --form hhs --hip "$hip" --date 2026-06-15 "${hhs[@]}"
expect_rc 0 "record through a warm cache"
warm_out=$(cat "$T/out")
warm_rc=$rc
XDG_CACHE_HOME=$T/cold-record BEDSIDE_DB=$T/cold.db bs --forms "$F" record "$mrn" --form hhs \
    --hip "$hip" --date 2026-06-15 "${hhs[@]}"
expect_same "$warm_rc" "$rc" "record: the same exit status warm and cold"
expect_same "$warm_out" "$(cat "$T/out")" "record: the same scores warm and cold"
expect_same "$(sqlite3 "$DB" "SELECT group_concat(score || '=' || value, ' ') FROM (SELECT
    s.score, s.value FROM scores s JOIN records r ON r.uuid = s.record WHERE r.entered_at =
    (SELECT max(entered_at) FROM records) ORDER BY s.score)")" \
    "$(sqlite3 "$T/cold.db" "SELECT group_concat(score || '=' || value, ' ') FROM (SELECT
    s.score, s.value FROM scores s JOIN records r ON r.uuid = s.record WHERE r.entered_at =
    (SELECT max(entered_at) FROM records) ORDER BY s.score)")" "record: the same stored scores"

# An edited form is a miss: its new label shows at once.
sed -i 's/^title: .*/title: "Harris Hip Score (edited)"/' "$F/hhs.yaml"
bs --forms "$F" forms list
expect_out "Harris Hip Score \(edited\)" "an edited form's new title, through a warm cache"
expect_same "$(cached)" "$((n_forms + 2))" "the edited form kept beside the old"

# Pruned when a new form is kept: files of ours no run has read for 30 days
# and a killed run's temporary file left for a day go; recent ones, a file
# in use (read today, written long ago), and anything not ours stay.
K=$C/bedside/forms
old_key=$(printf 'a%.0s' $(seq 64))
used_key=$(printf 'b%.0s' $(seq 64))
printf x >"$K/$old_key"
printf x >"$K/$used_key"
printf x >"$K/.new-OLD123"
printf x >"$K/.new-NEW123"
printf x >"$K/notes.txt"
printf x >"$T/elsewhere"
ln -s "$T/elsewhere" "$K/$(printf 'c%.0s' $(seq 64))"
chmod 600 "$K"/* "$K"/.new-*
touch -d '40 days ago' "$K/$old_key" "$K/notes.txt" "$K/$(printf 'c%.0s' $(seq 64))"
touch -h -d '40 days ago' "$K/$(printf 'c%.0s' $(seq 64))"
touch -m -d '40 days ago' "$K/$used_key"
touch -a "$K/$used_key"
touch -d '2 days ago' "$K/.new-OLD123"
sed -i 's/^title: .*/title: "Harris Hip Score (edited twice)"/' "$F/hhs.yaml"
bs --forms "$F" forms list
expect_out "edited twice" "a new form kept"
[ -e "$K/$old_key" ] && fail "a kept form unread for 40 days is pruned" || ok
[ -e "$K/.new-OLD123" ] && fail "a temporary file 2 days old is pruned" || ok
[ -e "$K/.new-NEW123" ] && ok || fail "a temporary file of now is left (a run may be writing it)"
[ -e "$K/$used_key" ] && ok || fail "a form written 40 days ago but read today stays"
[ -e "$K/notes.txt" ] && ok || fail "a file not named as ours stays"
[ -L "$K/$(printf 'c%.0s' $(seq 64))" ] && ok || fail "a symbolic link stays"
[ -e "$T/elsewhere" ] && ok || fail "what a link points at is never touched"
rm -f "$K/$used_key" "$K/.new-NEW123" "$K/notes.txt" "$K/$(printf 'c%.0s' $(seq 64))"
expect_same "$(cached)" "$((n_forms + 3))" \
    "every file kept so far stays (the eleven forms, two edits of one, the configuration's tree)"

# An edited configuration is a miss too: its new schedule shows at once.
cp "${BEDSIDE_CONFIG:-$TOP/config/bedside.yaml}" "$T/edited.yaml"
sed -i 's/label: 24 months/label: Two years/' "$T/edited.yaml"
grep -q "Two years" "$T/edited.yaml" && ok || fail "the test's configuration edit took"
BEDSIDE_CONFIG=$T/edited.yaml bs --forms "$F" show "$mrn"
expect_out "Two years" "an edited configuration's new label, through a warm cache"
BEDSIDE_CONFIG=$T/edited.yaml XDG_CACHE_HOME=$T/cold-config bs --forms "$F" show "$mrn"
expect_out "Two years" "the same from a cold cache"
rm -f "$T/edited.yaml"

# A form with a problem is reported as from a cold cache and never kept.
before=$(cached)
printf 'id: broken\ntitle: Broken\nversion: 1\nscope: hip\nsections: 3\n' >"$F/zz_broken.yaml"
bs --forms "$F" forms check
expect_rc 1 "a broken form still fails forms check"
expect_err "zz_broken.yaml:5:11: 'sections' must be a non-empty list" "its problem, with its position"
expect_same "$(cached)" "$before" "a broken form is not kept"
XDG_CACHE_HOME=$T/cold-broken bs --forms "$F" forms check
cp "$T/err" "$T/broken.cold"
bs --forms "$F" forms check
if cmp -s "$T/err" "$T/broken.cold"; then ok; else fail "forms check: the same messages warm and cold"; fi
rm "$F/zz_broken.yaml"

# Damaged files (each byte of one flipped, another cut short) are misses:
# the same output, and the files are written again.
rm -f "$C"/bedside/forms/*
bs --forms "$F" show "$mrn"
cp "$T/out" "$T/show.good"
for f in "$C"/bedside/forms/*; do
    python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[100] ^= 0xff
open(sys.argv[1], "wb").write(b)' "$f"
done
before=$(inodes)
bs --forms "$F" show "$mrn"
expect_rc 0 "show with every kept form damaged"
expect_same "$(comm -12 <(echo "$before") <(inodes) | wc -l)" 0 "every damaged file written anew"
if cmp -s "$T/out" "$T/show.good"; then ok; else fail "damaged cache: the same output"; fi
[ -s "$T/err" ] && fail "damaged cache: nothing on stderr" || ok
f=$(ls "$C"/bedside/forms/* | head -1)
head -c 50 "$f" >"$f.cut" && mv "$f.cut" "$f" && chmod 600 "$f"
bs --forms "$F" show "$mrn"
if cmp -s "$T/out" "$T/show.good"; then ok; else fail "truncated cache file: the same output"; fi

# A cache folder others may write to is neither read nor written.
chmod 777 "$C/bedside/forms"
rm -f "$C"/bedside/forms/*
bs --forms "$F" show "$mrn"
expect_rc 0 "show with a shared cache folder"
if cmp -s "$T/out" "$T/show.good"; then ok; else fail "shared cache folder: the same output"; fi
expect_same "$(cached)" 0 "nothing written to a shared folder"
chmod 700 "$C/bedside/forms"

# No cache to be had (its place is a file): the commands work, silently.
rm -rf "$C"
: >"$C"
bs --forms "$F" show "$mrn"
expect_rc 0 "show with no usable cache"
if cmp -s "$T/out" "$T/show.good"; then ok; else fail "no cache: the same output"; fi
[ -s "$T/err" ] && fail "no cache: nothing on stderr" || ok

t_done
