#!/bin/bash
# A healthy rollout through the exec router and a file metric source: exit 0, the final
# weights applied, the state directory private, the journal ending in `completed`.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 2s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2> "$T/err"
code=$?
[ $code -eq 0 ] || { cat "$T/out" "$T/err"; fail "exit $code, want 0"; }
ok "exit 0"
[ "$(cat "$T/weights")" = "0 100" ] || fail "final weights $(cat "$T/weights"), want 0 100"
grep -qx "90 10" "$T/weights.log" || fail "canary weight 90/10 never set"
ok "weights 90/10 then 0/100"
d="$ROLLOUT_STATE_DIR/cli-demo"
[ "$(stat -c %a "$d")" = 700 ] || fail "state dir mode $(stat -c %a "$d")"
for f in journal.jsonl state.json runbook.toml lock; do
  [ "$(stat -c %a "$d/$f")" = 600 ] || fail "$f mode $(stat -c %a "$d/$f")"
done
ok "0700 dir, 0600 files"
tail -1 "$d/journal.jsonl" | grep -q '"outcome":"completed"' || fail "journal does not end completed"
grep -q '"status": "completed"' "$d/state.json" || fail "state.json not completed"
ok "journal and state say completed"
grep -q "completed" "$T/out" || fail "no completion line on stdout"
