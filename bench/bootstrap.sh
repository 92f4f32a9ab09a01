#!/usr/bin/env bash
# Bootstrap benchmark (issue: seeder and verifier), all on 127.0.0.1, on one synthetic release:
#  - fetch --all from one local seeder vs curl over the seeder's web seed + openssl dgst -sha256
#  - export-core coins/s from the verified store
#  - wallet mode: bytes downloaded for 10 addresses as a share of the release
#  - swarm: one seeder capped at 20 MB/s, 8 clients over BitTorrent (found through opentracker,
#    no web seeds) vs the least time 8 HTTP downloads from a 20 MB/s server can take
#  - peak memory of fetch --all on this release and on one about 7 times smaller, both at the same
#    capped rate (50 MB/s) so that each transfer reaches its steady state
#   bench/bootstrap.sh WORKDIR CHAIN.dat
# BIN=DIR picks the executables (default: build/bin of this checkout); ROUNDS=N the number of
# curl+openssl / fetch pairs whose medians are reported (default 3).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bin=${BIN:-$root/build/bin}
work=${1:?WORKDIR}
chain=${2:?CHAIN.dat (from utxo-indexer synth)}
mkdir -p "$work"
pids=(); swarm_pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# One authority's release at the chain's tip (kept between runs).
if [ ! -d "$work/releases" ]; then
  "$bin/utxo-indexer" build --blocks "$chain" --network regtest --db "$work/db" >/dev/null
  "$bin/utxo-indexer" release --db "$work/db" --releases "$work/releases" >/dev/null
fi
rel=$(ls -d "$work"/releases/regtest/*/ | tail -n 1); rel=${rel%/}; name=$(basename "$rel")
coins=$(python3 -c "import json;print(json.load(open('$rel/manifest.json'))['full_set']['coins'])")
shard_bytes=$(du -cb "$rel"/shards/*.shard | tail -n 1 | cut -f1)
if [ ! -f "$work/bench.key" ]; then
  "$bin/utxo-signer" keygen --out "$work/bench.key" --pub "$work/bench.pub" --name bench --unencrypted >/dev/null
fi
rm -f "$rel"/manifest.json.*.minisig
"$bin/utxo-signer" sign --key "$work/bench.key" --release "$rel" --own "$rel" >/dev/null
rm -f "$work/trustnet.txt"
"$bin/utxo-trustnet" init "$work/trustnet.txt" --network regtest >/dev/null
"$bin/utxo-trustnet" add "$work/trustnet.txt" bench "$work/bench.pub" >/dev/null

start_seeder_for() {  # start_seeder_for RELEASES-DIR EXTRA-ARGS...; sets http and seeder_pid
  local releases=$1; shift
  http=$(free_port)
  "$bin/utxo-seeder" --releases "$releases" --listen "127.0.0.1:$(free_port)" --http "127.0.0.1:$http" -q "$@" &
  pids+=($!); seeder_pid=$!
  wait_http "$http"
}
start_seeder() { start_seeder_for "$work/releases" "$@"; }
stop_seeder() { kill "$seeder_pid"; wait "$seeder_pid" 2>/dev/null || true; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; release $name: $coins coins, $shard_bytes shard bytes"
start_seeder

# Baseline: curl every shard file from the web seed, then openssl over them; then fetch --all.
# ROUNDS pairs (default 3), each pair back to back, and the medians reported: on this 2-core
# machine both sides vary from run to run (curl most).
curl_config "$work/curl" > "$work/curl.cfg"
curls=(); openssls=(); fetches=(); downloads=(); readies=(); pair_ratios=()
for round in $(seq "${ROUNDS:-3}"); do
  rm -rf "$work/curl"; mkdir -p "$work/curl"
  # Each timed step starts with no dirty data of an earlier step waiting to be written back
  # (fetch makes its files durable, and would otherwise also pay for the baseline's writeback).
  sync
  t0=$(now); curl -sf -K "$work/curl.cfg"; c=$(since "$t0")
  t0=$(now); openssl dgst -sha256 "$work"/curl/*.shard >/dev/null; o=$(since "$t0")
  rm -rf "$work/node" "$work/curl"
  sync
  t0=$(now)
  /usr/bin/time -f "%M" -o "$work/fetch.rss" "$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" \
    --seeder "http://127.0.0.1:$http" --db "$work/node" --all --seed-ratio 0 --listen "127.0.0.1:$(free_port)" > "$work/fetch.txt"
  f=$(since "$t0")
  # fetch's own phases: the download (each file checked as it completes), then verify + install
  d=$(sed -nE 's/^downloaded in ([0-9.]+) s.*/\1/p' "$work/fetch.txt")
  r=$(sed -nE 's/.*verified and installed in ([0-9.]+) s.*/\1/p' "$work/fetch.txt")
  curls+=("$c"); openssls+=("$o"); fetches+=("$f"); downloads+=("$d"); readies+=("$r")
  pair_ratios+=("$(python3 -c "print(f'{($c+$o)/($d+$r):.2f}')")")
done
curl_s=$(median "${curls[@]}"); openssl_s=$(median "${openssls[@]}"); fetch_s=$(median "${fetches[@]}")
download_s=$(median "${downloads[@]}"); ready_s=$(median "${readies[@]}")
phase_s=$(python3 -c "print($download_s+$ready_s)")

t0=$(now); rm -f "$work/export.dat"; "$bin/utxo-verifier" export-core --db "$work/node" --out "$work/export.dat" >/dev/null
export_s=$(since "$t0"); rm -f "$work/export.dat"

# Wallet mode, 10 addresses
mapfile -t addrs < <("$bin/utxo-indexer" addresses --release "$rel" --count 10 | cut -d' ' -f1)
args=(); for a in "${addrs[@]}"; do args+=(--address "$a"); done
rm -rf "$work/wallet"
/usr/bin/time -f "%M" -o "$work/wallet.rss" "$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" \
  --seeder "http://127.0.0.1:$http" --db "$work/wallet" "${args[@]}" --seed-ratio 0 --listen "127.0.0.1:$(free_port)" > "$work/wallet.txt"
wallet_bytes=$(sed -nE 's/.*, ([0-9]+) bytes downloaded.*/\1/p' "$work/wallet.txt" | tail -n 1)
stop_seeder

# Memory: fetch --all of a small release (its own chain, kept in WORKDIR/small) and of this one, at
# the same capped rate, BitTorrent only. Buffers depend on the rate; what must not change with
# the set's size is the peak.
small=$work/small
if [ ! -d "$small/releases" ]; then
  mkdir -p "$small"
  "$bin/utxo-indexer" synth --out "$small/chain.dat" --blocks 400 --txs-per-block 5000 --seed 2 >/dev/null
  "$bin/utxo-indexer" build --blocks "$small/chain.dat" --network regtest --db "$small/db" >/dev/null
  "$bin/utxo-indexer" release --db "$small/db" --releases "$small/releases" >/dev/null
  rm -rf "$small/db" "$small/chain.dat"
fi
small_rel=$(ls -d "$small"/releases/regtest/*/ | tail -n 1)
rm -f "$small_rel"/manifest.json.*.minisig
"$bin/utxo-signer" sign --key "$work/bench.key" --release "$small_rel" --own "$small_rel" >/dev/null
small_bytes=$(du -cb "$small_rel"/shards/*.shard | tail -n 1 | cut -f1)
capped_rss() {  # capped_rss RELEASES-DIR; sets rss: peak RSS KiB of fetch --all at 50 MB/s, and
  # anon: the process's anonymous memory (KiB) sampled every 0.5 s while it ran, oldest first
  start_seeder_for "$1" --upload-rate 50000000
  rm -rf "$work/rss-store"; sync
  /usr/bin/time -f "%M" -o "$work/rss.kb" "$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" \
    --seeder "http://127.0.0.1:$http" --db "$work/rss-store" --all --no-web-seeds --seed-ratio 0 \
    --listen "127.0.0.1:$(free_port)" >/dev/null &
  local timer=$! fetch_pid="" samples=()
  while kill -0 "$timer" 2>/dev/null; do
    [ -z "$fetch_pid" ] && fetch_pid=$(pgrep -P "$timer" utxo-verifier || true)
    if [ -n "$fetch_pid" ]; then
      a=$(awk '/^RssAnon/{print $2}' "/proc/$fetch_pid/status" 2>/dev/null || true)
      [ -n "$a" ] && samples+=("$a")
    fi
    sleep 0.5
  done
  wait "$timer"
  stop_seeder
  rm -rf "$work/rss-store"
  rss=$(cat "$work/rss.kb"); anon="${samples[*]}"
}
capped_rss "$small/releases"; small_rss=$rss
capped_rss "$work/releases"; large_rss=$rss; large_anon=$anon

# Swarm: 8 BitTorrent clients vs 8 HTTP downloads, one server capped at 20 MB/s. The clients find
# each other through opentracker (Debian's tracks whitelisted infohashes only; it chroots into -d)
# and use BitTorrent only (--no-web-seeds), so the seeder's cap holds for everything they get.
tracker_dir=$work/tracker; rm -rf "$tracker_dir"; mkdir -p "$tracker_dir"; chmod 755 "$tracker_dir"
python3 -c "import json;print(json.load(open('$rel/manifest.json'))['torrents']['shards'])" > "$tracker_dir/whitelist"
chmod 644 "$tracker_dir/whitelist"
tracker=$(free_port)
/usr/bin/opentracker -i 127.0.0.1 -p "$tracker" -P "$tracker" -d "$tracker_dir" -w whitelist > "$work/tracker.log" 2>&1 &
pids+=($!); tracker_pid=$!
sleep 0.5
start_seeder --upload-rate 20000000 --tracker "http://127.0.0.1:$tracker/announce"
rm -f "$work"/swarm*.txt
t0=$(now)
for i in $(seq 8); do
  rm -rf "$work/swarm$i"
  "$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" --seeder "http://127.0.0.1:$http" --db "$work/swarm$i" \
    --all --no-web-seeds --seed-ratio 1 --seed-timeout 600 --listen "127.0.0.1:$(free_port)" > "$work/swarm$i.txt" 2>&1 &
  pids+=($!); swarm_pids+=($!)
done
until [ "$(grep -l '^installed' "$work"/swarm*.txt 2>/dev/null | wc -l)" -eq 8 ]; do sleep 0.5; done
swarm_s=$(since "$t0")
for p in "${swarm_pids[@]}"; do kill "$p" 2>/dev/null || true; done
rm -rf "$work"/swarm*/
# HTTP from the same server capped at 20 MB/s: 8 full downloads cannot take less than
# 8 x bytes / 20 MB/s (the seeder's --upload-rate caps its HTTP file bodies too). HTTP_RUN=1 also
# runs them: 8 curl processes at once over the web seed, which takes that long (about 4.5 min).
http_s=$(python3 -c "print(8*$shard_bytes/20e6)")
http_run_s=""
if [ "${HTTP_RUN:-0}" = 1 ]; then
  for i in $(seq 8); do rm -rf "$work/http$i"; mkdir -p "$work/http$i"; curl_config "$work/http$i" > "$work/http$i.cfg"; done
  sync
  t0=$(now)
  curl_pids=()
  for i in $(seq 8); do curl -sf -K "$work/http$i.cfg" & curl_pids+=($!); done
  wait "${curl_pids[@]}"
  http_run_s=$(since "$t0")
  for i in $(seq 8); do rm -rf "$work/http$i"; done
fi
stop_seeder
kill "$tracker_pid" 2>/dev/null || true

mb() { python3 -c "print(f'{$1/1e6:,.1f}')"; }
echo
echo "== results =="
echo "(medians of ${ROUNDS:-3} back-to-back pairs; per pair, curl ${curls[*]} s, openssl ${openssls[*]} s, fetch ${fetches[*]} s)"
printf '%-52s %.2f s, %s MB/s\n' "curl over the web seed (1024 files)" "$curl_s" "$(mb "$shard_bytes/$curl_s")"
printf '%-52s %.2f s\n' "openssl dgst -sha256 over the same files" "$openssl_s"
printf '%-52s %.2f s, %s MB/s\n' "baseline: curl + openssl" "$(python3 -c "print($curl_s+$openssl_s)")" "$(mb "$shard_bytes/($curl_s+$openssl_s)")"
printf '%-52s %s s download, %s s verify + install\n' "fetch phases" "$download_s" "$ready_s"
printf '%-52s %.2f s, %s MB/s\n' "fetch download-and-verify phase" "$phase_s" "$(mb "$shard_bytes/$phase_s")"
printf '%-52s %s (per pair: %s)\n' "ratio fetch phase throughput : baseline (goal)" "$(python3 -c "print(f'{($curl_s+$openssl_s)/$phase_s:.2f}')")" "${pair_ratios[*]}"
printf '%-52s %.2f s, %s MB/s (peak RSS %s KiB)\n' "whole fetch --all process (discovery, start, exit)" "$fetch_s" "$(mb "$shard_bytes/$fetch_s")" "$(cat "$work/fetch.rss")"
printf '%-52s %s\n' "ratio whole process : baseline" "$(python3 -c "print(f'{($curl_s+$openssl_s)/$fetch_s:.2f}')")"
printf '%-52s %s\n' "ratio ready-to-query : openssl over the files" "$(python3 -c "print(f'{$ready_s/$openssl_s:.2f}')")"
printf '%-52s %.1f s, %s coins/s\n' "export-core" "$export_s" "$(python3 -c "print(f'{$coins/$export_s:,.0f}')")"
printf '%-52s %s of %s bytes = %s %% (peak RSS %s KiB)\n' "wallet mode, 10 addresses" "$wallet_bytes" "$shard_bytes" "$(python3 -c "print(f'{100*$wallet_bytes/$shard_bytes:.2f}')")" "$(cat "$work/wallet.rss")"
printf '%-52s %s KiB for %s bytes, %s KiB for %s bytes\n' "peak RSS of fetch --all at 50 MB/s, small vs this" "$small_rss" "$small_bytes" "$large_rss" "$shard_bytes"
printf '%-52s %s\n' "anonymous memory of that fetch, KiB every 0.5 s" "$large_anon"
printf '%-52s %s (for %s x the bytes)\n' "ratio peak RSS : small release's" "$(python3 -c "print(f'{$large_rss/$small_rss:.2f}')")" "$(python3 -c "print(f'{$shard_bytes/$small_bytes:.1f}')")"
printf '%-52s %.1f s\n' "swarm: 8 BitTorrent clients, seeder capped 20 MB/s" "$swarm_s"
printf '%-52s %.1f s (bound: 8 x bytes / 20 MB/s)\n' "8 HTTP downloads from a 20 MB/s server" "$http_s"
[ -n "$http_run_s" ] && printf '%-52s %.1f s\n' "8 HTTP downloads run (HTTP_RUN=1), same cap" "$http_run_s"
printf '%-52s %s\n' "ratio HTTP time : BitTorrent time" "$(python3 -c "print(f'{$http_s/$swarm_s:.2f}')")"
