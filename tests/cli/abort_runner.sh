#!/bin/bash
# `rollout abort` from another shell during a hold: the runner rolls back and exits 3
# within about a second; the weights are back at 100/0.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
t0=$(date +%s%N)
"$ROLLOUT" abort cli-demo --reason "looks wrong" 2> "$T/abort.err" || fail "abort command failed"
wait $runner
code=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ $code -eq 3 ] || { cat "$T/out"; fail "runner exit $code, want 3"; }
ok "runner exit 3 after ${ms} ms"
[ $ms -lt 3000 ] || fail "runner took ${ms} ms to act on the abort"
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights")"
ok "weights 100/0"
grep -q '"reason":"looks wrong"' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "reason not journaled"
ok "reason journaled"
