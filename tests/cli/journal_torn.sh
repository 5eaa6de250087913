#!/bin/bash
# A journal cut off mid-line (a crash during a write): the next run keeps the fragment in
# journal.jsonl.torn, truncates to the last full line, and its own events start on a line
# of their own (the resume's rollout_started is not lost).
source "$SRC/tests/cli/engine_helpers.bash"
write_runbook "$T/rb.toml" 4s
"$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1 &
runner=$!
PIDS+=($runner)
wait_for_journal hold_started 20 || { cat "$T/out"; fail "never held"; }
kill -KILL $runner
wait $runner 2>/dev/null
J="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"
printf '{"v":1,"seq":999,"type":"gate_meas' >> "$J"
lines=$(wc -l < "$J")
"$ROLLOUT" resume > "$T/out2" 2>&1
code=$?
[ $code -eq 0 ] || { cat "$T/out2"; fail "resume exit $code"; }
[ -f "$J.torn" ] || fail "no journal.jsonl.torn"
grep -q '"seq":999,"type":"gate_meas' "$J.torn" || fail "fragment not kept aside"
grep -q "warning: the journal's last line was torn" "$T/out2" || { cat "$T/out2"; fail "resume does not say it set a torn line aside"; }
next=$(sed -n "$((lines + 1))p" "$J")
echo "$next" | grep -q '"type":"rollout_started"' && echo "$next" | grep -q '"resumed":true' ||
  { echo "$next"; fail "the resume's rollout_started is not the next line"; }
python3 - "$J" <<'PY' || fail "the journal does not read cleanly"
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    json.loads(line)
PY
"$ROLLOUT" status > "$T/status" 2>&1
grep -qi "damaged" "$T/status" && { cat "$T/status"; fail "status calls a torn tail damage"; }
[ "$(cat "$T/weights")" = "0 100" ] || fail "weights $(cat "$T/weights") after resume"
ok "torn last line kept aside; resume's events on their own lines; completed"
