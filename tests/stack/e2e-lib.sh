# Shared by tests/e2e/*.sh (sourced, not run): start a private stack, point a demo
# runbook at it, drive load, read HAProxy's weights and rollout's journal, and clean up.
# Needs ROLLOUT, SRC (and BUILD) from CTest. Everything lives in one mktemp dir.
set -euo pipefail
: "${ROLLOUT:?ROLLOUT must name the rollout binary}" "${SRC:?SRC must name the source tree}"
work="$(mktemp -d "${TMPDIR:-/tmp}/rollout-e2e.XXXXXX")"
export ROLLOUT_STATE_DIR="$work/state"
export CI=true  # never prompt
# Debian's python3 directly: a version manager's shim on PATH can cost seconds a start.
PYTHON="${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"
failures=0

e2e_cleanup() {
  local status=$?
  set +e  # clean up everything even if one part fails
  if [ -n "${STACK_DIR:-}" ] && [ -s "$STACK_DIR/load.pid" ]; then kill -TERM "$(cat "$STACK_DIR/load.pid")" 2>/dev/null; fi
  if [ -n "${watch_pid:-}" ]; then kill -TERM "$watch_pid" 2>/dev/null; fi
  if [ -n "${rollout_pid:-}" ] && kill -INT "$rollout_pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$rollout_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$rollout_pid" 2>/dev/null
  fi
  if [ -n "${STACK_DIR:-}" ]; then "$SRC/tests/stack/stop.sh" "$STACK_DIR"; fi
  if [ "$status" -ne 0 ] && [ "${KEEP_E2E:-0}" = 1 ]; then
    echo "kept $work for inspection"
  else
    rm -rf "$work"
  fi
}
trap e2e_cleanup EXIT
trap 'exit 130' INT
trap 'exit 129' HUP
trap 'exit 143' TERM

say() { echo "[$(date -u +%T.%3N)] $*"; }
ok() { say "ok: $*"; }
fail() { say "FAIL: $*"; failures=$((failures + 1)); }
check() {  # check DESCRIPTION COMMAND...: records a failure instead of exiting
  local what="$1"; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
finish() {
  if [ "$failures" -ne 0 ]; then
    say "$failures check(s) failed"
    [ -n "${rollout_log:-}" ] && [ -f "$rollout_log" ] && { echo "--- rollout output"; tail -n 60 "$rollout_log"; }
    exit 1
  fi
  say "all checks passed"
}

# Starts the stack (bounded to STACK_LIFETIME, default 280 s) and loads its env.
stack_up() {
  local envfile
  envfile="$(STACK_LIFETIME="${STACK_LIFETIME:-280}" "$SRC/tests/stack/start.sh" "$work/stack")"
  # shellcheck source=/dev/null
  source "$envfile"
  STACK_ENV="$envfile"
  say "stack up: haproxy $APP_URL, prometheus $PROM_URL, stable $STABLE_URL, canary $CANARY_URL"
}

# runbook_for SRC_RUNBOOK OUT [--set STAGE.KEY=VALUE ...]: a copy aimed at our stack.
runbook_for() {
  local src="$1" out="$2"; shift 2
  "$PYTHON" "$SRC/tests/stack/runbook_for_stack.py" "$SRC/$src" "$STACK_ENV" "$out" "$@"
}

# load_start RATE SECONDS: background load through HAProxy; load_stop waits for its summary.
load_start() {
  "$PYTHON" "$SRC/tests/stack/load.py" --url "$APP_URL" --rate "$1" --seconds "$2" \
    --summary "$work/load.json" --pidfile "$STACK_DIR/load.pid" >"$work/load.log" 2>&1 &
  load_pid=$!
}
load_stop() {
  kill -TERM "$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
  cat "$work/load.log"
}
load_field() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/load.json" "$1"; }

hap() { "$PYTHON" "$SRC/tests/stack/hap.py" "$HAPROXY_SOCK" "$@"; }
# "STABLE_WEIGHT CANARY_WEIGHT CANARY_PERCENT"
weights() { hap --weights app stable-1 canary-1; }
canary_pct() { weights | awk '{print $3}'; }

# watch_start SECONDS: records every weight change (JSON lines) into $work/weights.jsonl.
watch_start() {
  "$PYTHON" "$SRC/tests/stack/hap.py" "$HAPROXY_SOCK" --watch app stable-1 canary-1 \
    --out "$work/weights.jsonl" --seconds "$1" &
  watch_pid=$!
}
watch_stop() { kill -TERM "$watch_pid" 2>/dev/null || true; wait "$watch_pid" 2>/dev/null || true; watch_pid=; }

journal() { echo "$ROLLOUT_STATE_DIR/$1/journal.jsonl"; }
# events NAME TYPE: the journal's events of that type, one JSON object a line.
events() {
  local j; j="$(journal "$1")"
  [ -f "$j" ] || return 0
  "$PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("type") == sys.argv[2]: print(json.dumps(e))' "$j" "$2"
}
# wait_event NAME TYPE [JQ-LIKE PYTHON CONDITION on e] [TIMEOUT_S]: until such an event is journaled.
wait_event() {
  local name="$1" type="$2" cond="${3:-True}" timeout="${4:-60}" end
  end=$(( $(date +%s) + timeout ))
  while [ "$(date +%s)" -lt "$end" ]; do
    if events "$name" "$type" | "$PYTHON" -c '
import json, sys
cond = sys.argv[1]
for line in sys.stdin:
    e = json.loads(line)
    if eval(cond, {}, {"e": e}): sys.exit(0)
sys.exit(1)' "$cond"; then return 0; fi
    sleep 0.1
  done
  return 1
}
# pid_alive PIDFILE
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# The rollout binary, bounded in time: a hang ends as an interrupt (exit 130), not a stuck test.
ro() { timeout -k 10 -s INT "${ROLLOUT_TIMEOUT:-200}" "$ROLLOUT" "$@"; }
