# Shell functions shared by the bench/ scripts (sourced, not run). They use bash, python3, curl.

now() { date +%s.%N; }
since() { python3 -c "print($(now)-$1)"; }  # since T0: seconds since T0 (from now)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# wait_http PORT: until the seeder on 127.0.0.1:PORT answers its release list (10 s at most)
wait_http() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/v1/releases" >/dev/null && return; sleep 0.1; done; exit 2; }
median() { python3 -c "import statistics,sys;print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
# curl_config OUTDIR > cfg: a curl config fetching every shard file of release $rel (named $name)
# from the seeder's web seed on 127.0.0.1:$http into OUTDIR
curl_config() {
  for f in "$rel"/shards/*.shard; do
    b=$(basename "$f"); printf 'url = "http://127.0.0.1:%s/v1/files/regtest/%s/shards/%s"\noutput = "%s/%s"\n' "$http" "$name" "$b" "$1" "$b"
  done
}
ms() {  # wrk's "635.00us", "1.23ms", "2.01s" in milliseconds
  python3 -c "import re,sys;v,u=re.match(r'([0-9.]+)(us|ms|s|m)',sys.argv[1]).groups();print(f'{float(v)*{\"us\":0.001,\"ms\":1,\"s\":1000,\"m\":60000}[u]:.3f}')" "$1"
}
# wrk_stats WRK-OUTPUT SECONDS (wrk run with --latency); sets rps (answered requests/s, non-2xx
# left out: a 503 is not an answer), p50 and p99 (ms, every response), errors (socket errors),
# non2xx
wrk_stats() {
  local total x
  total=$(awk '/requests in/{print $1}' "$1"); total=${total:-0}
  x=$(awk '$1=="50%"{print $2}' "$1"); p50=$(ms "${x:-0us}")
  x=$(awk '$1=="99%"{print $2}' "$1"); p99=$(ms "${x:-0us}")
  errors=$(sed -nE 's/.*Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+).*/\1+\2+\3+\4/p' "$1")
  errors=$((${errors:-0}))
  non2xx=$(awk '/Non-2xx/{print $5}' "$1"); non2xx=${non2xx:-0}
  rps=$(python3 -c "print(f'{($total-$non2xx)/$2:.1f}')")
}
# anon_peak_watch PID OUT: the largest RssAnon (KiB) of PID or any of its children, sampled every
# 0.2 s until PID exits, written to OUT. Heap and stacks only: the file pages a process maps (an
# LMDB store) count in its RSS but not here.
anon_peak_watch() {
  local pid=$1 out=$2 peak=0 kb p
  while kill -0 "$pid" 2>/dev/null; do
    for p in "$pid" $(pgrep -P "$pid"); do
      kb=$(awk '/^RssAnon/{print $2}' "/proc/$p/status" 2>/dev/null || true)
      [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
    done
    sleep 0.2
  done
  echo "$peak" > "$out"
}
# peak_rss_kb PID: the process's peak resident set (VmHWM), KiB
peak_rss_kb() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }
