#!/usr/bin/env bash
# Measures the time from a gate's breach decision (the `breach` event's time in the
# journal) to HAProxy answering the reverted weights (a tight `get weight` poll on the
# admin socket, timestamped at the change), on the real stack, RUNS times (default 5).
# Prints each figure and the median. Usage: bench/breach_to_revert.sh
# Env: ROLLOUT (default build/cli/rollout), RUNS.
set -euo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROLLOUT="${ROLLOUT:-$SRC/${BUILD_DIR:-build}/cli/rollout}"
export SRC ROLLOUT
runs="${RUNS:-5}"
STACK_LIFETIME=$(( 60 + runs * 60 ))
# shellcheck source=/dev/null
source "$SRC/tests/stack/e2e-lib.sh"

stack_up
load_start 100 $(( runs * 60 ))
figures=()
for i in $(seq "$runs"); do
  # A fresh canary at 0% for each run: the previous rollback killed it.
  hap "set server app/canary-1 weight 0" >/dev/null
  hap "set server app/stable-1 weight 256" >/dev/null
  "$SRC/tests/stack/ensure-app.sh" "$STACK_DIR" canary >/dev/null
  curl -fsS -XPOST "$CANARY_URL/control?error_rate=0&latency_ms=0" >/dev/null
  sleep 16  # let the previous run's errors leave the gates' 15 s window
  runbook_for runbooks/demo-rollback.toml "$work/run$i.toml" --name "bench-$i" \
    --set 'canary.hold="5s"' --set 'ramp.hold="30s"'
  rm -f "$work/weights.jsonl"
  watch_start 60
  set +e
  ro start "$work/run$i.toml" --yes >"$work/run$i.log" 2>&1
  code=$?
  set -e
  sleep 0.3
  watch_stop
  if [ "$code" -ne 1 ]; then
    say "run $i: rollout exited $code, expected 1 (rolled back); log:"; tail -n 30 "$work/run$i.log"; exit 1
  fi
  ms="$("$PYTHON" "$SRC/tests/stack/breach_to_revert.py" "$(journal "bench-$i")" "$work/weights.jsonl")"
  say "run $i: breach -> HAProxy reverted in $ms ms"
  figures+=("$ms")
done
load_stop >/dev/null
"$PYTHON" - "${figures[@]}" <<'PY'
import statistics, sys
xs = [float(x) for x in sys.argv[1:]]
print(f"breach_to_revert: runs={len(xs)} median={statistics.median(xs):.1f} ms "
      f"min={min(xs):.1f} ms max={max(xs):.1f} ms")
PY
