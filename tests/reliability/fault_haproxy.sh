#!/bin/bash
# HAProxy refusing (nothing listens on its socket) or answering an error while rollout
# changes weights, against a fake runtime API (fake_deps.py haproxy). Outcomes:
#   one error on a weight change -> retried once, the rollout goes on (exit 0);
#   an error on both tries of a weight change toward the canary -> the step fails,
#   rollback: exit 1, 100/0;
#   refused from a weight change on (rollback cannot act either) -> exit 6, a person must act;
#   an error or a refusal during the rollback -> exit 6, the split left where the journal's
#   last confirmed weight_set says, and `status` says the rollback failed.
# Set commands are counted: a split is two (stable-1, then canary-1), so the canary stage's
# split is sets 1-2, the ramp's first try 3-4.
source "$SRC/tests/reliability/fault_helpers.bash"
NAME=fault-hap
hap_split() {  # the fake's weights as a percent split "STABLE CANARY"
  read -r s c < "$T/hap-weights"
  if [ $((s + c)) -eq 0 ]; then echo "0 0"; return; fi
  local pct=$(((200 * c + s + c) / (2 * (s + c))))
  echo "$((100 - pct)) $pct"
}
run_case() {  # run_case LABEL WANT_EXIT BREACH(0|1) FAKE_ARGS...
  local label=$1 want=$2 breach=$3; shift 3
  rm -rf "$ROLLOUT_STATE_DIR"
  if [ "$breach" = 1 ]; then echo '{"error_rate": 0.5}' > "$T/metrics.json"; else echo '{"error_rate": 0.001}' > "$T/metrics.json"; fi
  rm -f "$T/hap.sock" "$T/hap-weights"
  "$PY" "$FAKE" haproxy "$T/hap.sock" "$T/hap-weights" "$@" --lifetime 60 &
  local fake=$!
  PIDS+=("$fake")
  for _ in $(seq 100); do [ -S "$T/hap.sock" ] && [ -s "$T/hap-weights" ] && break; sleep 0.05; done
  {
    rb_rollout "$NAME"
    printf '[router]\ntype = "haproxy"\nsockets = ["unix:%s/hap.sock"]\nbackend = "app"\n' "$T"
    printf 'stable = ["stable-1"]\ncanary = ["canary-1"]\ntimeout = "1s"\n'
    rb_file_check
    rb_stage canary 1 1s
    rb_stage ramp 10 1s
    rb_rollback 10s 5s
  } > "$T/rb.toml"
  local start; start=$(date +%s)
  timeout -s KILL 60 "$ROLLOUT" start "$T/rb.toml" --yes > "$T/out-$label" 2>&1
  local code=$? took=$(($(date +%s) - start))
  check "haproxy $label: exit $want, got $code" test "$code" -eq "$want"
  check "haproxy $label: bounded (${took}s)" test "$took" -le 30
  if [ "$want" -eq 1 ]; then
    check "haproxy $label: HAProxy back to 100 0 ($(hap_split))" test "$(hap_split)" = "100 0"
  fi
  check "haproxy $label: HAProxy's split $(hap_split) is the journal's last confirmed $(last_split)" \
    test "$(hap_split)" = "$(last_split)"
  "$ROLLOUT" status "$NAME" > "$T/status-$label" 2>&1
  check "haproxy $label: status reads (exit $?)" test $? -eq 0
  if [ "$want" -eq 6 ]; then
    check "haproxy $label: status says the rollback failed" grep -qi "rollback failed\|person" "$T/status-$label"
  fi
  grep -m1 -E 'FAILED|rollback failed' "$T/out-$label" | sed 's/^ */  user sees: /'
  kill "$fake" 2>/dev/null; wait "$fake" 2>/dev/null
}
run_case error-once-on-ramp 0 0 --error-sets 3
check "haproxy error-once-on-ramp: the retry set 90/10" test "$(hap_split)" = "90 10"
run_case error-on-ramp 1 0 --error-sets 3,4
run_case refuse-from-ramp 6 0 --refuse-from 3
check "haproxy refuse-from-ramp: HAProxy left at the canary's 99/1" test "$(hap_split)" = "99 1"
run_case error-in-rollback 6 1 --error-from 3
check "haproxy error-in-rollback: HAProxy left at the canary's 99/1" test "$(hap_split)" = "99 1"
run_case refuse-in-rollback 6 1 --refuse-from 3
finish
