#!/usr/bin/env bash
# `rollout plan` on the reference runbook: every stage in order with weight, hold, interval
# and gate thresholds, the rollback with budgets, and 54h of holds, as text and as JSON.
set -euo pipefail
: "${ROLLOUT:?}" "${SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
rb="$SRC/runbooks/analyzer.toml"

"$ROLLOUT" plan "$rb" >plan.txt
for want in \
  "Plan for ultra-fast-analyzer" \
  "Stage 1/3 'canary': 1% to the new version, hold 2h, gates every 30s" \
  "Stage 2/3 'ramp': 10% to the new version, hold 4h" \
  "Stage 3/3 'full': 100% to the new version, hold 48h" \
  "set traffic 99/1 (stable/canary)" \
  "error_rate < 1%" "error_rate < 0.5%" "error_rate < 0.1% for 1h" "p99_latency < 200ms" \
  "breach when p99_latency >= 200ms" \
  "Rollback (budget 5m)" \
  "1. set traffic 100/0 (stable/canary) [budget 30s]" \
  "kill processes matching 'ultra_fast_analyzer'" \
  "run npm run start:analyzer:original" \
  "health 'stable'" \
  "Source:  prom = prometheus http://127.0.0.1:9090" \
  "Expected duration: 54h of holds"; do
  grep -qF -- "$want" plan.txt || { echo "FAIL: plan text lacks: $want"; cat plan.txt; exit 1; }
done
# Stages come in file order.
[ "$(grep -o "^Stage [0-9]/3 '[a-z]*'" plan.txt | tr '\n' ' ')" = "Stage 1/3 'canary' Stage 2/3 'ramp' Stage 3/3 'full' " ] \
  || { echo "FAIL: stage order"; exit 1; }
echo "ok: text plan"

"$ROLLOUT" plan --output json "$rb" >plan.json
python3 <<'PY'
import json
p = json.load(open("plan.json"))
assert p["total_hold_ms"] == 54 * 3600 * 1000 and p["total_hold"] == "54h", p["total_hold"]
assert [s["name"] for s in p["stages"]] == ["canary", "ramp", "full"]
assert [s["weight"] for s in p["stages"]] == [1, 10, 100]
assert [s["hold"] for s in p["stages"]] == ["2h", "4h", "48h"]
g = {(s["name"], x["check"]): x for s in p["stages"] for x in s["gates"]}
assert abs(g[("canary", "error_rate")]["threshold"] - 0.01) < 1e-12
assert abs(g[("ramp", "error_rate")]["threshold"] - 0.005) < 1e-12
assert abs(g[("full", "error_rate")]["threshold"] - 0.001) < 1e-12
assert g[("full", "error_rate")]["sustain_ms"] == 3600000
assert abs(g[("canary", "p99_latency")]["threshold"] - 0.2) < 1e-12
assert p["stages"][2]["on_breach"] == "pause"
rb = p["rollback"]
assert rb["budget_ms"] == 300000
assert [s["kind"] for s in rb["steps"]] == ["weight", "kill", "run", "health"]
assert [s.get("budget_ms") for s in rb["steps"]] == [30000, 60000, 120000, 60000]
print("ok: JSON plan")
PY
[ ! -e .rollout ] || { echo "FAIL: plan created a state directory"; exit 1; }
echo "ok: nothing touched"
