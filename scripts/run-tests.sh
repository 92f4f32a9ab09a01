#!/usr/bin/env bash
# Installs what is missing, checks the formatting, builds, checks the dependency rules
# (docs/architecture.md) on the sources and the binaries, and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
scripts/build.sh
scripts/check-deps.py
cd build
ctest --output-on-failure -j"$(nproc)"
