#!/usr/bin/env bash
# Makes sure one app instance of the stack runs: starts it if its pidfile names no live
# process, else leaves it be (so it is safe as a rollback's "restart the original").
# Usage: tests/stack/ensure-app.sh DIR stable|canary [APP ARGS...]
set -euo pipefail
dir="$1"; role="$2"; shift 2
# shellcheck source=/dev/null
source "$dir/stack.env"
case "$role" in
  stable) port=$STABLE_PORT pidfile=$STABLE_PIDFILE ;;
  canary) port=$CANARY_PORT pidfile=$CANARY_PIDFILE ;;
  *) echo "ensure-app.sh: role must be stable or canary" >&2; exit 2 ;;
esac
echo "$(date -u +%FT%T.%3NZ) ensure $role" >>"$RESTART_LOG"
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "$role already running (pid $(cat "$pidfile"))"
else
  left=$(( STACK_DEADLINE - $(date +%s) ))
  [ "$left" -gt 0 ] || { echo "ensure-app.sh: the stack's lifetime is over" >&2; exit 1; }
  rm -f "$pidfile"
  setsid timeout "$left" "$PYTHON" "$STACK_SRC/app.py" --version "$role" --port "$port" \
    --pidfile "$pidfile" --max-seconds "$left" "$@" >>"$dir/$role.log" 2>&1 </dev/null &
  echo "$(date -u +%FT%T.%3NZ) started $role" >>"$RESTART_LOG"
fi
for _ in $(seq 100); do
  if curl -fsS --max-time 1 "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
    echo "$role healthy on 127.0.0.1:$port"
    exit 0
  fi
  sleep 0.1
done
echo "ensure-app.sh: $role did not become healthy; see $dir/$role.log" >&2
exit 1
