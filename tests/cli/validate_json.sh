#!/usr/bin/env bash
# `rollout validate --output json`: one JSON document with every diagnostic and per-file status.
set -euo pipefail
: "${ROLLOUT:?}" "${SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
sed 's/^hold = "2h"/hodl = "2h"/' "$SRC/runbooks/analyzer.toml" >bad.toml
rc=0; "$ROLLOUT" validate --output json "$SRC/runbooks/analyzer.toml" bad.toml >out.json 2>err || rc=$?
[ "$rc" = 2 ] || { echo "FAIL: exit $rc, want 2"; exit 1; }
[ ! -s err ] || { echo "FAIL: stderr not empty with --output json"; cat err; exit 1; }
python3 - "$SRC/runbooks/analyzer.toml" <<'PY'
import json, sys
doc = json.load(open("out.json"))
assert doc["ok"] is False, doc
files = {f["file"]: f for f in doc["files"]}
good = files[sys.argv[1]]
assert good["ok"] and good["errors"] == 0 and good["name"] == "ultra-fast-analyzer", good
bad = files["bad.toml"]
assert not bad["ok"] and bad["errors"] == 1, bad
d = [d for d in doc["diagnostics"] if d["file"] == "bad.toml" and d["severity"] == "error"][0]
assert d["severity"] == "error" and "did you mean 'hold'" in d["message"], d
assert isinstance(d["line"], int) and d["col"] == 1, d
print("ok: JSON diagnostics with file, line, col, severity, message")
PY
"$ROLLOUT" validate "$SRC/runbooks/analyzer.toml" --output json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"] is True'
echo "ok: a valid file gives ok: true and exit 0"
