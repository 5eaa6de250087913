#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, in build-fuzz/) and fuzzes each for
# SECONDS (default 20), one at a time, from its seed corpus. New inputs go to
# build-fuzz/corpus/NAME (the seeds in tests/fuzz/corpus/ are left alone); a crash is
# written to build-fuzz/crashes/NAME/ and ends the run non-zero: copy it to
# tests/fuzz/regressions/NAME/ so every CTest run replays it. Prints each target's
# executions. Env: JOBS (build jobs, default 2), TARGETS (default all), FUZZ_ARGS (extra
# libFuzzer flags, e.g. -max_len=4096).
#   tests/fuzz/run.sh 20      # CI (.ci/run)
#   tests/fuzz/run.sh 3600    # a long run
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
seconds="${1:-20}"
build=build-fuzz
targets="${TARGETS:-runbook gate template scenario prometheus json_reading journal}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DROLLOUT_FUZZ=ON -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON "${launcher[@]}" >/dev/null || exit 1
bins=()
for t in $targets; do bins+=("fuzz_$t"); done
cmake --build "$build" -j "${JOBS:-2}" --target "${bins[@]}" || exit 1

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
for t in $targets; do
  corpus="$build/corpus/$t" crashes="$build/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  seeds=()
  [ -d "tests/fuzz/corpus/$t" ] && seeds+=("tests/fuzz/corpus/$t")
  [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
  max_len=4096
  [ "$t" = runbook ] || [ "$t" = scenario ] && max_len=16384
  log="$build/fuzz-$t.log"
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  "$build/tests/fuzz/fuzz_$t" "$corpus" "${seeds[@]}" -max_total_time="$seconds" \
    -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" \
    -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1
  code=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ "$code" -eq 0 ]; then
    echo "fuzz $t: ${runs:-?} executions in ${seconds}s, no crash"
  else
    status=1
    echo "fuzz $t: FAILED (exit $code) after ${runs:-?} executions; artifact(s) in $crashes:"
    ls "$crashes" | sed 's/^/  /'
    grep -m1 -A25 'ERROR: \|runtime error' "$log" | head -40
  fi
done
exit "$status"
