#!/bin/bash
# The journal lost its last records while state.json kept going (an abort whose journal
# refused writes: chattr +i, EIO): state.json names a later event than the journal's last.
# After the journal takes writes again, `resume` used to put the canary weight back (99/1
# then up) although the rollback had reached 100/0. Now `status` says the journal lost
# records, `resume` refuses (exit 6) and moves nothing, `abort` still rolls back.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 1s manual
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
[ $? -eq 5 ] || { cat "$T/out"; fail "start did not pause"; }
D="$ROLLOUT_STATE_DIR/cli-demo"
grep -q '"last_seq"' "$D/state.json" || fail "state.json has no last_seq"
# The journal's last three records are lost; state.json, written after them, is not.
head -n -3 "$D/journal.jsonl" > "$T/j" && cat "$T/j" > "$D/journal.jsonl"
"$ROLLOUT" status > "$T/status" 2>&1
grep -q "the journal lost records" "$T/status" || { cat "$T/status"; fail "status does not say the journal lost records"; }
ok "status: $(grep 'lost records' "$T/status" | cut -c1-100)"
echo "x x" > "$T/weights.log"
"$ROLLOUT" resume > "$T/resume" 2>&1
code=$?
[ $code -eq 6 ] || { cat "$T/resume"; fail "resume exit $code, want 6"; }
[ "$(cat "$T/weights.log")" = "x x" ] || fail "resume touched the router: $(cat "$T/weights.log")"
ok "resume refused: exit 6, nothing moved"
"$ROLLOUT" abort --reason "journal lost records" > "$T/abort" 2>&1
code=$?
[ $code -eq 3 ] || { cat "$T/abort"; fail "abort exit $code, want 3"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights") after abort"
ok "abort rolled back: exit 3, 100/0"
