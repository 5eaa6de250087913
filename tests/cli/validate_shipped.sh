#!/usr/bin/env bash
# `rollout validate` accepts every shipped runbook and the product contract's example,
# prints one OK line per file, and nothing with -q.
set -euo pipefail
: "${ROLLOUT:?}" "${SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
unset SLACK_WEBHOOK LB_TOKEN || true

files=("$SRC"/runbooks/*.toml "$SRC/tests/unit/runbook/data/design_example.toml")
"$ROLLOUT" validate "${files[@]}" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; echo "FAIL: exit $?"; exit 1; }
for f in "${files[@]}"; do
  grep -qF "$f: OK" "$tmp/out" || { echo "FAIL: no OK line for $f"; cat "$tmp/out"; exit 1; }
done
grep -qF "runbooks/analyzer.toml: OK (3 stages, 54h of holds)" "$tmp/out" || { echo "FAIL: analyzer summary"; cat "$tmp/out"; exit 1; }
if grep -q "error:" "$tmp/err"; then echo "FAIL: errors on shipped runbooks"; cat "$tmp/err"; exit 1; fi
echo "ok: ${#files[@]} runbooks validate"

# Unset ${env.X} is a warning, not an error; the file is still OK.
grep -q "design_example.toml:76:8: warning: \${env.SLACK_WEBHOOK} is not set" "$tmp/err" || { echo "FAIL: env warning"; cat "$tmp/err"; exit 1; }
echo "ok: unset env is a warning with its position"

"$ROLLOUT" validate -q "$SRC/runbooks/analyzer.toml" >"$tmp/q" 2>&1
[ ! -s "$tmp/q" ] || { echo "FAIL: -q printed something"; cat "$tmp/q"; exit 1; }
"$ROLLOUT" -q validate "$SRC/runbooks/analyzer.toml" >"$tmp/q" 2>&1
[ ! -s "$tmp/q" ] || { echo "FAIL: -q before the subcommand printed something"; exit 1; }
echo "ok: -q is quiet"
