#!/usr/bin/env bash
# e2e: the stack itself measures what the demo runbooks' gates assume. With half the
# traffic on a canary told to fail 20% of requests and answer in 300 ms, the runbook's
# own PromQL (read from runbooks/demo.toml) gives an error rate near 0.2 and a p99
# between 0.2 and 0.5 s, and the client behind HAProxy sees about 10% errors.
source "$SRC/tests/stack/e2e-lib.sh"

stack_up
hap "set server app/stable-1 weight 128" >/dev/null
hap "set server app/canary-1 weight 128" >/dev/null
read -r ws wc pct <<<"$(weights)"
check "HAProxy's weights are 128/128 after set server ($ws/$wc)" test "$ws" -eq 128 -a "$wc" -eq 128
reply="$(curl -fsS -XPOST "$CANARY_URL/control?error_rate=0.2&latency_ms=300")"
check "the canary takes the control request ($reply)" test "$reply" = "error_rate=0.2 latency_ms=300.0"
check "a bad control request is refused with 400" \
  test "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$CANARY_URL/control?error_rate=2")" = 400

load_start 100 14
wait "$load_pid" || true
cat "$work/load.log"
sleep 1.5  # one more scrape

query() {  # the value of an instant query, or "none"
  curl -fsS --max-time 5 --get "$PROM_URL/api/v1/query" --data-urlencode "query=$1" |
    "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'
}
check_query() {  # CHECK_NAME VERSION LOW HIGH: the runbook query for VERSION within [LOW, HIGH]
  local q v
  q="$("$PYTHON" -c 'import sys,tomllib; print(tomllib.load(open(sys.argv[1],"rb"))["checks"][sys.argv[2]]["query"])' \
       "$SRC/runbooks/demo.toml" "$1")"
  q="${q//version=\"canary\"/version=\"$2\"}"
  v="$(query "$q")"
  check "$1 of $2 is within [$3, $4]: $v" "$PYTHON" -c \
    'import sys; v=float(sys.argv[1]); sys.exit(0 if float(sys.argv[2]) <= v <= float(sys.argv[3]) else 1)' "$v" "$3" "$4"
}
check_query error_rate canary 0.08 0.35
check_query p99_latency canary 0.2 0.5
check_query error_rate stable 0 0
check_query p99_latency stable 0 0.1
errors="$(load_field errors)"; requests="$(load_field requests)"
check "the client saw about 10% errors ($errors of $requests)" "$PYTHON" -c \
  'import sys; e,n=int(sys.argv[1]),int(sys.argv[2]); sys.exit(0 if n > 1000 and 0.03*n <= e <= 0.2*n else 1)' "$errors" "$requests"
finish
