#!/bin/bash
# A health check whose URL never answers, with timeout = "30s" and deadline = "2s": the
# step fails within its deadline (it used to take the whole 30 s probe timeout), and the
# stage rolls back.
source "$SRC/tests/cli/engine_helpers.bash"
# A loopback HTTP server that accepts and reads requests but never answers.
python3 - "$T/port" <<'PY' &
import socket, sys, threading, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
conns = []
end = time.time() + 60
s.settimeout(1)
while time.time() < end:
    try:
        c, _ = s.accept()
        conns.append(c)
    except socket.timeout:
        pass
PY
PIDS+=($!)
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
[ -s "$T/port" ] || fail "the silent server did not start"
port=$(cat "$T/port")
write_runbook "$T/rb.toml" 1s
cat >> "$T/rb.toml" <<TOML

[health.canary]
urls = ["http://127.0.0.1:$port/health"]
timeout = "30s"
deadline = "2s"
TOML
sed -i 's|^advance = "auto"|advance = "auto"\nbefore = [ { health = "canary" } ]|' "$T/rb.toml"
grep -q 'before = \[ { health = "canary" } \]' "$T/rb.toml" || fail "runbook not edited"
t0=$(date +%s%N)
timeout -k 5 60 "$ROLLOUT" start "$T/rb.toml" > "$T/out" 2> "$T/err"
code=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $code -eq 1 ] || { cat "$T/out" "$T/err"; fail "exit $code, want 1 (rolled back)"; }
ok "health step failed, rolled back (exit 1) in ${ms} ms"
python3 - "$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl" <<'PY' || exit 1
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
steps = [e for e in events if e["type"] == "step_finished" and e.get("kind") == "health"]
assert len(steps) == 1, steps
s = steps[0]
assert s["ok"] is False, s
# The deadline (2 s) plus a margin that cannot flake; the probe timeout was 30 s.
assert s["duration_ms"] <= 4000, f"health step took {s['duration_ms']} ms, want <= 4000"
print(f"ok: health step ended after {s['duration_ms']} ms: {s.get('detail', '')}")
PY
