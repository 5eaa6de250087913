#!/bin/bash
# Gate rules through the binary: a failure budget that a flapping gate runs out of (no two
# failures in a row), a dry-run gate that breaches and never acts, early_pass with
# consecutive_successes, plan showing a gate's own rules, and located errors for a gate table.
source "$SRC/tests/cli/dryrun_helpers.bash"
{
  dryrun_head rules
  printf '[checks.latency]\nsource = "f"\nquery = "/latency"\nunit = "seconds"\n\n'
  cat <<'TOML'
[[stage]]
name = "canary"
weight = 10
hold = "1m"
interval = "5s"
failure_limit = 5
max_failures = 3
gates = ["error_rate < 1%", { gate = "latency < 100ms", dry_run = true }]

[[stage]]
name = "full"
weight = 100
hold = "1h"
interval = "10s"
early_pass = true
consecutive_successes = 3
gates = ["error_rate < 1%"]
TOML
} > "$T/rb.toml"

# scenario FILE ERROR_RATE_VALUES LATENCY_VALUES: a scenario scripting both checks.
scenario() {
  printf '[[metric]]\ncheck = "error_rate"\nvalues = [ %s ]\n[[metric]]\ncheck = "latency"\nvalues = [ %s ]\n' \
    "$2" "$3" > "$1"
}
# rehearse RUNBOOK SCENARIO WANT: a fresh dry run that must exit WANT (output in $T/out).
rehearse() {
  rm -rf "$ROLLOUT_STATE_DIR"
  timeout -k 5 60 "$ROLLOUT" start --dry-run --scenario "$2" "$1" > "$T/out" 2>&1
  local code=$?
  [ $code -eq "$3" ] || { tail -5 "$T/out"; fail "dry run of $(basename "$1") with $(basename "$2"): exit $code, want $3"; }
}

"$ROLLOUT" validate "$T/rb.toml" > "$T/out" 2>&1 || { cat "$T/out"; fail "validate refused the runbook"; }
"$ROLLOUT" plan "$T/rb.toml" > "$T/plan" 2>&1 || { cat "$T/plan"; fail "plan failed"; }
grep -q 'latency < 100ms .*\[dry run: never acts\]' "$T/plan" || { cat "$T/plan"; fail "plan does not mark the dry-run gate"; }
grep -q '3 fails in all' "$T/plan" || fail "plan does not show the failure budget"
grep -q 'may end early: every gate passing 3 times in a row' "$T/plan" || fail "plan does not show early_pass"
"$ROLLOUT" plan --output json "$T/rb.toml" | python3 -c '
import json, sys
p = json.load(sys.stdin)
g = p["stages"][0]["gates"]
assert g[0]["rules"]["max_failures"] == 3 and not g[0]["rules"]["dry_run"], g[0]
assert g[1]["rules"]["dry_run"] and g[1]["rules"]["failure_limit"] == 5, g[1]
assert p["stages"][1]["early_pass"] is True
' || fail "plan --output json: gate rules"
ok "plan shows each gate's rules"

# Healthy error rate, a latency the dry-run gate keeps failing: it breaches (action dry_run)
# and the rollout completes; the last stage passes early after three passes in a row.
scenario "$T/healthy.toml" '{ at = "0s", value = 0.001 }' '{ at = "0s", value = 0.5 }'
rehearse "$T/rb.toml" "$T/healthy.toml" 0
j="$ROLLOUT_STATE_DIR/rules.dry-run/journal.jsonl"
python3 - "$j" <<'PY' || exit 1
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
breaches = [e for e in events if e["type"] == "breach"]
assert [b["action"] for b in breaches] == ["dry_run"], breaches
assert breaches[0]["gate"] == "latency < 100ms" and breaches[0]["counter"] == "max_failures", breaches
dry = [e for e in events if e["type"] == "gate_measured" and e.get("dry_run")]
assert dry and all(e["gate"] == "latency < 100ms" for e in dry), dry[:2]
early = [e for e in events if e["type"] == "passed_early"]
assert len(early) == 1 and early[0]["stage"] == "full" and early[0]["successes"] == 3, early
assert early[0]["skipped_ms"] == (60 - 1) * 60_000 + 30_000, early
last = events[-1]
assert last["outcome"] == "completed", last
# 1m of canary, then three passes 10s apart: the 1h hold is not waited for.
assert last["t_ms"] <= 95_000, last["t_ms"]
PY
grep -q 'dry_run: nothing acts' "$T/out" || fail "the terminal does not say the dry-run breach did nothing"
ok "a dry-run gate breaches without acting; early_pass skips the rest of a passing hold"

# A flapping error rate: fail, pass, fail, pass, fail. Never two failures in a row
# (failure_limit = 5), but the third failure in all spends the budget: rollback.
scenario "$T/flap.toml" '{ at = "0s", value = 0.05 }, { at = "7s", value = 0.001 },
  { at = "12s", value = 0.05 }, { at = "17s", value = 0.001 }, { at = "22s", value = 0.05 }' \
  '{ at = "0s", value = 0.01 }'
rehearse "$T/rb.toml" "$T/flap.toml" 1
grep -q "breached: 3 failures in all (max_failures)" "$T/out" || { cat "$T/out"; fail "no budget breach said"; }
grep -q '"counter":"max_failures".*"action":"rollback"\|"action":"rollback".*"counter":"max_failures"' "$j" ||
  fail "journal has no max_failures breach that rolled back"
ok "a failure budget rolls back a flapping gate that no streak limit catches"

# Mistakes in gate tables: every one located, exit 2, nothing run.
sed -e 's/{ gate = "latency < 100ms", dry_run = true }/{ gate = "latency < 100ms", dryrun = true }, { interval = "5s" }, { gate = "latency < 1s", initial_delay = "2m" }/' \
  "$T/rb.toml" > "$T/bad.toml"
"$ROLLOUT" validate "$T/bad.toml" > "$T/out" 2>&1
code=$?
[ $code -eq 2 ] || { cat "$T/out"; fail "validate exit $code, want 2"; }
grep -qE "bad.toml:[0-9]+:[0-9]+: error: unknown key 'dryrun' in the gate's table \(did you mean 'dry_run'\?\)" "$T/out" ||
  { cat "$T/out"; fail "no located did-you-mean for a gate table key"; }
grep -qE "bad.toml:[0-9]+:[0-9]+: error: a gate table needs 'gate'" "$T/out" || fail "a table without gate passed"
grep -qE "bad.toml:[0-9]+:[0-9]+: error: 'initial_delay' of 2m is not shorter than the stage's hold" "$T/out" ||
  fail "initial_delay past the hold passed"
ok "gate table mistakes: located, all reported, exit 2"

# A range is both bounds in one expression: a latency below the range fails its lower half.
sed -e 's/{ gate = "latency < 100ms", dry_run = true }/"10ms < latency <= 100ms"/' "$T/rb.toml" > "$T/range.toml"
"$ROLLOUT" plan "$T/range.toml" > "$T/plan" 2>&1 || { cat "$T/plan"; fail "plan of a range failed"; }
grep -q 'latency > 10ms .*breach when latency <= 10ms' "$T/plan" && grep -q 'latency <= 100ms .*breach when latency > 100ms' "$T/plan" ||
  { cat "$T/plan"; fail "plan does not show the range's two halves"; }
scenario "$T/fast.toml" '{ at = "0s", value = 0.001 }' '{ at = "0s", value = 0.005 }'
rehearse "$T/range.toml" "$T/fast.toml" 1
grep -q "gate 'latency > 10ms' breached" "$T/out" || { cat "$T/out"; fail "the lower half did not breach"; }
ok "a range gate breaches below its lower bound"
