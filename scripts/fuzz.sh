#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, ASan+UBSan, coverage-instrumented libraries) in
# build-fuzz/ and runs each one for SECONDS (default 60), starting from its seed corpus in
# fuzz/corpus/<target>/. Prints the execs of every target; exits 1 when a target found a crash
# (the input is kept as build-fuzz/crashes/<target>-crash-*), 2 when the build fails.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     UTXO_FUZZ_JOBS=N runs N targets at once (default 1),
#                                             UTXO_FUZZ_BUILD_DIR=DIR builds there (default build-fuzz)
#   scripts/fuzz.sh --build-only              builds, runs nothing
# -O1 -gline-tables-only (libFuzzer's own advice is -O1 -g): a fifth less compile time than -O2 -g,
# and a crash's stack trace still names file and line.
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=0
if [ "${1:-}" = --build-only ]; then build_only=1; shift; fi
seconds=${1:-60}
shift || true
jobs=${UTXO_FUZZ_JOBS:-1}
cxx=${UTXO_FUZZ_CXX:-$(command -v clang++-16 || command -v clang++)}
build=${UTXO_FUZZ_BUILD_DIR:-build-fuzz}

configure=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG"
           -DCMAKE_CXX_COMPILER="$cxx" -DUTXO_BUILD_TESTS=OFF -DUTXO_FUZZ=ON)
if command -v ccache >/dev/null; then configure+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if ! { cmake -S . -B "$build" "${configure[@]}" >/dev/null &&
       cmake --build "$build" -j"$(nproc)" --target fuzz_all >"$build/fuzz-build.log" 2>&1; }; then
  tail -40 "$build/fuzz-build.log" 2>/dev/null || true
  echo "fuzz: the build failed" >&2
  exit 2
fi
if ((build_only)); then exit 0; fi

targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=($(cd fuzz && ls ./*.cpp | sed 's|^\./||; s|\.cpp$||'))
fi
mkdir -p "$build/corpus" "$build/crashes" "$build/logs"

# One target: new inputs go to build-fuzz/corpus/<t> (the first directory), seeds are only read.
run_one() {
  local t=$1
  mkdir -p "$build/corpus/$t"
  "$build/fuzz/fuzz_$t" "$build/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$t-" >"$build/logs/$t.log" 2>&1
}

failed=()
running=0
for t in "${targets[@]}"; do
  [ -x "$build/fuzz/fuzz_$t" ] || { echo "fuzz: no target $t" >&2; exit 2; }
  run_one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then wait -n || true; running=$((running - 1)); fi
done
wait || true

printf '%-22s %12s %8s  %s\n' target execs seconds result
for t in "${targets[@]}"; do
  log=$build/logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  if grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error:\|fuzz invariant failed' "$log" ||
     ! grep -q '^Done [0-9]* runs' "$log"; then
    result="CRASH: $(grep -m1 -o 'Test unit written to .*' "$log" || echo "see $log")"
    failed+=("$t")
  else
    result=ok
  fi
  printf '%-22s %12s %8s  %s\n' "$t" "${execs:-?}" "${took:-?}" "$result"
done
if ((${#failed[@]})); then
  echo "fuzz: crashes in ${failed[*]} (logs in $build/logs/)" >&2
  exit 1
fi
