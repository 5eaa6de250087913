#!/usr/bin/env bash
# Damaged runbooks never crash validate: every truncation of the reference runbook and every
# copy with one line of TOML deleted exits 0 or 2, and a 2 always comes with a FILE:...: error: line.
set -euo pipefail
: "${ROLLOUT:?}" "${SRC:?}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
src="$SRC/runbooks/analyzer.toml"
check() {  # check WHAT
  local rc=0
  "$ROLLOUT" validate -q t.toml >/dev/null 2>err || rc=$?
  case $rc in
    0) ;;
    2) grep -q '^t\.toml\(:[0-9]*:[0-9]*\)\?: error: ' err || { echo "FAIL: $1: exit 2 without a diagnostic"; cat err; exit 1; } ;;
    *) echo "FAIL: $1: exit $rc"; cat err; exit 1 ;;
  esac
}
size=$(wc -c <"$src")
n=0
for ((i = 0; i < size; i += 199)); do head -c "$i" "$src" >t.toml; check "truncated at $i bytes"; n=$((n + 1)); done
lines=$(wc -l <"$src")
for ((i = 1; i <= lines; i++)); do
  line=$(sed -n "${i}p" "$src")
  case $line in '' | '#'*) continue ;; esac  # deleting a comment or blank line proves nothing
  sed "${i}d" "$src" >t.toml
  check "line $i deleted"
  n=$((n + 1))
done
echo "ok: $n damaged copies, each exit 0 or 2 with diagnostics"
