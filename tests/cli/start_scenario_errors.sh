#!/bin/bash
# A rehearsal cannot lie: a scenario naming a check, stage, health check or command the
# runbook does not have makes `start --dry-run --scenario` exit 2 with every error as
# FILE:LINE:COL: error: ... (did you mean ...), before anything is rehearsed. The same
# scenario spelt right rehearses the rollback (exit 1).
set -u
: "${ROLLOUT:?set ROLLOUT to the rollout binary}"
T=$(mktemp -d /tmp/rollout-scenario-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
export ROLLOUT_STATE_DIR="$T/state" CI=1
cd "$T"
cat > rb.toml <<'TOML'
[rollout]
name = "shop"

[router]
type = "exec"
command = ["/bin/true"]

[metrics.f]
type = "file"
path = "/nonexistent/metrics.json"

[checks.errors]
source = "f"
query = "/errors"
unit = "ratio"

[[stage]]
name = "canary"
weight = 1
hold = "30m"
interval = "1m"
gates = ["errors < 1%"]
before = [ { run = ["./deploy.sh", "canary"] } ]

[[stage]]
name = "full"
weight = 100
hold = "1h"
gates = ["errors < 1%"]
TOML
cat > bad.toml <<'TOML'
[[metric]]
check = "erors"
values = [ { stage = "canry", at = "10m", value = 0.05 } ]
TOML
rc=0
"$ROLLOUT" start --dry-run --scenario bad.toml --yes rb.toml > out 2> err || rc=$?
[ $rc -eq 2 ] || { cat out err; fail "exit $rc, want 2"; }
grep -qx "bad.toml:2:9: error: unknown check 'erors' (did you mean 'errors'?): the runbook's checks are errors" err \
  || { cat err; fail "no located error for the check"; }
grep -q "^bad.toml:3:22: error: unknown stage 'canry' (did you mean 'canary'?)" err \
  || { cat err; fail "no located error for the stage"; }
! grep -q '"type":"weight_set"' "$ROLLOUT_STATE_DIR"/*/journal.jsonl 2>/dev/null || fail "weights were set"
ok "misspelt check and stage: exit 2, both located with did-you-mean, nothing rehearsed"

sed -e 's/erors/errors/' -e 's/canry/canary/' bad.toml > good.toml
rc=0
"$ROLLOUT" start --dry-run --scenario good.toml --yes rb.toml > out 2> err || rc=$?
[ $rc -eq 1 ] || { cat out err; fail "the spelt-right rehearsal exited $rc, want 1 (rolled back)"; }
ok "spelt right, the rehearsal rolls back (exit 1)"
