#!/usr/bin/env bash
# HTTP load benchmark of the two servers, all on loopback, with wrk (Debian's `wrk`):
#  - utxo-seeder: GET /v1/releases and one web seed file (/v1/files/.../shards/00000.shard)
#  - utxo-verifier serve on a small installed store: /blocks/tip/height and /address/:a/utxo
# Each endpoint is measured alone, then while an attacker at 127.0.0.2 keeps trying to hold 1,000
# idle connections open (it tops them up every second, as a real one would reconnect). Printed:
# answered requests/s (2xx only: a 503 is not an answer), p50 and p99 latency of every response,
# socket errors (refused or cut connections) and non-2xx answers of wrk (from 127.0.0.1), and
# the server's peak RSS over that run (/proc/PID/status VmHWM, reset before each run through
# clear_refs); the second run of each endpoint is shown beside the first as ratios.
#   bench/http-load.sh WORKDIR
# BIN=DIR picks the executables (default: build/bin of this checkout); SECONDS_PER_RUN=N (default
# 10), CONNECTIONS=N wrk connections (default 8), IDLE=N idle connections attempted (default 1000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib.sh"
bin=${BIN:-$root/build/bin}
work=${1:?WORKDIR}
duration=${SECONDS_PER_RUN:-10}
conns=${CONNECTIONS:-8}
idle=${IDLE:-1000}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# A small signed release (kept between runs), and a store installed from it by fetch.
if [ ! -d "$work/releases" ]; then
  "$bin/utxo-indexer" synth --out "$work/chain.dat" --blocks 300 --txs-per-block 200 --seed 3 >/dev/null
  "$bin/utxo-indexer" build --blocks "$work/chain.dat" --network regtest --db "$work/db" >/dev/null
  "$bin/utxo-indexer" release --db "$work/db" --releases "$work/releases" >/dev/null
  "$bin/utxo-signer" keygen --out "$work/bench.key" --pub "$work/bench.pub" --name bench --unencrypted >/dev/null
  rm -rf "$work/db" "$work/chain.dat"
fi
rel=$(ls -d "$work"/releases/regtest/*/ | tail -n 1); rel=${rel%/}; name=$(basename "$rel")
rm -f "$rel"/manifest.json.*.minisig "$work/trustnet.txt"
"$bin/utxo-signer" sign --key "$work/bench.key" --release "$rel" --own "$rel" >/dev/null
"$bin/utxo-trustnet" init "$work/trustnet.txt" --network regtest >/dev/null
"$bin/utxo-trustnet" add "$work/trustnet.txt" bench "$work/bench.pub" >/dev/null
address=$("$bin/utxo-indexer" addresses --release "$rel" --count 1 | cut -d' ' -f1)

seeder_http=$(free_port)
"$bin/utxo-seeder" --releases "$work/releases" --listen "127.0.0.1:$(free_port)" --http "127.0.0.1:$seeder_http" -q &
seeder_pid=$!; pids+=("$seeder_pid")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$seeder_http/v1/releases" | grep -q "$name" && break; sleep 0.1; done
rm -rf "$work/store"
"$bin/utxo-verifier" fetch --trustnet "$work/trustnet.txt" --seeder "http://127.0.0.1:$seeder_http" \
  --db "$work/store" --all --seed-ratio 0 --listen "127.0.0.1:$(free_port)" >/dev/null
serve_port=$(free_port)
"$bin/utxo-verifier" serve --db "$work/store" --http "127.0.0.1:$serve_port" > "$work/serve.out" 2>&1 &
serve_pid=$!; pids+=("$serve_pid")
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" && break; sleep 0.1; done

# The attacker: from 127.0.0.2, keeps up to IDLE connections open, sending nothing; every second
# it replaces the ones the server closed. On SIGTERM it writes how many were open, on average
# and at the least, over its run, and how many connections it opened in all.
cat > "$work/idle.py" <<'EOF'
import errno, selectors, signal, socket, sys, time
port, want, report = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sel = selectors.DefaultSelector()
opened, samples, running = 0, [], True
def stop(*_):
    global running
    running = False
signal.signal(signal.SIGTERM, stop)
def top_up():
    global opened
    while len(sel.get_map()) < want:
        s = socket.socket()
        s.setblocking(False)
        s.bind(("127.0.0.2", 0))
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            return
        sel.register(s, selectors.EVENT_READ)
        opened += 1
while running:
    top_up()
    deadline = time.monotonic() + 1
    while running and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=max(0, deadline - time.monotonic())):
            try:
                data = key.fileobj.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:  # closed by the server (or an answer, then a close)
                sel.unregister(key.fileobj)
                key.fileobj.close()
    samples.append(len(sel.get_map()))
with open(report, "w") as f:
    f.write(f"{sum(samples) / max(1, len(samples)):.0f} {min(samples or [0])} {opened}\n")
EOF

# run_wrk PID URL; sets rps (2xx answers per second) p50 p99 errors non2xx hwm
run_wrk() {
  echo 5 > "/proc/$1/clear_refs"  # resets VmHWM to the current RSS
  wrk -t2 -c"$conns" -d"${duration}s" --latency "$2" > "$work/wrk.txt" 2>&1 || true
  wrk_stats "$work/wrk.txt" "$duration"
  hwm=$(peak_rss_kb "$1")
}

ratio() { python3 -c "a,b=float('$1'),float('$2');print(f'{a/b:.2f}' if b else '-')"; }
printf 'machine: %s cores, %s; release %s (%s shard files)\n' "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$name" "$(ls "$rel"/shards | wc -l)"
printf 'wrk -t2 -c%s -d%ss from 127.0.0.1; idle: %s connections attempted from 127.0.0.2\n' "$conns" "$duration" "$idle"
printf '%-28s %-6s %10s %9s %9s %7s %7s %9s  %s\n' endpoint load req/s p50_ms p99_ms errors non2xx hwm_KiB "vs alone (req/s, p50, p99, hwm)"
measure() {  # measure LABEL PID URL
  run_wrk "$2" "$3"
  local a_rps=$rps a_p50=$p50 a_p99=$p99 a_hwm=$hwm
  printf '%-28s %-6s %10s %9s %9s %7s %7s %9s\n' "$1" alone "$rps" "$p50" "$p99" "$errors" "$non2xx" "$hwm"
  python3 "$work/idle.py" "$4" "$idle" "$work/idle.txt" & local holder=$!
  sleep 3  # the attacker has made its first round and the server has refused what it refuses
  run_wrk "$2" "$3"
  kill "$holder"; wait "$holder" || true
  read -r held least opened < "$work/idle.txt"
  printf '%-28s %-6s %10s %9s %9s %7s %7s %9s  %s %s %s %s  (idle held: %s on average, %s at least, %s opened)\n' \
    "$1" idle "$rps" "$p50" "$p99" "$errors" "$non2xx" "$hwm" "$(ratio "$rps" "$a_rps")" \
    "$(ratio "$p50" "$a_p50")" "$(ratio "$p99" "$a_p99")" "$(ratio "$hwm" "$a_hwm")" "$held" "$least" "$opened"
  sleep 16  # the connections the server accepted from the attacker time out (10-15 s before, 5 s now)
}
s=http://127.0.0.1:$seeder_http
v=http://127.0.0.1:$serve_port
measure "seeder /v1/releases" "$seeder_pid" "$s/v1/releases" "$seeder_http"
measure "seeder web seed 00000.shard" "$seeder_pid" "$s/v1/files/regtest/$name/shards/00000.shard" "$seeder_http"
measure "serve /blocks/tip/height" "$serve_pid" "$v/blocks/tip/height" "$serve_port"
measure "serve /address/:a/utxo" "$serve_pid" "$v/address/$address/utxo" "$serve_port"
