#!/usr/bin/env bash
# The live demo (the README's first command runs it after .ci/setup): starts the stack on
# 127.0.0.1 (HAProxy, stable and canary app, Prometheus, 100 requests/s of load), runs
# `rollout start runbooks/demo.toml` so you watch traffic shift 1% -> 10% -> 100% with
# the gates measured, then stops everything it started.
#   tests/stack/demo.sh             a healthy canary: completes, exit 0
#   tests/stack/demo.sh --rollback  the canary fails during ramp: automatic rollback
# Env: ROLLOUT (the binary; default build/cli/rollout), DEMO_RATE (requests/s, 100).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runbook=runbooks/demo.toml
expect=0
case "${1:-}" in
  "") ;;
  --rollback) runbook=runbooks/demo-rollback.toml; expect=1 ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo.sh: unknown option '$1' (try --rollback)" >&2; exit 2 ;;
esac
rollout="${ROLLOUT:-$root/${BUILD_DIR:-build}/cli/rollout}"
[ -x "$rollout" ] || { echo "demo.sh: no rollout binary at $rollout; run .ci/setup first" >&2; exit 2; }
rate="${DEMO_RATE:-100}"

# The demo runbooks name these ports and this directory (their [vars]).
stack_dir=/tmp/rollout-demo
[ -d "$stack_dir" ] && tests/stack/stop.sh "$stack_dir"  # a previous demo's leftovers
state_dir="$(mktemp -d "${TMPDIR:-/tmp}/rollout-demo-state.XXXXXX")"
cleanup() {
  set +e  # clean up everything even if one part fails
  if [ -s "$stack_dir/load.pid" ]; then kill -TERM "$(cat "$stack_dir/load.pid")" 2>/dev/null; fi
  tests/stack/stop.sh "$stack_dir"
  rm -rf "$state_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 129' HUP
trap 'exit 143' TERM
trap 'exit 141' PIPE

echo "demo: starting HAProxy, the stable and canary app and Prometheus on 127.0.0.1 ..."
STACK_PORTS="18080 18081 18082 19090" STACK_LIFETIME=300 tests/stack/start.sh "$stack_dir" >/dev/null
# shellcheck source=/dev/null
source "$stack_dir/stack.env"
echo "demo: HAProxy on $APP_URL (admin socket $HAPROXY_SOCK), Prometheus on $PROM_URL"
echo "demo: sending $rate requests/s through HAProxy; traffic now: $("$PYTHON" tests/stack/hap.py "$HAPROXY_SOCK" --weights app stable-1 canary-1 | awk '{print "stable weight " $1 ", canary weight " $2}')"
"$PYTHON" tests/stack/load.py --url "$APP_URL" --rate "$rate" --seconds 240 \
  --summary "$stack_dir/load.json" --pidfile "$stack_dir/load.pid" >"$stack_dir/load.log" 2>&1 &
load_pid=$!
sleep 3  # a few seconds of traffic before the canary takes any

echo "demo: rollout start $runbook"
echo
set +e
ROLLOUT_STATE_DIR="$state_dir" "$rollout" start "$runbook" --yes
code=$?
set -e
echo
kill -TERM "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true

echo "demo: rollout exited $code"
echo "demo: HAProxy now: $("$PYTHON" tests/stack/hap.py "$HAPROXY_SOCK" --weights app stable-1 canary-1 | awk '{print "stable weight " $1 ", canary weight " $2 " (" $3 "% canary)"}')"
if [ -s "$stack_dir/load.json" ]; then
  "$PYTHON" - "$stack_dir/load.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"demo: the load saw {d['requests']} requests in {d['duration_s']:.0f}s, {d['errors']} errors;"
      " answered by: " + ", ".join(f"{k!r} x{v}" for k, v in sorted(d["by_body"].items())))
PY
fi
if ROLLOUT_STATE_DIR="$state_dir" "$rollout" report --format md >"$stack_dir/report.md" 2>/dev/null; then
  echo "demo: the report (rollout report):"
  echo
  cat "$stack_dir/report.md"
fi
if [ "$code" -eq "$expect" ]; then
  echo "demo: done (exit $code is what this demo shows; see 'man rollout' for exit codes)"
  exit 0
fi
echo "demo: expected exit $expect, got $code" >&2
exit "$code"
