#!/usr/bin/env bash
# Starts the end-to-end stack on 127.0.0.1: two app instances (stable, canary), HAProxy
# in front of them with an admin socket, and Prometheus scraping both every second.
# Usage: tests/stack/start.sh [DIR]   (DIR defaults to a new mktemp dir)
# Writes DIR/stack.env (ports, URLs, pidfiles; source it), waits until everything
# answers, prints the env file's path. Every process is bounded by STACK_LIFETIME
# seconds (default 600) and stopped earlier by tests/stack/stop.sh DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/rollout-stack.XXXXXX")}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
lifetime="${STACK_LIFETIME:-600}"
# Debian's python3 directly: a version manager's shim on PATH can cost seconds a start.
python="${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"

for tool in haproxy prometheus "$python" curl timeout; do
  command -v "$tool" >/dev/null || { echo "start.sh: '$tool' is not installed (see .ci/setup)" >&2; exit 2; }
done

# Ports: STACK_PORTS="HAPROXY STABLE CANARY PROMETHEUS" (the demo's fixed ones), else
# free ones: ask the kernel for four at once, then release them.
if [ -n "${STACK_PORTS:-}" ]; then
  read -r haproxy_port stable_port canary_port prom_port <<<"$STACK_PORTS"
  for p in $haproxy_port $stable_port $canary_port $prom_port; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "start.sh: port $p on 127.0.0.1 is taken; stop what listens there first" >&2
      exit 2
    fi
  done
else
  read -r haproxy_port stable_port canary_port prom_port < <("$python" -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
fi

cat >"$dir/stack.env" <<ENV
# Written by tests/stack/start.sh; source it.
STACK_DIR=$dir
STACK_SRC=$here
STACK_DEADLINE=$(( $(date +%s) + lifetime ))
PYTHON=$python
HAPROXY_PORT=$haproxy_port
HAPROXY_SOCK=$dir/haproxy.sock
APP_URL=http://127.0.0.1:$haproxy_port/
STABLE_PORT=$stable_port
STABLE_URL=http://127.0.0.1:$stable_port
STABLE_PIDFILE=$dir/stable.pid
CANARY_PORT=$canary_port
CANARY_URL=http://127.0.0.1:$canary_port
CANARY_PIDFILE=$dir/canary.pid
PROM_PORT=$prom_port
PROM_URL=http://127.0.0.1:$prom_port
PROM_PIDFILE=$dir/prometheus.pid
HAPROXY_PIDFILE=$dir/haproxy.pid
RESTART_LOG=$dir/restart.log
ENV
# shellcheck source=/dev/null
source "$dir/stack.env"

fill() {
  sed -e "s|@SOCK@|$HAPROXY_SOCK|g" -e "s|@HAPROXY_PORT@|$HAPROXY_PORT|g" \
      -e "s|@STABLE_PORT@|$STABLE_PORT|g" -e "s|@CANARY_PORT@|$CANARY_PORT|g" "$1" >"$2"
}
fill "$here/haproxy.cfg.in" "$dir/haproxy.cfg"
fill "$here/prometheus.yml.in" "$dir/prometheus.yml"
haproxy -c -q -f "$dir/haproxy.cfg"

# If anything below fails, take down what was started.
trap 'status=$?; if [ $status -ne 0 ]; then echo "start.sh: failed; logs in $dir" >&2; "$here/stop.sh" "$dir" >/dev/null 2>&1 || true; fi' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$dir/prometheus-data"
setsid timeout "$lifetime" prometheus --config.file="$dir/prometheus.yml" \
  --storage.tsdb.path="$dir/prometheus-data" --storage.tsdb.retention.time=1h \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$dir/prometheus.log" 2>&1 &
echo $! >"$dir/prometheus.pid"

# Prometheus (the slowest to come up) starts first; the apps meanwhile.
"$here/ensure-app.sh" "$dir" stable >/dev/null &
ensure_stable=$!
"$here/ensure-app.sh" "$dir" canary >/dev/null
wait "$ensure_stable"

# HAProxy in the foreground (-db) under timeout; its pid is the wrapper's child.
setsid timeout "$lifetime" haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
echo $! >"$dir/haproxy.pid"

# Wait until everything answers (HAProxy through to the stable app, Prometheus ready
# and with both targets scraped once).
deadline=$(( $(date +%s) + 60 ))
wait_for() {  # DESCRIPTION COMMAND...
  local what="$1"; shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "start.sh: $what did not come up; see $dir" >&2; return 1; fi
    sleep 0.2
  done
}
wait_for "haproxy" curl -fsS --max-time 2 "$APP_URL"
wait_for "haproxy socket" test -S "$HAPROXY_SOCK"
wait_for "prometheus" curl -fsS --max-time 2 "$PROM_URL/-/ready"
targets_up() {
  curl -fsS --max-time 2 "$PROM_URL/api/v1/query?query=sum(up)" | grep -q '"2"\]'
}
wait_for "prometheus scrapes" targets_up

# Stop by ourselves at the end of the lifetime even if nobody calls stop.sh.
setsid bash -c "sleep $lifetime; '$here/stop.sh' '$dir'" >/dev/null 2>&1 </dev/null &
echo $! >"$dir/watchdog.pid"
trap - EXIT
echo "$dir/stack.env"
