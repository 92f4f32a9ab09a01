#!/usr/bin/env bash
# Alternates `fetch --all` of two builds against one seeder, each run preceded by the baseline
# (curl of every shard file from the web seed, then openssl dgst -sha256), on the release that
# bench/bootstrap.sh keeps in WORKDIR (run that first). Prints one line per run.
#   bench/fetch_ab.sh WORKDIR BIN_DIR_A BIN_DIR_B [ROUNDS]
# The seeder is always BIN_DIR_B's. Example: compare a checkout of main with your build.
set -euo pipefail
work=${1:?WORKDIR}; a=${2:?BIN_DIR_A}; b=${3:?BIN_DIR_B}; rounds=${4:-3}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now)-$1:.2f}')"; }
rel=$(ls -d "$work"/releases/regtest/*/ | tail -n 1); rel=${rel%/}; name=$(basename "$rel")
http=$(free_port)
"$b/utxo-seeder" --releases "$work/releases" --listen "127.0.0.1:$(free_port)" --http "127.0.0.1:$http" -q &
seeder=$!
trap 'kill $seeder 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http/v1/releases" >/dev/null && break; sleep 0.1; done
for f in "$rel"/shards/*.shard; do
  n=$(basename "$f"); printf 'url = "http://127.0.0.1:%s/v1/files/regtest/%s/shards/%s"\noutput = "%s/ab-curl/%s"\n' "$http" "$name" "$n" "$work" "$n"
done > "$work/ab-curl.cfg"
for r in $(seq "$rounds"); do
  for side in A B; do
    bin=$a; [ "$side" = B ] && bin=$b
    rm -rf "$work/ab-curl" "$work/ab-node"; mkdir -p "$work/ab-curl"; sync
    t0=$(now); curl -sf -K "$work/ab-curl.cfg"; c=$(since "$t0")
    t0=$(now); openssl dgst -sha256 "$work"/ab-curl/*.shard >/dev/null; o=$(since "$t0")
    rm -rf "$work/ab-curl"; sync
    t0=$(now)
    /usr/bin/time -f "%M KiB peak, %U s user, %S s system" -o "$work/ab-time.txt" "$bin/utxo-verifier" fetch \
      --trustnet "$work/trustnet.txt" --seeder "http://127.0.0.1:$http" --db "$work/ab-node" --all \
      --seed-ratio 0 --listen "127.0.0.1:$(free_port)" > "$work/ab-fetch.txt"
    f=$(since "$t0")
    phases=$(sed -nE 's/^downloaded in ([0-9.]+) s; verified and installed in ([0-9.]+) s.*/\1 \2/p' "$work/ab-fetch.txt")
    echo "$side: curl $c s + openssl $o s; fetch $f s (download + verify: ${phases/ / + } s); $(cat "$work/ab-time.txt")"
  done
done
rm -rf "$work/ab-node" "$work/ab-curl" "$work/ab-curl.cfg" "$work/ab-fetch.txt" "$work/ab-time.txt"
