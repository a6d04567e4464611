#!/usr/bin/env bash
# The shared harness's CUSTOM_CMD for Aralez: builds main.yaml + upstreams.yaml from the BENCH_*
# variables the harness sets, then runs the packaged data plane in the foreground.
set -euo pipefail
APP_HOME=$(cd "$(dirname "$0")/.." && pwd)
W="${BENCH_WORKDIR:-/tmp/aralez-bench}/aralez-$$"
mkdir -p "$W/certs"

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
    cp "$BENCH_CERT" "$W/certs/bench.crt"
    cp "$BENCH_KEY" "$W/certs/bench.key"
    echo "proxy_address_tls: 127.0.0.1:$BENCH_TLS_PORT"
    echo "proxy_certificates: certs"
  fi
  echo "upstreams_conf: upstreams.yaml"
  echo "log_level: warn"
  echo "upstream_keepalive_pool_size: 512"
  echo "client_keepalive_timeout: 300s"
  echo "upstream_read_timeout: 300s"
  echo "upstream_idle_timeout: 300s"
  # ARALEZ_BENCH_WARM_UP=<n>: the start-up warm-up's connections (unset: the default, 30; 0 turns it off),
  # for A/Bs of it with bench/windows.sh (ENV_B="ARALEZ_BENCH_WARM_UP=5000").
  if [ -n "${ARALEZ_BENCH_WARM_UP:-}" ]; then echo "warm_up_connections: $ARALEZ_BENCH_WARM_UP"; fi
} > "$W/main.yaml"

# ARALEZ_BENCH_PROFILE=dir (set by bench/profile.sh): async-profiler records the whole run, warm-up
# included, into a JFR file written when the harness stops the process.
PROFILE_OPTS=""
if [ -n "${ARALEZ_BENCH_PROFILE:-}" ]; then
  PROFILE_OPTS="-agentpath:$ARALEZ_BENCH_AGENT=start,event=${ARALEZ_BENCH_EVENT:-cpu},interval=${ARALEZ_BENCH_INTERVAL:-1ms},file=$ARALEZ_BENCH_PROFILE/aralez-%p.jfr"
fi

# ARALEZ_BENCH_JAVA_OPTS, when set, replaces the launcher's JVM defaults (to compare flags).
if [ -n "${ARALEZ_BENCH_JAVA_OPTS:-}" ]; then export ARALEZ_JAVA_OPTS="$ARALEZ_BENCH_JAVA_OPTS"; fi
# ARALEZ_BENCH_TRANSPORT=io_uring|epoll|nio picks the I/O transport (default: the proxy's own).
TRANSPORT_OPTS=""
if [ -n "${ARALEZ_BENCH_TRANSPORT:-}" ]; then TRANSPORT_OPTS="-Daralez.transport=$ARALEZ_BENCH_TRANSPORT"; fi
# ARALEZ_BENCH_JAVA_HOME picks the JVM bin/aralez runs on (the build keeps the caller's JAVA_HOME).
if [ -n "${ARALEZ_BENCH_JAVA_HOME:-}" ]; then export JAVA_HOME="$ARALEZ_BENCH_JAVA_HOME"; fi
# ARALEZ_BENCH_EXTRA_OPTS is appended to the launcher's flags (bench/windows.sh's A/B variants).
export JAVA_OPTS="$PROFILE_OPTS $TRANSPORT_OPTS ${ARALEZ_BENCH_EXTRA_OPTS:-}" ARALEZ_NO_PRIVDROP=1
exec "$APP_HOME/bin/aralez" -c "$W/main.yaml"
