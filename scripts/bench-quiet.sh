#!/usr/bin/env bash
# Log noise and stop times of the whole suite at rest (#17 item 3): the six services started together from their
# built jars with ./labfleet up's JVM flags, wired to each other (so that nothing warns for a peer that is simply not
# running), idle for IDLE_SECONDS, then stopped one at a time with SIGTERM in ./labfleet down's order.
#   scripts/bench-quiet.sh            (IDLE_SECONDS=600: ten minutes, every periodic task runs at least once)
# Prints per service: WARN/ERROR lines logged while starting, while idle and while stopping, and the time from
# SIGTERM to exit. Databases, Kafka topics, consumer groups and Redis keys are the benchmark's own, as in
# scripts/bench-idle.sh (labfleet_<svc>_bench, bench.quiet.* topics), so a running suite is left alone.
# Env: BASE_PORT [28780] (service n on BASE_PORT+n, the dev issuer on BASE_PORT+50), IDLE_SECONDS [600], OUT_DIR.
# Needs the jars: ./mvnw -B -ntp -o -pl <services> -am package -DskipTests. Kills what it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODULES=(gns3-gateway-service project-service topology-service automation-service monitoring-service search-service)
BASE_PORT=${BASE_PORT:-28780}; IDLE=${IDLE_SECONDS:-600}
OUT=$(realpath -m "${OUT_DIR:-target/bench-quiet}"); mkdir -p "$OUT"
labfleet_default() { sed -n "s/^$1=\${LABFLEET_$1:-\(.*\)}\$/\1/p" labfleet; }
JAVA_OPTS=${JAVA_OPTS:-$(labfleet_default JAVA_OPTS)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
GROUP=${LABFLEET_KAFKA_GROUP:-labfleet-bench-quiet}
echo "JAVA_OPTS: $JAVA_OPTS | idle ${IDLE}s | load: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A PID PORT
issuer_pid=
cleanup() {
  for m in "${!PID[@]}"; do kill "${PID[$m]}" 2>/dev/null || true; done
  [ -n "$issuer_pid" ] && kill "$issuer_pid" 2>/dev/null || true
}
trap cleanup EXIT
ISSUER_PORT=$((BASE_PORT + 50)); ISSUER_DIR=$OUT/issuer; mkdir -p "$ISSUER_DIR"; chmod 700 "$ISSUER_DIR"
java -Xms16m -Xmx64m -XX:+UseSerialGC -cp "$(ls common-api/target/common-api-*.jar | grep -v -e tests -e sources | head -1)" \
  dev.labfleet.common.security.DevIssuer serve --dir "$ISSUER_DIR" --port "$ISSUER_PORT" >"$OUT/dev-issuer.log" 2>&1 &
issuer_pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$ISSUER_PORT/.well-known/openid-configuration"; do
  kill -0 $issuer_pid 2>/dev/null || { echo "the dev issuer exited; see $OUT/dev-issuer.log" >&2; exit 1; }
  sleep 0.1
done
i=0
for m in "${MODULES[@]}"; do i=$((i + 1)); PORT[$m]=$((BASE_PORT + i)); done
url() { echo "http://127.0.0.1:${PORT[$1]}"; }
for m in "${MODULES[@]}"; do
  app="$ROOT/$m/target/quarkus-app"; [ -f "$app/quarkus-run.jar" ] || { echo "$app/quarkus-run.jar missing: package first" >&2; exit 1; }
  svc=${m%-service}; svc=${svc#gns3-}
  extra=()
  # the gateway's notifications: the prefix already puts them on bench.quiet.gns3.events; named, so a change of the
  # prefix's wiring can never send the bench simulator's notifications onto the suite's gns3.events
  [ "$m" = gns3-gateway-service ] && extra+=(MP_MESSAGING_OUTGOING_GNS3_EVENTS_TOPIC=bench.quiet.gns3.events)
  if [ "$m" = search-service ]; then   # search-service names its groups without LABFLEET_KAFKA_GROUP
    for ch in GNS3_EVENTS LAB_PROJECTS LAB_TOPOLOGY LAB_AUTOMATION LAB_MONITORING; do
      extra+=("MP_MESSAGING_INCOMING_${ch}_GROUP_ID=$GROUP-search")
    done
    extra+=("MP_MESSAGING_INCOMING_LAB_AUDIT_IN_GROUP_ID=$GROUP-search-audit")
  fi
  # shellcheck disable=SC2086
  env DB_URL=postgresql://127.0.0.1:${PG_PORT:-5432}/labfleet_${svc}_bench "${extra[@]}" \
    PORT=${PORT[$m]} LOG_JSON=false LABFLEET_KAFKA_GROUP=$GROUP-$svc LABFLEET_KAFKA_TOPIC_PREFIX=bench.quiet. \
    LABFLEET_OIDC_ISSUER=http://127.0.0.1:$ISSUER_PORT LABFLEET_SERVICE_CLIENT_SECRET_FILE="$ISSUER_DIR/client-secret" \
    LABFLEET_GUARD_KEY_PREFIX=labfleet:guard:bench-quiet: LABFLEET_TOPOLOGY_CACHE_KEY_PREFIX=labfleet:topology:bench-quiet: \
    LABFLEET_GATEWAY_URL="$(url gns3-gateway-service)" LABFLEET_PROJECT_URL="$(url project-service)" \
    LABFLEET_TOPOLOGY_URL="$(url topology-service)" LABFLEET_AUTOMATION_URL="$(url automation-service)" \
    LABFLEET_MONITORING_URL="$(url monitoring-service)" \
    bash -c 'cd "$0" && exec "$@"' "$app" java $JAVA_OPTS -jar quarkus-run.jar >"$OUT/$m.log" 2>&1 &
  PID[$m]=$!
done
for m in "${MODULES[@]}"; do
  until curl -fs -o /dev/null "$(url "$m")/q/health/ready"; do
    kill -0 "${PID[$m]}" 2>/dev/null || { echo "$m exited; see $OUT/$m.log" >&2; exit 1; }
    sleep 0.2
  done
done
warns() { grep -cE " (WARN|ERROR) " "$OUT/$1.log" || true; }
declare -A AT_READY AT_IDLE
for m in "${MODULES[@]}"; do AT_READY[$m]=$(warns "$m"); done
echo "all ready (load $(cut -d' ' -f1-3 /proc/loadavg)); idle ${IDLE}s"
sleep "$IDLE"
for m in "${MODULES[@]}"; do AT_IDLE[$m]=$(warns "$m"); done
echo "idle done (load $(cut -d' ' -f1-3 /proc/loadavg)); stopping"
printf '%-22s %10s %9s %9s %8s\n' module "WARN start" "WARN idle" "WARN stop" "stop ms"
# ./labfleet down's order: the consumers of others' events first, the gateway last
for m in search-service monitoring-service automation-service topology-service project-service gns3-gateway-service; do
  s0=$(date +%s%N); kill -TERM "${PID[$m]}"; wait "${PID[$m]}" || true; s1=$(date +%s%N); unset "PID[$m]"
  n=$(warns "$m")
  printf '%-22s %10s %9s %9s %8s\n' "$m" "${AT_READY[$m]}" "$((AT_IDLE[$m] - AT_READY[$m]))" "$((n - AT_IDLE[$m]))" \
    "$(( (s1 - s0) / 1000000 ))"
done
echo "WARN/ERROR lines while idle or stopping:"
for m in "${MODULES[@]}"; do
  grep -E " (WARN|ERROR) " "$OUT/$m.log" | tail -n +$((AT_READY[$m] + 1)) | cut -c1-220 | sed "s/^/  $m: /" | head -8 || true
done
echo "(load now: $(cut -d' ' -f1-3 /proc/loadavg))"
