# Shared by the engine's CLI tests (sourced; not a test itself): a scratch directory with an
# exec router script that records the weights, a file metric source, and a runbook using
# both, with holds of seconds. Everything stays in the mktemp directory.
set -u
: "${ROLLOUT:?set ROLLOUT to the rollout binary}"
T=$(mktemp -d /tmp/rollout-cli-XXXXXX)
export ROLLOUT_STATE_DIR="$T/state"
export CI=1
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

cat > "$T/set-weights.sh" <<SH
#!/bin/sh
echo "\$1 \$2" > "$T/weights"
echo "\$1 \$2" >> "$T/weights.log"
SH
chmod +x "$T/set-weights.sh"
echo '{"error_rate": 0.001}' > "$T/metrics.json"

source "$(dirname "${BASH_SOURCE[0]}")/../support/runbook.bash"
# write_runbook FILE [HOLD] [ADVANCE] [ON_INTERRUPT]
write_runbook() {
  local file=$1 hold=${2:-2s} advance=${3:-auto} on_interrupt=${4:-pause}
  {
    rb_rollout cli-demo "on_interrupt = \"$on_interrupt\""
    rb_exec_router
    rb_file_check
    rb_stage canary 10 "$hold" "advance = \"$advance\""
    rb_stage full 100 1s
    rb_rollback 30s 10s
  } > "$file"
}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# wait_for_journal TYPE [SECONDS]: until an event of TYPE is in the journal.
wait_for_journal() {
  local type=$1 limit=${2:-20} i=0
  while [ $i -lt $((limit * 10)) ]; do
    grep -q "\"type\":\"$type\"" "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" 2>/dev/null && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}
