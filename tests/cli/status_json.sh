#!/bin/bash
# `status --output json` is one JSON document, while running (no lock needed) and after.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 60s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal gate_measured 20 || { cat "$T/out"; fail "never measured"; }
"$ROLLOUT" status --output json > "$T/status.json" || fail "status failed"
python3 - "$T/status.json" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))          # exactly one document, or this raises
assert doc["lock"] and doc["lock"]["pid"] > 0, doc["lock"]
assert doc["position"]["phase"] == "hold", doc["position"]
assert doc["position"]["split"]["canary"] == 10
assert "snapshot" in doc
print("ok: one JSON document; lock holder pid", doc["lock"]["pid"])
PY
"$ROLLOUT" status > "$T/status.txt" || fail "text status failed"
grep -q "runner: pid $runner" "$T/status.txt" || { cat "$T/status.txt"; fail "text status lacks the runner"; }
ok "text status names the runner"
"$ROLLOUT" abort > /dev/null 2>&1
wait $runner
"$ROLLOUT" status --output json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["lock"] is None; assert d["position"]["status"]=="aborted", d["position"]; print("ok: after the end, status aborted, no lock")' || exit 1
