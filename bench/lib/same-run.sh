# Sourced by bench/headers.sh and bench/bodies.sh: the layout of ../shared/bench/run.sh for tests
# it does not have. Each proxy is pinned to CPU 0 with one worker, wrk and the nginx backend
# (127.0.0.1:18181, written by the caller) to CPU 1; nginx is the reference in the same run and
# the targets are rotated every rep. The caller sets WORK, TARGETS, REPS, WARMUP, DURATION, CONNS,
# ARALEZ_B (optional) and NGINX_LOCATION_EXTRA (directives added to nginx's proxy location), writes
# $WORK/backend/nginx.conf, defines `measure <test> <target> <port> <proxy pid>` printing
# "rps cpu_us_per_request p99_ms errors", then calls `same_run_main <tests...>`.

declare -A PORT=([nginx]=19101 [haproxy]=19102 [aralez]=19104 [aralez-b]=19105)
declare -A HOME_OF=([aralez]="$HERE/.." [aralez-b]="${ARALEZ_B:-}")
HZ=$(getconf CLK_TCK)

# The results file, bench/<script>-<date>.md, and the backend's answer in the small-request tests
# (100 bytes, as the shared harness's backends send).
OUT=$HERE/$(basename "$0" .sh)-$(date +%Y-%m-%d_%H%M%S).md
BACKEND_BODY=$(printf 'ok backend %s' "$(head -c 89 /dev/zero | tr '\0' x)")

# The opening of an nginx.conf for $WORK/<dir>: one worker, no access log, long keep-alive, the
# temp paths in $WORK/tmp, and an open `http {` block.
nginx_preamble() {
  cat <<EOF
worker_processes 1; daemon off; pid $WORK/$1/nginx.pid; error_log $WORK/$1/error.log warn;
events { worker_connections 8000; }
http {
  access_log off; keepalive_requests 100000000; keepalive_timeout 300s;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
EOF
}

same_run_setup() {
  rm -rf "$WORK" && mkdir -p "$WORK"/{backend,nginx,haproxy,aralez,aralez-b,tmp}
  taskset -pc 1 $$ >/dev/null
  { nginx_preamble nginx; cat <<EOF
  upstream backends { server 127.0.0.1:18181; keepalive 512; keepalive_requests 100000000; }
  server {
    listen 127.0.0.1:${PORT[nginx]} backlog=4096;
    location / {
      proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP \$remote_addr;
      ${NGINX_LOCATION_EXTRA:-}
    }
  }
}
EOF
  } >"$WORK/nginx/nginx.conf"
  cat >"$WORK/haproxy/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s
  http-reuse always
frontend fe
  bind 127.0.0.1:${PORT[haproxy]}
  option forwardfor
  default_backend be
backend be
  server b1 127.0.0.1:18181
EOF
  local t
  for t in aralez aralez-b; do
    cat >"$WORK/$t/upstreams.yaml" <<EOF
provider: file
DEFAULT:
  paths:
    "/":
      healthcheck: false
      servers: ["127.0.0.1:18181"]
EOF
    cat >"$WORK/$t/main.yaml" <<EOF
threads: 1
proxy_address_http: 127.0.0.1:${PORT[$t]}
upstreams_conf: upstreams.yaml
log_level: warn
upstream_keepalive_pool_size: 512
client_keepalive_timeout: 300s
upstream_read_timeout: 300s
upstream_idle_timeout: 300s
EOF
  done
}

SAME_RUN_PIDS=()
same_run_cleanup() {
  local p
  for p in "${SAME_RUN_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

start_target() { # <target> -> prints the pid of what it started
  case "$1" in
    nginx) taskset -c 0 nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" >/dev/null 2>&1 & ;;
    haproxy) taskset -c 0 haproxy -f "$WORK/haproxy/haproxy.cfg" >/dev/null 2>&1 & ;;
    aralez | aralez-b)
      ARALEZ_NO_PRIVDROP=1 taskset -c 0 "${HOME_OF[$1]}/bin/aralez" -c "$WORK/$1/main.yaml" >"$WORK/$1/out.log" 2>&1 & ;;
  esac
  echo $!
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# A self-signed EC certificate for localhost and 127.0.0.1: <dir>/bench.crt + bench.key, kept
# when already there.
bench_cert() {
  if [[ ! -s "$1/bench.crt" ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1/bench.key" \
      -out "$1/bench.crt" -days 3650 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1
  fi
}
# The shared harness's HTTP/2 load: h2load on CPU 1, 50 connections x 10 streams, TLS 1.3 with
# AES-128-GCM. <seconds> <TLS port> <output file> [per-request log: h2load's --log-file, one line
# per request: start in µs since the epoch, status, latency in µs]
h2_load() {
  local log=()
  if [[ -n "${4:-}" ]]; then rm -f "$4"; log=(--log-file="$4"); fi
  taskset -c 1 h2load -t1 -c50 -m10 -D "$1" --tls13-ciphers=TLS_AES_128_GCM_SHA256 "${log[@]}" \
    "https://127.0.0.1:$2/" >"$3" 2>&1
}
# p99 in ms of an h2load per-request log (h2load itself prints no percentiles).
h2_p99_ms() { awk '{print $3}' "$1" | sort -n | awk '{a[NR] = $1} END {printf "%.2f", NR ? a[int(NR * 0.99)] / 1000 : 0}'; }
peak_rss_mib() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
proxy_pid() { # the process that owns the listening socket (nginx: its worker)
  local p=$1
  pgrep -P "$p" -n 2>/dev/null || echo "$p"
}
# CPU µs per request between two cpu_ticks readings.
cpu_per_request() { awk -v a="$2" -v b="$1" -v r="$3" -v hz="$HZ" 'BEGIN { printf "%.1f", (a - b) / hz * 1e6 / (r > 0 ? r : 1) }'; }

# Rows: rep test target req/s cpu_us/req p99_ms errors peak_rss_mib
same_run_main() {
  local rep test t n shift_by pid ppid res
  taskset -c 1 nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -e "$WORK/backend/error.log" &
  SAME_RUN_BACKEND=$! # the backend's nginx master, for callers' measure functions
  SAME_RUN_PIDS+=($!)
  for rep in $(seq 1 "$REPS"); do
    for test in "$@"; do
      read -r -a order <<<"$TARGETS"
      n=${#order[@]}
      shift_by=$(((rep - 1) % n))
      order=("${order[@]:$shift_by}" "${order[@]:0:$shift_by}")
      for t in "${order[@]}"; do
        pid=$(start_target "$t")
        for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:${PORT[$t]}/" && break; sleep 0.5; done
        ppid=$(proxy_pid "$pid")
        res=$(measure "$test" "$t" "${PORT[$t]}" "$ppid")
        echo "$rep $test $t $res $(peak_rss_mib "$ppid")" >>"$WORK/rows"
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
        echo "rep $rep $test $t: $res (req/s, µs CPU/req, p99 ms, errors)" >&2
      done
    done
  done
  {
    echo "$(basename "$0") at $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc --all) CPUs"
    echo "proxy pinned to CPU 0 (one worker), wrk -t1 -c$CONNS and the nginx backend on CPU 1; ${WARMUP}s warm-up + ${DURATION}s measured per target, fresh process; $REPS reps, rotated; medians; targets: $TARGETS"
    echo
    same_run_table "$@"
  } >"$OUT"
  { echo; echo "Per rep (rep, test, target, req/s, CPU µs/req, p99 ms, errors, peak RSS MiB):"; echo; sed 's/^/    /' "$WORK/rows"; } >>"$OUT"
  cat "$OUT"
}

# Ratios against nginx in the same rep, then medians per test and target.
same_run_table() {
  python3 - "$WORK/rows" "$TARGETS" "$@" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {(r[0], r[1], r[2]): r for r in rows}
reps = sorted({r[0] for r in rows})
print("| test | target | req/s (median) | ×nginx [per-rep] | CPU µs/req ×nginx | p99 ×nginx | errors | peak RSS MiB |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for test in sys.argv[3:]:
    for t in sys.argv[2].split():
        rs = [by[r, test, t] for r in reps]
        ns = [by[r, test, "nginx"] for r in reps]
        q = sorted(float(a[3]) / float(b[3]) for a, b in zip(rs, ns))
        c = statistics.median(float(a[4]) / float(b[4]) for a, b in zip(rs, ns))
        l = statistics.median(float(a[5]) / max(float(b[5]), 0.001) for a, b in zip(rs, ns))
        rss = max(int(a[7]) for a in rs)
        print(f"| {test} | {t} | {statistics.median(float(a[3]) for a in rs):.0f} | {statistics.median(q):.2f} "
              f"[{q[0]:.2f}–{q[-1]:.2f}] | {c:.2f} | {l:.2f} | {sum(int(a[6]) for a in rs)} | {rss} |")
PY
}
