#!/usr/bin/env bash
# Configures (once) and builds a Release tree in build/ (or in $UTXO_BUILD_DIR). Extra arguments go
# to cmake configure, and reconfigure the tree.
#   scripts/build.sh                                     the Release tree in build/
#   UTXO_BUILD_DIR=build-asan scripts/build.sh -DUTXO_SANITIZE=ON    ASan + UBSan in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${UTXO_BUILD_DIR:-build}
if [ ! -f "$dir/CMakeCache.txt" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
fi
cmake --build "$dir" -j"$(nproc)"
