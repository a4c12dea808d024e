#!/usr/bin/env bash
# bash completion (completion/bedside.bash): a bash with the script sourced
# completes commands, options, option values, MRNs from the database the
# command line names, and form ids, by calling _bedside with COMP_WORDS set
# as bash would.
. "$(dirname "$0")/../lib.sh"

bs demo --patients 3 --seed 1
expect_rc 0 "a demo database to complete MRNs from"
bs patient list
mrns=$(awk 'NR > 1 { print $1 }' "$T/out" | sort | tr '\n' ' ')
expect_same "$(echo "$mrns" | wc -w)" 3 "three patients"
forms=$(cd "$TOP/forms" && grep -h '^id:' *.yaml | awk '{ print $2 }' | sort | tr '\n' ' ')

# comp WORDS... — what completing the last word offers, sorted, one line.
comp() {
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
             _bedside; [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/completion/bedside.bash" "$@" \
        2>"$T/err" </dev/null | sort | tr '\n' ' '
}
# offers WANT WORDS... — completing the last of WORDS offers exactly WANT.
offers() {
    local want=$1
    shift
    expect_same "$(comp "$BEDSIDE" "$@")" "$want" "complete '${*: -1}' after '${*:1:$#-1}'"
}
# has WORD WORDS... — the completions include WORD.
has() {
    local word=$1
    shift
    case " $(comp "$BEDSIDE" "$@")" in
    *" $word "*) ok ;;
    *) fail "completing '${*: -1}' after '${*:1:$#-1}' offers no '$word'" ;;
    esac
}

# The script loads cleanly and registers itself.
out=$(bash -c '. "$1" && complete -p bedside' _ "$TOP/completion/bedside.bash" 2>&1)
expect_same "$out" "complete -F _bedside bedside" "registers _bedside for bedside"

# Commands and options, from the program's own help (other commands and
# options may come; these must be there).
has patient ""
has show ""
has forms ""
has demo d
has due d
offers "" zz
offers "--db " --d
for o in --ascii --config --db --forms --help --today --version; do has $o --db x --; done
has --form record D000001 --
has --timepoint record D000001 --
has --patients demo --
has --seed demo --
# Usage lines with more than options and placeholders are not read as options.
offers "--help --repairs " history --
has add patient ""
has list patient ""
has check forms ""
has list forms ""
has csv export ""

# Values of options, from the usage text.
offers "L R " record D000001 --hip ""
offers "F M X " patient add H1 --sex ""
offers "L R " hip add H1 --side ""

# MRNs from the database named on the command line (or $BEDSIDE_DB).
offers "$mrns" --db "$DB" show ""
offers "$mrns" show ""
offers "$(echo "$mrns" | awk '{ print $3 }') " --db "$DB" history "${mrns:0:6}3"
offers "$mrns" --db "$DB" hip add ""
offers "$mrns" --db "$DB" --today 2026-06-15 record ""
offers "" --db "$T/no-such.db" show ""
[ -e "$T/no-such.db" ] && fail "completion created a database" || ok

# Form ids, from the forms folder in use.
offers "$forms" --db "$DB" record D000001 --form ""
offers "hhs hip_enrolment " export csv --form h
mkdir -p "$T/forms2"
cp "$TOP/forms/vas.yaml" "$TOP/forms/hhs.yaml" "$T/forms2/"
offers "hhs vas " --forms "$T/forms2" export csv --form ""

# Files for options that take one.
touch "$T/backup-one.db"
offers "$T/backup-one.db " --db "$T/backup-"
offers "$T/forms2 " --forms "$T/forms"
[ -s "$T/err" ] && fail "completion printed errors: $(head -3 "$T/err")" || ok

t_done
