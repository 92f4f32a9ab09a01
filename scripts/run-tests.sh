#!/usr/bin/env bash
# Installs what is missing, checks the formatting, builds, checks the dependency rules
# (docs/architecture.md) on the sources and the binaries and the binaries' hardening, and runs
# every test through ctest, the Debian package's (label `package`, docs/install.md) in a step of
# its own. Meanwhile it builds the same tree with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/) in the background; then runs the tests again there (its end-to-end tests start its
# sanitized binaries) but for those labelled slow-e2e (tests/CMakeLists.txt), and runs every fuzz
# target for UTXO_CI_FUZZ_SECONDS (default 10) from its seed corpus, built in the background
# meanwhile.
#   UTXO_TESTS_QUICK=1 scripts/run-tests.sh     only the Release build and its tests
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}  # ccache (scripts/build.sh): trees share objects
step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "install"
scripts/install-deps.sh
step "format"
scripts/check-format.sh
step "build (Release)"
scripts/build.sh
step "dependency rules and binaries"
scripts/check-deps.py
scripts/check-binaries.py build
# Builds in the background at the lowest priority take the CPU that tests leave idle: the sanitizer
# tree while the Release tests and the package run (those mostly wait on sockets and timers), the
# fuzz targets while the sanitizer tests run. Whatever is left of a build then has the whole machine.
background() {  # background LOG COMMAND...: its process group's id in $background_pid
  local log=$1
  shift
  setsid --wait nice -n 19 "$@" >"$log" 2>&1 &
  background_pid=$!
  trap 'kill -- -"$background_pid" 2>/dev/null || true' EXIT
}
wait_background() {  # wait_background WHAT LOG
  if ! wait "$background_pid"; then
    tail -60 "$2"
    echo "run-tests: the $1 failed ($2)" >&2
    exit 1
  fi
  trap - EXIT
}
if [ "${UTXO_TESTS_QUICK:-0}" != 1 ]; then
  step "build (ASan + UBSan) started in the background (build/background-asan.log)"
  background build/background-asan.log env UTXO_BUILD_DIR=build-asan scripts/build.sh -DUTXO_SANITIZE=ON
fi

step "tests (Release)"
# Twice as many tests as cores: the end-to-end tests mostly wait on sockets and timers (at -j2 on
# 2 cores the run kept the CPU a third busy). The sanitizer run below is CPU-bound and stays at one
# test per core.
(cd build && ctest --output-on-failure -j"$(($(nproc) * 2))" -LE package)
step "the Debian package (a second tree in build-deb, installed and purged)"
(cd build && ctest --output-on-failure -L package)
if [ "${UTXO_TESTS_QUICK:-0}" = 1 ]; then exit 0; fi

step "build (ASan + UBSan): waiting for the background build"
wait_background "sanitizer build" build/background-asan.log
step "build (fuzz targets) started in the background (build/background-fuzz.log)"
background build/background-fuzz.log scripts/fuzz.sh --build-only
step "tests (ASan + UBSan)"
# halt_on_error: the first report fails the test; UBSan's are fatal already (-fno-sanitize-recover).
# slow-e2e: the DHT, npm-client, aria2c, tracker-retry, terminal and kill -9 end-to-end tests,
# minutes here; the Release run has them, and the other tests cover their parsers and network input
# here.
(cd build-asan && ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)" -LE 'package|slow-e2e')
step "build (fuzz targets): waiting for the background build"
wait_background "fuzz build" build/background-fuzz.log
step "fuzz (${UTXO_CI_FUZZ_SECONDS:-10} s per target)"
UTXO_FUZZ_JOBS=$(nproc) scripts/fuzz.sh "${UTXO_CI_FUZZ_SECONDS:-10}"
step "done"
