#!/usr/bin/env bash
# Builds the data plane and runs the shared benchmark harness with Aralez as the custom target,
# pinned to one core next to nginx, HAProxy and Caddy; results land in bench/results-*.md.
# Needs root and: apt-get install -y nginx haproxy caddy wrk nghttp2-client openssl curl procps time
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."
./mvnw -B -q -pl dataplane -am package -DskipTests
# On Java 25+ the launcher starts from an AOT cache when one was trained for this build: train it,
# as a deployment would once after installing (README, "Command line"). ARALEZ_BENCH_AOT=0 skips it
# (and an existing cache is then still used: ARALEZ_AOT_CACHE=off measures without one).
if [ "${ARALEZ_BENCH_AOT:-1}" = 1 ]; then
  JAVA_HOME=${ARALEZ_BENCH_JAVA_HOME:-${JAVA_HOME:-}} bin/aralez --train-aot \
    || echo "bench/run.sh: no AOT cache trained (it needs Java 25+); measuring without" >&2
fi
export CUSTOM_NAME=aralez CUSTOM_PORT=19004 CUSTOM_TLS_PORT=19404
export CUSTOM_CMD="$HERE/aralez-custom.sh"
export WARMUP="${WARMUP:-30}" READY_TIMEOUT="${READY_TIMEOUT:-60}" OUT_DIR="${OUT_DIR:-$HERE}"
exec "$HERE/../../shared/bench/run.sh"
