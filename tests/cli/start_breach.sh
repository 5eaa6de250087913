#!/bin/bash
# A canary whose error rate breaches the gate: rolled back (weights 100/0), exit 1.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 5s
echo '{"error_rate": 0.05}' > "$T/metrics.json"
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2> "$T/err"
code=$?
[ $code -eq 1 ] || { cat "$T/out" "$T/err"; fail "exit $code, want 1"; }
ok "exit 1"
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights"), want 100 0"
ok "weights back to 100/0"
grep -q '"type":"breach"' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "no breach in journal"
grep -q '"outcome":"rolled_back"' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "not rolled_back"
ok "journal: breach, rolled_back"
# A new start after a finished rollout is allowed; the old journal is kept aside.
echo '{"error_rate": 0.001}' > "$T/metrics.json"
write_runbook "$T/rb.toml" 1s
"$ROLLOUT" start "$T/rb.toml" > "$T/out2" 2>&1 || { cat "$T/out2"; fail "second start failed"; }
ls "$ROLLOUT_STATE_DIR/cli-demo/history/" | grep -q journal || fail "old journal not kept"
ok "restart after the end keeps the old journal in history/"
