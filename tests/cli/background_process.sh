#!/bin/bash
# Background run steps through the real binary and real processes: one that exits 3 after
# 1 s with fail_on_exit rolls the canary back (exit 1); one that runs on is stopped with its
# whole process group (a shell and the sleep it started) when the stage's hold ends.
source "$SRC/tests/cli/engine_helpers.bash"
journal="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"

{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 20s \
    'before = [ { shell = "sleep 1; echo load test failed; exit 3", background = true, fail_on_exit = true } ]'
  rb_stage full 100 1s
  rb_rollback 30s 10s
} > "$T/fail.toml"
"$ROLLOUT" validate "$T/fail.toml" > "$T/v" 2>&1 || { cat "$T/v"; fail "validate"; }
t0=$(date +%s)
timeout 30 "$ROLLOUT" start "$T/fail.toml" --output json > "$T/out" 2> "$T/err"
code=$?
t1=$(date +%s)
[ $code -eq 1 ] || { cat "$T/out" "$T/err"; fail "exit $code, want 1"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights"), want 100 0"
[ $((t1 - t0)) -lt 10 ] || fail "took $((t1 - t0))s: the 20s hold was not cut short by the exit"
ok "exit 3 after 1s with fail_on_exit: rolled back to 100/0 in $((t1 - t0))s, exit 1"
grep '"type":"process_started"' "$journal" | grep -q '"pgid":[1-9]' || fail "no pgid in process_started"
exited=$(grep '"type":"process_exited"' "$journal")
echo "$exited" | grep -q '"exit_code":3' || fail "process_exited: $exited"
echo "$exited" | grep -q 'load test failed' || fail "no output tail in process_exited: $exited"
grep '"type":"rollback_started"' "$journal" | grep -q '"trigger":"breach"' ||
  fail "rollback not triggered as a breach"
ok "journal: process_started with pgid, process_exited exit 3 with its output, breach rollback"

# One that runs on: a shell that starts a sleep of its own and waits on another.
mark=$((3000 + $$ % 1000))
{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 2s \
    "before = [ { shell = \"echo \$\$ > $T/pid; sleep $mark & sleep $((mark + 1))\", background = true, grace = \"2s\" } ]" \
    "after = [ { run = [\"sh\", \"-c\", \"pgrep -f 'slee[p] $mark' > $T/during-after || true\"] } ]"
  rb_stage full 100 1s
  rb_rollback 30s 10s
} > "$T/runs.toml"
"$ROLLOUT" validate "$T/runs.toml" > "$T/v" 2>&1 || { cat "$T/v"; fail "validate runs.toml"; }
timeout 30 "$ROLLOUT" start "$T/runs.toml" > "$T/out2" 2>&1
code=$?
[ $code -eq 0 ] || { cat "$T/out2"; fail "exit $code, want 0"; }
pid=$(cat "$T/pid")
[ -n "$pid" ] || fail "the background shell never ran"
kill -0 "$pid" 2>/dev/null && fail "background shell $pid still runs after the rollout"
pgrep -f "sleep $mark" > /dev/null && fail "a sleep of its group still runs: $(pgrep -af "sleep $mark")"
pgrep -f "sleep $((mark + 1))" > /dev/null && fail "the shell's foreground sleep still runs"
[ -s "$T/during-after" ] && fail "the group still ran during the after steps: $(cat "$T/during-after")"
ok "the process group (shell + both sleeps) was stopped when the hold ended, before the after steps"
stopped=$(grep '"type":"process_exited"' "$journal")
echo "$stopped" | grep -q '"stopped":true' || fail "process_exited not stopped: $stopped"
ok "journal: process_exited stopped=true"

# Validation: background only in a stage's before steps, FILE:LINE:COL.
{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 2s 'after = [ { run = ["./load.sh"], background = true } ]'
  rb_stage full 100 1s
  printf '[rollback]\nsteps = [ { weight = 0 }, { kill = { name = "x" }, background = true } ]\n'
} > "$T/bad.toml"
"$ROLLOUT" validate "$T/bad.toml" > "$T/v" 2>&1
[ $? -eq 2 ] || { cat "$T/v"; fail "validate should fail"; }
grep -qE "bad.toml:[0-9]+:[0-9]+: .*'background' only applies to a stage's 'before' steps" "$T/v" ||
  { cat "$T/v"; fail "no located error for background in after"; }
grep -qE "bad.toml:[0-9]+:[0-9]+: .*'background' does not apply to a kill step" "$T/v" ||
  { cat "$T/v"; fail "no located error for background on a kill step"; }
ok "validate: background outside before, or on a kill step, is a located error"
