#!/usr/bin/env bash
# Stops everything tests/stack/start.sh DIR started (and apps restarted since), then
# removes DIR unless KEEP_STACK=1. Safe to call twice.
# Usage: tests/stack/stop.sh DIR
set -uo pipefail
dir="${1:?usage: stop.sh DIR}"
[ -d "$dir" ] || exit 0
pids=()
for f in haproxy prometheus stable canary load watchdog; do
  [ -s "$dir/$f.pid" ] && pids+=("$(cat "$dir/$f.pid")")
done
for pid in "${pids[@]}"; do
  # Only our own processes: the ones whose pid the stack recorded.
  [ "$pid" != "$$" ] && kill -TERM "$pid" 2>/dev/null
done
for _ in $(seq 50); do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ $alive -eq 0 ] && break
  sleep 0.1
done
for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
if [ "${KEEP_STACK:-0}" != 1 ]; then rm -rf "$dir"; fi
exit 0
