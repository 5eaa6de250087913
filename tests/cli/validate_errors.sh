#!/usr/bin/env bash
# Broken runbooks: exit 2, every error as FILE:LINE:COL: error: message, all of them at once,
# and nothing touched (no state directory appears).
set -euo pipefail
: "${ROLLOUT:?}" "${SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

expect() {  # expect FILE 'FILE:LINE:COL: error: text' — the exit is 2 and the line is there
  local file=$1 want=$2 rc=0
  "$ROLLOUT" validate "$file" >out 2>err || rc=$?
  [ "$rc" = 2 ] || { echo "FAIL: $file: exit $rc, want 2"; cat err; exit 1; }
  grep -qF -- "$want" err || { echo "FAIL: $file: missing: $want"; echo "got:"; cat err; exit 1; }
  echo "ok: $want"
}

# One typo per kind of mistake, each in a copy of the reference runbook.
src="$SRC/runbooks/analyzer.toml"
mutate() {  # mutate NAME 'sed expression'
  sed "$2" "$src" >"$1.toml"
  cmp -s "$src" "$1.toml" && { echo "FAIL: mutation $1 changed nothing"; exit 1; }
  return 0
}
mutate key 's/^hold = "2h"/hodl = "2h"/'
line=$(grep -n '^hodl' key.toml | cut -d: -f1)
expect key.toml "key.toml:$line:1: error: unknown key 'hodl' in stage 'canary' (did you mean 'hold'?)"

mutate check 's/"error_rate < 1%"/"eror_rate < 1%"/'
line=$(grep -n 'eror_rate' check.toml | cut -d: -f1)
expect check.toml "check.toml:$line:4: error: unknown check 'eror_rate' (did you mean 'error_rate'?)"

mutate dur 's/^hold = "4h"/hold = "4 hours"/'
line=$(grep -n '4 hours' dur.toml | cut -d: -f1)
expect dur.toml "dur.toml:$line:8: error: 'hold' = \"4 hours\" is not a duration"

mutate unit 's/"error_rate < 0.5%", "p99_latency < 200ms"/"error_rate < 0.5%", "p99_latency < 200mss"/'
line=$(grep -n '200mss' unit.toml | cut -d: -f1)
expect unit.toml "unit.toml:$line:49: error: unknown unit 'mss' (did you mean 'ms'?)"

mutate mismatch 's/"error_rate < 0.5%"/"error_rate < 5ms"/'
line=$(grep -n '5ms' mismatch.toml | cut -d: -f1)
expect mismatch.toml "mismatch.toml:$line:25: error: unit 'ms' does not fit check 'error_rate'"

mutate enum 's/^on_breach = "pause"/on_breach = "pasue"/'
line=$(grep -n 'pasue' enum.toml | cut -d: -f1)
expect enum.toml "enum.toml:$line:13: error: 'on_breach' cannot be \"pasue\" (did you mean 'pause'?)"

mutate weight 's/^weight = 100/weight = 110/'
line=$(grep -n '^weight = 110' weight.toml | cut -d: -f1)
expect weight.toml "weight.toml:$line:10: error: 'weight' must be between 0 and 100, got 110"

mutate health 's/{ health = "stable", budget/{ health = "stabel", budget/'
line=$(grep -n 'stabel' health.toml | cut -d: -f1)
expect health.toml "health.toml:$line:"
expect health.toml "error: unknown health check 'stabel' (did you mean 'stable'?)"

mutate kind 's/{ kill = {/{ kil = {/'
expect kind.toml "error: unknown step kind 'kil' (did you mean 'kill'?)"

mutate dup 's/^name = "ramp"/name = "canary"/'
expect dup.toml "error: duplicate stage name 'canary'"

mutate fortoo 's/0.1% for 1h/0.1% for 49h/'
expect fortoo.toml "error: 'for 49h' is longer than the stage's hold (48h)"

mutate norouter '/^\[router\]/,/^timeout = "5s"  /d'
expect norouter.toml "norouter.toml:1:1: error: missing [router]"

mutate var 's/url = "${vars.prom}"/url = "${vars.promm}"/'
expect var.toml "error: \${vars.promm} is not defined in [vars] (did you mean 'prom'?)"

# Several mistakes in one file: all reported, in file order, then the summary.
sed -e 's/^hold = "2h"/hodl = "2h"/' -e 's/^weight = 100/weight = 110/' -e 's/"error_rate < 1%"/"eror_rate < 1%"/' "$src" >many.toml
rc=0; "$ROLLOUT" validate many.toml >out 2>err || rc=$?
[ "$rc" = 2 ] || { echo "FAIL: many: exit $rc"; exit 1; }
n=$(grep -c ': error: ' err)
[ "$n" -ge 3 ] || { echo "FAIL: many: $n errors reported, want 3"; cat err; exit 1; }
sort -t: -k2,2n -c <(grep ': error: ' err) || { echo "FAIL: errors not in file order"; cat err; exit 1; }
grep -q "^many.toml: 3 errors" err || { echo "FAIL: no summary line"; cat err; exit 1; }
echo "ok: all $n errors of one file, in order"

# A TOML syntax error: one diagnostic with toml++'s position.
printf '[rollout]\nname = "x\n' >syntax.toml
expect syntax.toml "syntax.toml:2:"
[ "$(grep -c ': error: ' err)" = 1 ] || { echo "FAIL: syntax error reported more than once"; cat err; exit 1; }

# Good and bad together: exit 2, the good one still gets its OK line.
rc=0; "$ROLLOUT" validate "$src" key.toml >out 2>err || rc=$?
[ "$rc" = 2 ] && grep -qF "$src: OK" out || { echo "FAIL: mixed files"; exit 1; }
echo "ok: mixed good and bad files"

# A missing file.
expect missing.toml "missing.toml: error: cannot read the runbook: No such file or directory"

[ ! -e .rollout ] || { echo "FAIL: validate created a state directory"; exit 1; }
echo "ok: nothing touched"
