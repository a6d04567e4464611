#!/usr/bin/env bash
# User and kernel CPU per request of each proxy, HTTP/1.1 keep-alive (the shared harness's bare
# request, 50 connections): how much of a request's cost is the kernel's, which no user-space work
# can take away. Same layout as ../shared/bench/run.sh (proxy pinned to CPU 0 with one worker, wrk
# and the nginx backend on CPU 1, nginx in the same run, targets rotated); the proxy's utime and
# stime from /proc/<pid>/stat around the measured window, and what the load side (CPU 1: wrk, the
# backend) spent per request, with the TCP segments each request took on the machine.
#   bench/cpu-split.sh                        # nginx + Aralez, 3 reps
# Knobs: REPS=3 DURATION=8 WARMUP=30 CONNS=50 TARGETS="nginx aralez [haproxy] [aralez-b]".
# Needs root and: apt-get install -y nginx haproxy wrk; a built checkout (bin/aralez builds it).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-3} DURATION=${DURATION:-8} WARMUP=${WARMUP:-30} CONNS=${CONNS:-50}
TARGETS=${TARGETS:-nginx aralez}
WORK=${WORK:-/tmp/aralez-cpu-split-bench}
# shellcheck source=lib/same-run.sh
. "$HERE/lib/same-run.sh"
same_run_setup
{ nginx_preamble backend; cat <<EOF
  server {
    listen 127.0.0.1:18181 backlog=4096;
    location / { return 200 "$BACKEND_BODY"; }
  }
}
EOF
} >"$WORK/backend/nginx.conf"
trap same_run_cleanup EXIT
: >"$WORK/split"

ticks() { awk -v f="$2" '{print $f}' "/proc/$1/stat"; } # 14: user, 15: kernel
# CPU 1's busy ticks (all it ran: wrk, the backend, their kernel work and interrupts).
load_cpu_ticks() { awk '$1 == "cpu1" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# TCP segments sent on the machine (all of them are on loopback here).
out_segments() { awk '$1 == "Tcp:" && $2 ~ /^[0-9]/ {print $12}' /proc/net/snmp; }

measure() { # <test> <target> <port> <proxy pid>
  local u0 k0 u1 k1 l0 l1 b0 b1 s0 s1 out reqs rps p99 errs backend
  backend=$(proxy_pid "$SAME_RUN_BACKEND")
  taskset -c 1 wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$3/" >/dev/null 2>&1
  u0=$(ticks "$4" 14) k0=$(ticks "$4" 15) l0=$(load_cpu_ticks) b0=$(cpu_ticks "$backend") s0=$(out_segments)
  out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$3/")
  u1=$(ticks "$4" 14) k1=$(ticks "$4" 15) l1=$(load_cpu_ticks) b1=$(cpu_ticks "$backend") s1=$(out_segments)
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' <<<"$out")
  echo "$2 $(cpu_per_request "$u0" "$u1" "$reqs") $(cpu_per_request "$k0" "$k1" "$reqs")" \
    "$(cpu_per_request "$l0" "$l1" "$reqs") $(cpu_per_request "$b0" "$b1" "$reqs")" \
    "$(awk -v a="$s0" -v b="$s1" -v r="$reqs" 'BEGIN { printf "%.2f", (b - a) / (r > 0 ? r : 1) }')" >>"$WORK/split"
  errs=$(awk '/Socket errors/ {gsub(/,/, ""); e += $4 + $6 + $8 + $10} /Non-2xx/ {e += $NF} END {print e + 0}' <<<"$out")
  echo "$rps $(cpu_per_request "$((u0 + k0))" "$((u1 + k1))" "$reqs") $p99 $errs"
}
same_run_main h1-ka-c50
{
  echo
  echo "User and kernel CPU µs per request (median over reps; range):"
  echo
  python3 - "$WORK/split" "$TARGETS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def col(t, i):
    return sorted(float(r[i]) for r in rows if r[0] == t)
def cell(v):
    return f"{statistics.median(v):.2f} [{v[0]:.2f}–{v[-1]:.2f}]"
print("| target | user µs/req | kernel µs/req | total |")
print("|---|---:|---:|---:|")
for t in sys.argv[2].split():
    u, k = col(t, 1), col(t, 2)
    s = sorted(float(r[1]) + float(r[2]) for r in rows if r[0] == t)
    print(f"| {t} | {cell(u)} | {cell(k)} | {statistics.median(s):.2f} |")
# The other side of each request: what CPU 1 (wrk and the backend) spent on it. With the proxy
# below 100% of CPU 0, CPU 1 is what caps req/s.
print()
print("Load side per request (median over reps; range): CPU 1 busy µs (wrk, backend, kernel),")
print("the backend nginx worker's µs, TCP segments sent on the machine:")
print()
print("| target | CPU 1 µs/req | backend µs/req | segments/req |")
print("|---|---:|---:|---:|")
for t in sys.argv[2].split():
    print(f"| {t} | {cell(col(t, 3))} | {cell(col(t, 4))} | {cell(col(t, 5))} |")
PY
} | tee -a "$OUT"
