#!/usr/bin/env bash
# Control-plane scale benchmark (not a test): N Ingresses with one Service and one EndpointSlice
# each (E endpoints per slice). Prints the pure build and data-plane translation times, then runs
# the real processes (fabric8 mock API server, bin/aralez-controller, bin/aralez) and prints the
# endpoint-change-to-routed latency and both processes' RSS.
#   bench/controller-scale.sh [N=10000] [E=5] [--pure-only]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests
cp_file=$(mktemp)
./mvnw -B -q -pl e2e dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
exec java -Xmx4g -Daralez.home="$PWD" -Djdk.httpclient.allowRestrictedHeaders=host -cp "e2e/target/test-classes:$(cat "$cp_file")" \
  io.aralez.e2e.bench.ScaleBenchmark "${1:-10000}" "${2:-5}" ${3:-}
