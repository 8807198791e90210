#!/usr/bin/env bash
# Benchmark (#17 item 7): a 50-VPCS lab started through project-service's staggered start ({"batchSize":10,
# "delayMs":0}, until the operation reports all 50 done) versus GNS3's own bulk start through the gateway, on a
# simulator whose node starts take time (START_MS ± JITTER_MS each, SLOTS at once), alternating, in one run.
# Prints one line per round and a RESULT line; figures go to docs/benchmarks.md.
#   ROUNDS=4 WARMUP=2 scripts/bench-start.sh
#   START_MS=250 JITTER_MS=150 SLOTS=3 STATUS_LAG_MS=50 scripts/bench-start.sh
#   NICE=-15 scripts/bench-start.sh   (root only: the build, the services and the simulator it starts run at that
#   niceness, which stands in for a quiet machine when other work shares it; both sides of every round alike)
# On a shared machine, run it through the build slot wrapper with an e2e port offset and database suffix of your own.
set -euo pipefail
cd "$(dirname "$0")/.."
NICE_CMD=()
if [ -n "${NICE:-}" ]; then NICE_CMD=(nice -n "$NICE"); fi
"${NICE_CMD[@]}" ./mvnw -B -q -o verify -pl e2e-tests -am \
    -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=StartBenchmark -Dfailsafe.failIfNoSpecifiedTests=false -De2e.jit=full \
    -Dbench.rounds="${ROUNDS:-4}" -Dbench.warmup="${WARMUP:-2}" -Dbench.nodes="${NODES:-50}" \
    -Dbench.start-ms="${START_MS:-250}" -Dbench.jitter-ms="${JITTER_MS:-150}" -Dbench.slots="${SLOTS:-3}" -Dbench.status-lag-ms="${STATUS_LAG_MS:-50}" \
    2>&1 | tee target-bench-start.log | grep -E "^round|^RESULT|ERROR|FAIL" || true
grep -q "^RESULT" target-bench-start.log || { echo "benchmark failed: see target-bench-start.log" >&2; exit 1; }
rm -f target-bench-start.log
