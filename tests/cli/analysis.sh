#!/bin/bash
# The background [analysis] through the binary: plan shows it and the stages it covers, a
# failure budget spent one failure per stage rolls back in the third stage, the report has
# one section for it, a dry-run analysis gate breaches without acting, and a misspelt
# stage name is a located error with a suggestion (exit 2, nothing started).
source "$SRC/tests/cli/dryrun_helpers.bash"
{
  dryrun_head budget
  printf '[checks.latency]\nsource = "f"\nquery = "/latency"\nunit = "seconds"\n\n'
  for s in canary:10 ramp:50 full:100; do
    printf '[[stage]]\nname = "%s"\nweight = %s\nhold = "5m"\n\n' "${s%%:*}" "${s##*:}"
  done
  cat <<'TOML'
[analysis]
interval = "1m"
failure_limit = 2
max_failures = 3
gates = ["error_rate < 1%", { gate = "latency < 100ms", dry_run = true }]
TOML
} > "$T/rb.toml"

# scenario FILE POINTS...: error_rate scripted by "STAGE AT VALUE" triples; latency 500ms.
scenario() {
  local out=$1 points=""; shift
  while [ $# -gt 0 ]; do
    points+="${points:+, }{ stage = \"$1\", at = \"$2\", value = $3 }"
    shift 3
  done
  printf '[[metric]]\ncheck = "latency"\nvalues = [ { at = "0s", value = 0.5 } ]\n' > "$out"
  printf '[[metric]]\ncheck = "error_rate"\nvalues = [ %s ]\n' "$points" >> "$out"
}
rehearse() {
  rm -rf "$ROLLOUT_STATE_DIR"
  timeout -k 5 60 "$ROLLOUT" start --dry-run --scenario "$2" "$1" > "$T/out" 2>&1
  local code=$?
  [ $code -eq "$3" ] || { tail -5 "$T/out"; fail "dry run with $(basename "$2"): exit $code, want $3"; }
}

"$ROLLOUT" plan "$T/rb.toml" > "$T/plan" 2>&1 || { cat "$T/plan"; fail "plan failed"; }
grep -q "^Analysis: .*from stage 'canary'.* to the end of stage 'full', every 1m" "$T/plan" ||
  { cat "$T/plan"; fail "plan does not show the analysis's span"; }
grep -q 'latency < 100ms .*\[dry run: never acts\]' "$T/plan" || fail "plan does not mark the dry-run analysis gate"
grep -q '3 fails in all' "$T/plan" || fail "plan does not show the analysis's budget"
[ "$(grep -c 'the analysis measures' "$T/plan")" -eq 3 ] || fail "plan does not show the analysis in each stage"
"$ROLLOUT" plan --output json "$T/rb.toml" | python3 -c '
import json, sys
p = json.load(sys.stdin)
a = p["analysis"]
assert a["from"] == "canary" and a["until"] == "full" and a["interval_ms"] == 60000, a
assert a["rules"]["max_failures"] == 3 and a["gates"][1]["rules"]["dry_run"], a
assert all(s["analysis"] for s in p["stages"]), p["stages"]
' || fail "plan --output json: analysis"
ok "plan shows the analysis and the stages it covers"

# One failure in each stage, never two in a row: the third, in 'full', spends the budget.
scenario "$T/flap.toml" canary 0s 0.001 canary 2m30s 0.05 canary 3m30s 0.001 \
  ramp 0s 0.001 ramp 2m30s 0.05 ramp 3m30s 0.001 full 0s 0.001 full 2m30s 0.05
rehearse "$T/rb.toml" "$T/flap.toml" 1
j="$ROLLOUT_STATE_DIR/budget.dry-run/journal.jsonl"
python3 - "$j" <<'PY' || exit 1
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
acting = [e for e in events if e["type"] == "breach" and e["action"] != "dry_run"]
assert len(acting) == 1, acting
b = acting[0]
assert b["stage"] == "full" and b["counter"] == "max_failures" and b.get("analysis"), b
m = [e for e in events if e["type"] == "gate_measured" and e["gate"] == "error_rate < 1%"]
assert all(e.get("analysis") for e in m), m[:1]
assert m[-1]["total_fails"] == 3 and m[-1]["fails"] == 1, m[-1]
assert [e["type"] for e in events].count("analysis_started") == 1
assert events[-1]["outcome"] == "rolled_back", events[-1]
PY
grep -q "analysis gate 'error_rate < 1%' breached: 3 failures in all (max_failures)" "$T/out" ||
  { cat "$T/out"; fail "the terminal does not say which budget the analysis spent"; }
md="$ROLLOUT_STATE_DIR/budget.dry-run/report.md"
grep -q '^## Background analysis' "$md" || fail "report.md has no analysis section"
grep -q 'From stage canary to the end of stage full, every 1m: stopped before its end' "$md" ||
  { sed -n '/Background/,/^## Roll/p' "$md"; fail "report.md does not say the analysis was cut short"; }
grep -q '`error_rate < 1%`.*3 fail.*breached' "$md" || fail "report.md: the analysis gate's counts"
ok "a failure budget spends across stages and rolls back in the third"

# Healthy: the analysis runs to the end of 'full'; its dry-run gate breached once and nothing acted.
scenario "$T/healthy.toml" canary 0s 0.001
rehearse "$T/rb.toml" "$T/healthy.toml" 0
python3 - "$ROLLOUT_STATE_DIR/budget.dry-run/report.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
a = r["analysis"]
assert a["finished"] and a["passing"], a
gates = {g["gate"]: g for g in a["gates"]}
assert gates["error_rate < 1%"]["measurements"] >= 14, gates
assert gates["latency < 100ms"]["dry_run"] and gates["latency < 100ms"]["breach"]["action"] == "dry_run"
assert r["outcome"] == "completed", r["outcome"]
PY
ok "a healthy analysis runs to its end; a dry-run gate never acts"

sed 's/^gates = \["error_rate/from = "canry"\ngates = ["error_rate/' "$T/rb.toml" > "$T/typo.toml"
refused "$T/typo.toml" \
  "typo.toml:[0-9]+:8: error: \\[analysis\\] from = \"canry\": no stage has that name \\(did you mean 'canary'\\?\\)" \
  "a misspelt stage name in [analysis]"
ok "a misspelt stage in [analysis] is a located error"
