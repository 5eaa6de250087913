# fish completion for rollout(1): subcommands, options, runbook files (*.toml) for
# validate/plan/start, rollout names (directories of the state directory) for the rest.

set -l commands validate plan start advance abort status resume report

# Rollout names: directories of --state-dir (if on the line), $ROLLOUT_STATE_DIR or .rollout
function __rollout_names
    set -l dir .rollout
    set -q ROLLOUT_STATE_DIR; and test -n "$ROLLOUT_STATE_DIR"; and set dir $ROLLOUT_STATE_DIR
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --state-dir
                set -l next (math $i + 1)
                test $next -le (count $tokens); and set dir $tokens[$next]
            case '--state-dir=*'
                set dir (string replace -- '--state-dir=' '' $tokens[$i])
        end
    end
    for d in $dir/*/
        basename $d
    end
end

# *.toml files, and directories to descend into.
function __rollout_runbooks
    set -l token (commandline -ct)
    for f in $token*
        if test -d $f
            echo $f/
        else if string match -q -- '*.toml' $f
            echo $f
        end
    end
end

# Global options (before or after the subcommand).
complete -c rollout -f
complete -c rollout -l state-dir -r -a '(__fish_complete_directories)' -d 'State directory (env ROLLOUT_STATE_DIR)'
complete -c rollout -l output -x -a 'text json' -d 'Output: text or json (one JSON event a line)'
complete -c rollout -l no-color -d 'No colour (also NO_COLOR)'
complete -c rollout -s q -l quiet -d 'Only errors and the outcome'
complete -c rollout -s v -l verbose -d 'More detail'
complete -c rollout -l version -d 'Print the version'
complete -c rollout -s h -l help -d 'Print help'

# Subcommands.
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a validate -d 'Check runbook files'
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a plan -d 'Every step start would run, with timings'
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a start -d 'Start a rollout (or rehearse with --dry-run)'
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a advance -d 'Skip the rest of the hold / pass a manual gate'
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a abort -d 'Roll back now'
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a status -d 'Where a rollout stands'
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a resume -d 'Continue after a crash or Ctrl-C'
complete -c rollout -n "not __fish_seen_subcommand_from $commands" -a report -d 'Report: Markdown, JSON or JUnit'

# Runbook files.
complete -c rollout -n "__fish_seen_subcommand_from validate plan start" -k -a '(__rollout_runbooks)'
complete -c rollout -n "__fish_seen_subcommand_from plan" -l check -d 'Run the preflight instead of the plan'
complete -c rollout -n "__fish_seen_subcommand_from start" -l dry-run -d 'Rehearse on a virtual clock; touches nothing'
complete -c rollout -n "__fish_seen_subcommand_from start" -l scenario -r -F -d 'Script metric values over time'
complete -c rollout -n "__fish_seen_subcommand_from start" -s y -l yes -d 'Do not ask for confirmation'
complete -c rollout -n "__fish_seen_subcommand_from start" -l from -x -d 'Pick up at this stage'

# Rollout names.
complete -c rollout -n "__fish_seen_subcommand_from advance abort status resume report" -a '(__rollout_names)' -d 'rollout'
complete -c rollout -n "__fish_seen_subcommand_from abort" -l reason -x -d 'Why (journal and report)'
complete -c rollout -n "__fish_seen_subcommand_from status" -l watch -d 'Redraw until it ends'
complete -c rollout -n "__fish_seen_subcommand_from status" -l wait -d 'Block until it ends or pauses'
complete -c rollout -n "__fish_seen_subcommand_from status" -l timeout -x -d 'With --wait: give up after this long'
complete -c rollout -n "__fish_seen_subcommand_from report" -l format -x -a 'md json junit' -d 'Report format'
complete -c rollout -n "__fish_seen_subcommand_from report" -s o -l out -r -F -d 'Write to FILE'
