#!/bin/bash
# A corrupt line in the middle of the journal makes the position uncertain: `status` says
# the journal is damaged at that line, `resume` refuses (exit 6, names the file and line)
# and moves nothing, `abort` still rolls back (exit 3) and records what it did.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 1s manual
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
[ $? -eq 5 ] || { cat "$T/out"; fail "start did not pause"; }
J="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
line=$(grep -n '"type":"hold_started"' "$J" | head -1 | cut -d: -f1)
[ -n "$line" ] || fail "no hold_started line"
sed -i "${line}s/.*/{\"seq\":99,\"type\":\"hold_sta/" "$J"
"$ROLLOUT" status > "$T/status" 2>&1
grep -q "journal damaged at line $line" "$T/status" || { cat "$T/status"; fail "status does not say the journal is damaged"; }
ok "status: journal damaged at line $line"
echo "x x" > "$T/weights.log"
"$ROLLOUT" resume > "$T/resume" 2>&1
code=$?
[ $code -eq 6 ] || { cat "$T/resume"; fail "resume exit $code, want 6"; }
grep -q "journal.jsonl:$line" "$T/resume" || { cat "$T/resume"; fail "resume does not name the file and line"; }
[ "$(cat "$T/weights.log")" = "x x" ] || fail "resume touched the router: $(cat "$T/weights.log")"
ok "resume refused: exit 6, $(head -1 "$T/resume")"
"$ROLLOUT" abort --reason "journal damaged" > "$T/abort" 2>&1
code=$?
[ $code -eq 3 ] || { cat "$T/abort"; fail "abort exit $code, want 3"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights") after abort"
grep -q '"type":"rollback_finished"' "$J" || fail "the rollback is not in the journal"
grep -q "damaged at line $line" "$J" || fail "the journal does not record the damage"
ok "abort rolled back on a damaged journal: exit 3, 100/0, recorded"
