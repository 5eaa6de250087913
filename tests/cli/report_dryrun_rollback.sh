#!/bin/bash
# The report of a real engine run: a dry run whose scenario makes the canary's error rate
# climb, so the engine rolls back. The JSON event stream parses line by line (first line:
# the schema version); the report's first line says rolled back, where and why; JUnit
# marks the canary as failed.
source "$SRC/tests/cli/dryrun_helpers.bash"

{
  dryrun_head shop
  cat <<'TOML'
[[stage]]
name = "canary"
weight = 1
hold = "30m"
interval = "1m"
gates = ["error_rate < 1%"]
failure_limit = 2

[[stage]]
name = "full"
weight = 100
hold = "1h"
gates = ["error_rate < 1%"]

[rollback]
budget = "5m"
steps = [ { weight = 0, budget = "30s" } ]
TOML
} > "$T/rb.toml"
cat > "$T/scenario.toml" <<'TOML'
[[metric]]
check = "error_rate"
values = [ { at = "0s", value = 0.001 }, { stage = "canary", at = "10m", value = 0.034 } ]
TOML

"$ROLLOUT" start --dry-run --scenario "$T/scenario.toml" --yes --output json "$T/rb.toml" \
  > "$T/events.jsonl" 2> "$T/err"
code=$?
[ $code -eq 1 ] || { cat "$T/err"; fail "dry run exited $code, want 1 (rolled back)"; }
python3 - "$T/events.jsonl" <<'PY' || fail "JSON event stream check failed"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]          # every line parses
assert objs[0]["type"] == "schema" and objs[0]["v"] == 1, objs[0]
types = [o["type"] for o in objs[1:]]
assert "breach" in types and "rollback_finished" in types, types
assert types[-1] == "finished" and objs[-1]["outcome"] == "rolled_back"
print(f"{len(objs)} lines parse; schema v{objs[0]['v']}")
PY
ok "dry run rolled back (exit 1); every JSON line parses, the first names the schema"

name=$(ls "$ROLLOUT_STATE_DIR")
"$ROLLOUT" report "$name" > "$T/r.md" 2> "$T/err" || { cat "$T/err"; fail "report failed"; }
first=$(head -1 "$T/r.md")
echo "$first" | grep -q "shop rolled back at stage canary" || fail "first line: $first"
echo "$first" | grep -q "error_rate < 1%" || fail "first line lacks the gate: $first"
echo "$first" | grep -q "3.4%" || fail "first line lacks the breaching value: $first"
ok "report first line: $first"
grep -q '| 2 | full | 100% | — / 1h | 0 | — not reached |' "$T/r.md" || fail "full should be not reached"
grep -q '## Rollback' "$T/r.md" || fail "no rollback section"
ok "stage table and rollback section"
"$ROLLOUT" report "$name" --format junit | python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
cases = {c.get("name"): c for c in root.iter("testcase")}
assert cases["stage canary (1%)"].find("failure") is not None, "canary has no failure"
' || fail "JUnit: canary should be a failure"
ok "JUnit: the canary stage is a failure"
