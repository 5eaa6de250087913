#!/bin/bash
# Hostile runbooks and scenarios, generated here: 40,000-part dotted keys and table headers
# (toml++ crashed with SIGSEGV), deep nesting, a 10 MB string in an enum (seconds and GB in
# the did-you-mean) and a 40 MB key (std::bad_alloc, exit 6). Each is refused before parsing:
# exit 2 and one FILE:LINE:COL: error: line naming the limit, within a few seconds.
set -u
: "${ROLLOUT:?set ROLLOUT to the rollout binary}" "${SRC:?}"
T=$(mktemp -d /tmp/rollout-hostile-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
cd "$T"
python3 - <<'PY'
parts = "a" + ".a" * 40000
open("dotted.toml", "w").write("[rollout]\nname = 'x'\n" + parts + " = 1\n")
open("header.toml", "w").write("[" + parts + "]\n")
open("nested.toml", "w").write("x = " + "[" * 40000 + "]" * 40000 + "\n")
open("string.toml", "w").write('[rollout]\nname = "x"\non_interrupt = "' + "x" * 10_000_000 + '"\n')
open("key.toml", "w").write("k" * 40_000_000 + " = 1\n")
PY
# expect FILE LINE:COL TEXT: exit 2, and the located message
expect() {
  local file=$1 where=$2 text=$3 rc=0
  timeout 20 "$ROLLOUT" validate "$file" > out 2> err || rc=$?
  [ $rc -eq 2 ] || { head -c 600 err; fail "$file: exit $rc, want 2"; }
  grep -q "^$file:$where: error: .*$text" err || { head -c 600 err; fail "$file: no '$file:$where: error: ...$text'"; }
  ok "$file: exit 2, $(grep -m1 -o "^$file:$where: error: .\{0,70\}" err)"
}
expect dotted.toml 3:64 "more than 32 parts"
expect header.toml 1:65 "more than 32 parts"
expect nested.toml 1:37 "nested more than 32 deep"
expect string.toml 3:1048556 "larger than 1 MiB"
expect key.toml 1:1048577 "larger than 1 MiB"
# The scenario file of a dry run has the same limits (start exits 2 before rehearsing).
export ROLLOUT_STATE_DIR="$T/state" CI=1
for s in dotted nested key; do
  rc=0
  timeout 20 "$ROLLOUT" start --dry-run --yes --scenario "$s.toml" "$SRC/runbooks/exec.toml" > out 2> err || rc=$?
  [ $rc -eq 2 ] || { head -c 600 err; fail "scenario $s.toml: exit $rc, want 2"; }
  grep -q "^$s.toml:[0-9]*:[0-9]*: error: .*scenario" err || { head -c 600 err; fail "scenario $s.toml: no located error"; }
done
ok "hostile scenarios: exit 2, located (dotted, nested, 40 MB)"
