#!/usr/bin/env bash
# Two variants of Aralez measured at the same time: both processes pinned to CPU 0, each loaded by
# its own wrk on CPU 1 (with the nginx backend), the windows of the two started and ended together.
# On a host whose speed moves between levels from one minute to the next (bench/README.md), A and B
# then see the same level in every window, and the ratio of their CPU per request is the figure to
# read — not the absolute values, which sharing the core changes. bench/windows.sh runs the variants
# one after the other and cannot separate a few percent from the host's drift.
#   OPTS_A="-Dio.netty.iouring.acceptMultiShotEnabled=true" TEST=h1-close bench/pair.sh
# Knobs: TEST=h1|h1-close ROUNDS=2 WINDOWS=4 DURATION=10 WARMUP=30 CONNS=50 OPTS_A="" OPTS_B=""
# (appended to the launcher's JVM flags), ARALEZ_B="" (another built checkout for variant B).
# Each round starts both processes afresh. Needs root and: apt-get install -y nginx wrk curl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TEST=${TEST:-h1-close} ROUNDS=${ROUNDS:-2} WINDOWS=${WINDOWS:-4} DURATION=${DURATION:-10}
WARMUP=${WARMUP:-30} CONNS=${CONNS:-50}
WORK=${WORK:-/tmp/aralez-pair-bench}
OUT=$HERE/pair-$(date +%Y-%m-%d_%H%M%S).md
declare -A PORT=([a]=19201 [b]=19202) HOME_OF=([a]="$HERE/.." [b]="${ARALEZ_B:-$HERE/..}")
declare -A OPTS=([a]="${OPTS_A:-}" [b]="${OPTS_B:-}")
HDR=()
[[ "$TEST" == h1-close ]] && HDR=(-H "Connection: close")

rm -rf "$WORK" && mkdir -p "$WORK"/{backend,a,b,tmp}
cat >"$WORK/backend/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/backend/nginx.pid; error_log $WORK/backend/error.log warn;
events { worker_connections 8000; }
http {
  access_log off; keepalive_requests 100000000; keepalive_timeout 300s;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server { listen 127.0.0.1:18281 backlog=4096; location / { return 200 "ok pair backend"; } }
}
EOF
taskset -c 1 nginx -c "$WORK/backend/nginx.conf" -p "$WORK/backend" &
BACKEND=$!
RUNNING=()
cleanup() { kill "${RUNNING[@]}" "$BACKEND" 2>/dev/null || true; }
trap cleanup EXIT
for v in a b; do
  printf 'provider: file\nDEFAULT:\n  paths:\n    "/":\n      healthcheck: false\n      servers: ["127.0.0.1:18281"]\n' \
    >"$WORK/$v/upstreams.yaml"
  printf 'threads: 1\nproxy_address_http: 127.0.0.1:%s\nupstreams_conf: upstreams.yaml\nlog_level: warn\nupstream_keepalive_pool_size: 512\nclient_keepalive_timeout: 300s\nupstream_read_timeout: 300s\nupstream_idle_timeout: 300s\n' \
    "${PORT[$v]}" >"$WORK/$v/main.yaml"
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + kernel, clock ticks
load() { # <seconds> <out prefix>: both wrk runs at once
  taskset -c 1 wrk -t1 -c"$CONNS" -d"$1s" "${HDR[@]}" "http://127.0.0.1:${PORT[a]}/" >"$2-a" &
  local wa=$!
  taskset -c 1 wrk -t1 -c"$CONNS" -d"$1s" "${HDR[@]}" "http://127.0.0.1:${PORT[b]}/" >"$2-b" &
  wait $wa $!
}

{
  echo "# TEST=$TEST A=[${OPTS[a]}|${HOME_OF[a]}] B=[${OPTS[b]}|${HOME_OF[b]}], both on CPU 0 at once, warm-up ${WARMUP}s, $WINDOWS x ${DURATION}s windows, $ROUNDS rounds"
  printf 'round\twindow\tA_us/req\tB_us/req\tB/A\tA_req/s\tB_req/s\n'
} | tee "$OUT"
HZ=$(getconf CLK_TCK)
for round in $(seq "$ROUNDS"); do
  declare -A PID=()
  for v in a b; do
    # bin/aralez execs java, so this pid is the JVM's.
    (cd "$WORK/$v" && JAVA_OPTS="${OPTS[$v]}" ARALEZ_NO_PRIVDROP=1 exec taskset -c 0 \
      "${HOME_OF[$v]}/bin/aralez" -c "$WORK/$v/main.yaml" >"$WORK/$v/log-$round" 2>&1) &
    PID[$v]=$!
    RUNNING+=("${PID[$v]}")
  done
  for v in a b; do
    for _ in $(seq 60); do
      curl -s -o /dev/null "http://127.0.0.1:${PORT[$v]}/" && break
      sleep 1
    done
  done
  load "$WARMUP" "$WORK/warmup"
  for w in $(seq "$WINDOWS"); do
    a0=$(ticks "${PID[a]}") b0=$(ticks "${PID[b]}")
    load "$DURATION" "$WORK/w"
    a1=$(ticks "${PID[a]}") b1=$(ticks "${PID[b]}")
    ra=$(awk '/requests in/ {print $1}' "$WORK/w-a") rb=$(awk '/requests in/ {print $1}' "$WORK/w-b")
    python3 -c "
a = ($a1 - $a0) * 1e6 / $HZ / $ra; b = ($b1 - $b0) * 1e6 / $HZ / $rb
print(f'$round\t$w\t{a:.1f}\t{b:.1f}\t{b / a:.3f}\t{$ra / $DURATION:.0f}\t{$rb / $DURATION:.0f}')" | tee -a "$OUT"
  done
  kill "${PID[a]}" "${PID[b]}"
  wait "${PID[a]}" "${PID[b]}" 2>/dev/null || true
done
python3 - "$OUT" <<'PY' | tee -a "$OUT"
import statistics, sys
r = [float(l.split('\t')[4]) for l in open(sys.argv[1]) if l[0].isdigit()]
print(f"\nB/A CPU per request: median {statistics.median(r):.3f} [{min(r):.3f}–{max(r):.3f}] over {len(r)} windows")
PY
echo "# raw: $OUT"
