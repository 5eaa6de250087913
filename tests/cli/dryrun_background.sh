#!/bin/bash
# A dry run starts no background process (the command would leave a file) and still shows
# where it would run; a scenario's [[run]] rule makes it exit 3 ten virtual minutes into
# the hold, and with fail_on_exit that rehearses the rollback. approve_url is not called.
source "$SRC/tests/cli/dryrun_helpers.bash"
{
  dryrun_head bg
  rb_stage canary 10 2h 'advance = "manual"' 'approval_timeout = "1h"' \
    'approve_url = "http://127.0.0.1:9/never-called"' \
    "before = [ { shell = \"touch $T/started; ./loadtest.sh\", background = true, fail_on_exit = true } ]"
  rb_stage full 100 1h
  rb_rollback 30s 10s
} > "$T/rb.toml"
"$ROLLOUT" start --dry-run --yes --output json "$T/rb.toml" > "$T/out" 2> "$T/err"
code=$?
[ $code -eq 0 ] || { cat "$T/out" "$T/err"; fail "exit $code, want 0"; }
[ -e "$T/started" ] && fail "a dry run started the background command"
grep '"type":"process_started"' "$T/out" | grep -q '"pid":0' || fail "no process_started with pid 0"
grep '"type":"process_exited"' "$T/out" | grep -q '"stopped":true' || fail "not stopped at the end"
grep '"type":"advanced"' "$T/out" | grep -q '"by":"dry-run"' || fail "approval not rehearsed"
grep -q '"type":"warning"' "$T/out" && fail "a warning: was approve_url called? $(grep warning "$T/out")"
ok "dry run: nothing started, the stop rehearsed at the hold's end, approval rehearsed"

cat > "$T/scenario.toml" <<'TOML'
[[run]]
match = "loadtest.sh"
exit = 3
takes = "10m"
TOML
"$ROLLOUT" start --dry-run --scenario "$T/scenario.toml" --yes --output json "$T/rb.toml" \
  > "$T/out2" 2> "$T/err2"
code=$?
[ $code -eq 1 ] || { cat "$T/out2" "$T/err2"; fail "exit $code, want 1"; }
grep '"type":"process_exited"' "$T/out2" | grep -q '"exit_code":3' || fail "no scripted exit 3"
grep '"type":"rollback_started"' "$T/out2" | grep -q '"trigger":"breach"' || fail "no breach rollback"
[ -e "$T/started" ] && fail "a dry run started the background command"
ok "scenario: the background step exits 3 at 10m, fail_on_exit rehearses the rollback (exit 1)"
