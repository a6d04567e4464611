#!/usr/bin/env bash
# The shared harness's CUSTOM_CMD for Aralez: builds main.yaml + upstreams.yaml from the BENCH_*
# variables the harness sets, then runs the packaged data plane in the foreground.
set -euo pipefail
APP_HOME=$(cd "$(dirname "$0")/.." && pwd)
W="${BENCH_WORKDIR:-/tmp/aralez-bench}/aralez-$$"
mkdir -p "$W/certs"
cp "$BENCH_CERT" "$W/certs/bench.crt"
cp "$BENCH_KEY" "$W/certs/bench.key"

servers=$(echo "$BENCH_BACKENDS" | sed 's/\([^,]*\)/"\1"/g')
cat > "$W/upstreams.yaml" <<YAML
provider: file
DEFAULT:
  paths:
    "/":
      healthcheck: false
      servers: [$servers]
YAML

{
  echo "threads: ${BENCH_WORKERS:-1}"
  echo "proxy_address_http: 127.0.0.1:$BENCH_PORT"
  if [ -n "${BENCH_TLS_PORT:-}" ]; then
    echo "proxy_address_tls: 127.0.0.1:$BENCH_TLS_PORT"
    echo "proxy_certificates: certs"
  fi
  echo "upstreams_conf: upstreams.yaml"
  echo "log_level: warn"
  echo "upstream_keepalive_pool_size: 512"
  echo "client_keepalive_timeout: 300s"
  echo "upstream_read_timeout: 300s"
  echo "upstream_idle_timeout: 300s"
} > "$W/main.yaml"

exec java ${ARALEZ_BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms256m -Xmx256m -XX:MaxDirectMemorySize=128m} \
  -jar "$APP_HOME/dataplane/target/aralez-dataplane.jar" -c "$W/main.yaml"
