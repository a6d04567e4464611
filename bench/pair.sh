#!/usr/bin/env bash
# Two variants of Aralez measured at the same time: both processes pinned to CPU 0, each loaded by
# its own wrk on CPU 1 (with the nginx backend), the windows of the two started and ended together.
# On a host whose speed moves between levels from one minute to the next (bench/README.md), A and B
# then see the same level in every window, and the ratio of their CPU per request is the figure to
# read — not the absolute values, which sharing the core changes. bench/windows.sh runs the variants
# one after the other and cannot separate a few percent from the host's drift.
#   OPTS_A="-Dio.netty.iouring.acceptMultiShotEnabled=true" TEST=h1-close bench/pair.sh
#   OPTS_B="-XX:TrimNativeHeapInterval=0" TEST=h2 bench/pair.sh   # HTTP/2 over TLS, h2load 50 x 10
# Each row also carries each variant's peak RSS so far (VmHWM): with both on one core, memory is
# read per process and is comparable too.
# Knobs: TEST=h1|h1-close|h2 ROUNDS=2 WINDOWS=4 DURATION=10 WARMUP=30 CONNS=50 OPTS_A="" OPTS_B=""
# (appended to the launcher's JVM flags), ENV_A="" ENV_B="" (environment for the variant's launcher,
# e.g. ENV_B="ARALEZ_BENCH_WARM_UP=5000"), ARALEZ_B="" (another built checkout for variant B).
# Each round starts both processes afresh (bench/aralez-custom.sh, the harness's own launcher).
# Needs root and: apt-get install -y nginx wrk curl nghttp2-client openssl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TEST=${TEST:-h1-close} ROUNDS=${ROUNDS:-2} WINDOWS=${WINDOWS:-4} DURATION=${DURATION:-10}
WARMUP=${WARMUP:-30} CONNS=${CONNS:-50}
WORK=${WORK:-/tmp/aralez-pair-bench}
# For nginx_preamble, cpu_ticks, cpu_per_request, peak_rss_mib, bench_cert, h2_load, BACKEND_BODY
# and OUT (its same-run functions are not used here).
# shellcheck source=lib/same-run.sh
. "$HERE/lib/same-run.sh"
declare -A VPORT=([a]=19201 [b]=19202) TPORT=([a]=19211 [b]=19212) VHOME=([a]="$HERE/.." [b]="${ARALEZ_B:-$HERE/..}")
declare -A OPTS=([a]="${OPTS_A:-}" [b]="${OPTS_B:-}") VENV=([a]="${ENV_A:-}" [b]="${ENV_B:-}")
HDR=()
[[ "$TEST" == h1-close ]] && HDR=(-H "Connection: close")

rm -rf "$WORK" && mkdir -p "$WORK"/{backend,aralez,tmp}
if [[ $TEST == h2 ]]; then bench_cert "$WORK"; fi
{
  nginx_preamble backend
  echo "  server { listen 127.0.0.1:18281 backlog=4096; location / { return 200 \"$BACKEND_BODY\"; } }"
  echo "}"
} >"$WORK/backend/nginx.conf"
taskset -c 1 nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" &
BACKEND=$!
RUNNING=()
cleanup() { kill "${RUNNING[@]}" "$BACKEND" 2>/dev/null || true; }
trap cleanup EXIT

load_one() { # <variant> <seconds> <out file>
  if [[ $TEST == h2 ]]; then
    h2_load "$2" "${TPORT[$1]}" "$3"
  else
    taskset -c 1 wrk -t1 -c"$CONNS" -d"$2s" "${HDR[@]}" "http://127.0.0.1:${VPORT[$1]}/" >"$3"
  fi
}
load() { # <seconds> <out prefix>: both load generators at once
  load_one a "$1" "$2-a" &
  local wa=$!
  load_one b "$1" "$2-b" &
  wait $wa $!
}
requests() { awk '/requests in/ {print $1} /^requests:/ {print $8}' "$1"; }

{
  echo "# TEST=$TEST A=[${OPTS[a]}|${VENV[a]}|${VHOME[a]}] B=[${OPTS[b]}|${VENV[b]}|${VHOME[b]}], both on CPU 0 at once, warm-up ${WARMUP}s, $WINDOWS x ${DURATION}s windows, $ROUNDS rounds"
  printf 'round\twindow\tA_us/req\tB_us/req\tB/A\tA_req/s\tB_req/s\tA_peak_MiB\tB_peak_MiB\n'
} | tee "$OUT"
for round in $(seq "$ROUNDS"); do
  declare -A PID=()
  for v in a b; do
    # aralez-custom.sh execs bin/aralez, which execs java: this pid is the JVM's.
    tls=()
    [[ $TEST == h2 ]] && tls=(BENCH_TLS_PORT="${TPORT[$v]}" BENCH_CERT="$WORK/bench.crt" BENCH_KEY="$WORK/bench.key")
    # shellcheck disable=SC2086 # ENV_A/ENV_B are lists of NAME=value words
    env "${tls[@]}" ${VENV[$v]} BENCH_BACKENDS=127.0.0.1:18281 BENCH_PORT=${VPORT[$v]} BENCH_WORKERS=1 BENCH_WORKDIR="$WORK/aralez" \
      ARALEZ_BENCH_EXTRA_OPTS="${OPTS[$v]}" taskset -c 0 "${VHOME[$v]}/bench/aralez-custom.sh" \
      >"$WORK/aralez/$v-$round.log" 2>&1 &
    PID[$v]=$!
    RUNNING+=("${PID[$v]}")
  done
  for v in a b; do
    for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:${VPORT[$v]}/" 2>/dev/null && break; sleep 0.5; done
  done
  load "$WARMUP" "$WORK/warmup"
  for w in $(seq "$WINDOWS"); do
    a0=$(cpu_ticks "${PID[a]}") b0=$(cpu_ticks "${PID[b]}")
    load "$DURATION" "$WORK/w"
    a1=$(cpu_ticks "${PID[a]}") b1=$(cpu_ticks "${PID[b]}")
    ra=$(requests "$WORK/w-a") rb=$(requests "$WORK/w-b")
    ua=$(cpu_per_request "$a0" "$a1" "$ra") ub=$(cpu_per_request "$b0" "$b1" "$rb")
    ma=$(peak_rss_mib "${PID[a]}") mb=$(peak_rss_mib "${PID[b]}")
    awk -v r="$round" -v w="$w" -v ua="$ua" -v ub="$ub" -v ra="$ra" -v rb="$rb" -v d="$DURATION" -v ma="$ma" -v mb="$mb" \
      'BEGIN { printf "%s\t%s\t%s\t%s\t%.3f\t%.0f\t%.0f\t%s\t%s\n", r, w, ua, ub, ub / ua, ra / d, rb / d, ma, mb }' | tee -a "$OUT"
  done
  kill "${PID[a]}" "${PID[b]}"
  wait "${PID[a]}" "${PID[b]}" 2>/dev/null || true
done
python3 - "$OUT" <<'PY' | tee -a "$OUT"
import statistics, sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l[0].isdigit()]
r = [float(x[4]) for x in rows]
print(f"\nB/A CPU per request: median {statistics.median(r):.3f} [{min(r):.3f}–{max(r):.3f}] over {len(r)} windows")
last = {}
for x in rows:
    last[x[0]] = x  # the round's last window holds its peak
print("peak RSS MiB per round, A: " + " ".join(x[7] for x in last.values())
      + "; B: " + " ".join(x[8] for x in last.values()))
PY
echo "# raw: $OUT"
