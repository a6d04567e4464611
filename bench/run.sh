#!/usr/bin/env bash
# Builds the data plane and runs the shared benchmark harness with Aralez as the custom target,
# pinned to one core next to nginx, HAProxy and Caddy; results land in bench/results-*.md.
# Needs root and: apt-get install -y nginx haproxy caddy wrk nghttp2-client openssl curl procps time
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."
# On Java 25+ the launcher starts from an AOT cache when one was trained for this build: train it,
# as a deployment would once after installing (README, "Command line"). ARALEZ_BENCH_AOT=0 neither
# builds nor trains: it measures the jar and cache as they are (packaging rewrites the jar even
# when nothing changed, and the launcher ignores a cache older than its jar, which would measure
# without it and say so only in the proxy's log). ARALEZ_AOT_CACHE=off measures without a cache.
if [ "${ARALEZ_BENCH_AOT:-1}" = 1 ]; then
  ./mvnw -B -q -pl dataplane -am package -DskipTests
  JAVA_HOME=${ARALEZ_BENCH_JAVA_HOME:-${JAVA_HOME:-}} bin/aralez --train-aot \
    || echo "bench/run.sh: no AOT cache trained (it needs Java 25+); measuring without" >&2
else
  jar=dataplane/target/aralez-dataplane.jar
  if [ ! -f "$jar" ]; then
    echo "bench/run.sh: ARALEZ_BENCH_AOT=0 measures what is built, and $jar is not" >&2
    exit 1
  fi
  if [ -z "${ARALEZ_AOT_CACHE:-}" ]; then
    for cache in dataplane/target/aralez-jdk-*.aot; do
      if [ -f "$cache" ] && ! [ "$cache" -nt "$jar" ]; then
        echo "bench/run.sh: $cache is older than $jar, so the proxy would run without it;" \
          "train it (leave ARALEZ_BENCH_AOT unset) or measure without one (ARALEZ_AOT_CACHE=off)" >&2
        exit 1
      fi
    done
  fi
fi
export CUSTOM_NAME=aralez CUSTOM_PORT=19004 CUSTOM_TLS_PORT=19404
export CUSTOM_CMD="$HERE/aralez-custom.sh"
export WARMUP="${WARMUP:-30}" READY_TIMEOUT="${READY_TIMEOUT:-60}" OUT_DIR="${OUT_DIR:-$HERE}"
exec "$HERE/../../shared/bench/run.sh"
