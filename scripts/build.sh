#!/usr/bin/env bash
# Configures (once) and builds a Release tree in build/. Extra arguments go to cmake configure.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/CMakeCache.txt ] || [ $# -gt 0 ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
fi
cmake --build build -j"$(nproc)"
