#!/bin/bash
# approve_url through the real binary, without a TTY (CI=1): a manual stage waits for a
# local HTTP server (127.0.0.1, stops by itself) instead of exiting 5; the server answers
# 503 twice, then 200, and the stage is approved by approve_url. A URL that never answers
# 200 is bounded by approval_timeout (on_timeout = rollback: exit 1).
source "$SRC/tests/cli/engine_helpers.bash"
journal="$ROLLOUT_STATE_DIR/cli-demo/journal.jsonl"

# serve NOT_BEFORE: 503 for the first NOT_BEFORE requests, then 200; the port in $T/port,
# each request's path and Authorization header in $T/requests. Gone after 40 s at most.
serve() {
  rm -f "$T/port" "$T/requests"
  timeout 40 python3 - "$1" "$T" <<'PY' &
import http.server, sys, threading
not_before, tmp = int(sys.argv[1]), sys.argv[2]
count = 0
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global count
        count += 1
        with open(tmp + "/requests", "a") as f:
            f.write(f"{self.path} {self.headers.get('Authorization')}\n")
        self.send_response(200 if count > not_before else 503)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(tmp + "/port.tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(tmp + "/port.tmp", tmp + "/port")
s.serve_forever()
PY
  PIDS+=($!)
  for _ in $(seq 50); do [ -s "$T/port" ] && return 0; sleep 0.1; done
  fail "the test server did not start"
}

serve 2
port=$(cat "$T/port")
export APPROVE_TOKEN="approve-token-$$"
{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 1s 'advance = "manual"' 'approval_timeout = "20s"' \
    "approve_url = \"http://127.0.0.1:$port/approve/\${stage.name}\"" \
    'approve_headers = { Authorization = "Bearer ${env.APPROVE_TOKEN}" }'
  rb_stage full 100 1s
  rb_rollback 30s 10s
} > "$T/rb.toml"
"$ROLLOUT" plan "$T/rb.toml" > "$T/plan" 2>&1 || { cat "$T/plan"; fail "plan"; }
grep -q "or HTTP 200 from GET http://127.0.0.1:$port/approve/canary" "$T/plan" ||
  { cat "$T/plan"; fail "plan does not show approve_url"; }
ok "plan shows the approve_url"
timeout 30 "$ROLLOUT" start "$T/rb.toml" > "$T/out" 2>&1
code=$?
[ $code -eq 0 ] || { cat "$T/out"; fail "exit $code, want 0 (approved by the URL)"; }
[ "$(cat "$T/weights")" = "0 100" ] || fail "weights $(cat "$T/weights")"
grep '"type":"advanced"' "$journal" | grep -q '"by":"approve_url"' || fail "not advanced by approve_url"
[ "$(wc -l < "$T/requests")" -eq 3 ] || { cat "$T/requests"; fail "want 3 requests (503, 503, 200)"; }
grep -q "^/approve/canary Bearer $APPROVE_TOKEN\$" "$T/requests" || { cat "$T/requests"; fail "path or header"; }
grep -q "$APPROVE_TOKEN" "$T/out" "$journal" && fail "the token was printed or journaled"
ok "no TTY: waited for the URL (503, 503, 200), approved by approve_url, exit 0"

# Never 200: approval_timeout ends the wait; on_timeout = rollback.
serve 1000
port=$(cat "$T/port")
{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 1s 'advance = "manual"' 'approval_timeout = "3s"' 'on_timeout = "rollback"' \
    "approve_url = \"http://127.0.0.1:$port/approve\""
  rb_stage full 100 1s
  rb_rollback 30s 10s
} > "$T/rb2.toml"
timeout 30 "$ROLLOUT" start "$T/rb2.toml" > "$T/out2" 2>&1
code=$?
[ $code -eq 1 ] || { cat "$T/out2"; fail "exit $code, want 1"; }
[ "$(cat "$T/weights")" = "100 0" ] || fail "weights $(cat "$T/weights")"
grep '"type":"rollback_started"' "$journal" | grep -q '"trigger":"timeout"' || fail "not a timeout"
ok "a URL that never says 200: rolled back after approval_timeout, exit 1"

# Validation warns about an unbounded wait.
{
  rb_rollout cli-demo
  rb_exec_router
  rb_file_check
  rb_stage canary 10 1s 'advance = "manual"' 'approve_url = "https://ci.example/approve"'
  rb_stage full 100 1s
  rb_rollback 30s 10s
} > "$T/rb3.toml"
"$ROLLOUT" validate "$T/rb3.toml" > "$T/v" 2>&1
grep -qE "rb3.toml:[0-9]+:[0-9]+: .*'approve_url' without 'approval_timeout'" "$T/v" ||
  { cat "$T/v"; fail "no warning for approve_url without approval_timeout"; }
ok "validate warns: approve_url without approval_timeout"
