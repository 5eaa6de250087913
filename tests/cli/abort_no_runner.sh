#!/bin/bash
# `rollout abort` when no process runs the rollout (paused at a manual gate): it takes the
# lock and performs the rollback itself, exit 3. A rollback that cannot complete exits 6
# and says what is left undone.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 1s manual
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
[ $? -eq 5 ] || { cat "$T/out"; fail "start did not pause"; }
"$ROLLOUT" abort --reason "changed my mind" > "$T/abort" 2>&1
code=$?
[ $code -eq 3 ] || { cat "$T/abort"; fail "abort exit $code, want 3"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights") after abort"
ok "abort with no runner rolled back itself: exit 3, 100/0"

# Now a router that refuses to put traffic back.
rm -rf "$ROLLOUT_STATE_DIR"
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
[ $? -eq 5 ] || fail "second start did not pause"
cat > "$T/set-weights.sh" <<SH
#!/bin/sh
[ "\$2" = 0 ] && { echo "load balancer unreachable" >&2; exit 1; }
echo "\$1 \$2" > "$T/weights"
SH
"$ROLLOUT" abort > "$T/abort2" 2> "$T/abort2.err"
code=$?
[ $code -eq 6 ] || { cat "$T/abort2" "$T/abort2.err"; fail "abort exit $code, want 6"; }
grep -q "set traffic 100/0" "$T/abort2.err" || { cat "$T/abort2.err"; fail "undone step not printed on stderr"; }
ok "failing rollback: exit 6, undone steps printed"
"$ROLLOUT" status --output json | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["position"]["status"]=="rollback_failed", d["position"]
assert d["position"]["undone"]==["set traffic 100/0 (stable/canary)"], d["position"]
print("ok: status says rollback_failed, undone: set traffic 100/0")' || exit 1
