#!/bin/bash
# A manual gate without a TTY: exit 5 with state saved; `rollout advance` with no runner
# continues the rollout in its own terminal to the end (exit 0).
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 1s manual
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
code=$?
[ $code -eq 5 ] || { cat "$T/out"; fail "exit $code, want 5"; }
[ "$(cat "$T/weights")" = "90 10" ] || fail "weights $(cat "$T/weights") while paused"
grep -q '"type":"awaiting_approval"' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "no awaiting_approval"
ok "paused at the manual gate, exit 5, canary weight kept"
"$ROLLOUT" status --wait --timeout 5s > /dev/null
[ $? -eq 5 ] || fail "status --wait did not report 5"
ok "status --wait exits 5"
"$ROLLOUT" advance > "$T/adv" 2>&1
code=$?
[ $code -eq 0 ] || { cat "$T/adv"; fail "advance exit $code, want 0"; }
[ "$(cat "$T/weights")" = "0 100" ] || fail "weights $(cat "$T/weights") after advance"
ok "advance continued to 0/100, exit 0"
"$ROLLOUT" advance > /dev/null 2>&1
[ $? -eq 2 ] || fail "advance on a finished rollout should be a usage error"
ok "advance after the end: exit 2"
