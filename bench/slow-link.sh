#!/usr/bin/env bash
# fetch over slow and distant links (issue 14): `fetch --all --no-web-seeds` of one release whose
# seeder is reached only through build/bin/delay-proxy (tests/delay_proxy.h: a one-way delay and a
# bandwidth cap, each way), at a few delays and caps, beside the unproxied baseline of the same run.
# One authority signs; the seeder's HTTP and BitTorrent ports each sit behind a proxy, which its
# --public-url and --public-peer name, so the list, signatures, manifest, .torrent and every piece
# cross the link. Prints one line per link: total, the part before the download (discovery and
# the .torrent), the download, and the ratio of the total to the baseline's.
#   bench/slow-link.sh WORKDIR [BLOCKS]
# LINKS="one-way-ms:bytes-per-s ..." (0: no cap; default "50:0 300:0 300:2000000 1000:1000000");
# BIN=DIR picks the executables (default build/bin of this checkout, built with the tests).
# The release (a synthetic chain of BLOCKS blocks, default 300, 60 transactions each) is kept in
# WORKDIR between runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bin=${BIN:-$root/build/bin}
work=${1:?WORKDIR}
blocks=${2:-300}
links=${LINKS:-"50:0 300:0 300:2000000 1000:1000000"}
[ -x "$bin/delay-proxy" ] || { echo "slow-link.sh: $bin/delay-proxy missing (build with the tests)" >&2; exit 2; }
mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if [ ! -d "$work/releases" ]; then
  "$bin/utxo-indexer" synth --out "$work/chain.hex" --blocks "$blocks" --txs-per-block 60 --seed 21 >/dev/null
  "$bin/utxo-indexer" build --blocks "$work/chain.hex" --network regtest --db "$work/db" >/dev/null
  "$bin/utxo-indexer" release --db "$work/db" --releases "$work/releases" >/dev/null
  rel=$(ls -d "$work"/releases/regtest/*/ | tail -n 1)
  "$bin/utxo-signer" keygen --unencrypted --out "$work/a.key" --pub "$work/a.pub" >/dev/null
  "$bin/utxo-signer" sign --key "$work/a.key" --release "$rel" --own "$rel" >/dev/null
  "$bin/utxo-trustnet" init "$work/trustnet.txt" --network regtest >/dev/null
  "$bin/utxo-trustnet" add "$work/trustnet.txt" a "$work/a.pub" >/dev/null
fi
rel=$(ls -d "$work"/releases/regtest/*/ | tail -n 1); rel=${rel%/}
bytes=$(du -cb "$rel"/shards/*.shard | tail -n 1 | cut -f1)

# run DELAY_MS RATE: one fetch through a link of that delay and cap ("-" for none); sets total,
# download (fetch's own figure) and before (total - download - install).
run() {
  local delay=$1 rate=$2 bt http url peer sp=() out="$work/slow-fetch.txt"
  bt=$(free_port); http=$(free_port)
  url="http://127.0.0.1:$http"; peer="127.0.0.1:$bt"
  if [ "$delay" != - ]; then
    local ph pb
    ph=$(free_port); pb=$(free_port)
    "$bin/delay-proxy" "127.0.0.5:$ph" "127.0.0.1:$http" "$delay" "$rate" >/dev/null & sp+=($!)
    "$bin/delay-proxy" "127.0.0.5:$pb" "127.0.0.1:$bt" "$delay" "$rate" >/dev/null & sp+=($!)
    url="http://127.0.0.5:$ph"; peer="127.0.0.5:$pb"
  fi
  "$bin/utxo-seeder" --releases "$work/releases" --listen "127.0.0.1:$bt" --http "127.0.0.1:$http" \
    --public-url "$url" --public-peer "$peer" -q & sp+=($!)
  pids+=("${sp[@]}")
  wait_http "$http"
  rm -rf "$work/slow-node"
  local t0; t0=$(now)
  "$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" --seeder "$url" --db "$work/slow-node" --all \
    --no-web-seeds --seed-ratio 0 --listen "127.0.0.1:$(free_port)" -q > "$out"
  total=$(since "$t0")
  read -r download install < <(sed -nE 's/^downloaded in ([0-9.]+) s; verified and installed in ([0-9.]+) s.*/\1 \2/p' "$out")
  before=$(python3 -c "print(max(0.0, $total - $download - $install))")
  for p in "${sp[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work/slow-node" "$out"
}

echo "release: $bytes bytes of shards; load $(cut -d' ' -f1-3 /proc/loadavg)"
run - 0
base=$total
printf '%-24s total %6.2f s (before the download %5.2f s, download %6.2f s)  1.00 x\n' \
  "baseline (no proxy)" "$total" "$before" "$download"
for link in $links; do
  delay=${link%%:*}; rate=${link##*:}
  run "$delay" "$rate"
  cap=$([ "$rate" = 0 ] && echo "no cap" || echo "$rate B/s")
  printf '%-24s total %6.2f s (before the download %5.2f s, download %6.2f s)  %5.2f x\n' \
    "RTT $((2 * delay)) ms, $cap" "$total" "$before" "$download" "$(python3 -c "print($total/$base)")"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
