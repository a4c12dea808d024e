#!/usr/bin/env bash
# tests/bench/chain_form.sh N — print a form of N decimal fields where field
# i shows only if field i-1 is answered: the worst case for visibility.
n=${1:?usage: chain_form.sh N}
printf 'id: chain\ntitle: Chain\nversion: 1\nscope: hip\nsections:\n  - title: Main\n    fields:\n'
for i in $(seq 1 "$n"); do
    printf '      - id: f%d\n        label: F%d\n        type: decimal\n' "$i" "$i"
    [ "$i" -gt 1 ] && printf '        show_if: "f%d IS NOT NULL"\n' $((i - 1))
done
printf 'scores:\n  - id: s\n    label: S\n    expr: "f1"\n'
