#!/usr/bin/env bash
# DHT release pointer benchmark: put and get wall times of a BEP 44 mutable item (net::Dht) on a
# private DHT of NODES nodes on 127.0.0.1, beside an HTTP GET of a body of the same size from a
# net::HttpServer on 127.0.0.1 (new connection each time) and a libsodium verify of the item,
# measured in the same run, as ratios to the HTTP GET (bench/dht_bench.cpp).
#   bench/dht-put-get.sh [ROUNDS] [NODES] [VALUE_BYTES]      (defaults 50, 8, 800)
# BIN=DIR picks the executables (default: build/bin of this checkout).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/build/bin}
[ -x "$bin/bench-dht" ] || { echo "missing $bin/bench-dht: cmake --build build --target bench-dht" >&2; exit 2; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$bin/bench-dht" "${1:-50}" "${2:-8}" "${3:-800}"
