#!/usr/bin/env bash
# e2e: `rollout abort` from a second shell during the canary's hold: the running rollout
# rolls back and exits 3 within a few seconds, and the abort command waits for that outcome
# and exits 3 too; HAProxy's weights are back to stable only.
source "$SRC/tests/stack/e2e-lib.sh"

stack_up
runbook_for runbooks/demo.toml "$work/demo.toml" --set 'canary.hold="60s"'
load_start 100 120
sleep 1

rollout_log="$work/rollout.log"
ro start "$work/demo.toml" --yes >"$rollout_log" 2>&1 &
rollout_pid=$!
if ! wait_event demo hold_started 'e["stage"] == "canary"' 60; then
  fail "the canary's hold never started"
  kill -INT "$rollout_pid" 2>/dev/null; wait "$rollout_pid" || true
  finish
fi
sleep 2
check "HAProxy shows the canary at ~1% during the hold ($(canary_pct)%)" \
  "$PYTHON" -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - 1) <= 1 else 1)' "$(canary_pct)"

say "rollout abort demo (second shell)"
t0=$(date +%s%N)
set +e
timeout 30 "$ROLLOUT" abort demo --reason "e2e: operator abort" >"$work/abort.log" 2>&1
abort_code=$?
# The running process must act within a second and then run its rollback steps.
for _ in $(seq 150); do kill -0 "$rollout_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$rollout_pid" 2>/dev/null; then
  fail "rollout still running 15 s after the abort"
  kill -INT "$rollout_pid" 2>/dev/null
fi
wait "$rollout_pid"
code=$?
set -e
elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
load_stop
cat "$work/abort.log"
say "abort -> rollout exited $code after ${elapsed_ms} ms (abort command exit $abort_code)"
check "the abort command waited for the outcome: exit 3 like the runner (got $abort_code)" test "$abort_code" -eq 3
check "the running rollout exits 3 (aborted); got $code" test "$code" -eq 3
check "within a few seconds (${elapsed_ms} ms <= 8000)" test "$elapsed_ms" -le 8000
read -r ws wc pct <<<"$(weights)"
check "HAProxy is back to stable only (stable $ws, canary $wc)" test "$wc" -eq 0 -a "$ws" -gt 0
check "the journal records the abort request" test -n "$(events demo abort_requested)"
check "the ramp stage never started" test -z "$(events demo stage_started | grep '"ramp"' || true)"
finish
