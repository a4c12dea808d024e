# bash completion for bedside(1): commands, options and their values, MRNs
# of the database and ids of the forms.
#
# Nothing is listed here twice: commands, options and the values an option
# takes come from bedside's own --help and usage text, MRNs from
# `bedside patient list`, form ids from `bedside forms list`, each run with
# the --db, --config and --forms already typed.

# _bedside_usage CMD HELP — read the usage of `bedside CMD` (CMD empty: the
# global one) from HELP into _bedside_tpl (the positional words of each form
# of the command, e.g. "add MRN"), _bedside_opts (every option),
# _bedside_arg (option -> the placeholder of its value, e.g. --hip -> L|R) and
# _bedside_choice (placeholder -> its values, from lines like "E: a, b, c").
_bedside_usage()
{
    local cmd=$1 line in_usage=0 i t n tpl
    local -a toks
    _bedside_tpl=() _bedside_opts=()
    _bedside_arg=() _bedside_choice=()
    while IFS= read -r line; do
        if [[ $line =~ ^(usage:)?[[:space:]]*bedside${cmd:+[[:space:]]+$cmd}([[:space:]]|$) ]]; then
            in_usage=1
            read -ra toks <<<"${line#*bedside}"
            tpl=
            for t in "${toks[@]:${cmd:+1}}"; do
                [[ $t == [-[\|]* || $t == *=* ]] && break
                tpl+="${tpl:+ }$t"
            done
            [ -n "$cmd" ] && _bedside_tpl+=("$tpl")
        elif ((in_usage)) && [[ $line =~ ^[[:space:]]+([A-Z][A-Z_]*):[[:space:]]+([a-z0-9_]+(,[[:space:]]*[a-z0-9_]+)*)[[:space:]]*$ ]]; then
            _bedside_choice[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]//,/}
            continue
        elif ((in_usage)) && [[ $line =~ ^[[:space:]]+[-[] ]]; then
            :
        else
            in_usage=0
            continue
        fi
        read -ra toks <<<"${line//[\[\]]/ }"
        for ((i = 0; i < ${#toks[@]}; i++)); do
            t=${toks[i]}
            [[ $t == -* ]] || continue
            t=${t%%=*}
            _bedside_opts+=("$t")
            n=${toks[i + 1]-}
            if [[ -n $n && $n != [-\|]* && $n != *=* ]]; then
                _bedside_arg[$t]=$n
                ((i++))
            fi
        done
    done <<<"$2"
}

# _bedside_values PLACEHOLDER — complete the current word as a value of it.
_bedside_values()
{
    local words
    case $1 in
    MRN) words=$("${_bedside_pre[@]}" patient list 2>/dev/null </dev/null | awk 'NR > 1 { print $1 }') ;;
    FORM) words=$("${_bedside_pre[@]}" forms list 2>/dev/null </dev/null | awk 'NR > 1 { print $1 }') ;;
    FILE)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return ;;
    DIR)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return ;;
    *\|*) words=${1//|/ } ;;
    [a-z]*) words=$1 ;;
    *) words=${_bedside_choice[$1]-} ;;
    esac
    [ -n "$words" ] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

_bedside()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i w t
    local -a _bedside_pre=("${COMP_WORDS[0]/#\~/$HOME}") pos=() tw
    local -a _bedside_tpl _bedside_opts
    local -A _bedside_arg _bedside_choice
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    _bedside_usage "" "$("${_bedside_pre[0]}" --help 2>/dev/null </dev/null)"
    local commands
    commands=$("${_bedside_pre[0]}" --help 2>/dev/null </dev/null |
        awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')

    # The words before the current one: global options (kept for the
    # commands run to list MRNs and forms), the command, its positionals.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [ -z "$cmd" ]; then
            if [ -n "${_bedside_arg[$w]-}" ] && ((i + 1 < COMP_CWORD)); then
                _bedside_pre+=("$w" "${COMP_WORDS[i + 1]/#\~/$HOME}")
                ((i++))
            elif [[ $w == -* ]]; then
                _bedside_pre+=("$w")
            else
                cmd=$w
                _bedside_usage "$cmd" "$("${_bedside_pre[0]}" "$cmd" --help 2>/dev/null </dev/null)"
            fi
        elif [ -n "${_bedside_arg[$w]-}" ]; then
            ((i++))
        elif [[ $w != -* ]]; then
            pos+=("$w")
        fi
    done

    if [[ $prev == -* && -n ${_bedside_arg[$prev]-} ]]; then
        _bedside_values "${_bedside_arg[$prev]}"
        return 0
    fi
    if [[ $cur == -* ]]; then
        local opts=" ${_bedside_opts[*]} "
        [[ $opts == *" --help "* ]] || opts+=--help
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return 0
    fi
    if [ -z "$cmd" ]; then
        mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        return 0
    fi
    # The forms of the command whose literal words match those typed give
    # what may come next (each placeholder once: two forms may share it).
    local n=${#pos[@]} match offered=" "
    for t in "${_bedside_tpl[@]}"; do
        read -ra tw <<<"$t"
        ((n < ${#tw[@]})) || continue
        match=1
        for ((i = 0; i < n; i++)); do
            [[ ${tw[i]} == [a-z]* && ${tw[i]} != "${pos[i]}" ]] && match=0
        done
        ((match)) || continue
        [[ $offered == *" ${tw[n]} "* ]] && continue
        offered+="${tw[n]} "
        local -a found=("${COMPREPLY[@]}")
        _bedside_values "${tw[n]}"
        COMPREPLY=("${found[@]}" "${COMPREPLY[@]}")
    done
    return 0
} &&
    complete -F _bedside bedside
