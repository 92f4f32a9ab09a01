#!/usr/bin/env bash
# Scale benchmark (issue 12 §2): the whole path at mainnet scale on one machine, all on 127.0.0.1,
# every step timed, with peak RSS and disk:
#   1. synth --profile mainnet: a snapshot of COINS coins at BASE_HEIGHT and 288 blocks after it
#   2. import-core of the snapshot
#   3. run over the 288 blocks with --release-every 144, in two parts (first 144 blocks, then the
#      rest), so both releases (BASE+144, BASE+288) are cut and the second carries patches from
#      the first
#   4. verify-release of both (the second's patches applied to the first)
#   5. a seeder with the first release, and fetch --all, beside curl of the same files over the
#      seeder's web seed + openssl dgst -sha256 (as bench/bootstrap.sh)
#   6. verifier export-core, and import-core of that file gives the release's stats
#   7. a wallet fetch of 10 funded addresses
#   8. the second release published: the full store and the wallet store moved forward by its
#      patches
#   9. serve on the full store under wrk, once serve has written its script indexes:
#      /address/:a/utxo and /scripthash/:h/utxo of random funded addresses (and their
#      scripthashes) of the set, LOAD_CONNECTIONS connections
# Writes WORKDIR/results.tsv (step, figure, unit, value, goal) and prints it as a table beside the
# goals, with ratios to BASELINE=path/results.tsv when given (bench/results/scale-10m.tsv). Logs
# of every command in WORKDIR/logs. Intermediate files are deleted as soon as no later step needs
# them; at the end only results and logs stay (KEEP=1 keeps the stores and the published releases).
#   bench/scale.sh WORKDIR [COINS]        (COINS default 180000000; 1000000 for a quick check)
# Environment: BIN=DIR (default build/bin), BASELINE=FILE, FORCE=1 (reuse a WORKDIR of an earlier
# run, deleting its contents), SEED (1), BASE_HEIGHT (919872, a multiple of 144), TXS_PER_BLOCK
# (4000), CACHE_MB (2048, run's --cache-mb), LOAD_SECONDS (20 per endpoint), LOAD_CONNECTIONS
# (32), NICE (5: the whole run is reniced, baselines included), RELEASES_FROM (a releases root
# with both releases of an earlier run, e.g. its WORKDIR/published kept with KEEP=1: steps 1-3
# are skipped and steps 4-9 run on hard links to them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bin=${BIN:-$root/build/bin}
work=${1:?usage: bench/scale.sh WORKDIR [COINS]}
coins=${2:-180000000}; coins=${coins//[,_]/}
seed=${SEED:-1}
H=${BASE_HEIGHT:-919872}
txs=${TXS_PER_BLOCK:-4000}
cache=${CACHE_MB:-2048}
load_s=${LOAD_SECONDS:-20}
conns=${LOAD_CONNECTIONS:-32}
H1=$((H + 144)); H2=$((H + 288))

die() { echo "scale.sh: $*" >&2; exit 2; }
[[ $coins =~ ^[0-9]+$ ]] && [ "$coins" -gt 0 ] || die "COINS must be a positive number, not '$coins'"
[ $((H % 144)) -eq 0 ] || die "BASE_HEIGHT $H is not a multiple of 144: the releases would not fall inside the 288 blocks"
for t in wrk curl openssl python3 /usr/bin/time; do command -v "$t" >/dev/null || die "$t is missing (Debian: apt-get install -y wrk curl openssl python3 time)"; done
for b in utxo-indexer utxo-signer utxo-trustnet utxo-seeder utxo-verifier; do [ -x "$bin/$b" ] || die "$bin/$b is missing: build first"; done
if [ -d "$work" ] && [ -n "$(ls -A "$work")" ]; then
  [ "${FORCE:-0}" = 1 ] || die "$work is not empty; FORCE=1 deletes an earlier run's files there"
  [ -f "$work/.scale-bench" ] || die "$work is not empty and not a bench/scale.sh WORKDIR; not deleting it"
  find "$work" -mindepth 1 -delete
fi
mkdir -p "$work/logs"; touch "$work/.scale-bench"
work=$(cd "$work" && pwd); logs=$work/logs
results=$work/results.tsv
printf 'step\tfigure\tunit\tvalue\tgoal\n' > "$results"
renice -n "${NICE:-5}" $$ >/dev/null

pids=(); step=setup
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$rc" -eq 0 ] || echo "scale.sh: stopped in step $step (exit $rc); logs in $logs, figures so far in $results" >&2
}
trap cleanup EXIT

py() { python3 -c "print($1)"; }
f3() { python3 -c "print(f'{$1:.3f}')"; }
# rec STEP FIGURE UNIT VALUE [GOAL]: one row of the results (GOAL: see bench/scale-report.py)
rec() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >> "$results"
  printf '  %-3s %-50s %s %s\n' "$1" "$2" "$4" "$3"
}
# timed LABEL CMD...: runs CMD, stdout to logs/LABEL.out, stderr to logs/LABEL.err; sets wall (s),
# rss (peak RSS, MB, file pages of mapped files included) and anon (peak anonymous RSS, MB, sampled)
timed() {
  local label=$1; shift
  local t0; t0=$(now)
  /usr/bin/time -v -o "$logs/$label.time" "$@" > "$logs/$label.out" 2> "$logs/$label.err" &
  local tpid=$!
  anon_peak_watch "$tpid" "$logs/$label.anon" &
  local wpid=$!
  if ! wait "$tpid"; then
    echo "scale.sh: $label failed: $*" >&2; tail -n 20 "$logs/$label.err" >&2; exit 2
  fi
  wall=$(f3 "$(now)-$t0")
  wait "$wpid"
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.1f", $2*1024/1e6}' "$logs/$label.time")
  anon=$(awk '{printf "%.1f", $1*1024/1e6}' "$logs/$label.anon")
}
mb() { du -sb "$@" | awk '{s+=$1} END {printf "%.3f", s/1e6}'; }
sum_mb() { find "$@" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.3f", s/1e6}'; }
peak_disk=0
disk_mark() { peak_disk=$(py "max($peak_disk, $(mb "$work"))"); }  # before deleting what a step made
step_done() {  # step_done STEP WALL: the step's time and the working directory's size after it
  local d; d=$(mb "$work")
  rec "$1" "step wall" s "$2" "${3-<= 600}"
  rec "$1" "disk after the step" MB "$d"
  peak_disk=$(py "max($peak_disk, $d)")
}
fail_unless() { "$@" || die "step $step: check failed: $*"; }
json() { python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print(eval(sys.argv[2],{'d':d}))" "$@"; }
indexer_rss_goal="<= $(py "($cache + 2048) * 1.048576")"  # --cache-mb + 2 GiB, in MB

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "disk: $(df -h --output=avail "$work" | tail -n 1 | xargs) free under $work"
echo "bench/scale.sh: $coins coins, base height $H, 288 blocks of $txs transactions, seed $seed, nice ${NICE:-5}"
t_all=$(now)

if [ -z "${RELEASES_FROM:-}" ]; then
step=1; echo "== 1. synth --profile mainnet: snapshot + 2 days of blocks"
timed synth "$bin/utxo-indexer" synth --profile mainnet --seed "$seed" --snapshot-out "$work/set.utxo" --coins "$coins" \
  --base-height "$H" --out "$work/chain.dat" --blocks 288 --txs-per-block "$txs"
chain_line=$(grep '^chain ' "$logs/synth.out")
created=$(sed -nE 's/.*coins \+([0-9]+) -([0-9]+).*/\1/p' <<< "$chain_line")
spent=$(sed -nE 's/.*coins \+([0-9]+) -([0-9]+).*/\2/p' <<< "$chain_line")
total_amount=$(sed -nE 's/.*total ([0-9]+) sat.*/\1/p' "$logs/synth.out")
rec 1 "synth coins/s (snapshot and chain together)" coins/s "$(py "round($coins/$wall)")"
rec 1 "snapshot" MB "$(mb "$work/set.utxo")"
rec 1 "chain (288 blocks)" MB "$(mb "$work/chain.dat")"
rec 1 "coins created by the chain" coins "$created"
rec 1 "coins spent by the chain" coins "$spent"
rec 1 "peak RSS" MB "$rss"
step_done 1 "$wall" ""

step=2; echo "== 2. import-core"
timed import "$bin/utxo-indexer" import-core "$work/set.utxo" --db "$work/db" --height "$H"
rec 2 "import-core coins/s" coins/s "$(py "round($coins/$wall)")" "base>= 0.75"
rec 2 "peak RSS (mapped store pages included)" MB "$rss"
rec 2 "peak anonymous RSS (heap; sampled)" MB "$anon" "$indexer_rss_goal"
rec 2 "indexer store" MB "$(mb "$work/db")"
disk_mark; rm -f "$work/set.utxo"
step_done 2 "$wall"

step=3; echo "== 3. run over the 288 blocks, --release-every 144 (two releases)"
run_args=(--source "blocks:$work/chain.dat" --network regtest --db "$work/db" --releases "$work/releases"
          --release-every 144 --cache-mb "$cache")
# --confirmations 145 applies the first 144 blocks only (tip - 145 + 1); the release at H itself
# is skipped (the store has no undo data before H), the one at H+144 is cut.
timed run1 "$bin/utxo-indexer" -v run "${run_args[@]}" --confirmations 145
w1=$wall; r1_rss=$rss; r1_anon=$anon
fail_unless grep -q "1 releases cut; tip $H1" "$logs/run1.out"
timed run2 "$bin/utxo-indexer" -v run "${run_args[@]}" --confirmations 1
w2=$wall; run_rss=$(py "max($r1_rss, $rss)"); run_anon=$(py "max($r1_anon, $anon)")
fail_unless grep -q "1 releases cut; tip $H2" "$logs/run2.out"
r1=$(ls -d "$work/releases/regtest/$H1"-*); r2=$(ls -d "$work/releases/regtest/$H2"-*)
name1=$(basename "$r1"); name2=$(basename "$r2")
cut1=$(sed -nE 's/.* cut: [0-9]+ coins in [0-9]+ shards, ([0-9.]+)s.*/\1/p' "$logs/run1.err")
cut2=$(sed -nE 's/.* cut: [0-9]+ coins in [0-9]+ shards, ([0-9.]+)s.*/\1/p' "$logs/run2.err")
coins1=$(json "$r1/manifest.json" "d['full_set']['coins']")
coins2=$(json "$r2/manifest.json" "d['full_set']['coins']")
fail_unless [ "$coins2" -eq $((coins + created - spent)) ]
fail_unless [ "$(json "$r2/manifest.json" "d['full_set']['total_amount']")" -eq "$total_amount" ]
fail_unless [ "$(json "$r2/manifest.json" "d['patches']['from_height']")" -eq "$H1" ]
shard_mb1=$(sum_mb "$r1/shards"); shard_mb2=$(sum_mb "$r2/shards"); patch_mb2=$(sum_mb "$r2/patches")
rec 3 "apply 144 blocks + cut, first part" s "$w1"
rec 3 "apply 144 blocks + cut, second part" s "$w2"
rec 3 "apply: UTXO operations/s (created + spent)" ops/s "$(py "round(($created+$spent)/($w1+$w2-$cut1-$cut2))")"
rec 3 "release cut $H1" s "$cut1"
rec 3 "release cut $H2" s "$cut2"
rec 3 "release cut coins/s ($H2)" coins/s "$(py "round($coins2/$cut2)")" "base>= 0.75"
rec 3 "coins at $H1" coins "$coins1"
rec 3 "coins at $H2" coins "$coins2"
rec 3 "shards of $H2" MB "$shard_mb2"
rec 3 "patches of $H2 (the day's patch bytes)" MB "$patch_mb2" "paper estimate: 50-80 MB"
rec 3 "release $H2 in all (shards, patches, torrents, manifest)" MB "$(mb "$r2")"
rec 3 "peak RSS (mapped store pages included)" MB "$run_rss"
rec 3 "peak anonymous RSS (heap; sampled)" MB "$run_anon" "$indexer_rss_goal"
rec 3 "indexer store" MB "$(mb "$work/db")"
disk_mark; rm -rf "$work/db" "$work/chain.dat"
step_done 3 "$(f3 "$w1+$w2")"

else
  # RELEASES_FROM=DIR: steps 1-3 were run before (DIR is a releases root holding the releases at
  # BASE_HEIGHT+144 and +288, e.g. a kept WORKDIR/published); steps 4-9 run on hard links to them.
  step=3; echo "== 1-3. releases from $RELEASES_FROM (hard links)"
  mkdir -p "$work/releases/regtest"
  for h in "$H1" "$H2"; do
    src=$(ls -d "$RELEASES_FROM/regtest/$h"-* 2>/dev/null | head -n 1)
    [ -n "$src" ] || die "$RELEASES_FROM/regtest has no release at height $h"
    cp -al "$src" "$work/releases/regtest/"
  done
  r1=$(ls -d "$work/releases/regtest/$H1"-*); r2=$(ls -d "$work/releases/regtest/$H2"-*)
  name1=$(basename "$r1"); name2=$(basename "$r2")
  coins1=$(json "$r1/manifest.json" "d['full_set']['coins']")
  coins2=$(json "$r2/manifest.json" "d['full_set']['coins']")
  shard_mb1=$(sum_mb "$r1/shards"); shard_mb2=$(sum_mb "$r2/shards"); patch_mb2=$(sum_mb "$r2/patches")
fi

step=4; echo "== 4. verify-release of both"
timed verify1 "$bin/utxo-indexer" -v verify-release "$r1"; v1=$wall; v_rss=$rss
timed verify2 "$bin/utxo-indexer" -v verify-release "$r2"; v2=$wall; v_rss=$(py "max($v_rss, $rss)")
fail_unless grep -q "^ok  patches/: applied to the" "$logs/verify2.out"
rec 4 "verify-release $H1" s "$v1"
rec 4 "verify-release $H2 (its patches applied to $H1)" s "$v2"
rec 4 "verify-release coins/s ($H2)" coins/s "$(py "round($coins2/$v2)")"
rec 4 "peak RSS" MB "$v_rss" "$indexer_rss_goal"
step_done 4 "$(f3 "$v1+$v2")"

step=5; echo "== 5. seeder + fetch --all, beside curl over the web seed + openssl"
"$bin/utxo-signer" keygen --out "$work/bench.key" --pub "$work/bench.pub" --name bench --unencrypted > "$logs/keygen.out"
for r in "$r1" "$r2"; do "$bin/utxo-signer" sign --key "$work/bench.key" --release "$r" --own "$r" >> "$logs/sign.out"; done
"$bin/utxo-trustnet" init "$work/trustnet.txt" --network regtest > /dev/null
"$bin/utxo-trustnet" add "$work/trustnet.txt" bench "$work/bench.pub" > /dev/null
# The seeder serves WORKDIR/published: the first release now, the second from step 8 on.
mkdir -p "$work/published/regtest"
mv "$r1" "$work/published/regtest/"; r1=$work/published/regtest/$name1
http=$(free_port)
"$bin/utxo-seeder" --releases "$work/published" --listen "127.0.0.1:$(free_port)" --http "127.0.0.1:$http" -q \
  > "$logs/seeder.out" 2>&1 &
seeder_pid=$!; pids+=("$seeder_pid")
anon_peak_watch "$seeder_pid" "$logs/seeder.anon" &
seeder_watch=$!
wait_http "$http"
seeder=http://127.0.0.1:$http
fetch_args=(--trustnet "$work/trustnet.txt" --seeder "$seeder" --seed-ratio 0)
rel=$r1; name=$name1
curl_config "$work/curl" > "$work/curl.cfg"
mkdir -p "$work/curl"; sync
t0=$(now); curl -sf -K "$work/curl.cfg"; curl_s=$(f3 "$(now)-$t0")
t0=$(now); openssl dgst -sha256 "$work"/curl/*.shard > /dev/null; openssl_s=$(f3 "$(now)-$t0")
disk_mark; rm -rf "$work/curl" "$work/curl.cfg"; sync
timed fetch "$bin/utxo-verifier" fetch "${fetch_args[@]}" --db "$work/node" --all --listen "127.0.0.1:$(free_port)"
fail_unless grep -q "^installed regtest height $H1 (1024 of 1024 shards" "$logs/fetch.out"
down_s=$(sed -nE 's/^downloaded in ([0-9.]+) s.*/\1/p' "$logs/fetch.out")
ready_s=$(sed -nE 's/.*verified and installed in ([0-9.]+) s.*/\1/p' "$logs/fetch.out")
phase_s=$(f3 "$down_s+$ready_s")
node_mb=$(mb "$work/node")
rec 5 "curl of the shard files over the web seed" s "$curl_s"
rec 5 "openssl dgst -sha256 over them" s "$openssl_s"
rec 5 "fetch: download" s "$down_s"
rec 5 "fetch: verify + install after the download" s "$ready_s"
rec 5 "fetch: download-and-verify" s "$phase_s"
rec 5 "fetch download-and-verify : (curl + openssl) throughput" ratio "$(f3 "($curl_s+$openssl_s)/$phase_s")" ">= 0.8"
rec 5 "ready after the download : openssl pass" ratio "$(f3 "$ready_s/$openssl_s")" "<= 1.25"
rec 5 "fetch coins/s (download-and-verify)" coins/s "$(py "round($coins1/$phase_s)")" "base>= 0.75"
rec 5 "fetch MB/s (download-and-verify)" MB/s "$(f3 "$shard_mb1/$phase_s")"
rec 5 "fetch --all, whole process" s "$wall"
rec 5 "fetch peak RSS" MB "$rss" "<= 64"
rec 5 "shards of $H1" MB "$shard_mb1"
rec 5 "full store on disk" MB "$node_mb"
rec 5 "full store : shard bytes" ratio "$(f3 "$node_mb/$shard_mb1")" "<= 1.05"
step_done 5 "$wall"

step=6; echo "== 6. verifier export-core, and import-core of that file"
timed export "$bin/utxo-verifier" export-core --db "$work/node" --out "$work/export.utxo"; e_wall=$wall
rec 6 "verifier export-core coins/s" coins/s "$(py "round($coins1/$wall)")" ">= 2000000; base>= 0.75"
rec 6 "export-core peak RSS" MB "$rss"
rec 6 "export file" MB "$(mb "$work/export.utxo")"
timed reimport "$bin/utxo-indexer" import-core "$work/export.utxo" --db "$work/reimport" --height "$H1"; i_wall=$wall
disk_mark; rm -f "$work/export.utxo"
timed restats "$bin/utxo-indexer" stats --json --db "$work/reimport"
same=$(python3 - "$logs/restats.out" "$r1/manifest.json" <<'EOF'
import json, sys
s, m = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
want = dict(m["full_set"], height=m["height"], block_hash=m["block_hash"])
bad = [k for k in want if s.get(k) != want[k]]
print("1" if not bad else "0")
if bad: print("differ: " + ", ".join(f"{k} {s.get(k)} vs {want[k]}" for k in bad), file=sys.stderr)
EOF
)
rec 6 "import-core of the export" s "$i_wall"
rec 6 "its stats equal the release's (coins, amount, both hashes, block)" "1 = yes" "$same" ">= 1"
disk_mark; rm -rf "$work/reimport"
step_done 6 "$(f3 "$e_wall+$i_wall+$wall")"

step=7; echo "== 7. wallet fetch of 10 funded addresses"
mapfile -t addrs < <("$bin/utxo-indexer" addresses --release "$r1" --count 10 | cut -d' ' -f1)
fail_unless [ "${#addrs[@]}" -eq 10 ]
addr_args=(); for a in "${addrs[@]}"; do addr_args+=(--address "$a"); done
timed wallet "$bin/utxo-verifier" fetch "${fetch_args[@]}" --db "$work/wallet" "${addr_args[@]}" --listen "127.0.0.1:$(free_port)"
wallet_bytes=$(sed -nE 's/^installed .*, ([0-9]+) bytes downloaded.*/\1/p' "$logs/wallet.out")
torrent_bytes=$(curl -sf "$seeder/v1/releases/regtest/$name1/shards.torrent" | wc -c)
rec 7 "wallet fetch" s "$wall"
rec 7 "wallet bytes downloaded + the .torrent" MB "$(f3 "($wallet_bytes+$torrent_bytes)/1e6")"
rec 7 "wallet : release (shard) bytes" % "$(f3 "100*($wallet_bytes+$torrent_bytes)/($shard_mb1*1e6)")" "<= 1.5"
rec 7 "wallet fetch peak RSS" MB "$rss" "<= 64"
rec 7 "wallet store on disk" MB "$(mb "$work/wallet")"
step_done 7 "$wall"

step=8; echo "== 8. the day's patches: full store and wallet moved forward"
mv "$r2" "$work/published/regtest/"; r2=$work/published/regtest/$name2
for _ in $(seq 100); do curl -sf "$seeder/v1/releases" | grep -q "$name2" && break; sleep 0.1; done
timed forward "$bin/utxo-verifier" fetch "${fetch_args[@]}" --db "$work/node" --listen "127.0.0.1:$(free_port)"; f_wall=$wall; f_rss=$rss
fail_unless grep -q "^moved forward with patches" "$logs/forward.out"
fail_unless grep -q "^installed regtest height $H2 (1024 of 1024 shards" "$logs/forward.out"
full_fwd_bytes=$(sed -nE 's/^installed .*, ([0-9]+) bytes downloaded.*/\1/p' "$logs/forward.out")
timed wforward "$bin/utxo-verifier" fetch "${fetch_args[@]}" --db "$work/wallet" --listen "127.0.0.1:$(free_port)"
fail_unless grep -q "^moved forward with patches" "$logs/wforward.out"
fail_unless grep -q "^installed regtest height $H2 " "$logs/wforward.out"
wallet_fwd_bytes=$(sed -nE 's/^installed .*, ([0-9]+) bytes downloaded.*/\1/p' "$logs/wforward.out")
node_mb=$(mb "$work/node")
rec 8 "full store forward (whole fetch process)" s "$f_wall" "<= 30"
rec 8 "full store forward: bytes downloaded" MB "$(f3 "$full_fwd_bytes/1e6")"
rec 8 "the day's patch bytes ($H1 to $H2)" MB "$patch_mb2" "paper estimate: 50-80 MB"
rec 8 "wallet forward (whole fetch process)" s "$wall" "<= 1"
rec 8 "wallet forward: bytes downloaded" MB "$(f3 "$wallet_fwd_bytes/1e6")"
rec 8 "forward peak RSS (full)" MB "$f_rss" "<= 64"
rec 8 "forward peak RSS (wallet)" MB "$rss" "<= 64"
rec 8 "full store on disk after the forward" MB "$node_mb"
rec 8 "full store : shard bytes, after the forward" ratio "$(f3 "$node_mb/$shard_mb2")" "<= 1.05"
rec 8 "seeder peak RSS (steps 5-8; mapped files included)" MB "$(py "round($(peak_rss_kb "$seeder_pid")*1024/1e6, 1)")"
kill "$seeder_pid"; wait "$seeder_pid" 2>/dev/null || true; wait "$seeder_watch"
rec 8 "seeder peak anonymous RSS (steps 5-8; sampled)" MB "$(awk '{printf "%.1f", $1*1024/1e6}' "$logs/seeder.anon")" "<= 256"
# Funded addresses for step 9: one from each shard (1024), spread over the set as a real wallet's.
"$bin/utxo-indexer" addresses --release "$r2" --count 1024 | cut -d' ' -f1 > "$work/addresses.txt"
disk_mark; [ "${KEEP:-0}" = 1 ] || rm -rf "$work/published"
step_done 8 "$(f3 "$f_wall+$wall")"

step=9; echo "== 9. serve's Esplora API on the full store under load ($conns connections, ${load_s} s per endpoint)"
mapfile -t addrs < "$work/addresses.txt"
addr_args=(); for a in "${addrs[@]}"; do addr_args+=(--address "$a"); done
"$bin/utxo-verifier" utxos --db "$work/node" "${addr_args[@]}" --json > "$work/utxos.json"
python3 - "$work" <<'EOF'
import hashlib, json, sys
w = sys.argv[1]
scripts = sorted({c["script_pubkey"] for c in json.load(open(f"{w}/utxos.json"))})
with open(f"{w}/paths-address.txt", "w") as f:
    for a in open(f"{w}/addresses.txt").read().split():
        f.write(f"/address/{a}/utxo\n")
with open(f"{w}/paths-scripthash.txt", "w") as f:
    for s in scripts:
        f.write(f"/scripthash/{hashlib.sha256(bytes.fromhex(s)).hexdigest()}/utxo\n")
EOF
cat > "$work/paths.lua" <<'EOF'
-- wrk: each request a random line of the file given after `--`
local paths = {}
local counter = 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() * 1000 + (id or 0))
end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
EOF
serve_port=$(free_port)
"$bin/utxo-verifier" serve --db "$work/node" --http "127.0.0.1:$serve_port" --max-connections-per-ip $((conns * 2)) \
  > "$logs/serve.out" 2>&1 &
serve_pid=$!; pids+=("$serve_pid")
anon_peak_watch "$serve_pid" "$logs/serve.anon" &
serve_watch=$!
for _ in $(seq 100); do grep -q "listening on" "$logs/serve.out" && break; sleep 0.1; done
serve=http://127.0.0.1:$serve_port
fail_unless [ "$(curl -sf "$serve/blocks/tip/height")" = "$H2" ]
# serve writes the shards' script indexes in the background (docs/verifier.md); the load runs once
# they are all there, so it measures indexed queries (until then a query scans its shard).
t_index=$(now)
node_rel=$(ls -d "$work"/node/releases/*/*/ | tail -n 1)
n_shards=$(ls "$node_rel/shards" | wc -l)
for _ in $(seq 6000); do
  [ "$(find "$node_rel/index" -name '*.sidx' 2>/dev/null | wc -l)" -ge "$n_shards" ] && break; sleep 0.1
done
rec 9 "serve: script indexes of $n_shards shards written" s "$(f3 "$(now)-$t_index")"
for kind in address scripthash; do
  fail_unless curl -sf "$serve$(head -n 1 "$work/paths-$kind.txt")" -o /dev/null
  wrk -t2 -c"$conns" -d"${load_s}s" --latency -s "$work/paths.lua" "$serve" -- "$work/paths-$kind.txt" \
    > "$logs/wrk-$kind.txt" 2>&1 || true
  wrk_stats "$logs/wrk-$kind.txt" "$load_s"
  n=$(wc -l < "$work/paths-$kind.txt")
  rec 9 "/$kind/:x/utxo requests/s ($n funded ${kind}es)" req/s "$rps" ">= 2000"
  rec 9 "/$kind/:x/utxo p50" ms "$p50"
  rec 9 "/$kind/:x/utxo p99" ms "$p99" "<= 10"
  rec 9 "/$kind/:x/utxo errors + non-2xx answers" count "$((errors + non2xx))" "<= 0"
done
rec 9 "serve peak RSS (mapped files included)" MB "$(py "round($(peak_rss_kb "$serve_pid")*1024/1e6, 1)")"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; wait "$serve_watch"
rec 9 "serve peak anonymous RSS (sampled)" MB "$(awk '{printf "%.1f", $1*1024/1e6}' "$logs/serve.anon")" "<= 256"

step=end
rec all "peak disk (at the end of each step and before each deletion)" MB "$peak_disk"
rec all "whole benchmark" s "$(f3 "$(now)-$t_all")"
[ "${KEEP:-0}" = 1 ] || rm -rf "$work/node" "$work/wallet" "$work/releases" "$work"/paths-*.txt "$work/utxos.json"
echo
echo "== results ($results)"
python3 "$root/bench/scale-report.py" "$results" ${BASELINE:+"$BASELINE"}
