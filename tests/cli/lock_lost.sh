#!/bin/bash
# A runner whose lock file was deleted stops changing traffic: it exits 6 within about a
# second saying it lost its lock, and the router keeps the split it had (no step to 100 %).
# (The runner's reaction is the engine's: StateStore::trusted() asks RolloutLock::verify().)
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
lines=$(wc -l < "$T/weights.log")
rm "$ROLLOUT_STATE_DIR/cli-demo/lock"
for i in $(seq 50); do kill -0 $runner 2>/dev/null || break; sleep 0.1; done
kill -0 $runner 2>/dev/null && { cat "$T/out"; fail "runner still running 5 s after its lock was deleted"; }
wait $runner
code=$?
[ $code -eq 6 ] || { cat "$T/out"; fail "runner exit $code, want 6"; }
grep -q "lost the lock" "$T/out" || { cat "$T/out"; fail "runner did not say it lost its lock"; }
ok "runner exit 6, said it lost its lock"
[ "$(wc -l < "$T/weights.log")" -eq "$lines" ] || fail "traffic changed after the lock was lost: $(tail -1 "$T/weights.log")"
[ "$(cat "$T/weights")" = "90 10" ] || fail "weights $(cat "$T/weights")"
ok "router untouched after the lock was lost"
