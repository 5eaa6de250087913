#!/usr/bin/env bash
# e2e: a healthy canary goes 1% -> 10% -> 100% on the real stack (HAProxy, Prometheus,
# two app instances, load through HAProxy). Expect exit 0, HAProxy's weights at each
# stage's percent (watched on the admin socket while it runs, cross-checked with the
# journal's weight_set events), every gate measured and passing, no client errors.
source "$SRC/tests/stack/e2e-lib.sh"

stack_up
runbook_for runbooks/demo.toml "$work/demo.toml"
check "the stack starts with all traffic on stable" test "$(canary_pct)" = "0.0"
load_start 100 120
watch_start 120
sleep 2

rollout_log="$work/rollout.log"
say "rollout start (holds 10s, 10s, 6s)"
set +e
ro start "$work/demo.toml" --yes --output json >"$work/events.jsonl" 2>"$rollout_log"
code=$?
set -e
cat "$work/events.jsonl" >>"$rollout_log"
sleep 0.5
watch_stop
load_stop

check "rollout exits 0 (completed); got $code" test "$code" -eq 0
check "the JSON stream ends with finished/completed" \
  "$PYTHON" -c 'import json,sys; e=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; sys.exit(0 if e and e[-1]["type"]=="finished" and e[-1]["outcome"]=="completed" else 1)' "$work/events.jsonl"

# The journal says which splits were set, in order; HAProxy must have shown each of them.
sets="$(events demo weight_set | "$PYTHON" -c 'import json,sys; print(" ".join(str(json.loads(l)["canary"]) for l in sys.stdin))')"
say "journal weight_set canary percents: $sets"
check "weights set to 1, 10, 100 in that order" test "$sets" = "1 10 100"
say "HAProxy weight changes seen on the socket:"
cat "$work/weights.jsonl"
check "HAProxy showed canary ~1%, then ~10%, then 100%, in that order" "$PYTHON" - "$work/weights.jsonl" <<'PY'
import json, sys
seen = [json.loads(l)["canary_pct"] for l in open(sys.argv[1])]
want, i = [1, 10, 100], 0
for pct in seen:
    if i < len(want) and abs(pct - want[i]) <= 1.0:
        i += 1
sys.exit(0 if i == len(want) else 1)
PY
read -r ws wc pct <<<"$(weights)"
check "the final weights on the socket are all canary (stable $ws, canary $wc)" test "$ws" -eq 0 -a "$wc" -gt 0

measured="$(events demo gate_measured | wc -l)"
passed="$(events demo gate_measured | grep -c '"outcome": "pass"' || true)"
say "gate measurements: $measured, passing: $passed"
check "gates were measured in every stage" test "$(events demo gate_measured | "$PYTHON" -c 'import json,sys; print(len({json.loads(l)["stage"] for l in sys.stdin}))')" -eq 3
check "at least one gate passed with a real value" test "$passed" -gt 0
check "no breach" test -z "$(events demo breach)"
check "the load saw no errors ($(load_field errors) of $(load_field requests))" test "$(load_field errors)" -eq 0
check "the canary answered some of the load" grep -q 'from canary' "$work/load.json"
finish
