#!/bin/bash
# Steps whose dependency misbehaves, in the canary stage's `before` steps:
#   a run step that hangs -> killed at its timeout (2s, SIGTERM then SIGKILL), the step
#     fails, rollback: exit 1, 100/0, the journal says it timed out;
#   a run step that floods its output (50 MB) -> the step succeeds, the journal keeps only
#     its head and tail (a few KiB), the runner is unharmed and the rollout completes;
#   a health URL that accepts and never answers -> each poll ends at its timeout (1s), the
#     check fails at its deadline (3s), rollback: exit 1, 100/0.
source "$SRC/tests/reliability/fault_helpers.bash"
NAME=fault-steps
start_prometheus  # serves /health; "hang" makes it a hung health URL
runbook() {  # runbook BEFORE_STEP
  {
    rb_rollout "$NAME"
    rb_exec_router
    rb_file_check
    printf '[health.canary]\nurls = ["%s/health"]\ntimeout = "1s"\ninterval = "500ms"\n' "$PROM_URL"
    printf 'deadline = "3s"\n\n'
    rb_stage canary 1 1s "before = [ $1 ]"
    rb_stage full 100 1s
    rb_rollback 10s 5s
  } > "$T/rb.toml"
}
run() {  # run LABEL: starts the rollout, sets code, took
  rm -rf "$ROLLOUT_STATE_DIR"
  echo "100 0" > "$T/weights"
  local start; start=$(date +%s)
  timeout -s KILL 60 "$ROLLOUT" start "$T/rb.toml" --yes > "$T/out-$1" 2>&1
  code=$? took=$(($(date +%s) - start))
}
J="$ROLLOUT_STATE_DIR/$NAME/journal.jsonl"

runbook '{ run = ["sleep", "600"], timeout = "2s" }'
run hang
check "hung run step: exit 1 (rolled back), got $code" test "$code" -eq 1
check "hung run step: ended at its timeout, not the command's end (${took}s)" test "$took" -le 15
check "hung run step: router 100 0 ($(cat "$T/weights"))" test "$(cat "$T/weights")" = "100 0"
check "hung run step: the journal says it timed out" grep -qi 'timeout\|timed out' "$J"
check "hung run step: no sleep 600 left running" bash -c "! pgrep -f '^sleep 600$' >/dev/null"
grep -m1 'FAILED' "$T/out-hang" | sed 's/^ */  user sees: /'

runbook '{ run = ["sh", "-c", "yes flood | head -c 50000000; echo tail-marker"], timeout = "60s" }'
run flood
check "flooding run step: exit 0 (completed), got $code" test "$code" -eq 0
check "flooding run step: router 0 100 ($(cat "$T/weights"))" test "$(cat "$T/weights")" = "0 100"
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$J")
check "flooding run step: longest journal line $longest bytes (< 16 KiB)" test "$longest" -lt 16384
check "flooding run step: the output's tail is kept" grep -q 'tail-marker' "$J"
check "flooding run step: the journal stays small ($(stat -c %s "$J") bytes)" test "$(stat -c %s "$J")" -lt 65536

echo hang > "$T/prom-mode"
runbook '{ health = "canary" }'
run health
check "hung health URL: exit 1 (rolled back), got $code" test "$code" -eq 1
check "hung health URL: bounded by its deadline (${took}s)" test "$took" -le 15
check "hung health URL: router 100 0 ($(cat "$T/weights"))" test "$(cat "$T/weights")" = "100 0"
check "hung health URL: the canary never got traffic" bash -c "! grep -q '\"canary\":1,' '$J'"
grep -m1 -i 'health' "$T/out-health" | sed 's/^ */  user sees: /'
grep -m1 -i 'fail' "$T/out-health" | sed 's/^ */  user sees: /'
finish
