#!/bin/bash
# SIGHUP (the terminal or ssh session closed) is an interrupt like Ctrl-C: with
# on_interrupt = "rollback" the runner journals `interrupted`, rolls back to 100/0, writes
# its report and exits 3 (not 129 with the canary left at 10 %).
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s auto rollback
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
[ "$(cat "$T/weights")" = "90 10" ] || fail "weights $(cat "$T/weights") in the hold"
kill -HUP $runner
wait $runner
code=$?
[ $code -eq 3 ] || { cat "$T/out"; fail "exit $code after SIGHUP, want 3"; }
ok "SIGHUP: exit 3"
J="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
grep -q '"type":"interrupted"' "$J" || fail "no interrupted event"
grep '"type":"interrupted"' "$J" | grep -q SIGHUP || fail "interrupted event does not name SIGHUP"
grep -q '"outcome":"aborted"' "$J" || fail "no aborted outcome"
ok "journal: interrupted by SIGHUP, aborted"
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights") after SIGHUP"
ok "router back at 100/0"
ls "$ROLLOUT_STATE_DIR/cli-demo/" | grep -q '^report' || fail "no report written"
ok "report written"
