#!/usr/bin/env bash
# e2e: the canary starts failing (50% 500s) when the ramp stage begins; the error-rate
# gate breaches and rollout rolls back by itself: weights back to stable only, the
# canary process killed, the restart command run, stable health verified, exit 1.
# The load's client-side errors stay within what the gate allows (bound below), and
# the time from the breach decision to HAProxy answering the reverted weights is printed.
source "$SRC/tests/stack/e2e-lib.sh"

rate=100
stack_up
runbook_for runbooks/demo-rollback.toml "$work/demo-rollback.toml"
canary_pid="$(cat "$CANARY_PIDFILE")"
ensures_before="$(grep -c 'ensure stable' "$RESTART_LOG")"
load_start "$rate" 120
watch_start 120
sleep 2

rollout_log="$work/rollout.log"
say "rollout start (the ramp stage makes the canary fail half its requests)"
set +e
ro start "$work/demo-rollback.toml" --yes >"$rollout_log" 2>&1
code=$?
set -e
sleep 0.5
watch_stop
load_stop

check "rollout exits 1 (rolled back); got $code" test "$code" -eq 1
breach="$(events demo-rollback breach | head -n 1)"
[ -n "$breach" ] || breach="{}"
say "breach: $breach"
check "the breach came from the error-rate gate in ramp, by failures" "$PYTHON" -c '
import json, sys
e = json.loads(sys.argv[1])
sys.exit(0 if e.get("stage") == "ramp" and e.get("counter") == "failure" and "error_rate" in e.get("gate", "") else 1)' "$breach"
check "the full stage never started" test -z "$(events demo-rollback stage_started | grep '"full"' || true)"
read -r ws wc pct <<<"$(weights)"
check "HAProxy is back to stable only (stable $ws, canary $wc)" test "$wc" -eq 0 -a "$ws" -gt 0
check "the canary process ($canary_pid) was killed" bash -c "! kill -0 $canary_pid 2>/dev/null"
ensures_after="$(grep -c 'ensure stable' "$RESTART_LOG")"
check "the restart command ran (ensure-app.sh stable: $ensures_before -> $ensures_after)" test "$ensures_after" -gt "$ensures_before"
check "stable answers its health check" curl -fsS --max-time 2 -o /dev/null "$STABLE_URL/health"
check "every rollback step succeeded" "$PYTHON" - "$(journal demo-rollback)" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
steps = [e for e in ev if e["type"] == "rollback_step"]
done = [e for e in ev if e["type"] == "rollback_finished"]
print("  rollback steps:", [(e.get("kind"), e.get("ok")) for e in steps])
sys.exit(0 if len(steps) == 4 and all(e.get("ok") for e in steps) and done and done[-1].get("ok") else 1)
PY

# Bound on client-side errors: the canary fails half of its 10% share from the ramp's
# start; the gate (error_rate < 5% over 15s, checked every 1s, 2 consecutive failures)
# must act within 10 s of the fault, so at most 0.5 * 10% * rate * 10 s errors.
bound=$(( rate * 10 / 100 / 2 * 10 ))
errors="$(load_field errors)"
say "client-side errors: $errors of $(load_field requests) requests (bound $bound)"
check "client-side errors within the gate's bound ($errors <= $bound)" test "$errors" -le "$bound"
check "there were client errors at all (the fault was real)" test "$errors" -gt 0

ms="$("$PYTHON" "$SRC/tests/stack/breach_to_revert.py" "$(journal demo-rollback)" "$work/weights.jsonl" || echo none)"
say "breach decision -> HAProxy answering the reverted weights: ${ms} ms"
check "HAProxy answered the reverted weights within 2 s of the breach" "$PYTHON" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < 2000 else 1)' "$ms"
finish
