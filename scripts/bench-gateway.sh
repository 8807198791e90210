#!/usr/bin/env bash
# Gateway proxy benchmark: GET .../projects/{id}/nodes of a 100-node project, proxied by the gateway versus the
# same call straight to the simulator, with wrk on loopback, alternating direct/proxied rounds in one run.
# Prints wrk's figures per round and a summary (figures go to docs/benchmarks.md).
#   ROUNDS=2 DURATION=15s CONNECTIONS="1 8" scripts/bench-gateway.sh
# MODE=batch: instead, the gateway's CPU per POST .../batch of the 1,000-node / 1,500-link lab's 2,500 creates (a new
# project each round), read from /proc; BRIDGE=false turns the notification bridge off to see the batch alone.
#   MODE=batch ROUNDS=45 PIN=0 BRIDGE=false scripts/bench-gateway.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib-bench.sh"
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-"1 8"}
SIM_PORT=${BENCH_SIM_PORT:-13180}
GW_PORT=${BENCH_GATEWAY_PORT:-18181}
MODE=${MODE:-proxy}
[ "$MODE" = batch ] || command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install -y wrk" >&2; exit 1; }
"$ROOT/scripts/infra.sh" up >/dev/null
SIM_JAR=$ROOT/gns3-simulator/target/gns3-simulator-0.1.0-SNAPSHOT-runner.jar
GW_JAR=$ROOT/gns3-gateway-service/target/quarkus-app/quarkus-run.jar
if [ ! -f "$SIM_JAR" ] || [ ! -f "$GW_JAR" ]; then
  "$ROOT/mvnw" -B -q -o -pl gns3-simulator,gns3-gateway-service -am -DskipTests package
fi
# PIN=1 (default on 2+ cores): the simulator gets core 0, the gateway and wrk core 1, so the servers don't fight
# over the same core (each stands for a machine of its own); PIN=0 lets the kernel place everything.
PIN=${PIN:-$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)}
CORE0=(); CORE1=()
if [ "$PIN" = 1 ]; then CORE0=(taskset -c 0); CORE1=(taskset -c 1); fi
STATE=$(mktemp -d)
# A database and a gns3.events topic of the benchmark's own: a run never registers its simulator in the suite's
# gateway database (./labfleet up) or the tests', and its notifications never reach the suite's consumers.
BENCH_DB_URL=${BENCH_DB_URL:-postgresql://127.0.0.1:${PG_PORT:-5432}/labfleet_gateway_bench}
BENCH_EVENTS_TOPIC=${BENCH_EVENTS_TOPIC:-bench.gns3.events}
SERVER=
PIDS=()
cleanup() {
  # the simulator registered in the bench database goes with the run (it would be a dead server afterwards)
  [ -n "${SERVER:-}" ] && curl -fs -o /dev/null -X DELETE "http://127.0.0.1:$GW_PORT/api/v1/servers/$SERVER" || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$STATE"
}
trap cleanup EXIT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$SIM_PORT" "$GW_PORT"; do port_free "$p" || { echo "port $p is taken: a previous run still up?" >&2; exit 1; }; done
wait_http() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "$1 did not answer" >&2; exit 1; }

"${CORE0[@]}" java -Xmx512m -jar "$SIM_JAR" --port "$SIM_PORT" --bind 127.0.0.1 >"$STATE/sim.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SIM_PORT/v2/version"
# JFR=/path/to/file.jfr records a CPU profile of the gateway for the whole run
LABFLEET_GATEWAY_BRIDGE_ENABLED=${BRIDGE:-true} \
PORT=$GW_PORT LABFLEET_GNS3_URL="http://127.0.0.1:$SIM_PORT" LABFLEET_STATE_DIR="$STATE" LOG_JSON=false \
LABFLEET_SECURITY_ENABLED=false LABFLEET_RATE_LIMITS=false LABFLEET_BANS=false \
DB_URL=$BENCH_DB_URL MP_MESSAGING_OUTGOING_GNS3_EVENTS_TOPIC=$BENCH_EVENTS_TOPIC \
  "${CORE1[@]}" java -Xmx${GATEWAY_HEAP:-512m} ${JFR:+-XX:StartFlightRecording=filename=$JFR,settings=profile} -jar "$GW_JAR" \
  >"$STATE/gateway.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$GW_PORT/q/health/ready"

SIM=http://127.0.0.1:$SIM_PORT
bench_lab "$SIM" "http://127.0.0.1:$GW_PORT"
if [ "$MODE" = batch ]; then
  python3 "$ROOT/scripts/bench-gateway-batch.py" "$SIM" "http://127.0.0.1:$GW_PORT" "$SERVER" "${PIDS[1]}" "${PIDS[0]}"
  exit
fi
DIRECT="$SIM/v2/projects/$PROJECT/nodes"
PROXIED="http://127.0.0.1:$GW_PORT/api/v1/servers/$SERVER/projects/$PROJECT/nodes"
echo "pinning: $([ "$PIN" = 1 ] && echo 'simulator core 0; gateway and wrk core 1' || echo none)"
echo "body: $(curl -fs "$DIRECT" | wc -c) bytes direct, $(curl -fs "$PROXIED" | wc -c) bytes proxied"
"${CORE1[@]}" wrk -t1 -c8 -d20s "$DIRECT" >/dev/null; "${CORE1[@]}" wrk -t1 -c8 -d20s "$PROXIED" >/dev/null   # warm-up (JIT)

run() { # label url connections
  local out; out=$("${CORE1[@]}" wrk -t1 -c"$3" -d"$DURATION" --latency "$2")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$1 c=$3 rps=$rps p50=$p50 p99=$p99"
}
to_ms() { python3 -c "import re,sys; v=sys.argv[1]; n=float(re.sub('[a-z]+','',v)); u=re.sub('[0-9.]+','',v); print(n*{'us':0.001,'ms':1,'s':1000}[u])" "$1"; }
for c in $CONNECTIONS; do
  for r in $(seq 1 "$ROUNDS"); do
    d=$(run direct "$DIRECT" "$c"); p=$(run proxied "$PROXIED" "$c")
    echo "round $r: $d | $p"
    drps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$d"); prps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$p")
    dp50=$(to_ms "$(sed -E 's/.*p50=([^ ]+).*/\1/' <<<"$d")"); pp50=$(to_ms "$(sed -E 's/.*p50=([^ ]+).*/\1/' <<<"$p")")
    dp99=$(to_ms "$(sed -E 's/.*p99=([^ ]+).*/\1/' <<<"$d")"); pp99=$(to_ms "$(sed -E 's/.*p99=([^ ]+).*/\1/' <<<"$p")")
    python3 -c "print('RESULT c=$c round $r: throughput ratio %.2f, p50 added %+.2f ms, p99 added %+.2f ms' % ($prps/$drps, $pp50-$dp50, $pp99-$dp99))"
  done
done
