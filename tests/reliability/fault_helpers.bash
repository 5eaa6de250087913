# Shared by tests/reliability/fault_*.sh (sourced; not a test itself): a scratch directory,
# the misbehaving dependencies of fake_deps.py, an exec router that records the split, and
# a runbook writer. Every process started here is stopped when the script ends.
set -u
: "${ROLLOUT:?set ROLLOUT to the rollout binary}" "${SRC:?set SRC to the source tree}"
T=$(mktemp -d /tmp/rollout-fault-XXXXXX)
export ROLLOUT_STATE_DIR="$T/state" CI=1 NO_COLOR=1
PY="$(command -v /usr/bin/python3 || command -v python3)"
FAKE="$SRC/tests/reliability/fake_deps.py"
PIDS=()
failures=0
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ "$failures" -ne 0 ] && [ "${KEEP:-0}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

cat > "$T/set-weights.sh" <<SH
#!/bin/sh
echo "\$1 \$2" > "$T/weights"
SH
chmod +x "$T/set-weights.sh"
echo "100 0" > "$T/weights"
echo '{"error_rate": 0.001}' > "$T/metrics.json"

source "$SRC/tests/support/runbook.bash"

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() { [ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }; echo "all checks passed"; }

# start_prometheus: a fake Prometheus; sets PROM_URL, PROM_PID; its mode is $T/prom-mode.
start_prometheus() {
  echo "ok 0.001" > "$T/prom-mode"
  rm -f "$T/prom-port"
  "$PY" "$FAKE" prometheus "$T/prom-port" "$T/prom-mode" --lifetime 300 &
  PROM_PID=$!
  PIDS+=("$PROM_PID")
  for _ in $(seq 100); do [ -s "$T/prom-port" ] && break; sleep 0.05; done
  PROM_URL="http://127.0.0.1:$(cat "$T/prom-port")"
}

# journal_has TYPE [PYTHON CONDITION on e]: an event of TYPE (matching) is in the journal.
journal_has() {
  "$PY" - "$ROLLOUT_STATE_DIR/$NAME/journal.jsonl" "$1" "${2:-True}" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("type") == sys.argv[2] and eval(sys.argv[3], {}, {"e": e}): sys.exit(0)
sys.exit(1)
PY
}
# last_split: "STABLE CANARY" of the journal's last confirmed weight_set (100 0 if none).
last_split() {
  "$PY" - "$ROLLOUT_STATE_DIR/$NAME/journal.jsonl" <<'PY'
import json, sys
s = "100 0"
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("type") == "weight_set" and e.get("ok", True): s = f"{e['stable']} {e['canary']}"
print(s)
PY
}
# wait_journal TYPE [SECONDS]
wait_journal() {
  local i=0
  while [ $i -lt $((${2:-20} * 20)) ]; do
    grep -q "\"type\":\"$1\"" "$ROLLOUT_STATE_DIR/$NAME/journal.jsonl" 2>/dev/null && return 0
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}
