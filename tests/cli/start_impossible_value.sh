#!/bin/bash
# A metric source that reports an impossible value (an error rate of -1, i.e. -100 %) never
# passes an upper-bound gate: each measurement is an error that says the value is impossible,
# and after error_limit of them the stage's breach rule rolls back (exit 1, never 100 %).
source "$SRC/tests/cli/dryrun_helpers.bash"

{
  dryrun_head neg
  cat <<'TOML'
[[stage]]
name = "canary"
weight = 1
hold = "10m"
interval = "1m"
gates = ["error_rate < 1%"]
error_limit = 3

[[stage]]
name = "full"
weight = 100
hold = "10m"
gates = ["error_rate < 1%"]
TOML
} > "$T/rb.toml"
cat > "$T/scenario.toml" <<'TOML'
[[metric]]
check = "error_rate"
values = [ { at = "0s", value = -1 } ]
TOML

"$ROLLOUT" start --dry-run --scenario "$T/scenario.toml" --yes --output json "$T/rb.toml" \
  > "$T/events.jsonl" 2> "$T/err"
code=$?
[ $code -eq 1 ] || { cat "$T/err"; tail -5 "$T/events.jsonl"; fail "dry run exited $code, want 1"; }
ok "a rollout measuring error_rate = -1 rolls back (exit 1)"
python3 - "$T/events.jsonl" <<'PY' || fail "event stream check failed"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
gates = [o for o in objs if o["type"] == "gate_measured"]
assert gates, "no gate measured"
for g in gates:
    d = g.get("data", g)
    assert d["outcome"] == "error", d
    assert "impossible" in d.get("detail", ""), d
breach = [o for o in objs if o["type"] == "breach"]
assert breach, "no breach"
assert len(gates) == 3, f"{len(gates)} measurements before the breach, want error_limit = 3"
weights = [o for o in objs if o["type"] == "weight_set"]
assert all((o.get("data", o).get("canary", 0)) < 100 for o in weights), weights
assert objs[-1]["outcome"] == "rolled_back", objs[-1]
print("3 errors (impossible value), breach, rolled back; canary never above 1%")
PY
ok "each measurement is an error naming the impossible value; 3 errors = error_limit"
