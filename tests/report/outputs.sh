# tests/report/outputs.sh — the outputs compared with tests/report/golden/
# (sourced after tests/lib.sh and fixture.sh). rpt_outputs DIR writes each
# variant of `show` and `print` for the fixed patient into DIR. Only what is
# truly variable is normalised: the time an amendment was entered and the
# login of whoever runs the tests.

# The moment printed in every footer (2026-06-15 09:30 UTC).
export SOURCE_DATE_EPOCH=1781515800

rpt_norm() {
    local me
    me=$(id -un)
    sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/ENTERED-AT/g' \
        -e 's/ on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} [A-Za-z0-9+-]+/ on ENTERED-AT/g' \
        -e "s/ by ${me}([ ,]|\$)/ by LOGIN\\1/g"
}

# rpt_variant NAME ARGS... — run bedside, keep its normalised stdout.
rpt_variant() {
    local name=$1
    shift
    bs "$@"
    [ "$rc" = 0 ] || fail "$name: bedside $*: exit $rc"
    rpt_norm <"$T/out" >"$RPT_DIR/$name"
}

rpt_outputs() {
    RPT_DIR=$1
    mkdir -p "$RPT_DIR"
    rpt_variant show-utf8.txt show RPT-1
    rpt_variant show-ascii.txt show RPT-1 --ascii
    rpt_variant show-wide.txt show RPT-1 --width 170
    rpt_variant print-utf8.txt print RPT-1
    rpt_variant print-ascii.txt print RPT-1 --ascii
    rpt_variant print-30.txt print RPT-1 --ascii --page-length 30
}
