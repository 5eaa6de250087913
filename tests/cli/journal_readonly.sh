#!/bin/bash
# A journal that cannot be written (journal.jsonl bind-mounted read-only, in a mount
# namespace of its own). `advance` changes nothing and exits 6 (a resume used to take the
# rollout to 100 % with no journal line); `abort` still rolls back to 100/0, exit 6, and
# says the events could not be recorded. (A journal failing during a hold: journal_enospc.)
if [ -z "${IN_NS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "skip: a bind mount needs root"; exit 0; }
  exec env IN_NS=1 unshare -m bash "$0" "$@"
fi
source "$SRC/tests/cli/engine_helpers.bash"
J="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
trap 'umount -l "$J" 2>/dev/null; cleanup' EXIT
write_runbook "$T/rb.toml" 1s manual
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
[ $? -eq 5 ] || { cat "$T/out"; fail "start did not pause"; }
mount --bind "$J" "$J" && mount -o remount,bind,ro "$J" || fail "cannot bind-mount read-only"
lines=$(wc -l < "$T/weights.log")
"$ROLLOUT" advance > "$T/adv" 2>&1
code=$?
[ $code -eq 6 ] || { cat "$T/adv"; fail "advance on a read-only journal: exit $code, want 6"; }
[ "$(wc -l < "$T/weights.log")" = "$lines" ] || fail "advance moved traffic: $(tail -1 "$T/weights.log")"
grep -q "Read-only file system" "$T/adv" || { cat "$T/adv"; fail "no reason given"; }
ok "advance on a read-only journal: exit 6, nothing moved: $(head -1 "$T/adv")"
"$ROLLOUT" abort > "$T/abort" 2>&1
code=$?
[ $code -eq 6 ] || { cat "$T/abort"; fail "abort on a read-only journal: exit $code, want 6"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "abort did not roll back: $(cat "$T/weights")"
grep -q "could not be recorded" "$T/abort" || { cat "$T/abort"; fail "abort does not say what was not recorded"; }
ok "abort on a read-only journal still rolls back: exit 6, 100/0"
