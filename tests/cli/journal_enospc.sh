#!/bin/bash
# The state directory fills up during a hold (a 200 KiB tmpfs, in a mount namespace of
# its own): the runner stops moving toward the canary, says so in one line, rolls back to
# 100/0 and exits 6. Once space is freed, `status` shows the rollback (not "holding") and
# `resume` puts no canary weight back.
if [ -z "${IN_NS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "skip: a tmpfs needs root"; exit 0; }
  exec env IN_NS=1 unshare -m bash "$0" "$@"
fi
source "$SRC/tests/cli/engine_helpers.bash"
mkdir -p "$ROLLOUT_STATE_DIR"
mount -t tmpfs -o size=200k,mode=0700 tmpfs "$ROLLOUT_STATE_DIR" || fail "cannot mount a tmpfs"
trap 'umount -l "$ROLLOUT_STATE_DIR" 2>/dev/null; cleanup' EXIT
write_runbook "$T/rb.toml" 60s
sed -i '0,/interval = "1s"/s//interval = "200ms"/' "$T/rb.toml"
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
dd if=/dev/zero of="$ROLLOUT_STATE_DIR/filler" bs=4k 2>/dev/null
# Within a few gate measurements the journal hits ENOSPC; the runner must end by itself.
for _ in $(seq 100); do kill -0 $runner 2>/dev/null || break; sleep 0.1; done
kill -0 $runner 2>/dev/null && { kill $runner; cat "$T/out"; fail "runner still holding 10s after the disk filled"; }
wait $runner
code=$?
[ $code -eq 6 ] || { cat "$T/out"; fail "exit $code, want 6"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights") after the journal failed"
[ "$(grep -c 'No space left on device' "$T/out")" -ge 1 ] || { cat "$T/out"; fail "no line says why"; }
ok "disk full during a hold: exit 6, rolled back to 100/0: $(grep -m1 'No space left' "$T/out")"

rm -f "$ROLLOUT_STATE_DIR/filler"
"$ROLLOUT" status > "$T/status" 2>&1; [ -n "${SHOW:-}" ] && cat "$T/status"
grep -q "holding" "$T/status" && { cat "$T/status"; fail "status says holding after the rollback"; }
"$ROLLOUT" status --output json | python3 -c '
import json,sys
p=json.load(sys.stdin)["position"]
assert p["split"]=={"stable":100,"canary":0}, p
assert p["status"]!="running", p
print("ok: status after space freed:", p["status"], p["split"])' || exit 1
lines=$(wc -l < "$T/weights.log")
"$ROLLOUT" resume > "$T/resume" 2>&1
code=$?
[ $code -ne 0 ] || { cat "$T/resume"; fail "resume exit 0 after a rollback"; }
[ "$(wc -l < "$T/weights.log")" = "$lines" ] || fail "resume moved traffic: $(tail -1 "$T/weights.log")"
ok "resume refused (exit $code), router untouched: $(head -1 "$T/resume")"
