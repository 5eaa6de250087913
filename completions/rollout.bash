# bash completion for rollout(1): subcommands, options, runbook files (*.toml) for
# validate/plan/start, and rollout names (directories of the state directory) for
# advance/abort/status/resume/report. Installed as bash-completion's completions/rollout.

# The state directory in effect: --state-dir on the line, else $ROLLOUT_STATE_DIR, else .rollout
_rollout_state_dir() {
    local i dir=${ROLLOUT_STATE_DIR:-.rollout}
    for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
        case ${COMP_WORDS[i]} in
            --state-dir) [[ -n ${COMP_WORDS[i+1]} ]] && dir=${COMP_WORDS[i+1]} ;;
            --state-dir=*) dir=${COMP_WORDS[i]#--state-dir=} ;;
        esac
    done
    printf '%s\n' "${dir/#\~/$HOME}"
}

_rollout_names() {
    local dir d
    dir=$(_rollout_state_dir)
    [[ -d $dir ]] || return 0
    for d in "$dir"/*/; do
        [[ -d $d ]] && basename -- "$d"
    done
}

_rollout() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="validate plan start advance abort status resume report"
    local global="--state-dir --output --no-color -q --quiet -v --verbose --help --version"

    # The subcommand: the first word that is not an option or an option's value.
    local i cmd=""
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --state-dir | --output) ((i++)) ;;
            -*) ;;
            *) cmd=${words[i]}; break ;;
        esac
    done

    case $prev in
        --state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --output) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "md json junit" -- "$cur")); return ;;
        --scenario | -o | --out)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return ;;
        --reason | --timeout | --from) return ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local opts=""
    case $cmd in
        validate) opts="" ;;
        plan) opts="--check" ;;
        start) opts="--dry-run --scenario --yes -y --from" ;;
        advance | resume) opts="" ;;
        abort) opts="--reason" ;;
        status) opts="--watch --wait --timeout" ;;
        report) opts="--format -o --out" ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
        return
    fi

    case $cmd in
        validate | plan | start)
            # Runbooks: *.toml files, and directories to descend into.
            if declare -F _filedir >/dev/null 2>&1; then
                _filedir toml
            else
                local IFS=$'\n' f
                for f in $(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"); do
                    # Hidden entries only when asked for (as bash-completion does).
                    [[ ${f##*/} == .* && ${cur##*/} != .* ]] && continue
                    [[ -d $f ]] && f+=/
                    COMPREPLY+=("$f")
                done
                # A directory: keep typing inside it.
                [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
            fi
            ;;
        advance | abort | status | resume | report)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(_rollout_names)" -- "$cur"))
            ;;
    esac
}

complete -F _rollout rollout
