#!/usr/bin/env bash
# e2e: Prometheus stops in the middle of the ramp's hold. The gates' queries fail, so
# their outcome is `error` (not pass, not fail); after error_limit (3) consecutive errors
# the stage's on_breach (rollback) acts. The rollout must never promote to full.
source "$SRC/tests/stack/e2e-lib.sh"

stack_up
runbook_for runbooks/demo.toml "$work/demo.toml" --set 'ramp.hold="30s"'
load_start 100 120
sleep 1

rollout_log="$work/rollout.log"
ro start "$work/demo.toml" --yes >"$rollout_log" 2>&1 &
rollout_pid=$!
if ! wait_event demo hold_started 'e["stage"] == "ramp"' 90; then
  fail "the ramp's hold never started"
  kill -INT "$rollout_pid" 2>/dev/null; wait "$rollout_pid" || true
  finish
fi
sleep 3
say "stopping Prometheus (pid $(cat "$PROM_PIDFILE"))"
kill -TERM "$(cat "$PROM_PIDFILE")"
set +e
for _ in $(seq 600); do kill -0 "$rollout_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$rollout_pid" 2>/dev/null && { fail "rollout still running 60 s after Prometheus stopped"; kill -INT "$rollout_pid"; }
wait "$rollout_pid"
code=$?
set -e
load_stop

check "rollout exits 1 (rolled back, as on_breach = rollback says); got $code" test "$code" -eq 1
check "gates measured while Prometheus was down have outcome error" \
  test -n "$(events demo gate_measured | grep '"outcome": "error"' || true)"
check "no gate turned into a pass or a fail after Prometheus stopped" "$PYTHON" - "$(journal demo)" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
first_err = next(i for i, e in enumerate(ev) if e["type"] == "gate_measured" and e.get("outcome") == "error")
later = [e.get("outcome") for e in ev[first_err:] if e["type"] == "gate_measured"]
print("  outcomes after the first error:", later)
sys.exit(0 if set(later) <= {"error"} else 1)
PY
breach="$(events demo breach | head -n 1)"
say "breach: $breach"
check "the breach was counted on errors" grep -q '"counter": "error"' <<<"$breach"
check "the rollout never promoted to full" test -z "$(events demo stage_started | grep '"full"' || true)"
check "no weight of 100% was ever set" test -z "$(events demo weight_set | grep '"canary": 100' || true)"
read -r ws wc pct <<<"$(weights)"
check "HAProxy is back to stable only (stable $ws, canary $wc)" test "$wc" -eq 0 -a "$ws" -gt 0
finish
