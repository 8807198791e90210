#!/usr/bin/env bash
# Edge overhead benchmark: the gateway's proxied GET .../projects/{id}/nodes of a 100-node project, straight to the
# gateway versus through the edge (nginx with the config ./labfleet up generates from deploy/edge/routes.txt), with
# wrk on loopback, alternating direct/edge rounds in one run. Prints wrk's figures per round and the throughput
# ratio and p50/p99 added by the edge (figures go to docs/benchmarks.md).
#   ROUNDS=3 DURATION=15s CONNECTIONS="1 8" [NICE=-15] scripts/bench-edge.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib-bench.sh"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-"1 8"}
SIM_PORT=${BENCH_SIM_PORT:-13280}
GW_PORT=${BENCH_GATEWAY_PORT:-18281}
EDGE_PORT=${BENCH_EDGE_PORT:-18280}
command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install -y wrk" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is missing: sudo apt-get install -y nginx" >&2; exit 1; }
"$ROOT/scripts/infra.sh" up >/dev/null
SIM_JAR=$ROOT/gns3-simulator/target/gns3-simulator-0.1.0-SNAPSHOT-runner.jar
GW_JAR=$ROOT/gns3-gateway-service/target/quarkus-app/quarkus-run.jar
if [ ! -f "$SIM_JAR" ] || [ ! -f "$GW_JAR" ]; then
  "$ROOT/mvnw" -B -q -o -pl gns3-simulator,gns3-gateway-service -am -DskipTests package
fi
# PIN=1 (default on 2+ cores): simulator and edge on core 0, gateway and wrk on core 1 (as bench-gateway.sh).
PIN=${PIN:-$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)}
CORE0=(); CORE1=()
if [ "$PIN" = 1 ]; then CORE0=(taskset -c 0); CORE1=(taskset -c 1); fi
# NICE=-15 (root only): every process of the run gets a far larger CPU share than the machine's other work, which
# stands in for a quiet machine when other builds share it (both sides of every round get the same treatment)
if [ -n "${NICE:-}" ]; then CORE0=(nice -n "$NICE" "${CORE0[@]}"); CORE1=(nice -n "$NICE" "${CORE1[@]}"); fi
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
  [ -f "$STATE/edge/run/nginx.pid" ] && kill "$(cat "$STATE/edge/run/nginx.pid")" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$STATE"
}
trap cleanup EXIT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$SIM_PORT" "$GW_PORT" "$EDGE_PORT"; do port_free "$p" || { echo "port $p is taken: a previous run still up?" >&2; exit 1; }; done
wait_http() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "$1 did not answer" >&2; exit 1; }

"${CORE0[@]}" java -Xmx512m -jar "$SIM_JAR" --port "$SIM_PORT" --bind 127.0.0.1 >"$STATE/sim.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SIM_PORT/v2/version"
# the edge's cost alone: authentication, rate limits and bans off on both sides (scripts/bench-guard.sh measures them)
PORT=$GW_PORT LABFLEET_GNS3_URL="http://127.0.0.1:$SIM_PORT" LABFLEET_STATE_DIR="$STATE" LOG_JSON=false \
LABFLEET_SECURITY_ENABLED=false LABFLEET_RATE_LIMITS=false LABFLEET_BANS=false \
DB_URL=$BENCH_DB_URL MP_MESSAGING_OUTGOING_GNS3_EVENTS_TOPIC=$BENCH_EVENTS_TOPIC \
  "${CORE1[@]}" java -Xmx512m -jar "$GW_JAR" >"$STATE/gateway.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$GW_PORT/q/health/ready"
mkdir -p "$STATE/edge/logs" "$STATE/edge/run" "$STATE/edge/tmp"
python3 "$ROOT/scripts/edge.py" nginx --listen "127.0.0.1:$EDGE_PORT" \
  --upstream "gns3-gateway-service=127.0.0.1:$GW_PORT" >"$STATE/edge/nginx.conf"
"${CORE0[@]}" "$NGINX" -p "$STATE/edge/" -c nginx.conf -e logs/error.log
wait_http "http://127.0.0.1:$EDGE_PORT/q/swagger-ui/"

SIM=http://127.0.0.1:$SIM_PORT
bench_lab "$SIM" "http://127.0.0.1:$GW_PORT"
PATH_NODES="/api/v1/servers/$SERVER/projects/$PROJECT/nodes"
DIRECT="http://127.0.0.1:$GW_PORT$PATH_NODES"
EDGE="http://127.0.0.1:$EDGE_PORT$PATH_NODES"
echo "pinning: $([ "$PIN" = 1 ] && echo 'simulator and edge core 0; gateway and wrk core 1' || echo none)"
echo "priority: ${NICE:-default} (load average now: $(cut -d" " -f1-3 /proc/loadavg))"
echo "body: $(curl -fs "$DIRECT" | wc -c) bytes direct, $(curl -fs "$EDGE" | wc -c) bytes through the edge"
"${CORE1[@]}" wrk -t1 -c8 -d20s "$DIRECT" >/dev/null; "${CORE1[@]}" wrk -t1 -c8 -d20s "$EDGE" >/dev/null   # warm-up (JIT)

run() { # label url connections
  local out; out=$("${CORE1[@]}" wrk -t1 -c"$3" -d"$DURATION" --latency "$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
  echo "$1 c=$3 rps=$rps p50=$p50 p99=$p99 ${errors:+errors: $errors}"
}
to_ms() { python3 -c "import re,sys; v=sys.argv[1]; n=float(re.sub('[a-z]+','',v)); u=re.sub('[0-9.]+','',v); print(n*{'us':0.001,'ms':1,'s':1000}[u])" "$1"; }
for c in $CONNECTIONS; do
  for r in $(seq 1 "$ROUNDS"); do
    d=$(run direct "$DIRECT" "$c"); e=$(run edge "$EDGE" "$c")
    echo "round $r: $d | $e"
    drps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$d"); erps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$e")
    dp50=$(to_ms "$(sed -E 's/.*p50=([^ ]+).*/\1/' <<<"$d")"); ep50=$(to_ms "$(sed -E 's/.*p50=([^ ]+).*/\1/' <<<"$e")")
    dp99=$(to_ms "$(sed -E 's/.*p99=([^ ]+).*/\1/' <<<"$d")"); ep99=$(to_ms "$(sed -E 's/.*p99=([^ ]+).*/\1/' <<<"$e")")
    python3 -c "print('RESULT c=$c round $r: throughput ratio %.2f, p50 added %+.3f ms, p99 added %+.3f ms' % ($erps/$drps, $ep50-$dp50, $ep99-$dp99))"
  done
done
