#!/usr/bin/env bash
# scripts/check-deps.py on a copy of the sources: the tree as it is passes, and each forbidden
# edge put into the copy (verifier->signer, signer->net, seeder->verifier, indexer->verifier, a
# libtorrent include in a header, CLI11 in a library file, a sideways link in CMake) is refused
# with a line naming the file.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/utxo-check-deps-XXXXXX)
trap 'rm -rf "$work"' EXIT
fresh_copy() {
  rm -rf "$work/tree"; mkdir -p "$work/tree"
  for part in core net cli indexer signer trustnet seeder verifier scripts; do cp -r "$root/$part" "$work/tree/"; done
}
expect_pass() {
  if ! BUILD=/nonexistent python3 "$work/tree/scripts/check-deps.py" "$work/tree" 2>"$work/err"; then
    echo "FAIL: the tree as it is was refused:"; cat "$work/err"; exit 1
  fi
}
expect_refusal() {  # expect_refusal WHAT FILE LINE-TO-ADD PATTERN
  fresh_copy
  printf '%s\n' "$3" >> "$work/tree/$2"
  if BUILD=/nonexistent python3 "$work/tree/scripts/check-deps.py" "$work/tree" 2>"$work/err"; then
    echo "FAIL: $1 was not refused"; exit 1
  fi
  grep -q -- "$4" "$work/err" || { echo "FAIL: $1: no line matching '$4' in:"; cat "$work/err"; exit 1; }
  echo "ok: $1 refused: $(grep -- "$4" "$work/err" | head -1)"
}
fresh_copy
expect_pass
echo "ok: the tree passes"
expect_refusal "verifier->signer" verifier/store.cpp '#include "signer/secret_key.h"' 'verifier/store.cpp:.*may not include "signer/'
expect_refusal "signer->net" signer/sign.cpp '#include "net/url.h"' 'signer/sign.cpp:.*may not include "net/'
expect_refusal "seeder->verifier" seeder/daemon.cpp '#include "verifier/store.h"' 'seeder/daemon.cpp:.*may not include "verifier/'
expect_refusal "verifier->seeder" verifier/store.cpp '#include "seeder/options.h"' 'verifier/store.cpp:.*may not include "seeder/'
expect_refusal "indexer->verifier" indexer/synth.cpp '#include "verifier/store.h"' 'indexer/synth.cpp:.*may not include "verifier/'
expect_refusal "verifier->indexer" verifier/store.cpp '#include "indexer/synth.h"' 'verifier/store.cpp:.*may not include "indexer/'
expect_refusal "a sideways link" verifier/CMakeLists.txt 'target_link_libraries(utxo_verifier PRIVATE utxo_signer)' 'verifier may not link utxo_signer'
expect_refusal "libtorrent in a header" verifier/store.h '#include <libtorrent/session.hpp>' 'verifier/store.h:.*belongs in a .cpp file'
expect_refusal "cli/ in a library file" verifier/store.cpp '#include "cli/tool.h"' 'verifier/store.cpp:.*is for an executable'
expect_refusal "a library linking cli" indexer/CMakeLists.txt 'target_link_libraries(utxo_indexer PUBLIC utxo_cli)' 'indexer may not link utxo_cli'
expect_refusal "CLI11 in a library file" verifier/store.cpp '#include <CLI/CLI.hpp>' 'verifier/store.cpp:.*CLI11 belongs'
