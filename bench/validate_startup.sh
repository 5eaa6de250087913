#!/usr/bin/env bash
# How much of `rollout validate` on the reference runbook is validation and how much is
# starting a process: the same binary's `--version` is the baseline, measured in the same
# run, N times each, interleaved. Prints milliseconds per run and the ratio.
# Usage: bench/validate_startup.sh [BUILD_DIR] [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/build}/cli/rollout"
n="${2:-50}"
book="$root/runbooks/analyzer.toml"
[ -x "$bin" ] || { echo "no binary at $bin (build first)"; exit 2; }

now_ns() { date +%s%N; }
base=0
val=0
for _ in $(seq "$n"); do
  t0=$(now_ns); "$bin" --version >/dev/null; t1=$(now_ns)
  "$bin" validate -q "$book" >/dev/null; t2=$(now_ns)
  base=$((base + t1 - t0))
  val=$((val + t2 - t1))
done
awk -v b="$base" -v v="$val" -v n="$n" 'BEGIN {
  printf "rollout --version:                %6.2f ms/run\n", b / n / 1e6
  printf "rollout validate analyzer.toml:   %6.2f ms/run\n", v / n / 1e6
  printf "validation beyond start-up:       %6.2f ms/run (ratio %.2f)\n", (v - b) / n / 1e6, v / b
}'
