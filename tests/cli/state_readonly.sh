#!/bin/bash
# The state directory turns read-only while a rollout is paused with canary traffic (a
# remount, in a mount namespace of its own). `abort` used to stop at "cannot open …/lock: Read-only file
# system" (exit 2) and leave the canary at 1 %. The lock needs no write: abort rolls back,
# says what it could not record, exits 6; resume refuses and moves nothing.
if [ -z "${IN_NS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "skip: a tmpfs needs root"; exit 0; }
  exec env IN_NS=1 unshare -m bash "$0" "$@"
fi
source "$SRC/tests/cli/engine_helpers.bash"
mkdir -p "$ROLLOUT_STATE_DIR"
mount -t tmpfs -o size=1m,mode=0700 tmpfs "$ROLLOUT_STATE_DIR" || fail "cannot mount a tmpfs"
trap 'umount -l "$ROLLOUT_STATE_DIR" 2>/dev/null; cleanup' EXIT
write_runbook "$T/rb.toml" 1s manual
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
[ $? -eq 5 ] || { cat "$T/out"; fail "start did not pause"; }
paused=$(cat "$T/weights")
[ "$paused" != "100 0" ] || fail "no canary traffic at the pause"
mount -o remount,ro "$ROLLOUT_STATE_DIR" || fail "cannot remount read-only"
"$ROLLOUT" resume > "$T/resume" 2>&1
code=$?
[ $code -eq 6 ] || { cat "$T/resume"; fail "resume exit $code, want 6"; }
[ "$(cat "$T/weights")" = "$paused" ] || fail "resume moved traffic: $(cat "$T/weights")"
ok "resume on a read-only state dir: exit 6, nothing moved"
"$ROLLOUT" abort --reason "read-only" > "$T/abort" 2>&1
code=$?
[ $code -eq 6 ] || { cat "$T/abort"; fail "abort exit $code, want 6"; }
[ "$(cat "$T/weights")" = "100 0" ] || { cat "$T/abort"; fail "abort left weights $(cat "$T/weights")"; }
grep -qi "read-only\|not recorded\|could not be recorded" "$T/abort" || { cat "$T/abort"; fail "abort does not say what it could not record"; }
ok "abort on a read-only state dir: exit 6, 100/0: $(grep -im1 'record' "$T/abort" | cut -c1-120)"
