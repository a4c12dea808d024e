# bad_forms.sh — every file in tests/bad-forms is refused by `forms check`
# with exit 1, no crash, and the position and message listed in EXPECTED;
# a 50 MB file is refused fast; the shipped forms pass.
. "$(dirname "$0")/../lib.sh"

BAD=$TOP/tests/bad-forms

# no_crash WHAT — the last bs did not die on a signal or a sanitizer report.
no_crash() {
    if [ "$rc" -ge 128 ]; then
        fail "$1: died with exit $rc"
    elif grep -qE 'Sanitizer|runtime error:' "$T/err"; then
        fail "$1: sanitizer report"
    else
        ok
    fi
}

n=0
while IFS=$'\t' read -r name pos fragment; do
    [ -n "$name" ] || continue
    n=$((n + 1))
    dir=$T/one.$n
    mkdir "$dir"
    cp "$BAD/$name" "$dir/"
    bs forms check "$dir"
    expect_rc 1 "$name"
    no_crash "$name"
    if grep -qF -- "$dir/$name:$pos: $fragment" "$T/err"; then
        ok
    else
        fail "$name: stderr lacks '$name:$pos: $fragment'"
    fi
    rm -rf "$dir"
done <"$BAD/EXPECTED"

# Every bad form is listed, and there are enough of them.
for f in "$BAD"/*.yaml; do
    name=${f##*/}
    if cut -f1 "$BAD/EXPECTED" | grep -qxF "$name"; then ok; else fail "$name is not in EXPECTED"; fi
done
if [ "$n" -ge 25 ]; then ok; else fail "only $n bad forms"; fi

# 50 MB: refused from its size, before any parsing, and quickly.
mkdir "$T/huge"
yes 'description: a line of text that repeats' | head -c 52428800 >"$T/huge/huge.yaml"
start=$(date +%s)
bs forms check "$T/huge"
expect_rc 1 "50 MB form"
no_crash "50 MB form"
expect_err "huge.yaml:1:1: file is too large \(52428800 bytes; at most 1048576\)" "50 MB form"
if [ $(($(date +%s) - start)) -le 5 ]; then ok; else fail "50 MB form took too long"; fi

# Several problems in one file are all reported.
mkdir "$T/many"
cat "$BAD/unknown_key.yaml" >"$T/many/many.yaml"
printf 'titel: typo\nversoin: 2\n' >>"$T/many/many.yaml"
bs forms check "$T/many"
expect_rc 1 "three problems"
expect_err "many.yaml:12:9: unknown key 'requird' in field 'pain'" "first of three"
expect_err "many.yaml:25:1: unknown key 'titel' in the form" "second of three"
expect_err "many.yaml:26:1: unknown key 'versoin' in the form" "third of three"

# The same form id in two files names both.
mkdir "$T/twice"
cp "$TOP/forms/vas.yaml" "$T/twice/a.yaml"
cp "$TOP/forms/vas.yaml" "$T/twice/b.yaml"
bs forms check "$T/twice"
expect_rc 1 "duplicate form id"
expect_err "b.yaml:2:5: form id 'vas' is already used by .*a.yaml" "duplicate form id"

# A folder without the schedule's forms: the message names the config file.
mkdir "$T/partial"
cp "$TOP/forms/vas.yaml" "$T/partial/"
bs forms check "$T/partial"
expect_rc 1 "schedule form missing"
expect_err "bedside: .*bedside.yaml: the schedule expects form 'hhs' \(timepoints 'baseline', '1m', '3m', '6m', '12m', '18m', '24m'\), which is not in" \
    "schedule form missing"
if grep -q "form 'vas'" "$T/err"; then fail "vas is there"; else ok; fi
if [ "$(grep -c "expects form 'hhs'" "$T/err")" = 1 ]; then ok; else fail "hhs reported more than once"; fi

# The shipped forms pass, named or by default from the configuration.
bs forms check "$TOP/forms"
expect_rc 0 "shipped forms"
expect_out "^11 forms OK$" "shipped forms"
bs forms check
expect_rc 0 "configured forms"
expect_out "^11 forms OK$" "configured forms"

bs forms list
expect_rc 0 "forms list"
expect_out "^hhs +1  hip +17 +6  Harris Hip Score$" "forms list hhs"
expect_out "^satisfaction +1  patient +3 +1  Satisfaction$" "forms list satisfaction"
expect_out "^rand36 +1  patient +41 +9  RAND 36-Item Health Survey$" "forms list rand36"

bs forms frobnicate
expect_rc 2 "unknown action"
expect_err "unknown action 'frobnicate'" "unknown action"
bs forms --help
expect_rc 0 "forms --help"
expect_out "bedside-forms\(5\)" "forms --help"
bs forms check "$T/nonexistent"
expect_rc 1 "missing folder"
expect_err "nonexistent:1:1: cannot open the forms folder" "missing folder"

t_done
