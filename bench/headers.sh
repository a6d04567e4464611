#!/usr/bin/env bash
# HTTP/1.1 keep-alive with a browser's request (~1 KB of headers: cookies, client hints, Accept*)
# and an application's response (13 headers: caching, security, Set-Cookie): the cost per header
# that the shared harness's bare wrk requests do not show. Same layout as ../shared/bench/run.sh:
# each proxy pinned to CPU 0 with one worker, wrk and the nginx backends on CPU 1, nginx as the
# reference in the same run, targets rotated every rep.
#   bench/headers.sh                          # nginx + Aralez (this checkout), 3 reps
#   ARALEZ_B=/path/to/other/checkout TARGETS="nginx aralez aralez-b" bench/headers.sh   # A/B
# Knobs: REPS=3 DURATION=8 WARMUP=30 CONNS=50 TARGETS="nginx aralez [haproxy] [aralez-b]".
# Needs root and: apt-get install -y nginx haproxy wrk; a built checkout (bin/aralez builds it).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-3} DURATION=${DURATION:-8} WARMUP=${WARMUP:-30} CONNS=${CONNS:-50}
TARGETS=${TARGETS:-nginx aralez}
WORK=${WORK:-/tmp/aralez-headers-bench}
STAMP=$(date +%Y-%m-%d_%H%M%S)
OUT="$HERE/headers-$STAMP.md"
declare -A PORT=([nginx]=19101 [haproxy]=19102 [aralez]=19104 [aralez-b]=19105)
declare -A HOME_OF=([aralez]="$HERE/.." [aralez-b]="${ARALEZ_B:-}")
rm -rf "$WORK" && mkdir -p "$WORK"/{backend,nginx,haproxy,aralez,aralez-b,tmp}
taskset -pc 1 $$ >/dev/null

body=$(printf 'ok backend %s' "$(head -c 89 /dev/zero | tr '\0' x)")
cat >"$WORK/backend/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/backend/nginx.pid; error_log $WORK/backend/error.log warn;
events { worker_connections 8000; }
http {
  access_log off; keepalive_requests 100000000; keepalive_timeout 300s;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  default_type "text/html; charset=utf-8";
  server {
    listen 127.0.0.1:18181 backlog=4096;
    location / {
      add_header Cache-Control "private, max-age=0, must-revalidate";
      add_header ETag 'W/"5d8-18c7a3f2b41"';
      add_header Vary "Accept-Encoding, Cookie";
      add_header Strict-Transport-Security "max-age=31536000; includeSubDomains";
      add_header X-Content-Type-Options nosniff;
      add_header X-Frame-Options SAMEORIGIN;
      add_header Referrer-Policy strict-origin-when-cross-origin;
      add_header Set-Cookie "session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dGVzdA; Path=/; HttpOnly; Secure; SameSite=Lax";
      return 200 "$body";
    }
  }
}
EOF
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log warn;
events { worker_connections 8000; }
http {
  access_log off; keepalive_requests 100000000; keepalive_timeout 300s;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  upstream backends { server 127.0.0.1:18181; keepalive 512; keepalive_requests 100000000; }
  server {
    listen 127.0.0.1:${PORT[nginx]} backlog=4096;
    location / {
      proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP \$remote_addr;
    }
  }
}
EOF
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

cat >"$WORK/browser.lua" <<'EOF'
wrk.headers["Connection"] = "keep-alive"
wrk.headers["sec-ch-ua"] = '"Chromium";v="131", "Not_A Brand";v="24"'
wrk.headers["sec-ch-ua-mobile"] = "?0"
wrk.headers["sec-ch-ua-platform"] = '"Linux"'
wrk.headers["Upgrade-Insecure-Requests"] = "1"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.headers["Sec-Fetch-Mode"] = "navigate"
wrk.headers["Sec-Fetch-User"] = "?1"
wrk.headers["Sec-Fetch-Dest"] = "document"
wrk.headers["Referer"] = "https://shop.example.com/api/items?page=3&sort=price"
wrk.headers["Accept-Encoding"] = "gzip, deflate, br, zstd"
wrk.headers["Accept-Language"] = "en-GB,en-US;q=0.9,en;q=0.8,de;q=0.7"
wrk.headers["Cookie"] = "_ga=GA1.1.1234567890.1733300000; _ga_ABCDEF1234=GS1.1.1733300000.4.1.1733300500.0.0.0; session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c; theme=dark; consent=necessary%2Canalytics; cart=7f3a9c1e-5b2d-4e8f-a1c3-9d7e6f5a4b3c"
wrk.headers["If-None-Match"] = 'W/"5d8-18c7a3f2b40"'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCHRESULT %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
EOF

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
taskset -c 1 nginx -p "$WORK/backend" -c "$WORK/backend/nginx.conf" -e "$WORK/backend/error.log" &
PIDS+=($!)

start() { # start <target> -> prints the proxy's pid
  case "$1" in
    nginx) taskset -c 0 nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" >/dev/null 2>&1 & ;;
    haproxy) taskset -c 0 haproxy -f "$WORK/haproxy/haproxy.cfg" >/dev/null 2>&1 & ;;
    aralez | aralez-b)
      ARALEZ_NO_PRIVDROP=1 taskset -c 0 "${HOME_OF[$1]}/bin/aralez" -c "$WORK/$1/main.yaml" >"$WORK/$1/out.log" 2>&1 & ;;
  esac
  echo $!
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
proxy_pid() { # the process that owns the listening socket (nginx: its worker)
  local p=$1; pgrep -P "$p" -n 2>/dev/null || echo "$p"
}

hz=$(getconf CLK_TCK)
for rep in $(seq 1 "$REPS"); do
  read -r -a order <<<"$TARGETS"
  n=${#order[@]}
  shift_by=$(((rep - 1) % n))
  order=("${order[@]:$shift_by}" "${order[@]:0:$shift_by}")
  nginx_rps=""
  for t in "${order[@]}"; do
    pid=$(start "$t")
    for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:${PORT[$t]}/" && break; sleep 0.5; done
    taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$WORK/browser.lua" "http://127.0.0.1:${PORT[$t]}/" >/dev/null 2>&1
    ppid=$(proxy_pid "$pid")
    before=$(cpu_ticks "$ppid")
    res=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/browser.lua" "http://127.0.0.1:${PORT[$t]}/" | grep BENCHRESULT)
    after=$(cpu_ticks "$ppid")
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    read -r _ reqs dur_us p99_us errs <<<"$res"
    rps=$(awk -v r="$reqs" -v d="$dur_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    cpu=$(awk -v a="$after" -v b="$before" -v r="$reqs" -v hz="$hz" 'BEGIN { printf "%.1f", (a - b) / hz * 1e6 / r }')
    [[ "$t" == nginx ]] && nginx_rps=$rps
    echo "$rep $t $rps $cpu $(awk -v p="$p99_us" 'BEGIN { printf "%.2f", p / 1000 }') $errs" >>"$WORK/rows"
    echo "rep $rep $t: $rps req/s, $cpu µs CPU/req, p99 $((p99_us / 1000)) ms, errors $errs" >&2
  done
done

# Ratios against nginx in the same rep, then medians per target.
python3 - "$WORK/rows" "$TARGETS" >"$OUT" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {(r[0], r[1]): r for r in rows}
reps = sorted({r[0] for r in rows})
print("| target | req/s (median) | ×nginx [per-rep] | CPU µs/req ×nginx | p99 ×nginx | errors |")
print("|---|---:|---:|---:|---:|---:|")
for t in sys.argv[2].split():
    rs = [by[r, t] for r in reps]
    ns = [by[r, "nginx"] for r in reps]
    q = sorted(float(a[2]) / float(b[2]) for a, b in zip(rs, ns))
    c = statistics.median(float(a[3]) / float(b[3]) for a, b in zip(rs, ns))
    l = statistics.median(float(a[4]) / max(float(b[4]), 0.001) for a, b in zip(rs, ns))
    print(f"| {t} | {statistics.median(float(a[2]) for a in rs):.0f} | {statistics.median(q):.2f} "
          f"[{q[0]:.2f}–{q[-1]:.2f}] | {c:.2f} | {l:.2f} | {sum(int(a[5]) for a in rs)} |")
PY
{ echo; echo "Per rep (rep, target, req/s, CPU µs/req, p99 ms, errors):"; echo; sed 's/^/    /' "$WORK/rows"; } >>"$OUT"
cat "$OUT"
