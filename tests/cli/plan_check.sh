#!/usr/bin/env bash
# `rollout plan --check` runs start's preflight alone: it reports every dependency that does
# not answer (exit 2) and touches nothing; when all answer it exits 0.
set -euo pipefail
source "$(dirname "$0")/engine_helpers.bash"
write_runbook "$T/book.toml"

"$ROLLOUT" plan --check "$T/book.toml" >"$T/out" 2>"$T/err" || fail "healthy preflight: exit $?; $(cat "$T/out" "$T/err")"
grep -q "preflight ok" "$T/out" || fail "no verdict: $(cat "$T/out")"
grep -q "error_rate" "$T/out" || fail "the check's query is not listed: $(cat "$T/out")"
[ ! -e "$T/weights" ] || fail "--check set weights"
[ ! -e "$ROLLOUT_STATE_DIR" ] || fail "--check created the state directory"
ok "all dependencies answer: exit 0, nothing touched"

rm "$T/metrics.json"
rc=0; "$ROLLOUT" plan --check "$T/book.toml" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "missing metrics file: exit $rc, want 2"
grep -q "^FAIL .*error_rate" "$T/out" || fail "the failing check is not named: $(cat "$T/out")"
ok "an unreadable metric source fails the preflight with exit 2, naming the check"

rc=0; "$ROLLOUT" plan --check --output json "$T/book.toml" >"$T/out.json" || rc=$?
[ "$rc" = 2 ] || fail "json: exit $rc"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] is False and d["checks"]' "$T/out.json" \
  || fail "--output json is not one preflight document: $(cat "$T/out.json")"
ok "--output json gives the preflight as one document"
