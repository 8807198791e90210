#!/usr/bin/env bash
# Simulator scale benchmark: a 1,000-node/1,500-link lab and a 10,000-node/15,000-link lab over HTTP, against a
# simulator process limited to 1 GiB of heap. Prints a Markdown table (figures go to docs/benchmarks.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/gns3-simulator/target/gns3-simulator-0.1.0-SNAPSHOT-runner.jar
[ -f "$JAR" ] || "$ROOT/mvnw" -B -q -ntp -pl gns3-simulator -DskipTests package
PORT=${BENCH_PORT:-13080}
java -Xmx1g -XX:+UseSerialGC -jar "$JAR" --port "$PORT" --bind 127.0.0.1 >/tmp/labfleet-bench-sim.log 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/v2/version" >/dev/null 2>&1 && break; sleep 0.1; done
java -cp "$JAR" dev.labfleet.simulator.bench.SimulatorBenchmark "http://127.0.0.1:$PORT"
