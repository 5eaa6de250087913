#!/bin/bash
# Ctrl-C (SIGINT) with on_interrupt = "pause": weights kept, exit 130; `resume` finishes.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 4s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
kill -INT $runner
wait $runner
code=$?
[ $code -eq 130 ] || { cat "$T/out"; fail "exit $code, want 130"; }
[ "$(cat "$T/weights")" = "90 10" ] || fail "weights $(cat "$T/weights") after interrupt"
ok "interrupted: exit 130, canary weight kept"
"$ROLLOUT" resume > "$T/out2" 2>&1
code=$?
[ $code -eq 0 ] || { cat "$T/out2"; fail "resume exit $code"; }
[ "$(cat "$T/weights")" = "0 100" ] || fail "weights $(cat "$T/weights") after resume"
grep -q '"resumed":true' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "no resumed start in journal"
ok "resume finished the rollout"
