#!/bin/bash
# usage: install.sh [DEST]
# Installs the Esplora clients of this folder (package.json, exactly as package-lock.json locks
# them) into DEST/node_modules with `npm ci`, outside the source tree, once: later calls return at
# once while DEST holds an install of the same two files. Concurrent calls (parallel test runs)
# wait for each other. DEST defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/utxo-torrent/esplora-clients,
# where tests/verifier/esplora_clients_tests.cpp looks. Exit 3: npm is missing; any other failure:
# npm's own (e.g. no registry).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/utxo-torrent/esplora-clients}
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
stamp=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-64)
if [ -f "$dest/.installed" ] && [ "$(cat "$dest/.installed")" = "$stamp" ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm is not installed"; exit 3; }
rm -f "$dest/.installed"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
cd "$dest"
echo "installing the npm Esplora clients of tests/esplora-clients into $dest"
timeout 300 npm ci --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=30000 >/dev/null
echo "$stamp" > .installed
