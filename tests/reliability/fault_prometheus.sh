#!/bin/bash
# Prometheus failing in the middle of a hold (down, hung, HTTP 500, a garbage body, NaN):
# each gate measurement's outcome is `error` (NaN: `inconclusive`, as rollout-runbook(5)
# says), never a pass; after error_limit (2) errors, or inconclusive_limit (default 3)
# inconclusive measurements, in a row the stage's on_breach (rollback) acts: exit 1, traffic back to 100/0, the next
# stage never starts, and the output names what Prometheus did. Bounded: a hung Prometheus
# costs the source's timeout (1s) a measurement.
source "$SRC/tests/reliability/fault_helpers.bash"
NAME=fault-prom
start_prometheus
for mode in down hang 500 garbage nan; do
  rm -rf "$ROLLOUT_STATE_DIR"
  echo "ok 0.001" > "$T/prom-mode"
  kill -0 "$PROM_PID" 2>/dev/null || start_prometheus  # "down" killed it
  {
    rb_rollout "$NAME"
    rb_exec_router
    printf '[metrics.prom]\ntype = "prometheus"\nurl = "%s"\ntimeout = "1s"\n' "$PROM_URL"
    printf '[checks.error_rate]\nsource = "prom"\nquery = "sum(rate(errors[1m]))"\nunit = "ratio"\n'
    rb_stage canary 5 8s "error_limit = 2"
    rb_stage full 100 1s
    rb_rollback 20s 5s
  } > "$T/rb.toml"
  start=$(date +%s)
  "$ROLLOUT" start "$T/rb.toml" --yes > "$T/out-$mode" 2>&1 &
  runner=$!
  PIDS+=("$runner")
  wait_journal gate_measured 20 || bad "$mode: no gate measured"
  if [ "$mode" = down ]; then kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null; else echo "$mode" > "$T/prom-mode"; fi
  wait "$runner"
  code=$?
  took=$(($(date +%s) - start))
  check "prometheus $mode: exit 1 (rolled back), got $code" test "$code" -eq 1
  check "prometheus $mode: router back to 100 0 ($(cat "$T/weights"))" test "$(cat "$T/weights")" = "100 0"
  check "prometheus $mode: journal's last split is the router's ($(last_split))" test "$(last_split)" = "$(cat "$T/weights")"
  want=error
  [ "$mode" = nan ] && want=inconclusive
  check "prometheus $mode: gates measured as $want" journal_has gate_measured "e['outcome'] == '$want'"
  check "prometheus $mode: no pass after the fault" "$PY" - "$ROLLOUT_STATE_DIR/$NAME/journal.jsonl" <<'PY'
import json, sys
out = [json.loads(l).get("outcome") for l in open(sys.argv[1]) if '"gate_measured"' in l]
bad = [o for o in out if o not in ("pass", "error", "inconclusive")]
first = next(i for i, o in enumerate(out) if o != "pass")
sys.exit(0 if not bad and all(o != "pass" for o in out[first:]) else 1)
PY
  check "prometheus $mode: the breach counted ${want}s" journal_has breach "e['counter'] == '$want'"
  check "prometheus $mode: stage full never started" bash -c "! grep -q '\"stage\":\"full\"' '$ROLLOUT_STATE_DIR/$NAME/journal.jsonl'"
  check "prometheus $mode: ended within 20 s (took ${took}s)" test "$took" -le 20
  grep -m1 -e '-> error' "$T/out-$mode" | sed 's/^ */  user sees: /'
done
finish
