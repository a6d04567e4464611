#!/usr/bin/env bash
# Builds the data plane and runs the shared benchmark harness with Aralez as the custom target,
# pinned to one core next to nginx, HAProxy and Caddy; results land in bench/results-*.md.
# Needs root and: apt-get install -y nginx haproxy caddy wrk nghttp2-client openssl curl procps time
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."
./mvnw -B -q -pl dataplane -am package -DskipTests
export CUSTOM_NAME=aralez CUSTOM_PORT=19004 CUSTOM_TLS_PORT=19404
export CUSTOM_CMD="$HERE/aralez-custom.sh"
export WARMUP="${WARMUP:-30}" READY_TIMEOUT="${READY_TIMEOUT:-60}" OUT_DIR="${OUT_DIR:-$HERE}"
exec "$HERE/../../shared/bench/run.sh"
