#!/bin/bash
# `rollout start … | head -1`: the reader goes away after one line. The rollout must go on
# to its end (no SIGPIPE death at 141, canary not left at 10 %), journal its outcome and
# write its report; only the output stops.
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 2s
"$ROLLOUT" start "$T/rb.toml" 2> "$T/err" | head -1 > "$T/first"
code=${PIPESTATUS[0]}
[ $code -eq 0 ] || { cat "$T/err"; fail "exit $code with stdout gone, want 0"; }
ok "exit 0 with stdout closed after one line"
[ -s "$T/first" ] || fail "head saw no line"
J="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
grep -q '"outcome":"completed"' "$J" || fail "no completed outcome in the journal"
ok "journal: completed"
[ "$(cat "$T/weights")" = "0 100" ] || fail "weights $(cat "$T/weights")"
ok "router at 0/100"
ls "$ROLLOUT_STATE_DIR/cli-demo/" | grep -q '^report' || fail "no report written"
ok "report written"
# JSON output too, gone at once.
rm -rf "$ROLLOUT_STATE_DIR"
"$ROLLOUT" start "$T/rb.toml" --output json 2> "$T/err" | true
code=${PIPESTATUS[0]}
[ $code -eq 0 ] || { cat "$T/err"; fail "json: exit $code with stdout gone, want 0"; }
grep -q '"outcome":"completed"' "$J" || fail "json: no completed outcome"
[ "$(cat "$T/weights")" = "0 100" ] || fail "json: weights $(cat "$T/weights")"
ok "json output to a closed pipe: completed at 0/100"
