# fuzz.sh — the fuzz targets as part of `make check`: tests/fuzz/run for
# $FUZZ_SECONDS each; one pass or fail per target.
. "$(dirname "$0")/../lib.sh"

"$TOP/tests/fuzz/run" "${FUZZ_SECONDS:-10}" >"$T/fuzz.log" 2>&1
status=$?
cat "$T/fuzz.log"
passed=$(grep -c '^PASS ' "$T/fuzz.log")
failed=$(grep -c '^FAIL ' "$T/fuzz.log")
t_pass=$passed
t_fail=$failed
# A failing run that named no target (say, no compiler) still fails.
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then t_fail=1; fi
if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then t_fail=1; echo "no fuzz target ran"; fi
t_done
