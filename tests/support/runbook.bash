# Runbook pieces for the script tests (sourced; not a test itself). Each function prints one
# TOML section, so a test composes the runbook it needs from them and spells out only what
# it is about:
#   { rb_rollout demo; rb_exec_router; rb_file_check; rb_stage canary 10 2s 'advance = "manual"'
#     rb_stage full 100 1s; rb_rollback; } > "$T/rb.toml"
# Paths default to the test's scratch directory $T (set-weights.sh, metrics.json).

# rb_rollout NAME [LINE...]: [rollout] with its name and any further keys.
rb_rollout() {
  printf '[rollout]\nname = "%s"\n' "$1"
  shift
  [ $# -eq 0 ] || printf '%s\n' "$@"
  echo
}

# rb_exec_router [ARGV]: an exec router; by default $T/set-weights.sh STABLE CANARY.
rb_exec_router() {
  local argv=${1:-"[\"$T/set-weights.sh\", \"\${weight.stable}\", \"\${weight.canary}\"]"}
  printf '[router]\ntype = "exec"\ncommand = %s\n\n' "$argv"
}

# rb_file_check [PATH] [SOURCE]: a file metric source (default $T/metrics.json, named
# "file") and the error_rate check on it (a ratio at /error_rate).
rb_file_check() {
  local path=${1:-$T/metrics.json} source=${2:-file}
  printf '[metrics.%s]\ntype = "file"\npath = "%s"\n\n' "$source" "$path"
  printf '[checks.error_rate]\nsource = "%s"\nquery = "/error_rate"\nunit = "ratio"\n\n' "$source"
}

# rb_stage NAME WEIGHT HOLD [LINE...]: a stage measuring error_rate < 1% every second.
rb_stage() {
  printf '[[stage]]\nname = "%s"\nweight = %s\nhold = "%s"\ninterval = "1s"\n' "$1" "$2" "$3"
  printf 'gates = ["error_rate < 1%%"]\n'
  shift 3
  [ $# -eq 0 ] || printf '%s\n' "$@"
  echo
}

# rb_rollback [BUDGET] [STEP_BUDGET]: a rollback that sets the weight back to 0.
rb_rollback() {
  printf '[rollback]\nbudget = "%s"\nsteps = [ { weight = 0, budget = "%s" } ]\n' \
    "${1:-30s}" "${2:-10s}"
}
