#!/bin/bash
# `rollout report` on a journal crafted in a temp state dir (a canary whose error rate
# breached the gate, then a rollback): Markdown says what happened in its first line,
# JUnit parses as XML with a failure for the breached stage, JSON parses, -o writes a file,
# and a missing or ambiguous NAME is a clear usage error.
set -u
: "${ROLLOUT:?set ROLLOUT to the rollout binary}"
T=$(mktemp -d /tmp/rollout-report-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

S="$T/state"
mkdir -p "$S/shop"
J="$S/shop/journal.jsonl"
ev() { echo "$1" >> "$J"; }
ev '{"v":1,"seq":1,"type":"rollout_started","time":"2026-11-26T08:00:00.000Z","t_ms":0,"summary":"starting shop","runbook":"shop.toml","name":"shop","dry_run":false,"resumed":false,"by":"alice@bastion","stages":[{"name":"canary","weight":1,"hold_ms":600000},{"name":"full","weight":100,"hold_ms":600000}]}'
ev '{"v":1,"seq":2,"type":"stage_started","time":"2026-11-26T08:00:01.000Z","t_ms":1000,"stage":"canary","summary":"stage canary","index":0,"weight":1,"hold_ms":600000,"interval_ms":60000}'
ev '{"v":1,"seq":3,"type":"weight_set","time":"2026-11-26T08:00:01.100Z","t_ms":1100,"stage":"canary","summary":"traffic 99/1","stable":99,"canary":1,"ok":true}'
ev '{"v":1,"seq":4,"type":"hold_started","time":"2026-11-26T08:00:01.200Z","t_ms":1200,"stage":"canary","summary":"holding","hold_ms":600000,"remaining_ms":600000}'
ev '{"v":1,"seq":5,"type":"gate_measured","time":"2026-11-26T08:01:01.200Z","t_ms":61200,"stage":"canary","summary":"error_rate: 0.2% < 1% -> pass","gate":"error_rate < 1%","check":"error_rate","query":"sum(rate(errors{code=~\"5..|4..\"}[1m]))","value":0.002,"threshold":0.01,"op":"<","unit":"ratio","outcome":"pass","fails":0,"inconclusives":0,"errors":0}'
ev '{"v":1,"seq":6,"type":"gate_measured","time":"2026-11-26T08:02:01.200Z","t_ms":121200,"stage":"canary","summary":"error_rate: 4.2% < 1% -> fail","gate":"error_rate < 1%","check":"error_rate","query":"sum(rate(errors{code=~\"5..|4..\"}[1m]))","value":0.042,"threshold":0.01,"op":"<","unit":"ratio","outcome":"fail","fails":1,"inconclusives":0,"errors":0}'
ev '{"v":1,"seq":7,"type":"breach","time":"2026-11-26T08:02:01.300Z","t_ms":121300,"stage":"canary","summary":"gate error_rate < 1% breached","gate":"error_rate < 1%","counter":"failure","limit":1,"action":"rollback"}'
ev '{"v":1,"seq":8,"type":"rollback_started","time":"2026-11-26T08:02:01.400Z","t_ms":121400,"summary":"rolling back","reason":"gate '"'"'error_rate < 1%'"'"' breached: 1 failures in a row (limit 1)","trigger":"breach","budget_ms":300000}'
ev '{"v":1,"seq":9,"type":"rollback_step","time":"2026-11-26T08:02:01.900Z","t_ms":121900,"summary":"rollback step done: weight 0%","index":0,"kind":"weight","description":"weight 0%","ok":true,"duration_ms":500,"budget_ms":30000,"attempts":1}'
ev '{"v":1,"seq":10,"type":"rollback_step","time":"2026-11-26T08:02:41.900Z","t_ms":161900,"summary":"rollback step done: run restart <stable> & check","index":1,"kind":"run","description":"run restart <stable> & check","ok":true,"duration_ms":40000,"budget_ms":30000,"attempts":2}'
ev '{"v":1,"seq":11,"type":"rollback_finished","time":"2026-11-26T08:02:41.900Z","t_ms":161900,"summary":"rollback done","ok":true,"duration_ms":40500,"budget_ms":300000,"over_budget":false,"undone":[]}'
ev '{"v":1,"seq":12,"type":"finished","time":"2026-11-26T08:02:42.000Z","t_ms":162000,"summary":"rolled back","outcome":"rolled_back","exit_code":1,"reason":"gate '"'"'error_rate < 1%'"'"' breached: 1 failures in a row (limit 1)"}'

# Markdown, NAME left out (the only rollout there).
"$ROLLOUT" --state-dir "$S" report > "$T/r.md" 2> "$T/err" || { cat "$T/err"; fail "report exited $?"; }
head -1 "$T/r.md" | grep -q "shop rolled back at stage canary: gate 'error_rate < 1%' breached" ||
  fail "first line: $(head -1 "$T/r.md")"
head -1 "$T/r.md" | grep -q "last value 4.2%" || fail "first line lacks the breaching value"
ok "first line says rolled back, where and why: $(head -1 "$T/r.md")"
grep -q '| 0 | weight 0% | +0s | 500ms | 30s | 1 | ✅ done |' "$T/r.md" || fail "rollback step 0 row"
grep -q 'run restart <stable> & check | +500ms | 40s | 30s | 2 | ✅ done (\*\*over budget\*\*)' "$T/r.md" ||
  fail "rollback step 1 row (over its budget)"
grep -q '| | \*\*Total\*\* | | \*\*40.5s\*\* | \*\*5m\*\* |' "$T/r.md" || fail "rollback total row"
ok "rollback timeline: each step against its budget, total against rollback.budget"
grep -q 'code=~\\"5..|4..\\"\|code=~"5..|4.."' "$T/r.md" || fail "resolved query missing"
ok "resolved query listed"

# JUnit: valid XML, a failure for the breached stage, the unreached stage skipped.
"$ROLLOUT" --state-dir "$S" report shop --format junit > "$T/r.xml" || fail "junit exited $?"
python3 - "$T/r.xml" <<'PY' || fail "JUnit check failed"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
cases = {c.get("name"): c for c in root.iter("testcase")}
canary = cases["stage canary (1%)"]
f = canary.find("failure")
assert f is not None, "no failure for the breached stage"
assert "error_rate < 1%" in f.get("message"), f.get("message")
assert cases["stage full (100%)"].find("skipped") is not None
rb = cases["rollback"]
assert "run restart <stable> & check" in rb.find("system-out").text
suite = root.find("testsuite")
assert suite.get("failures") == "1" and suite.get("tests") == "3", suite.attrib
print("junit:", suite.attrib)
PY
ok "JUnit parses; breached stage is a failure; text with < & > escaped"

# JSON: parses, same content.
"$ROLLOUT" --state-dir "$S" report shop --format json -o "$T/r.json" 2> "$T/err" || fail "json -o exited $?"
python3 - "$T/r.json" <<'PY' || fail "JSON check failed"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["report_version"] == 1
assert r["outcome"] == "rolled_back" and r["exit_code"] == 1
g = r["stages"][0]["gates"][0]
assert g["outcome"] == "breached" and g["max"] == 0.042 and len(g["values"]) == 2, g
assert r["rollback"]["steps"][1]["over_budget"] is True
assert r["stages"][1]["outcome"] == "not_reached"
PY
ok "-o FILE writes the JSON report; it parses and holds every value"

# A torn last line (a crash while writing) is skipped with a warning, not fatal.
printf '{"v":1,"seq":13,"type":"warn' >> "$J"
"$ROLLOUT" --state-dir "$S" report shop > /dev/null 2> "$T/err" || fail "torn line made report fail"
grep -q "warning: 1 line" "$T/err" || fail "no warning for the torn line: $(cat "$T/err")"
ok "a torn journal line is skipped with a warning"

# Usage errors: several rollouts and no NAME; an unknown NAME; an empty state dir.
mkdir -p "$S/other" && cp "$J" "$S/other/journal.jsonl"
"$ROLLOUT" --state-dir "$S" report > /dev/null 2> "$T/err"
[ $? -eq 2 ] || fail "ambiguous NAME should exit 2"
grep -q "shop" "$T/err" && grep -q "other" "$T/err" || fail "ambiguity error lacks the names: $(cat "$T/err")"
"$ROLLOUT" --state-dir "$S" report nosuch > /dev/null 2> "$T/err"
[ $? -eq 2 ] || fail "unknown NAME should exit 2"
grep -q "rollout: error:" "$T/err" || fail "unknown NAME: $(cat "$T/err")"
mkdir -p "$T/empty"
"$ROLLOUT" --state-dir "$T/empty" report > /dev/null 2> "$T/err"
[ $? -eq 2 ] || fail "empty state dir should exit 2"
ok "missing, unknown or ambiguous NAME: exit 2 with a clear message"
