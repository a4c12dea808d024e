# expr_limits.sh — form expressions have a bounded cost and one answer:
# the worst known printf costs nothing, the clock is out of reach even when
# the loader cannot see it coming, and a score that overflows is refused by
# name instead of being stored as nothing.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/safety/lib_safety.sh"

FORMS=$T/forms
mkdir "$FORMS"
cp "$TOP"/forms/*.yaml "$FORMS/"
cat >"$FORMS/evil.yaml" <<'YAML'
id: evil
title: Evil
version: 1
scope: hip
sections:
  - title: Main
    fields:
      - id: pain
        label: Pain
        type: decimal
        min: 0
        max: 10
      - id: a
        label: A
        type: decimal
        show_if: "length(printf('%.*c', 2147483647, 'x')) > 0"
      - id: b
        label: B
        type: decimal
        show_if: "length(format('%2147483647d', 1)) > 0"
      - id: c
        label: C
        type: decimal
        show_if: "length(printf('%.*c', -2147483647, 'x')) > 0"
      - id: d
        label: D
        type: decimal
        show_if: "length(printf('%*.*c', 5, 2147483647, 'x')) > 0"
      - id: e
        label: E
        type: decimal
        show_if: "printf('%5.1f|%-3d|%s|%%|%*d', pain, 7, 'ok', 3, 1) = '  0.0|7  |ok|%|  1'"
scores:
  - id: s
    label: S
    expr: "pain * 1e300 * 1e300"
YAML
cat >"$FORMS/clock.yaml" <<'YAML'
id: clock
title: Clock
version: 1
scope: hip
sections:
  - title: Main
    fields:
      - id: word
        label: Word
        type: text
scores:
  - id: age
    label: Days since
    expr: "julianday(word) - julianday('2026-01-01')"
YAML

mk_patient H1
mk_hip H1 L 2026-01-10

# The worst known expression, four times in one form: record answers
# (unbounded it took 121 s). No timed assertion (a loaded CI machine under
# ASan is slow; `make bench` has the figure): the command must simply end
# within a minute, which an unbounded width cannot.
timeout 60 "$BEDSIDE" --today "$TODAY" --forms "$FORMS" record H1 --form evil --hip L pain=0 \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "a form with runaway printf widths records, well within a minute"
# The widths are refused, so those fields stay hidden and an answer to one
# is not kept.
bs --forms "$FORMS" record H1 --form evil --hip L --timepoint 1m --date 2026-02-09 pain=0 a=1
expect_rc 0 "a field shown by a runaway printf"
expect_same "$(sql "SELECT json_extract(answers, '$.a') IS NULL FROM records
    WHERE form = 'evil' AND timepoint = '1m'")" 1 "stays hidden"
# printf with ordinary widths still works (the procedure form uses '%g').
bs --forms "$FORMS" forms check "$FORMS"
expect_rc 0 "the folder with the evil form loads"

# Ordinary widths still format as SQLite's printf does.
bs --forms "$FORMS" record H1 --form evil --hip L --timepoint 6m --out-of-window pain=0 e=1
expect_rc 0 "printf with ordinary widths"
expect_same "$(sql "SELECT json_extract(answers, '$.e') FROM records
    WHERE form = 'evil' AND timepoint = '6m'")" 1.0 "shows the field it should"

# A score of inf is refused, naming the score; nothing is saved.
before=$(db_sum)
bs --forms "$FORMS" record H1 --form evil --hip L --timepoint 3m --date 2026-04-11 pain=5
expect_rc 1 "an infinite score"
expect_err "^bedside: evil\.s: the score is not a finite number \(inf\)" "names the score"
expect_same "$(db_sum)" "$before" "an infinite score saves nothing"

# 'now' reached through an answer: the loader cannot see it, the sandbox's
# clock refuses it, and the score is not stored as whatever today was.
bs --forms "$FORMS" record H1 --form clock --hip L word=NOW
expect_rc 1 "the clock through an answer"
expect_err "clock\.age: the expression asks for the current date or time" "says why"
bs --forms "$FORMS" record H1 --form clock --hip L word=2026-01-31
expect_rc 0 "a date answer is fine"
expect_out "^age=30" "and is computed"
# --- visibility in dependency order ------------------------------------------------
# A 1000-field chain (field i shows if field i-1 is answered): with the first
# left out, all 999 others are hidden and dropped, in one pass (on the fixed
# point this took minutes). The bound is loose; `make bench` has the figure.
"$TOP/tests/bench/chain_form.sh" 1000 >"$FORMS/chain.yaml"
all=() rest=()
for i in $(seq 1 1000); do all+=("f$i=1"); [ "$i" -gt 1 ] && rest+=("f$i=1"); done
start=$(date +%s)
bs --forms "$FORMS" record H1 --form chain --hip L --timepoint 1m --date 2026-02-09 "${rest[@]}"
expect_rc 0 "a chained form with its first field left out"
expect_same "$(sql "SELECT answers FROM records WHERE form = 'chain' AND timepoint = '1m'")" \
    "{}" "every field after the missing one is hidden and dropped"
if [ $(($(date +%s) - start)) -le 10 ]; then ok; else fail "1000-field chain took too long"; fi
bs --forms "$FORMS" record H1 --form chain --hip L --timepoint 3m --date 2026-04-11 "${all[@]}"
expect_rc 0 "a chained form fully answered"
expect_same "$(sql "SELECT count(*) FROM records, json_each(answers)
    WHERE form = 'chain' AND timepoint = '3m'")" 1000 "keeps all 1000 answers"
rm "$FORMS/chain.yaml"

# A field shown by a later one, a field shown when another is hidden, and
# two fields that show each other (a cycle: the fixed point decides).
cat >"$FORMS/order.yaml" <<'YAML'
id: order
title: Order
version: 1
scope: hip
sections:
  - title: Main
    fields:
      - {id: early, label: Early, type: decimal, show_if: "late = 1"}
      - {id: gate, label: Gate, type: decimal}
      - {id: hidden_by_gate, label: H, type: decimal, show_if: "gate = 1"}
      - {id: when_hidden, label: W, type: decimal, show_if: "hidden_by_gate IS NULL"}
      - {id: late, label: Late, type: decimal}
YAML
sed -e 's/^id: order/id: cycle/' -e '/^      - {id: [a-z_]*, label: [A-Za-z]*, type: decimal, show_if/d' \
    "$FORMS/order.yaml" >"$FORMS/cycle.yaml"
cat >>"$FORMS/cycle.yaml" <<'YAML'
      - {id: x, label: X, type: decimal, show_if: "y IS NOT NULL"}
      - {id: y, label: Y, type: decimal, show_if: "x IS NOT NULL"}
YAML
bs --forms "$FORMS" record H1 --form order --hip L early=5 late=1 gate=0 hidden_by_gate=7 \
    when_hidden=9
expect_rc 0 "a form whose rules read later fields"
expect_same "$(sql "SELECT json_extract(answers, '$.early') || ',' ||
    ifnull(json_extract(answers, '$.hidden_by_gate'), '-') || ',' ||
    ifnull(json_extract(answers, '$.when_hidden'), '-') FROM records WHERE form = 'order'")" \
    "5.0,-,9.0" "each field is shown or hidden by the final values it reads"
bs --forms "$FORMS" record H1 --form cycle --hip L gate=1 late=2 x=1 y=2
expect_rc 0 "a form whose rules form a cycle"
expect_same "$(sql "SELECT json_extract(answers, '$.x') || ',' || json_extract(answers, '$.y')
    FROM records WHERE form = 'cycle'")" "1.0,2.0" "the cycle's fields show each other"

t_done
