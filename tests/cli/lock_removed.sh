#!/bin/bash
# The lock file deleted under a running runner: a second `rollout resume` is refused (exit
# 4, naming the runner's pid, which the kernel's lock table gives even with the record
# gone), and the journal never gets two runners' events (no duplicate seq, one start).
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
# Stopped, the runner cannot notice the deleted file and exit (cli.lock_lost covers that),
# so the second resume meets a runner that still holds the directory's lock.
kill -STOP $runner
rm "$ROLLOUT_STATE_DIR/cli-demo/lock"
"$ROLLOUT" resume > "$T/out2" 2> "$T/err2"
code=$?
kill -CONT $runner
[ $code -eq 4 ] || { cat "$T/out2" "$T/err2"; fail "second resume exit $code, want 4 (locked)"; }
grep -q "locked by another process: pid $runner" "$T/err2" || { cat "$T/err2"; fail "holder pid $runner not named"; }
ok "second resume refused (exit 4), names pid $runner"
J="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
[ "$(grep -c '"type":"rollout_started"' "$J")" -eq 1 ] || fail "two runners started"
dups=$(grep -o '"seq":[0-9]*' "$J" | sort | uniq -d)
[ -z "$dups" ] || fail "duplicate seq: $dups"
ok "journal: one start, no duplicate seq"
kill -TERM $runner 2>/dev/null
wait $runner
[ "$(grep -c '"type":"finished"' "$J")" -le 1 ] || fail "two finished events"
ok "at most one finished"
