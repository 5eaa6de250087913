#!/bin/bash
# An `abort` while the runner is already rolling back says so and waits for the outcome
# (bounded by the rollback budget and a margin), then exits with it: 3 here.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s auto rollback
# A slow rollback: the weights script sleeps when it moves traffic back to stable.
cat > "$T/set-weights.sh" <<SH
#!/bin/sh
[ "\$2" = 0 ] && sleep 2
echo "\$1 \$2" > "$T/weights"
SH
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
kill -TERM $runner
wait_for_journal rollback_started 10 || { cat "$T/out"; fail "no rollback"; }
"$ROLLOUT" abort --reason again 2> "$T/abort.err"
code=$?
[ $code -eq 3 ] || { cat "$T/abort.err"; fail "abort exit $code, want 3"; }
grep -q "already rolling back" "$T/abort.err" || { cat "$T/abort.err"; fail "abort did not say a rollback runs"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "abort returned before the rollback ended: $(cat "$T/weights")"
ok "abort during a rollback: said so, waited, exit 3 at 100/0"
wait $runner
code=$?
[ $code -eq 3 ] || fail "runner exit $code, want 3"
ok "runner exit 3"
