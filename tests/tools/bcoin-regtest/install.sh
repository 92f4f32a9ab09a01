#!/bin/bash
# usage: install.sh DEST
# Installs bcoin (package.json and leveldown-shim/ of this folder) into DEST/node_modules with
# npm, once: later calls return at once while DEST holds an install of the same package.json.
# Concurrent calls (parallel test runs) wait for each other. Exit 3: npm is missing; any other
# failure: npm's own (e.g. no registry).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: install.sh DEST}
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
stamp=$(sha256sum "$here/package.json" "$here"/leveldown-shim/* | sha256sum | cut -c1-64)
if [ -f "$dest/.installed" ] && [ "$(cat "$dest/.installed")" = "$stamp" ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm is not installed"; exit 3; }
rm -rf "$dest/leveldown-shim" "$dest/.installed"
cp -r "$here/package.json" "$here/leveldown-shim" "$dest/"
cd "$dest"
timeout 300 npm install --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=30000
echo "$stamp" > .installed
