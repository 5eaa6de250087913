#!/bin/bash
# A dry run of the reference runbook walks 54 hours of holds on a virtual clock in well
# under a few seconds, touching nothing, marked as a rehearsal; a scenario rehearses the
# rollback path.
source "$SRC/tests/cli/engine_helpers.bash"
rb="$SRC/runbooks/analyzer.toml"
[ -f "$rb" ] || fail "no reference runbook at $rb"
export SLACK_WEBHOOK="https://hooks.example.invalid/xyz"
t0=$(date +%s%N)
"$ROLLOUT" start --dry-run --output json "$rb" > "$T/events" 2> "$T/err"
code=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $code -eq 0 ] || { cat "$T/err"; tail -5 "$T/events"; fail "dry run exit $code"; }
ok "dry run of the reference runbook: exit 0 in ${ms} ms"
head -1 "$T/events" | grep -q '"type":"schema"' || fail "first line is not the schema line"
grep -q '"dry_run":true' "$T/events" || fail "rollout_started not marked dry_run"
python3 -c '
import json,sys
lines=[json.loads(l) for l in open(sys.argv[1])]
assert all("type" in l for l in lines)
print("ok:", len(lines), "JSON lines")' "$T/events" || exit 1
name=$(grep -o '"name":"[^"]*"' "$T/events" | head -2 | tail -1 | cut -d'"' -f4)
ls -d "$ROLLOUT_STATE_DIR"/*.dry-run > /dev/null || fail "no NAME.dry-run state directory"
ok "state kept apart in $(basename "$(ls -d "$ROLLOUT_STATE_DIR"/*.dry-run)")"
cat > "$T/scenario.toml" <<'TOML'
[[metric]]
check = "error_rate"
values = [ { at = "0s", value = 0.001 }, { stage = "ramp", at = "45m", value = 0.03 } ]
TOML
"$ROLLOUT" start --dry-run --scenario "$T/scenario.toml" "$rb" > "$T/out" 2>&1
code=$?
[ $code -eq 1 ] || { tail -20 "$T/out"; fail "scenario dry run exit $code, want 1"; }
grep -qi "rolling back" "$T/out" || fail "no rollback shown"
ok "scenario: breach in ramp at 45m rehearsed, exit 1"
