#!/bin/bash
# Control requests belong to one run. Stale `advance`/`abort` files left by a finished
# rollout are reported and discarded by the next `start` (its canary hold is not skipped,
# it is not aborted at once); a request naming another run is discarded by a running runner
# and the shell that wrote it is told (exit 4); `advance` says when it is taken.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 1s
"$ROLLOUT" start "$T/rb.toml" > "$T/out0" 2>&1 || { cat "$T/out0"; fail "first rollout failed"; }
C="$ROLLOUT_STATE_DIR/cli-demo/control"
mkdir -p "$C"
# What an advance and an abort of the finished run left behind (e.g. no runner took them).
echo '{"kind":"abort","by":"old@host","reason":"stale","run":"00000000deadbeef"}' > "$C/000000000000001-1-abort.json"
echo '{"kind":"advance","by":"old@host","reason":""}' > "$C/000000000000002-1-advance.json"
chmod 600 "$C"/*.json
write_runbook "$T/rb.toml" 3s
"$ROLLOUT" start "$T/rb.toml" > "$T/out1" 2> "$T/err1"
code=$?
[ $code -eq 0 ] || { cat "$T/out1" "$T/err1"; fail "second start exit $code, want 0 (stale abort acted on?)"; }
[ "$(grep -c 'discarded' "$T/err1")" -eq 2 ] || { cat "$T/err1"; fail "stale requests not reported (one line each)"; }
J="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
grep -q '"type":"advanced"' "$J" && fail "a stale advance skipped the hold"
grep -q '"type":"hold_finished"\|"type":"stage_completed"' "$J" || fail "no stage completed"
ok "stale abort and advance reported and discarded; the new rollout ran its holds"
ls "$C" | grep -q '\.json$' && fail "stale request files left in $C"
# A running runner discards a request for another run; the writer is told.
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out2" 2> "$T/err2" &
runner=$!
PIDS+=($runner)
# (the journal of the run before still says hold_started: wait for this runner's line)
for i in $(seq 200); do grep -q holding "$T/out2" && break; sleep 0.1; done
grep -q holding "$T/out2" || { cat "$T/out2" "$T/err2"; fail "never held"; }
echo '{"kind":"abort","by":"other@host","reason":"wrong run","run":"0123456789abcdef"}' > "$C/000000000000003-1-abort.json"
chmod 600 "$C/000000000000003-1-abort.json"
kill -USR1 $runner
for i in $(seq 50); do [ -e "$C/000000000000003-1-abort.json.discarded" ] && break; sleep 0.1; done
[ -e "$C/000000000000003-1-abort.json.discarded" ] || fail "request for another run not discarded"
grep -q "was for run 0123456789abcdef" "$T/err2" || { cat "$T/err2"; fail "discard not reported"; }
kill -0 $runner || fail "runner acted on an abort for another run"
[ "$(cat "$T/weights")" = "90 10" ] || fail "weights $(cat "$T/weights")"
ok "runner discarded and reported a request for another run"
"$ROLLOUT" advance 2> "$T/adv"
code=$?
[ $code -eq 0 ] || { cat "$T/adv"; fail "advance exit $code"; }
grep -q "advance request taken by the runner (pid $runner" "$T/adv" || { cat "$T/adv"; fail "advance did not say it was taken"; }
ok "advance: taken by pid $runner"
wait $runner
[ $? -eq 0 ] || fail "runner did not finish after the advance"
