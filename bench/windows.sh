#!/usr/bin/env bash
# JVM options A/B, window by window: what the shared harness cannot show because it measures one
# window right after its warm-up. Each run starts a fresh bin/aralez pinned to CPU 0 (one event
# loop), loads it for WARMUP seconds, then measures WINDOWS windows of DURATION seconds each, every
# window a new load-generator run (so each starts with fresh connections and ends by closing them,
# as the harness's warm-up does). Per window it prints req/s, p99 (wrk's; for HTTP/2 read from
# h2load's per-request log, kept as $WORK/aralez/w<n>.txt.log for a timeline), the proxy's CPU per
# request, the CPU its C2 compiler threads used and the process's peak RSS so far: the
# first-window deoptimisation storm shows as C2 time in window 1, its cost as the gap between
# window 1 and the later ones. Variants alternate
# (A B, then B A) so drift on a shared host falls on both.
#   OPTS_B="-XX:PerMethodTrapLimit=0" bench/windows.sh            # HTTP/1.1 keep-alive, 50 conns
#   TEST=h2 OPTS_B="-XX:PerMethodTrapLimit=0" REPS=4 bench/windows.sh   # HTTP/2 over TLS, 50 x 10
#   TEST=h1-close OPTS_B="-Daralez.transport=io_uring" bench/windows.sh  # a new connection per request
# Knobs: TEST=h1|h1-close|h2 REPS=3 WINDOWS=4 DURATION=8 WARMUP=30 CONNS=50 (HTTP/1.1) OPTS_A="" OPTS_B="" (appended to the
# launcher's own JVM flags), PRELUDE_A="" PRELUDE_B="" (a shell command run against the fresh
# process before its warm-up, e.g. connections that open and close), ARALEZ_B="" (another built
# checkout that variant B runs instead of this one: a build A/B, e.g.
# `git worktree add /tmp/old HEAD~3 && (cd /tmp/old && ./mvnw -q package -DskipTests)`),
# JAVA_A="" JAVA_B="" (the JDK each variant's launcher runs on, e.g. /usr/lib/jvm/temurin-25-jdk-amd64),
# ENV_A="" ENV_B="" (environment for the variant's launcher, e.g. ENV_B="ARALEZ_AOT_CACHE=off"),
# NMT=1 (both variants run with -XX:NativeMemoryTracking=summary; after the last window the JVM's
# memory summary goes to $WORK/aralez/<variant>-<rep>-nmt.txt: where the resident set goes).
# Needs root and: apt-get install -y nginx wrk nghttp2-client openssl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TEST=${TEST:-h1} REPS=${REPS:-3} WINDOWS=${WINDOWS:-4} DURATION=${DURATION:-8} WARMUP=${WARMUP:-30}
CONNS=${CONNS:-50}
OPTS_A=${OPTS_A:-} OPTS_B=${OPTS_B:-} PRELUDE_A=${PRELUDE_A:-} PRELUDE_B=${PRELUDE_B:-}
HOME_A=$HERE/.. HOME_B=${ARALEZ_B:-$HERE/..} JAVA_A=${JAVA_A:-} JAVA_B=${JAVA_B:-}
ENV_A=${ENV_A:-} ENV_B=${ENV_B:-} NMT=${NMT:-0}
if [[ $NMT == 1 ]]; then
  OPTS_A="$OPTS_A -XX:NativeMemoryTracking=summary" OPTS_B="$OPTS_B -XX:NativeMemoryTracking=summary"
fi
WORK=${WORK:-/tmp/aralez-windows-bench}
STAMP=$(date +%Y-%m-%d_%H%M%S)
OUT="${OUT:-$WORK/windows-$TEST-$STAMP.tsv}"
rm -rf "$WORK/backend" "$WORK/aralez" && mkdir -p "$WORK"/{backend,aralez,tmp}
taskset -pc 1 $$ >/dev/null
# For nginx_preamble, cpu_ticks, HZ, bench_cert and h2_load (its same-run functions are not used
# here).
# shellcheck source=lib/same-run.sh
. "$HERE/lib/same-run.sh"

bench_cert "$WORK"
body=$(printf 'ok backend %s' "$(head -c 89 /dev/zero | tr '\0' x)")
{
  nginx_preamble backend
  echo "  default_type text/plain;"
  for p in 18081 18082 18083; do echo "  server { listen 127.0.0.1:$p backlog=4096; location / { return 200 \"$body\"; } }"; done
  echo "}"
} >"$WORK/backend/nginx.conf"
taskset -c 1 nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -e "$WORK/backend/error.log" &
BACKEND=$!
PROXY=""
cleanup() {
  [[ -n "$PROXY" ]] && kill "$PROXY" 2>/dev/null || true
  kill "$BACKEND" 2>/dev/null || true
}
trap cleanup EXIT

# CPU ticks of the process's C2 compiler threads (cpu_ticks: the whole process).
c2_ticks() {
  local t sum=0
  for t in /proc/"$1"/task/*; do
    if grep -q '^C2 Compiler' "$t/comm" 2>/dev/null; then
      sum=$((sum + $(awk '{print $14 + $15}' "$t/stat")))
    fi
  done
  echo "$sum"
}

# load <seconds> <outfile> -> "requests rps p99_ms"
load() {
  if [[ $TEST == h2 ]]; then
    h2_load "$1" 19444 "$2" "$2.log"
    awk -v p99="$(h2_p99_ms "$2.log")" '/^requests:/ {n = $8} /^finished in/ {r = $4}
      END {printf "%d %.0f %s\n", n, r, p99}' "$2"
  else
    local close=()
    if [[ $TEST == h1-close ]]; then close=(-H "Connection: close"); fi
    taskset -c 1 wrk -t1 -c"$CONNS" -d"${1}s" --latency "${close[@]}" http://127.0.0.1:19044/ >"$2" 2>&1
    awk '/Requests\/sec/ {r = $2} /requests in/ {n = $1}
         / 99%/ {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)}
                 else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}; p = v}
         END {printf "%d %.0f %.2f\n", n, r, p}' "$2"
  fi
}

run_variant() { # <name> <extra JVM options> <prelude command> <checkout> <JDK or ""> <env or "">
  local name=$1 opts=$2 prelude=$3 home=$4 w before c2before after c2after res
  export ARALEZ_BENCH_JAVA_HOME=$5
  export BENCH_BACKENDS="127.0.0.1:18081,127.0.0.1:18082,127.0.0.1:18083" BENCH_CERT="$WORK/bench.crt"
  export BENCH_KEY="$WORK/bench.key" BENCH_WORKERS=1 BENCH_PORT=19044 BENCH_TLS_PORT=19444
  export BENCH_WORKDIR="$WORK/aralez" ARALEZ_BENCH_EXTRA_OPTS="$opts"
  # shellcheck disable=SC2086
  taskset -c 0 env $6 "$home/bench/aralez-custom.sh" >"$WORK/aralez/$name.log" 2>&1 &
  PROXY=$!
  for _ in $(seq 100); do curl -fsS -o /dev/null http://127.0.0.1:19044/ 2>/dev/null && break; sleep 0.2; done
  local java
  java=$(pgrep -P "$PROXY" java || echo "$PROXY")
  if [[ -n "$prelude" ]]; then taskset -c 1 bash -c "$prelude" >/dev/null 2>&1; fi
  load "$WARMUP" "$WORK/aralez/warmup.txt" >/dev/null
  for w in $(seq "$WINDOWS"); do
    before=$(cpu_ticks "$java") c2before=$(c2_ticks "$java")
    res=$(load "$DURATION" "$WORK/aralez/w$w.txt")
    after=$(cpu_ticks "$java") c2after=$(c2_ticks "$java")
    read -r n rps p99 <<<"$res"
    printf '%s\t%s\t%d\t%s\t%s\t%.1f\t%d\t%d\n' "$name" "$rep" "$w" "$rps" "$p99" \
      "$(echo "($after - $before) * 1000000 / $HZ / ($n + 1)" | bc -l)" \
      $(((c2after - c2before) * 1000 / HZ)) \
      "$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$java/status")" | tee -a "$OUT"
  done
  if [[ $NMT == 1 ]]; then
    "$(dirname "$(readlink -f "/proc/$java/exe")")/jcmd" "$java" VM.native_memory summary \
      >"$WORK/aralez/$name-$rep-nmt.txt" 2>&1 || true
    grep -E '^VmRSS|^VmHWM|^RssAnon|^RssFile' "/proc/$java/status" >>"$WORK/aralez/$name-$rep-nmt.txt"
  fi
  kill "$PROXY" 2>/dev/null; wait "$PROXY" 2>/dev/null || true
  PROXY=""
  sleep 1
}

printf 'variant\trep\twindow\treq/s\tp99_ms\tcpu_us/req\tC2_ms\tpeak_rss_MiB\n' | tee "$OUT"
echo "# TEST=$TEST A=[$OPTS_A|$PRELUDE_A|$HOME_A|$JAVA_A|$ENV_A] B=[$OPTS_B|$PRELUDE_B|$HOME_B|$JAVA_B|$ENV_B] warm-up ${WARMUP}s, ${WINDOWS} x ${DURATION}s windows" >&2
for rep in $(seq "$REPS"); do
  if ((rep % 2)); then run_variant A "$OPTS_A" "$PRELUDE_A" "$HOME_A" "$JAVA_A" "$ENV_A"; run_variant B "$OPTS_B" "$PRELUDE_B" "$HOME_B" "$JAVA_B" "$ENV_B"
  else run_variant B "$OPTS_B" "$PRELUDE_B" "$HOME_B" "$JAVA_B" "$ENV_B"; run_variant A "$OPTS_A" "$PRELUDE_A" "$HOME_A" "$JAVA_A" "$ENV_A"; fi
done
# Medians per variant and window.
awk -F'\t' 'NR > 1 {k = $1 "\t" $3; rps[k] = rps[k] " " $4; p99[k] = p99[k] " " $5; cpu[k] = cpu[k] " " $6; c2[k] = c2[k] " " $7}
  function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
      if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { print "\nmedians\tvariant\twindow\treq/s\tp99_ms\tcpu_us/req\tC2_ms"
        for (k in rps) print "median\t" k "\t" med(rps[k]) "\t" med(p99[k]) "\t" med(cpu[k]) "\t" med(c2[k]) | "sort" }' "$OUT"
echo "# raw: $OUT" >&2
