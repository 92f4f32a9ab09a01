#!/usr/bin/env bash
# Configures (once) and builds a Release tree in build/ (or in $UTXO_BUILD_DIR). Extra arguments go
# to cmake configure, and reconfigure the tree.
#   scripts/build.sh                                     the Release tree in build/
#   UTXO_BUILD_DIR=build-asan scripts/build.sh -DUTXO_SANITIZE=ON    ASan + UBSan in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${UTXO_BUILD_DIR:-build}
# ccache, when installed, lets the trees share what compiles the same: the package test's second
# tree (tests/packaging) differs from build/ in one verifier file. Paths are hashed relative to the
# source tree, so the trees' different build directories do not matter.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi
if [ ! -f "$dir/CMakeCache.txt" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@" >/dev/null
fi
cmake --build "$dir" -j"$(nproc)"
