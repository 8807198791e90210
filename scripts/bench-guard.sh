#!/usr/bin/env bash
# Overhead of security (#14): the gateway's proxied GET .../projects/{id}/nodes of a 100-node project with
# authentication (a bearer token verified against the dev issuer's JWKS), rate limiting (a Redis token bucket per
# principal, RateLimit headers) and bans on, against the same build with all three off, side by side in one run: two gateway
# processes of the same jar on one simulator, wrk rounds alternating between them. Prints wrk's figures per round and
# the throughput ratio on/off (figures go to docs/benchmarks.md).
#   ROUNDS=3 DURATION=15s CONNECTIONS="8" scripts/bench-guard.sh
# The caller is an admin (ownership needs no lookup for an admin; an operator's first call of a lab asks
# project-service, then the answer is cached for 10 s). The limits are set high enough never to refuse: the bucket
# is still charged for every request (through the replica's leases: 20 tokens a Redis call at these limits, 10 at the
# default reads limit),
# which is the cost measured; the token is verified once, then its identity comes from the verified-token cache for
# LABFLEET_TOKEN_CACHE_TTL (5 s), as in production (ON_ENV="LABFLEET_TOKEN_CACHE_TTL=0 LABFLEET_RATE_LIMIT_LEASE_MAX=1"
# measures without both). Databases and Redis keys of the benchmark's own
# (labfleet_gateway_bench, labfleet:guard:bench:), its own gns3.events topic.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib-bench.sh"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-8}
# Four ports from BENCH_GUARD_PORT_BASE (13380): none of the e2e runs' (18081+, 19380+ plus their offsets) nor the
# other benchmarks' (13080, 13180, 13280, 18181, 18280), so it may run beside them.
PORT_BASE=${BENCH_GUARD_PORT_BASE:-13380}
SIM_PORT=$PORT_BASE
ON_PORT=$((PORT_BASE + 1))
OFF_PORT=$((PORT_BASE + 2))
ISSUER_PORT=$((PORT_BASE + 3))
command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install -y wrk" >&2; exit 1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# the infrastructure: started unless PostgreSQL, Redis and Kafka already listen (infra.sh's own broker check runs a
# JVM, which on a loaded machine may not answer in time and take a running broker for a stranger)
if ! listening "${PG_PORT:-5432}" || ! listening "${REDIS_PORT:-6379}" || ! listening "${KAFKA_PORT:-9092}"; then
  "$ROOT/scripts/infra.sh" up >/dev/null
fi
SIM_JAR=$ROOT/gns3-simulator/target/gns3-simulator-0.1.0-SNAPSHOT-runner.jar
GW_JAR=$ROOT/gns3-gateway-service/target/quarkus-app/quarkus-run.jar
COMMON_JAR=$ROOT/common-api/target/common-api-0.1.0-SNAPSHOT.jar
if [ ! -f "$SIM_JAR" ] || [ ! -f "$GW_JAR" ] || [ ! -f "$COMMON_JAR" ]; then
  "$ROOT/mvnw" -B -q -o -pl gns3-simulator,gns3-gateway-service -am -DskipTests package
fi
PIN=${PIN:-$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)}
CORE0=(); CORE1=()
if [ "$PIN" = 1 ]; then CORE0=(taskset -c 0); CORE1=(taskset -c 1); fi
STATE=$(mktemp -d)
BENCH_DB_URL=${BENCH_DB_URL:-postgresql://127.0.0.1:${PG_PORT:-5432}/labfleet_gateway_bench}
BENCH_EVENTS_TOPIC=${BENCH_EVENTS_TOPIC:-bench.gns3.events}
PIDS=()
SERVER=
cleanup() {
  # the simulator registered in the bench database goes with the run (it would be a dead server afterwards)
  local auth="Authorization: Bearer ${TOKEN:-}"
  [ -n "${SERVER:-}" ] && [ -n "${TOKEN:-}" ] && curl -fs -o /dev/null -X DELETE -H "$auth" "http://127.0.0.1:$ON_PORT/api/v1/servers/$SERVER" || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$STATE"
}
trap cleanup EXIT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$SIM_PORT" "$ON_PORT" "$OFF_PORT" "$ISSUER_PORT"; do
  port_free "$p" || { echo "port $p is taken: a previous run still up?" >&2; exit 1; }
done
wait_http() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "$1 did not answer" >&2; exit 1; }

ISSUER=http://127.0.0.1:$ISSUER_PORT
mkdir -p "$STATE/issuer" && chmod 700 "$STATE/issuer"
java -Xmx64m -XX:+UseSerialGC -cp "$COMMON_JAR" dev.labfleet.common.security.DevIssuer serve --dir "$STATE/issuer" \
  --port "$ISSUER_PORT" --issuer "$ISSUER" >"$STATE/issuer.log" 2>&1 &
PIDS+=($!)
wait_http "$ISSUER/.well-known/openid-configuration"
TOKEN=$(java -cp "$COMMON_JAR" dev.labfleet.common.security.DevIssuer token --dir "$STATE/issuer" --issuer "$ISSUER" \
  --user bench-admin --role admin --ttl 2h)

"${CORE0[@]}" java -Xmx512m -jar "$SIM_JAR" --port "$SIM_PORT" --bind 127.0.0.1 >"$STATE/sim.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SIM_PORT/v2/version"

# ON_ENV / OFF_ENV: extra NAME=value settings for one side (to find where the time goes, e.g.
# ON_ENV="LABFLEET_RATE_LIMITS=false"); JFR=DIR records a CPU profile of each gateway into DIR/on.jfr and DIR/off.jfr.
gateway() { # port, the guard on (true/false): authentication, rate limits and bans; extra settings
  local side; side=$([ "$2" = true ] && echo on || echo off)
  # shellcheck disable=SC2086
  env PORT="$1" LABFLEET_GNS3_URL="http://127.0.0.1:$SIM_PORT" LABFLEET_STATE_DIR="$STATE" LOG_JSON=false \
    DB_URL="$BENCH_DB_URL" MP_MESSAGING_OUTGOING_GNS3_EVENTS_TOPIC="$BENCH_EVENTS_TOPIC" \
    LABFLEET_KAFKA_GROUP="gns3-gateway-service-bench-$1" \
    LABFLEET_SECURITY_ENABLED="$2" LABFLEET_RATE_LIMITS="$2" LABFLEET_BANS="$2" LABFLEET_OIDC_ISSUER="$ISSUER" \
    LABFLEET_SERVICE_CLIENT_SECRET_FILE="$STATE/issuer/client-secret" \
    LABFLEET_GUARD_KEY_PREFIX="labfleet:guard:bench:$$:" \
    LABFLEET_RATE_LIMIT_READS=1000000 LABFLEET_RATE_LIMIT_READS_BURST=1000000 $3 \
    "${CORE1[@]}" java -Xmx${GATEWAY_HEAP:-512m} ${JFR:+-XX:StartFlightRecording=filename=$JFR/$side.jfr,settings=profile} \
    -jar "$GW_JAR" >"$STATE/gateway-$1.log" 2>&1 &
  PIDS+=($!)
}
gateway "$ON_PORT" true "${ON_ENV:-}"
wait_http "http://127.0.0.1:$ON_PORT/q/health/ready"
gateway "$OFF_PORT" false "${OFF_ENV:-}"
wait_http "http://127.0.0.1:$OFF_PORT/q/health/ready"

SIM=http://127.0.0.1:$SIM_PORT
bench_lab "$SIM" "http://127.0.0.1:$ON_PORT" -H "Authorization: Bearer $TOKEN"
PATH_NODES="/api/v1/servers/$SERVER/projects/$PROJECT/nodes"
ON="http://127.0.0.1:$ON_PORT$PATH_NODES"
OFF="http://127.0.0.1:$OFF_PORT$PATH_NODES"
# the guarded gateway really authenticates and limits: 401 without the token, RateLimit headers with it
[ "$(curl -s -o /dev/null -w '%{http_code}' "$ON")" = 401 ] || { echo "$ON answers without a token" >&2; exit 1; }
curl -fs -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "$ON" | grep -qi '^RateLimit-Remaining' \
  || { echo "$ON carries no RateLimit headers" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$OFF")" = 200 ] || { echo "$OFF does not answer without a token" >&2; exit 1; }
echo "pinning: $([ "$PIN" = 1 ] && echo 'simulator core 0; gateways and wrk core 1' || echo none)"
echo "body: $(curl -fs -H "Authorization: Bearer $TOKEN" "$ON" | wc -c) bytes on, $(curl -fs "$OFF" | wc -c) bytes off"
AUTH=(-H "Authorization: Bearer $TOKEN")
"${CORE1[@]}" wrk -t1 -c8 -d20s "${AUTH[@]}" "$ON" >/dev/null; "${CORE1[@]}" wrk -t1 -c8 -d20s "$OFF" >/dev/null # warm-up

run() { # label url connections [wrk args]
  local label=$1 url=$2 c=$3; shift 3
  local out; out=$("${CORE1[@]}" wrk -t1 -c"$c" -d"$DURATION" --latency "$@" "$url")
  local non2xx; non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "$label c=$c rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out") p50=$(awk '$1=="50%" {print $2}' <<<"$out") p99=$(awk '$1=="99%" {print $2}' <<<"$out") non2xx=${non2xx:-0}"
}
RATIOS=()
for c in $CONNECTIONS; do
  for r in $(seq 1 "$ROUNDS"); do
    # alternate which goes first, so a drift of the machine's load favours neither
    if [ $((r % 2)) = 1 ]; then
      on=$(run on "$ON" "$c" "${AUTH[@]}"); off=$(run off "$OFF" "$c")
    else
      off=$(run off "$OFF" "$c"); on=$(run on "$ON" "$c" "${AUTH[@]}")
    fi
    echo "round $r: $on | $off | load $(cut -d' ' -f1-3 /proc/loadavg)"
    onrps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$on"); offrps=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$off")
    python3 -c "print('RESULT c=$c round $r: throughput ratio on/off %.3f' % ($onrps/$offrps))"
    RATIOS+=("$(python3 -c "print($onrps/$offrps)")")
  done
  python3 -c "import statistics,sys; print('RESULT c=$c median throughput ratio on/off %.3f over %d rounds' % (statistics.median(map(float, sys.argv[1:])), len(sys.argv) - 1))" "${RATIOS[@]}"
  RATIOS=()
done
