#!/bin/bash
# The state directory is not trusted blindly: a symlinked lock is refused (the file it points
# at is left whole), a state directory writable by others is refused (exit 2, one line), and
# `advance` signals the pid the kernel says holds the lock, never the pid the lock file names;
# status and report, which only read, show an untrusted state after a warning.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 1s
D="$ROLLOUT_STATE_DIR/cli-demo"
mkdir -p "$D" && chmod 700 "$ROLLOUT_STATE_DIR" "$D"
echo precious > "$T/victim"
ln -s "$T/victim" "$D/lock"
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2> "$T/err"
code=$?
[ $code -eq 2 ] || { cat "$T/out" "$T/err"; fail "symlinked lock: exit $code, want 2"; }
grep -q "lock is a symbolic link" "$T/err" || { cat "$T/err"; fail "no clear line about the symlink"; }
[ "$(cat "$T/victim")" = precious ] || fail "the symlink's target was written: $(cat "$T/victim")"
[ -e "$T/weights" ] && fail "traffic moved"
ok "symlinked lock refused, target intact, nothing touched"
rm "$D/lock"
chmod 777 "$ROLLOUT_STATE_DIR"
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2> "$T/err"
code=$?
[ $code -eq 2 ] || { cat "$T/out" "$T/err"; fail "world-writable state dir: exit $code, want 2"; }
grep -q "writable by group or others" "$T/err" || { cat "$T/err"; fail "no clear line about the mode"; }
[ "$(wc -l < "$T/err")" -eq 1 ] || { cat "$T/err"; fail "more than one line"; }
ok "state directory writable by others refused in one line"
chmod 700 "$ROLLOUT_STATE_DIR"
# A lock record naming an innocent process: advance must not signal it.
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
sleep 60 &
innocent=$!
PIDS+=($innocent)
forged=$(sed "s/\"pid\":[0-9]*/\"pid\":$innocent/" "$D/lock")
printf '%s\n' "$forged" > "$D/lock"   # in place: the runner keeps its lock
"$ROLLOUT" advance 2> "$T/adv"
code=$?
kill -0 $innocent 2>/dev/null || fail "advance signalled pid $innocent, which the lock file named"
ok "the pid the lock file names was not signalled"
[ $code -eq 0 ] || { cat "$T/adv"; fail "advance exit $code"; }
grep -q "pid $runner" "$T/adv" || { cat "$T/adv"; fail "advance did not name the real holder"; }
ok "advance reached the real holder (pid $runner)"
wait $runner
[ $? -eq 0 ] || fail "runner did not finish"
# status and report only read: they show an untrusted state after a one-line warning.
chmod 777 "$ROLLOUT_STATE_DIR"
"$ROLLOUT" status > "$T/out" 2> "$T/err" || { cat "$T/err"; fail "status on an untrusted state dir failed"; }
grep -q "warning: $ROLLOUT_STATE_DIR is writable by group or others" "$T/err" ||
  { cat "$T/err"; fail "status did not warn about the state dir"; }
grep -q "refusing" "$T/err" && { cat "$T/err"; fail "status says it refuses, and shows"; }
grep -q "completed" "$T/out" || { cat "$T/out"; fail "status showed nothing"; }
"$ROLLOUT" report > "$T/out" 2> "$T/err" || { cat "$T/err"; fail "report on an untrusted state dir failed"; }
grep -q "warning: $ROLLOUT_STATE_DIR is writable by group or others" "$T/err" ||
  { cat "$T/err"; fail "report did not warn about the state dir"; }
chmod 700 "$ROLLOUT_STATE_DIR"
ok "status and report show an untrusted state dir after a one-line warning"
if [ "$(id -u)" = 0 ]; then
  chown 65534 "$D/journal.jsonl"
  "$ROLLOUT" abort 2> "$T/err"
  code=$?
  [ $code -eq 2 ] || { cat "$T/err"; fail "journal owned by another user: exit $code, want 2"; }
  grep -q "owned by uid 65534" "$T/err" || { cat "$T/err"; fail "no clear line about the owner"; }
  ok "journal owned by another user refused"
fi
