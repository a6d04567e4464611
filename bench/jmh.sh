#!/usr/bin/env bash
# JMH microbenchmarks of the data plane's hot paths (route lookup with 10 and 10,000 hosts, the
# upstream request head, target parsing, one proxied request through the real pipeline on
# EmbeddedChannels, loading a certificate pair). Not tests: numbers drift on a shared machine.
#   bench/jmh.sh [JMH args, e.g. RouterBenchmark -f 1 -wi 2 -i 3]
# Writes the table to bench/jmh-results.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests
cp_file=$(mktemp)
./mvnw -B -q -pl bench/jmh dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file"
java -cp "bench/jmh/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@" -rf text -rff bench/jmh-results.txt
cat bench/jmh-results.txt
