#!/usr/bin/env bash
# Indexer benchmark: builds a store from a synthetic chain ending with >= 10 million coins and
# prints UTXO operations/s for `build`, coins/s for `export-core` (with hash_serialized_3 and
# MuHash) and for cutting a full release (shards, patches, both torrents, manifest), beside this
# machine's raw LMDB insert rates and `openssl dgst -sha256` over the release bytes, measured in
# the same run, with ratios.
#   bench/indexer.sh [WORKDIR] [BLOCKS] [TXS_PER_BLOCK]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/utxo-bench-XXXXXX)}
blocks=${2:-2200}
txs=${3:-5000}
bin=$root/build/bin
mkdir -p "$work"
trap 'rm -rf "$work/db" "$work/snapshot.dat" "$work/releases"' EXIT

now() { date +%s.%N; }
rate() { python3 -c "print(f'{$1/($2):,.0f}')"; }
ratio() { python3 -c "print(f'{$1/($2):.2f}')"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
chain=$work/chain-$blocks-$txs.dat
if [ ! -f "$chain" ]; then
  t0=$(now)
  "$bin/utxo-indexer" synth --out "$chain" --blocks "$blocks" --txs-per-block "$txs" --seed 1 | tee "$work/synth.txt"
  echo "synth: $(python3 -c "print(f'{$(now)-$t0:.1f}')") s"
fi

rm -rf "$work/db"
t0=$(now)
"$bin/utxo-indexer" build --blocks "$chain" --network regtest --db "$work/db" > "$work/build.txt"
build_s=$(python3 -c "print($(now)-$t0)")
cat "$work/build.txt"
created=$(sed -E 's/.* ([0-9]+) coins created, ([0-9]+) spent.*/\1/' "$work/build.txt")
spent=$(sed -E 's/.* ([0-9]+) coins created, ([0-9]+) spent.*/\2/' "$work/build.txt")
applied=$(sed -E 's/applied ([0-9]+) blocks.*/\1/' "$work/build.txt")
ops=$((created + spent))

t0=$(now)
"$bin/utxo-indexer" stats --json --db "$work/db" > "$work/stats.json"
stats_s=$(python3 -c "print($(now)-$t0)")
coins=$(python3 -c "import json;print(json.load(open('$work/stats.json'))['coins'])")
cat "$work/stats.json"

rm -f "$work/snapshot.dat"
t0=$(now)
"$bin/utxo-indexer" export-core --db "$work/db" --out "$work/snapshot.dat" >/dev/null
export_s=$(python3 -c "print($(now)-$t0)")

# Cut a release at the tip (1024 shards, patches from 100 blocks back, both torrents).
rm -rf "$work/releases"
t0=$(now)
"$bin/utxo-indexer" release --db "$work/db" --releases "$work/releases" --release-every 100 > /dev/null
release_s=$(python3 -c "print($(now)-$t0)")
release_dir=$(ls -d "$work"/releases/regtest/*/)
release_bytes=$(du -sb "$release_dir" | cut -f1)
# openssl over the same bytes, same run (page cache warm, as for the cut's own hashing pass)
t0=$(now)
find "$release_dir" -type f -print0 | xargs -0 openssl dgst -sha256 > /dev/null
openssl_s=$(python3 -c "print($(now)-$t0)")
t0=$(now)
"$bin/utxo-indexer" verify-release -q "$release_dir" > /dev/null
verify_s=$(python3 -c "print($(now)-$t0)")

lmdb=$("$bin/bench-lmdb" "$work/lmdb-baseline" "$coins")
lmdb_seq=$(echo "$lmdb" | awk '/sequential/{print $2}')
lmdb_rand=$(echo "$lmdb" | awk '/random/{print $2}')

echo
echo "== results =="
printf '%-44s %s\n' "coins in the final set" "$coins"
printf '%-44s %s\n' "build: blocks/s" "$(rate "$applied" "$build_s")"
printf '%-44s %s  (%s ops in %.1f s)\n' "build: UTXO operations/s" "$(rate "$ops" "$build_s")" "$ops" "$build_s"
printf '%-44s %s\n' "stats (hash_serialized_3 pass): coins/s" "$(rate "$coins" "$stats_s")"
printf '%-44s %s  (%.1f s)\n' "export-core (with hash_serialized_3): coins/s" "$(rate "$coins" "$export_s")" "$export_s"
printf '%-44s %s\n' "raw LMDB sequential inserts/s" "$(rate "$lmdb_seq" 1)"
printf '%-44s %s\n' "raw LMDB random inserts/s" "$(rate "$lmdb_rand" 1)"
printf '%-44s %s  (%.1f s, %s bytes)\n' "release cut (1024 shards+patches+torrents): coins/s" "$(rate "$coins" "$release_s")" "$release_s" "$release_bytes"
printf '%-44s %s MB/s\n' "openssl dgst -sha256 over the release bytes" "$(python3 -c "print(f'{$release_bytes/$openssl_s/1e6:,.0f}')")"
printf '%-44s %s MB/s\n' "release cut: release MB/s" "$(python3 -c "print(f'{$release_bytes/$release_s/1e6:,.0f}')")"
printf '%-44s %s  (%.1f s)\n' "verify-release: coins/s" "$(rate "$coins" "$verify_s")" "$verify_s"
printf '%-44s %s\n' "ratio build ops/s : LMDB random inserts/s" "$(ratio "$ops/$build_s" "$lmdb_rand")"
printf '%-44s %s\n' "ratio build ops/s : LMDB sequential inserts/s" "$(ratio "$ops/$build_s" "$lmdb_seq")"
printf '%-44s %s\n' "ratio export coins/s : LMDB sequential inserts/s" "$(ratio "$coins/$export_s" "$lmdb_seq")"
printf '%-44s %s\n' "ratio release MB/s : openssl sha256 MB/s" "$(ratio "$openssl_s" "$release_s")"
