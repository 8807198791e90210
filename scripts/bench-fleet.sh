#!/usr/bin/env bash
# Benchmark (#20): a class of 50 copies of a 20-node lab over 4 simulated GNS3 servers against the same over 1
# server, alternating in one run, then the evacuation of a server holding 20 labs. project-service runs as a
# @QuarkusTest with five simulated servers (each import takes BENCH_IMPORT_MS, as a real server spends unzipping and
# loading an archive) on its own database labfleet_project_bench (wiped at start), never the suite's or the tests'.
# Prints one line per round and a RESULT line; figures go to docs/benchmarks.md.
#   ROUNDS=2 COPIES=50 NODES=20 LABS=20 BENCH_IMPORT_MS=1000 scripts/bench-fleet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# PostgreSQL, Redis and Kafka must be up (scripts/infra.sh up)
SLOT=""
[ -x /work/wt/slot ] && SLOT=/work/wt/slot
TEST_DB_URL="postgresql://${PG_HOST:-127.0.0.1}:${PG_PORT:-5432}/${BENCH_DB:-labfleet_project_bench}" \
$SLOT ./mvnw -B -o -ntp verify -pl project-service -am \
    -Dtest=FleetBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs \
    -Dbench.rounds="${ROUNDS:-2}" -Dbench.copies="${COPIES:-50}" -Dbench.nodes="${NODES:-20}" \
    -Dbench.labs="${LABS:-20}" -Dbench.import-ms="${BENCH_IMPORT_MS:-1000}" 2>&1 | tee target-bench-fleet.log \
    | grep -E "^round|^note|^RESULT|ERROR|FAIL" || true
grep -q "^RESULT" target-bench-fleet.log || { echo "benchmark failed: see target-bench-fleet.log" >&2; exit 1; }
rm -f target-bench-fleet.log
