#!/usr/bin/env bash
# `rollout plan` resolves templates per stage but never prints a value read from ${env.X};
# an invalid runbook exits 2 (plan_check.sh covers --check).
set -euo pipefail
: "${ROLLOUT:?}" "${SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export LB_TOKEN="plan-secret-$$-value"
"$ROLLOUT" plan "$SRC/runbooks/http-weights.toml" >plan.txt
"$ROLLOUT" plan --output json "$SRC/runbooks/http-weights.toml" >plan.json
if grep -q "$LB_TOKEN" plan.txt plan.json; then echo "FAIL: secret printed"; exit 1; fi
grep -q '"Authorization": "Bearer \*\*\*"' plan.json || { echo "FAIL: header not redacted"; cat plan.json; exit 1; }
grep -qF '{"original": 99, "ultra_fast": 1, "unit": "percent"}' plan.txt || { echo "FAIL: canary weights not resolved"; cat plan.txt; exit 1; }
grep -qF '{"original": 100, "ultra_fast": 0, "unit": "percent"}' plan.txt || { echo "FAIL: rollback weights not resolved"; exit 1; }
echo "ok: templates resolved, secrets redacted"

"$ROLLOUT" plan "$SRC/runbooks/exec.toml" >exec.txt
grep -qF "./scripts/set-weights.sh 50 50" exec.txt || { echo "FAIL: exec argv"; cat exec.txt; exit 1; }
echo "ok: exec router argv resolved"

sed 's/^weight = 1 /weight = 101 /' "$SRC/runbooks/analyzer.toml" >bad.toml
rc=0; "$ROLLOUT" plan bad.toml >out 2>err || rc=$?
[ "$rc" = 2 ] && grep -q "^bad.toml:[0-9]*:10: error: 'weight' must be between 0 and 100" err && [ ! -s out ] \
  || { echo "FAIL: invalid runbook: exit $rc"; cat err out; exit 1; }
echo "ok: invalid runbook exits 2 with its diagnostics and no plan"

