#!/usr/bin/env bash
# Installs the Debian 12 packages utxo-torrent needs, and only those that are missing.
set -euo pipefail
packages=(
  g++ cmake make pkg-config python3 clang-format
  help2man dpkg-dev  # man pages; dpkg-shlibdeps for the package's Depends (packaging/)
  ccache  # the package test's second tree reuses build/'s objects (scripts/build.sh)
  libssl-dev libsodium-dev liblmdb-dev libsecp256k1-dev libgmp-dev libsystemd-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev catch2 robin-map-dev
  chromium prometheus  # the status pages' end-to-end tests: headless screenshots, promtool check metrics
  clang-16 libclang-rt-16-dev  # libFuzzer and the sanitizer runtimes for scripts/fuzz.sh
  minisign libtorrent-rasterbar-dev aria2 opentracker curl nodejs libboost1.74-dev $(command -v npm >/dev/null || echo npm)  # NodeSource's nodejs bundles npm and conflicts with Debian's npm
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The npm Esplora clients the tests drive (tests/esplora-clients), exactly as locked, into the
# user's cache (outside the source tree); a no-op while that install is current.
"$(dirname "$0")/../tests/esplora-clients/install.sh"
