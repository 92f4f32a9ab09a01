#!/usr/bin/env bash
# The main job: the whole story on loopback. A synthetic chain; three authorities index it
# independently and each signs the release only if it equals its own (and writes its pre-signed DHT
# pointer); a seeder serves it and puts the pointers into a DHT on loopback; a trustnet names the
# three keys; a full node bootstraps from the seeder's HTTP index and a wallet from the DHT alone.
# Everything runs on 127.0.0.1 and is torn down at the end.
#   UTXO_BIN=/usr/bin scripts/demo.sh    the same with installed binaries: no install, no build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${UTXO_BIN:-}" ]; then
  bin=$UTXO_BIN
  for tool in utxo-indexer utxo-signer utxo-trustnet utxo-seeder utxo-verifier; do
    [ -x "$bin/$tool" ] || { echo "demo.sh: $bin/$tool: no such executable (UTXO_BIN)" >&2; exit 2; }
  done
else
  scripts/install-deps.sh
  scripts/build.sh >/dev/null
  bin=$PWD/build/bin
fi
work=$(mktemp -d /tmp/utxo-demo-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {  # a port nobody listens on, from bash alone
  while :; do
    local p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
say() { printf '\n== %s ==\n' "$*"; }

say "a synthetic regtest chain (real serialization, 400 blocks)"
"$bin/utxo-indexer" synth --out "$work/chain.dat" --blocks 400 --txs-per-block 400 --seed 42

say "three authorities index it independently"
for a in alice bob carol; do
  "$bin/utxo-indexer" run --source "blocks:$work/chain.dat" --network regtest --db "$work/$a/db" \
    --releases "$work/$a/releases" --release-every 100 --confirmations 6 --shards 64 | tail -n 1
done
release=$(ls "$work/alice/releases/regtest" | sort -n | tail -n 1)
echo "newest release: $release"

say "publish alice's copy; each authority signs it only if it equals its own"
mkdir -p "$work/published"
cp -r "$work/alice/releases/regtest" "$work/published/"
for a in alice bob carol; do
  "$bin/utxo-signer" keygen --out "$work/$a.key" --pub "$work/$a.pub" --name "$a" --unencrypted >/dev/null
  "$bin/utxo-signer" sign --key "$work/$a.key" --release "$work/published/regtest/$release" \
    --own "$work/$a/releases/regtest/$release"
done

say "a trustnet with the three keys (require all)"
"$bin/utxo-trustnet" init "$work/trustnet.txt" --network regtest
for a in alice bob carol; do "$bin/utxo-trustnet" add "$work/trustnet.txt" "$a" "$work/$a.pub"; done
"$bin/utxo-trustnet" list "$work/trustnet.txt"

say "a seeder serves the release over BitTorrent and HTTP, and puts the pointers into the DHT"
bt=$(free_port); http=$(free_port)
# A private DHT on loopback: the seeder's own BitTorrent node (UDP on --listen) is its first node.
"$bin/utxo-seeder" --releases "$work/published" --listen "127.0.0.1:$bt" --http "127.0.0.1:$http" \
  --dht --dht-node "127.0.0.1:$bt" -q &
pids+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$http") 2>/dev/null && break; sleep 0.1; done

say "a full node bootstraps the whole set"
"$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" --seeder "http://127.0.0.1:$http" \
  --db "$work/node" --all --seed-ratio 0
"$bin/utxo-verifier" status --db "$work/node"

say "a wallet bootstraps only the shards of three addresses, through the DHT: no --seeder, no HTTP"
mapfile -t addresses < <("$bin/utxo-indexer" addresses --release "$work/published/regtest/$release" --count 3 |
                         cut -d' ' -f1)
args=()
for a in "${addresses[@]}"; do args+=(--address "$a"); done
for _ in $(seq 100); do  # until the seeder has put the three pointers
  curl -s "http://127.0.0.1:$http/metrics" | grep -q '^utxo_seeder_dht_puts_total{result="stored"} [3-9]' && break
  sleep 0.1
done
"$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" --dht --dht-node "127.0.0.1:$bt" \
  --dht-listen 127.0.0.1:0 --listen "127.0.0.1:$(free_port)" --db "$work/wallet" "${args[@]}" --seed-ratio 0
"$bin/utxo-verifier" status --db "$work/wallet"
echo "wallet store: $(du -sh "$work/wallet" | cut -f1), full store: $(du -sh "$work/node" | cut -f1)"

say "the wallet's UTXOs"
"$bin/utxo-verifier" utxos --db "$work/wallet" "${args[@]}"
"$bin/utxo-verifier" balance --db "$work/wallet" "${args[@]}"
