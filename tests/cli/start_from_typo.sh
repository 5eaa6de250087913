#!/bin/bash
# `start --from` a stage that is not in the runbook is a usage error with a suggestion,
# before anything is written (it used to journal a rollout_started and a failed preflight,
# with no did-you-mean).
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml"
"$ROLLOUT" start "$T/rb.toml" --from canry > "$T/out" 2>&1
code=$?
[ $code -eq 2 ] || { cat "$T/out"; fail "exit $code, want 2"; }
grep -q "no such stage" "$T/out" && grep -q "did you mean 'canary'" "$T/out" ||
  { cat "$T/out"; fail "no located message with a suggestion"; }
[ ! -e "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" ] || fail "a journal was written for a typo"
[ ! -e "$T/weights" ] || fail "the router was touched"
ok "$(head -1 "$T/out")"
