#!/bin/bash
# A notify stage whose gate fails for good ends with its hold: one breach per stage, the
# dry run's virtual clock stops at the holds' end, the journal stays small. (It used to
# hold on forever: +1092 virtual hours and 95 MB of journal in a 3-second dry run.)
source "$SRC/tests/cli/engine_helpers.bash"
{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 10m 'on_breach = "notify"'
  rb_stage full 100 1m 'on_breach = "notify"'
} > "$T/rb.toml"
cat > "$T/scenario.toml" <<'TOML'
[[metric]]
check = "error_rate"
values = [ { at = "0s", value = 0.5 } ]
TOML
timeout -k 5 60 "$ROLLOUT" start --dry-run --scenario "$T/scenario.toml" "$T/rb.toml" > "$T/out" 2>&1
code=$?
[ $code -eq 0 ] || { tail -5 "$T/out"; fail "dry run exit $code, want 0 (124/137: still running after 60 s)"; }
ok "a notify rollout whose gate never passes completes (exit 0)"
j="$ROLLOUT_STATE_DIR/cli-demo.dry-run/journal.jsonl"
[ -f "$j" ] || fail "no journal at $j"
python3 - "$j" <<'PY' || exit 1
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
breaches = [e for e in events if e["type"] == "breach"]
assert len(breaches) == 2, f"{len(breaches)} breaches, want one per stage (2)"
assert all(b["action"] == "notify" for b in breaches), breaches
measured = sum(e["type"] == "gate_measured" for e in events)
# 10m + 1m of holds measured every second: at most 662 measurements.
assert measured <= 662, f"{measured} measurements, want at most 662"
last = events[-1]
assert last["type"] == "finished" and last["outcome"] == "completed", last
# Virtual time: 11 minutes of holds (and the few seconds around them), nothing more.
assert last["t_ms"] <= (11 * 60 + 10) * 1000, f"finished at +{last['t_ms']} ms"
warned = [e for e in events if e["type"] == "warning" and "not passing at the end" in e["summary"]]
assert len(warned) == 2, f"{len(warned)} end-of-hold reports, want 2"
print(f"ok: {len(breaches)} breaches, {measured} measurements, finished at +{last['t_ms'] // 1000}s")
PY
size=$(wc -c < "$j")
[ "$size" -lt 400000 ] || fail "journal is $size bytes, want < 400000"
ok "journal $size bytes"
