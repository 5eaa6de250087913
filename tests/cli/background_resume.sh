#!/bin/bash
# A rollout killed (SIGKILL) while a background step runs leaves the process running; the
# resume stops that group (and says so in the journal), starts the step again for the rest
# of the hold, and an interrupt (Ctrl-C) stops the new one before rollout exits 130.
source "$SRC/tests/cli/engine_helpers.bash"
journal="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
mark=$((4000 + $$ % 1000))
{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 60s \
    "before = [ { shell = \"echo \$\$ >> $T/pids; exec sleep $mark\", background = true, grace = \"1s\" } ]"
  rb_stage full 100 1s
  rb_rollback 30s 10s
} > "$T/rb.toml"
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
first=$(head -1 "$T/pids")
[ -n "$first" ] && kill -0 "$first" || fail "the background step is not running"
kill -KILL $runner
wait $runner 2>/dev/null
sleep 0.3
kill -0 "$first" 2>/dev/null || fail "the background process died with rollout (it should be left)"
PIDS+=($first)
ok "SIGKILL of rollout leaves background process $first running"

"$ROLLOUT" resume > "$T/out2" 2>&1 &
resumer=$!
PIDS+=($resumer)
for _ in $(seq 100); do
  [ "$(grep -c '"type":"process_started"' "$journal")" -ge 2 ] && break
  sleep 0.1
done
grep '"type":"process_exited"' "$journal" | grep '"leftover":true' | grep -q '"stopped":true' ||
  { cat "$T/out2"; fail "no process_exited leftover+stopped in the journal"; }
kill -0 "$first" 2>/dev/null && fail "the leftover $first still runs after the resume"
ok "resume stopped the leftover group of $first"
[ "$(grep -c '"type":"process_started"' "$journal")" -eq 2 ] || fail "the step did not start again"
second=$(sed -n 2p "$T/pids")
[ -n "$second" ] && [ "$second" != "$first" ] && kill -0 "$second" || fail "no new background process"
ok "resume into the hold started the background step again ($second)"

kill -INT $resumer
wait $resumer
code=$?
[ $code -eq 130 ] || { cat "$T/out2"; fail "exit $code, want 130"; }
kill -0 "$second" 2>/dev/null && fail "background process $second still runs after the interrupt"
pgrep -f "sleep $mark" > /dev/null && fail "a sleep $mark still runs: $(pgrep -af "sleep $mark")"
ok "interrupt: the background process was stopped, exit 130"
