#!/bin/bash
# While one `start` runs, a second exits 4 and names the holder (pid, host, user, command,
# start time).
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out1" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out1"; fail "first start never held"; }
"$ROLLOUT" start "$T/rb.toml" > "$T/out2" 2> "$T/err2"
code=$?
[ $code -eq 4 ] || { cat "$T/out2" "$T/err2"; fail "second start exit $code, want 4"; }
grep -q "pid $runner" "$T/err2" || { cat "$T/err2"; fail "holder pid $runner not printed"; }
grep -q "$(whoami)" "$T/err2" || fail "holder user not printed"
grep -q "start" "$T/err2" || fail "holder command not printed"
ok "second start: exit 4 naming pid $runner"
"$ROLLOUT" abort --reason "test over" > /dev/null 2>&1
wait $runner
echo "runner exit $?"
