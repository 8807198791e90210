#!/usr/bin/env bash
# Benchmark: the 1,000-node / 1,500-link lab applied through the suite (topology-service -> gateway -> simulator,
# services as processes) versus a direct client making the same GNS3 calls on the same simulator, alternating,
# in one run. Prints one line per round and a RESULT line; figures go to docs/benchmarks.md.
#   ROUNDS=3 WARMUP=3 scripts/bench-apply.sh
#   JFR_DIR=/tmp/jfr ROUNDS=3 scripts/bench-apply.sh   also records a CPU profile of each service (<module>.jfr)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/infra.sh up >/dev/null
./mvnw -B -q -o verify -pl e2e-tests -am \
    -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=ApplyBenchmark -Dfailsafe.failIfNoSpecifiedTests=false -De2e.jit=full \
    -Dbench.rounds="${ROUNDS:-3}" -Dbench.warmup="${WARMUP:-3}" \
    ${JFR_DIR:+"-De2e.jvm-args=-XX:StartFlightRecording=filename=$JFR_DIR/{module}.jfr,settings=profile"} 2>&1 | tee target-bench-apply.log | grep -E "^round|^cpu|^note|^RESULT|ERROR|FAIL" || true
grep -q "^RESULT" target-bench-apply.log || { echo "benchmark failed: see target-bench-apply.log" >&2; exit 1; }
rm -f target-bench-apply.log
