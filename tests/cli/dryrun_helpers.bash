# Shared by the CLI tests that rehearse (sourced; not a test itself): a scratch directory
# as the state directory, and the head of a runbook that touches nothing real — an exec
# router (never run in a dry run), a file metric source that does not exist (a scenario
# scripts the values) and an error_rate check. The test appends its stages.
set -u
: "${ROLLOUT:?set ROLLOUT to the rollout binary}"
T=$(mktemp -d /tmp/rollout-dry-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
export ROLLOUT_STATE_DIR="$T/state" CI=1
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY

source "$(dirname "${BASH_SOURCE[0]}")/../support/runbook.bash"
# dryrun_head NAME: the runbook's head, up to its first [[stage]].
dryrun_head() {
  rb_rollout "$1"
  rb_exec_router '["/bin/false"]'
  rb_file_check /nonexistent/metrics.json f
}
# refused RUNBOOK REGEX WHAT: validate must exit 2 with a diagnostic matching REGEX.
refused() {
  "$ROLLOUT" validate "$1" > "$T/out" 2>&1
  local code=$?
  [ $code -eq 2 ] || fail "validate of $3: exit $code, want 2"
  grep -qE "$2" "$T/out" || { cat "$T/out"; fail "$3 is not reported as expected"; }
}
