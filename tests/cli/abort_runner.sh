#!/bin/bash
# `rollout abort` from another shell during a hold: the runner rolls back and exits 3
# within about a second; the abort command waits for that outcome and exits 3 too (not 0
# at once); the weights are back at 100/0 when it returns.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
t0=$(date +%s%N)
"$ROLLOUT" abort cli-demo --reason "looks wrong" 2> "$T/abort.err"
acode=$?
[ $acode -eq 3 ] || { cat "$T/abort.err"; fail "abort exit $acode, want 3 (the outcome)"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "abort returned with weights $(cat "$T/weights")"
grep -q "taken by the runner" "$T/abort.err" || { cat "$T/abort.err"; fail "abort did not say it was taken"; }
grep -q "aborted (exit 3)" "$T/abort.err" || { cat "$T/abort.err"; fail "abort did not say the outcome"; }
ok "abort waited for the rollback: exit 3 at 100/0"
wait $runner
code=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ $code -eq 3 ] || { cat "$T/out"; fail "runner exit $code, want 3"; }
ok "runner exit 3 after ${ms} ms"
[ $ms -lt 3000 ] || fail "runner took ${ms} ms to act on the abort"
grep -q '"reason":"looks wrong"' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "reason not journaled"
ok "reason journaled"
