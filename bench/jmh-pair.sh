#!/usr/bin/env bash
# A/B of this checkout against another build on the JMH benchmarks, paired: both JVMs run at the
# same time, one pinned to each core, then again with the cores swapped, and the ratio is taken
# iteration by iteration. On a host whose speed drifts (a shared VM: sequential runs of one build
# differ by up to 30% here), a slow stretch hits both sides alike and the ratio holds.
#   ARALEZ_B=<other checkout, packaged> bench/jmh-pair.sh [benchmark regex] [rounds]
# Defaults: 'PipelineBenchmark.proxied', 2 rounds (each round: both core placements).
# The benchmark classes are this checkout's, run against each build's jars.
# Prints each run's medians and per-iteration ratios (A = this checkout, B = ARALEZ_B), then the
# median ratio over every iteration.
set -euo pipefail
cd "$(dirname "$0")/.."
A=$(pwd)
B="${ARALEZ_B:?set ARALEZ_B to another packaged checkout (./mvnw -B -q package -DskipTests)}"
BENCH="${1:-PipelineBenchmark.proxied}"
ROUNDS="${2:-2}"
JAVA=java
for j in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/temurin-25*/bin/java; do
  if [ -x "$j" ]; then JAVA=$j; break; fi
done
./mvnw -B -q install -DskipTests -pl bench/jmh -am
work=$(mktemp -d)
./mvnw -B -q -o -pl bench/jmh dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$work/cp"
# The classpath with the project's own jars taken from one checkout's target directories.
classpath() {
  local r=$1
  {
    echo "$r/dataplane/target/aralez-dataplane.jar"
    ls "$r"/api/target/aralez-api-*.jar "$r"/common/target/aralez-common-*.jar \
      "$r"/acme/target/aralez-acme-*.jar | grep -v -e sources -e javadoc
    tr ':' '\n' < "$work/cp" | grep -v '/io/aralez/'
  } | paste -sd: | sed "s|^|$A/bench/jmh/target/classes:|"
}
cp_a=$(classpath "$A")
cp_b=$(classpath "$B")
run() { # core build-classpath output
  taskset -c "$1" "$JAVA" -Djmh.ignoreLock=true -cp "$2" org.openjdk.jmh.Main "$BENCH" \
    -f 1 -wi 12 -w 2 -i 10 -r 1 -rf json -rff "$3" > "$3.log" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
  for swap in 0 1; do
    run "$swap" "$cp_a" "$work/a-$r$swap.json" &
    run "$((1 - swap))" "$cp_b" "$work/b-$r$swap.json" &
    wait
  done
done
python3 - "$work" <<'PY'
import glob, json, statistics, sys
work = sys.argv[1]
ratios = {}
for fa in sorted(glob.glob(f"{work}/a-*.json")):
    fb = fa.replace("/a-", "/b-")
    for a, b in zip(json.load(open(fa)), json.load(open(fb))):
        va = [x for it in a["primaryMetric"]["rawData"] for x in it]
        vb = [x for it in b["primaryMetric"]["rawData"] for x in it]
        name = a["benchmark"].rsplit(".", 1)[-1]
        r = [x / y for x, y in zip(va, vb)]
        ratios.setdefault(name, []).extend(r)
        print(f"{fa[-7:-5]} {name}: A {statistics.median(va):.0f} B {statistics.median(vb):.0f} "
              f"{a['primaryMetric']['scoreUnit']}; A/B " + " ".join(f"{x:.2f}" for x in r))
for name, r in ratios.items():
    print(f"{name}: A/B median {statistics.median(r):.3f} over {len(r)} paired iterations")
PY
rm -rf "$work"
