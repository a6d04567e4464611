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
# shellcheck source=lib/same-run.sh
. "$HERE/lib/same-run.sh"
same_run_setup
{ nginx_preamble backend; cat <<EOF
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
      return 200 "$BACKEND_BODY";
    }
  }
}
EOF
} >"$WORK/backend/nginx.conf"
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

trap same_run_cleanup EXIT

measure() { # <test> <target> <port> <proxy pid>
  local before after res reqs dur_us p99_us errs
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$WORK/browser.lua" "http://127.0.0.1:$3/" >/dev/null 2>&1
  before=$(cpu_ticks "$4")
  res=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/browser.lua" "http://127.0.0.1:$3/" | grep BENCHRESULT)
  after=$(cpu_ticks "$4")
  read -r _ reqs dur_us p99_us errs <<<"$res"
  echo "$(awk -v r="$reqs" -v d="$dur_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }') $(cpu_per_request "$before" "$after" "$reqs") $(awk -v p="$p99_us" 'BEGIN { printf "%.2f", p / 1000 }') $errs"
}
same_run_main browser
