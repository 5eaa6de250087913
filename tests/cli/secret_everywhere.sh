#!/bin/bash
# A ${env.X} secret used where rollout prints and stores text — the router's argv, a run
# step's output (stdout and stderr), a shell step, a failing step in the rollback, the
# breach that starts it — never appears in the terminal output, the JSON event stream, the
# journal, state.json or any report. Only `***` does.
source "$SRC/tests/cli/engine_helpers.bash"
export TOKEN="tok-$$-Zq81xv"
write_runbook "$T/rb.toml" 2s
python3 - "$T/rb.toml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('"${weight.canary}"]', '"${weight.canary}", "${env.TOKEN}"]', 1)
s = s.replace('weight = 10\n', 'weight = 10\nbefore = [ { run = ["sh", "-c", "echo out=$0; echo err=$0 >&2", "${env.TOKEN}"] },'
              ' { shell = "echo shell=${env.TOKEN}" } ]\n', 1)
s = s.replace('steps = [ { weight = 0, budget = "10s" } ]',
              'steps = [ { weight = 0, budget = "10s" },'
              ' { run = ["sh", "-c", "echo failing=$0; exit 3", "${env.TOKEN}"], budget = "2s" } ]')
open(p, "w").write(s)
PY
grep -q 'env.TOKEN' "$T/rb.toml" || fail "the runbook does not use the secret"
echo '{"error_rate": 0.5}' > "$T/metrics.json"   # the canary breaches: the rollback runs
"$ROLLOUT" start "$T/rb.toml" > "$T/text.out" 2> "$T/text.err"
code=$?
[ $code -eq 6 ] || { cat "$T/text.out" "$T/text.err"; fail "exit $code, want 6 (the rollback's run step fails)"; }
grep -q '\*\*\*' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "the journal shows no redaction: was the secret used at all?"
grep -q "out=\*\*\*" "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" || fail "the run step's output is not in the journal, redacted"
"$ROLLOUT" abort > /dev/null 2>&1   # retries the failing step: more output, still redacted
"$ROLLOUT" --output json status > "$T/status.json" 2>&1
"$ROLLOUT" report --format json -o "$T/report.json" > /dev/null 2>&1
"$ROLLOUT" report --format junit -o "$T/report.xml" > /dev/null 2>&1
"$ROLLOUT" report --format md > "$T/report.md" 2>&1
# Everything rollout wrote, and everything it printed (the runbook holds only ${env.TOKEN}).
if grep -rl -e "$TOKEN" "$T"; then
  fail "the secret appears in the files above"
fi
ok "secret in argv, output, shell, rollback and reports: only *** anywhere ($(grep -c '\*\*\*' "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl") redactions in the journal)"
