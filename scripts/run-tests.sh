#!/usr/bin/env bash
# Installs what is missing, checks the formatting, builds, checks the dependency rules
# (docs/architecture.md) on the sources and the binaries, and runs every test through ctest; then
# the whole suite again under AddressSanitizer+UndefinedBehaviorSanitizer (g++, build-asan/, whose
# own binaries the end-to-end tests start), and every fuzz target for UTXO_CI_FUZZ_SECONDS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
scripts/build.sh
scripts/check-deps.py
(cd build && ctest --output-on-failure -j"$(nproc)")

# -O1 keeps the sanitized suite quick and its stack traces exact; Debug keeps assert() on.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DUTXO_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
(cd build-asan &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j"$(nproc)")

UTXO_FUZZ_JOBS=$(nproc) scripts/fuzz.sh "${UTXO_CI_FUZZ_SECONDS:-20}"
