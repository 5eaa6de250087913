#!/bin/bash
# Gates that compare a JSON result that is not a number: `healthy == true`,
# `status == 'ok'`, `status != "degraded"`, through the real binary reading a real file.
# A healthy document completes; the document turning unhealthy mid-hold rolls back; a
# rehearsal scripts the words; a word compared with < or from Prometheus is refused where
# it is written (exit 2).
source "$SRC/tests/cli/dryrun_helpers.bash"
doc="$T/status.json"
cat > "$T/rb.toml" <<TOML
[rollout]
name = "words"

[router]
type = "exec"
command = ["/bin/true"]

[metrics.status]
type = "file"
path = "$doc"

[checks.healthy]
source = "status"
query = "/healthy"

[checks.state]
source = "status"
query = "/state"

[[stage]]
name = "canary"
weight = 10
hold = "3s"
interval = "500ms"
gates = ["healthy == true", "state == 'ok'", 'state != "degraded"']

[[stage]]
name = "full"
weight = 100
hold = "0s"
TOML

"$ROLLOUT" plan "$T/rb.toml" > "$T/plan" 2>&1 || { cat "$T/plan"; fail "plan failed"; }
grep -q "healthy == true .*breach when healthy != true" "$T/plan" || { cat "$T/plan"; fail "plan: the word gate's breach"; }
grep -q "state != \"degraded\" .*breach when state == 'degraded'" "$T/plan" || fail "plan: a != gate's breach"

echo '{"healthy": true, "state": "ok"}' > "$doc"
timeout -k 5 60 "$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
code=$?
[ $code -eq 0 ] || { tail -8 "$T/out"; fail "healthy document: exit $code, want 0"; }
md="$ROLLOUT_STATE_DIR/words/report.md"
grep -q '`healthy == true` | == true |.* | true | ✅' "$md" || { grep healthy "$md"; fail "report.md: the word gate's row"; }
python3 - "$ROLLOUT_STATE_DIR/words/journal.jsonl" <<'PY' || exit 1
import json, sys
m = [json.loads(l) for l in open(sys.argv[1])]
m = [e for e in m if e["type"] == "gate_measured" and e["gate"] == "state == 'ok'"]
assert m and all(e["outcome"] == "pass" and e["word"] == "ok" and e["expected"] == "ok" for e in m), m[:1]
assert all(e["value"] is None for e in m), m[:1]
PY
ok "a healthy JSON document passes its word gates"

rm -rf "$ROLLOUT_STATE_DIR"
echo '{"healthy": true, "state": "ok"}' > "$doc"
( sleep 1.2; echo '{"healthy": true, "state": "degraded"}' > "$doc.new" && mv "$doc.new" "$doc" ) &
timeout -k 5 60 "$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
code=$?
wait
[ $code -eq 1 ] || { tail -8 "$T/out"; fail "degraded document: exit $code, want 1 (rolled back)"; }
grep -q "state: degraded == 'ok' -> fail" "$T/out" || { cat "$T/out"; fail "the terminal does not show the word read"; }
grep -q "rolled_back (exit 1): gate 'state == 'ok'' breached" "$T/out" || fail "the breach is not named"
ok "a document turning degraded mid-hold rolls back"

rm -rf "$ROLLOUT_STATE_DIR"
printf '[[metric]]\ncheck = "healthy"\nvalues = [ { at = "0s", value = true }, { at = "1s", value = false } ]\n' > "$T/sc.toml"
timeout -k 5 60 "$ROLLOUT" start --dry-run --scenario "$T/sc.toml" "$T/rb.toml" > "$T/out" 2>&1
code=$?
[ $code -eq 1 ] || { tail -5 "$T/out"; fail "rehearsed false: exit $code, want 1"; }
grep -q "healthy: false == true -> fail" "$T/out" || fail "the rehearsal does not read the scripted word"
ok "a rehearsal scripts true, false and strings"

sed "s/\"healthy == true\"/\"healthy < true\"/" "$T/rb.toml" > "$T/bad.toml"
refused "$T/bad.toml" "bad.toml:[0-9]+:19: error: '<' compares numbers: true is compared with == or !=" \
  "'healthy < true'"
ok "a word compared with < is a located error"
