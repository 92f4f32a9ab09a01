#!/usr/bin/env bash
# Installs what is missing, checks the formatting, builds, checks the dependency rules
# (docs/architecture.md) on the sources and the binaries and the binaries' hardening, and runs
# every test through ctest, the Debian package's (label `package`, docs/install.md) in a step of
# its own. Meanwhile it builds the same tree with AddressSanitizer + UndefinedBehavior-
# Sanitizer (build-asan/) and the fuzz targets in the background; then runs the tests again there (its end-to-end tests start its sanitized
# binaries) but for those labelled slow-e2e (tests/CMakeLists.txt), and runs every fuzz target for
# UTXO_CI_FUZZ_SECONDS (default 10) from its seed corpus.
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
# The sanitizer tree and the fuzz targets build in the background at the lowest priority while the
# Release tests and the package run: those mostly wait on sockets and timers, and the builds take
# the CPU they leave. Once they are done, the builds have the whole machine.
background_build=
if [ "${UTXO_TESTS_QUICK:-0}" != 1 ]; then
  step "build (ASan + UBSan, then the fuzz targets) started in the background (build-asan/background.log)"
  mkdir -p build-asan
  setsid --wait nice -n 19 bash -c 'UTXO_BUILD_DIR=build-asan scripts/build.sh -DUTXO_SANITIZE=ON &&
                             scripts/fuzz.sh --build-only' >build-asan/background.log 2>&1 &
  background_build=$!
  trap 'kill -- -"$background_build" 2>/dev/null || true' EXIT
fi

step "tests (Release)"
# Twice as many tests as cores: the end-to-end tests mostly wait on sockets and timers (at -j2 on
# 2 cores the run kept the CPU a third busy). The sanitizer run below is CPU-bound and stays at one
# test per core.
(cd build && ctest --output-on-failure -j"$(($(nproc) * 2))" -LE package)
step "the Debian package (a second tree in build-deb, installed and purged)"
(cd build && ctest --output-on-failure -L package)
if [ "${UTXO_TESTS_QUICK:-0}" = 1 ]; then exit 0; fi

step "build (ASan + UBSan, then the fuzz targets): waiting for the background build"
if ! wait "$background_build"; then
  tail -60 build-asan/background.log
  echo "run-tests: the sanitizer or fuzz build failed (build-asan/background.log)" >&2
  exit 1
fi
trap - EXIT
step "tests (ASan + UBSan)"
# halt_on_error: the first report fails the test; UBSan's are fatal already (-fno-sanitize-recover).
# slow-e2e: the DHT, npm-client, tracker-retry and kill -9 end-to-end tests, minutes here; the
# Release run has them, and the other tests cover their parsers and network input here.
(cd build-asan && ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)" -LE 'package|slow-e2e')
step "fuzz (${UTXO_CI_FUZZ_SECONDS:-10} s per target)"
UTXO_FUZZ_JOBS=$(nproc) scripts/fuzz.sh "${UTXO_CI_FUZZ_SECONDS:-10}"
step "done"
