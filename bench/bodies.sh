#!/usr/bin/env bash
# HTTP/1.1 keep-alive with 1 MiB responses: what the shared harness's 100-byte bodies do not show
# (copying or not copying bodies, backpressure between a fast backend and the client, memory held
# per connection). Two tests, the same file from the nginx backend:
#   1mib-length   Content-Length response (nginx sends the file with sendfile)
#   1mib-chunked  the same bytes as a chunked stream (no length known up front)
# Same layout as ../shared/bench/run.sh (bench/lib/same-run.sh): each proxy pinned to CPU 0 with
# one worker, wrk and the backend on CPU 1, nginx as the reference in the same run, rotated. nginx
# proxies with `proxy_buffering off`, ingress-nginx's default, so it streams as the others do.
# Every target must return the file byte for byte (sha256 checked before each measurement).
#   bench/bodies.sh                                  # nginx + Aralez, 3 reps
#   TARGETS="nginx haproxy aralez" bench/bodies.sh
#   ARALEZ_B=/path/to/other/checkout TARGETS="nginx aralez aralez-b" bench/bodies.sh   # A/B
# Knobs: REPS=3 DURATION=8 WARMUP=15 CONNS=50 TESTS="1mib-length 1mib-chunked".
# Needs root and: apt-get install -y nginx haproxy wrk curl; a built checkout.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-3} DURATION=${DURATION:-8} WARMUP=${WARMUP:-15} CONNS=${CONNS:-50}
TARGETS=${TARGETS:-nginx aralez}
TESTS=${TESTS:-1mib-length 1mib-chunked}
WORK=${WORK:-/tmp/aralez-bodies-bench}
NGINX_LOCATION_EXTRA="proxy_buffering off;"
# shellcheck source=lib/same-run.sh
. "$HERE/lib/same-run.sh"
same_run_setup

mkdir -p "$WORK/backend/www"
head -c $((1024 * 1024)) /dev/urandom >"$WORK/backend/www/file"
SUM=$(sha256sum <"$WORK/backend/www/file" | cut -d' ' -f1)
# /1mib-chunked: sub_filter makes the length unknown, so nginx streams the same file chunked.
{ nginx_preamble backend; cat <<EOF
  sendfile on;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:18181 backlog=4096;
    root $WORK/backend/www;
    location = / { return 200 "ok"; }
    location = /1mib-length { try_files /file =404; }
    location = /1mib-chunked { try_files /file =404; sub_filter_types *; sub_filter "&never&" ""; }
  }
}
EOF
} >"$WORK/backend/nginx.conf"

cat >"$WORK/result.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCHRESULT %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout, summary.bytes))
end
EOF
trap same_run_cleanup EXIT

measure() { # <test> <target> <port> <proxy pid>
  local before after res reqs dur_us p99_us errs bytes got
  got=$(curl -sS --raw -D "$WORK/headers.txt" "http://127.0.0.1:$3/$1" | sha256sum | cut -d' ' -f1)
  # --raw keeps chunk framing: compare the decoded body for the chunked test.
  if [[ $1 == 1mib-chunked ]]; then got=$(curl -sS "http://127.0.0.1:$3/$1" | sha256sum | cut -d' ' -f1); fi
  if [[ $got != "$SUM" ]]; then
    echo "$2 returned a different body for /$1 ($(head -1 "$WORK/headers.txt"))" >&2
    echo "0 0 0 1"
    return
  fi
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$3/$1" >/dev/null 2>&1
  before=$(cpu_ticks "$4")
  res=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$WORK/result.lua" "http://127.0.0.1:$3/$1" | grep BENCHRESULT)
  after=$(cpu_ticks "$4")
  read -r _ reqs dur_us p99_us errs bytes <<<"$res"
  # Fewer bytes than a full file per request means truncated responses: count them as errors.
  if ((bytes < reqs * 1048576)); then errs=$((errs + (reqs * 1048576 - bytes + 1048575) / 1048576)); fi
  echo "$(awk -v r="$reqs" -v d="$dur_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }') $(cpu_per_request "$before" "$after" "$reqs") $(awk -v p="$p99_us" 'BEGIN { printf "%.2f", p / 1000 }') $errs"
}
# shellcheck disable=SC2086
same_run_main $TESTS
