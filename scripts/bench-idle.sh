#!/usr/bin/env bash
# Idle footprint and start/stop time of the services (and the GNS3 simulator) started from their built jars, one at a
# time, with the JVM flags ./labfleet up uses (read from the labfleet script, so this measures what `up` runs).
#   scripts/bench-idle.sh [module...]   (default: all six services and gns3-simulator)
# Each service uses its labfleet_<service>_bench database (scripts/infra.sh creates them), Kafka topics of its own
# (bench.idle.<topic>: empty, so "idle" means idle and the suite's topics stay untouched) and, as under ./labfleet up,
# the built-in dev issuer (its own, on BASE_PORT+50, keys under OUT_DIR).
# Env: BASE_PORT [28080] (module n listens on BASE_PORT+n; keep clear of 8081-8086), IDLE_SECONDS [45],
#      NMT [off|summary: adds -XX:NativeMemoryTracking and prints where the memory goes; NMT's own bookkeeping adds a
#      few MiB of RSS, so the headline RSS is measured with NMT=off], JAVA_OPTS / SIM_JAVA_OPTS (override labfleet's),
#      CDS [off; auto: hand the JVM the service's class-data archive, quarkus-app/app-cds.jsa, when its build made one:
#      ./mvnw package -Dquarkus.package.jar.appcds.enabled=true; ./labfleet up does not],
#      LABFLEET_KAFKA_GROUP [labfleet-bench-idle] (never the running suite's consumer groups), OUT_DIR, NICE (e.g. -15).
# Prints per module: ready (ms from launching java until /q/health/ready answers 200) and the CPU the JVM used until
# then (load-independent, unlike the wall time), RSS and thread count after IDLE_SECONDS, the NMT summary's main
# categories (NMT=summary), WARN+ lines logged since start, the time from SIGTERM to exit; then a summary table.
# Run it on a quiet machine (nothing else building) and as root with NICE=-15 for start times that mean something.
set -euo pipefail
cd "$(dirname "$0")/.."
ALL=(gns3-gateway-service project-service topology-service automation-service monitoring-service search-service gns3-simulator)
MODULES=("$@"); [ ${#MODULES[@]} -gt 0 ] || MODULES=("${ALL[@]}")
BASE_PORT=${BASE_PORT:-28080}; IDLE=${IDLE_SECONDS:-45}; NMT=${NMT:-off}
labfleet_default() { sed -n "s/^$1=\${LABFLEET_$1:-\(.*\)}\$/\1/p" labfleet; }
JAVA_OPTS=${JAVA_OPTS:-$(labfleet_default JAVA_OPTS)}
SIM_JAVA_OPTS=${SIM_JAVA_OPTS:-$(labfleet_default SIM_JAVA_OPTS)}
[ -n "$JAVA_OPTS" ] && [ -n "$SIM_JAVA_OPTS" ] || { echo "could not read JAVA_OPTS/SIM_JAVA_OPTS from ./labfleet" >&2; exit 1; }
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-$(sed -n 's/.*MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-\([0-9]*\)}.*/\1/p' labfleet | head -1)}
NICE_CMD=(); [ -n "${NICE:-}" ] && NICE_CMD=(nice -n "$NICE")
OUT=$(realpath -m "${OUT_DIR:-target/bench-idle}"); mkdir -p "$OUT"
ROOT=$PWD
echo "JAVA_OPTS: $JAVA_OPTS | CDS=${CDS:-off} | simulator: $SIM_JAVA_OPTS | MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX | NMT=$NMT | idle ${IDLE}s | load: $(cut -d' ' -f1-3 /proc/loadavg)"
SUMMARY=()
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }
pid=
issuer_pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "$issuer_pid" ] && kill $issuer_pid 2>/dev/null; true' EXIT
ISSUER_PORT=$((BASE_PORT + 50)); ISSUER_DIR=$OUT/issuer; mkdir -p "$ISSUER_DIR"; chmod 700 "$ISSUER_DIR"
java -Xms16m -Xmx64m -XX:+UseSerialGC -cp "$(ls common-api/target/common-api-*.jar | grep -v -e tests -e sources | head -1)" dev.labfleet.common.security.DevIssuer serve \
  --dir "$ISSUER_DIR" --port "$ISSUER_PORT" >"$OUT/dev-issuer.log" 2>&1 &
issuer_pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$ISSUER_PORT/.well-known/openid-configuration"; do
  kill -0 $issuer_pid 2>/dev/null || { echo "the dev issuer exited; see $OUT/dev-issuer.log" >&2; exit 1; }
  sleep 0.1
done
i=0
for m in "${MODULES[@]}"; do
  i=$((i + 1)); port=$((BASE_PORT + i)); log="$OUT/$m.log"
  nmt=(); [ "$NMT" != off ] && nmt=(-XX:NativeMemoryTracking="$NMT"); cds=()
  if [ "$m" = gns3-simulator ]; then
    jar=$(ls gns3-simulator/target/gns3-simulator-*-runner.jar 2>/dev/null | head -1)
    [ -f "$jar" ] || { echo "gns3-simulator runner jar missing: package first" >&2; exit 1; }
    ready_url=http://127.0.0.1:$port/v2/version
    # shellcheck disable=SC2086
    "${NICE_CMD[@]}" java $SIM_JAVA_OPTS "${nmt[@]}" -jar "$jar" --port "$port" --bind 127.0.0.1 >"$log" 2>&1 &
  else
    app="$ROOT/$m/target/quarkus-app"; [ -f "$app/quarkus-run.jar" ] || { echo "$app/quarkus-run.jar missing: package first" >&2; exit 1; }
    cds=(); [ "${CDS:-off}" != off ] && [ -f "$app/app-cds.jsa" ] && cds=(-XX:SharedArchiveFile=app-cds.jsa)
    ready_url=http://127.0.0.1:$port/q/health/ready
    svc=${m%-service}; svc=${svc#gns3-}   # gns3-gateway-service -> gateway, project-service -> project
    # its own database (never the suite's: DDL at start, schedulers, outbox relays) and no events into the suite's topics
    # (the gateway's gns3-events channel only: for a service without that channel the variable would name a channel
    # "gns3" of its own, which has no connector, and the service would not start)
    topic=(); [ "$m" = gns3-gateway-service ] && topic=(MP_MESSAGING_OUTGOING_GNS3_EVENTS_TOPIC=bench.gns3.events)
    # search-service names its consumer groups without LABFLEET_KAFKA_GROUP: groups of the bench's own, so that its
    # consumers never join (and rebalance) a running suite's search-service groups
    if [ "$m" = search-service ]; then
      g=${LABFLEET_KAFKA_GROUP:-labfleet-bench-idle}-search
      for ch in GNS3_EVENTS LAB_PROJECTS LAB_TOPOLOGY LAB_AUTOMATION LAB_MONITORING; do
        topic+=("MP_MESSAGING_INCOMING_${ch}_GROUP_ID=$g")
      done
      topic+=("MP_MESSAGING_INCOMING_LAB_AUDIT_IN_GROUP_ID=$g-audit")
    fi
    # shellcheck disable=SC2086
    env DB_URL=postgresql://127.0.0.1:${PG_PORT:-5432}/labfleet_${svc}_bench "${topic[@]}" \
      PORT=$port LOG_JSON=false LABFLEET_KAFKA_GROUP=${LABFLEET_KAFKA_GROUP:-labfleet-bench-idle} \
      LABFLEET_KAFKA_TOPIC_PREFIX=bench.idle. LABFLEET_OIDC_ISSUER=http://127.0.0.1:$ISSUER_PORT \
      LABFLEET_SERVICE_CLIENT_SECRET_FILE="$ISSUER_DIR/client-secret" LABFLEET_GUARD_KEY_PREFIX=labfleet:guard:bench-idle: \
      LABFLEET_TOPOLOGY_CACHE_KEY_PREFIX=labfleet:topology:bench-idle: \
      bash -c 'cd "$0" && exec "$@"' "$app" "${NICE_CMD[@]}" java $JAVA_OPTS "${cds[@]}" "${nmt[@]}" -jar quarkus-run.jar >"$log" 2>&1 &
  fi
  pid=$!
  t0=$(date +%s%N)
  until curl -fs -o /dev/null "$ready_url"; do
    kill -0 $pid 2>/dev/null || { echo "$m exited; see $log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N); cpu=$(cpu_ms $pid)
  ready_ms=$(( (t1 - t0) / 1000000 ))
  started=$(grep -oE 'started in [0-9.]+s' "$log" | head -1 | grep -oE '[0-9.]+s' || echo -)
  sleep "$IDLE"
  rss=$(awk '/VmRSS/{print int($2 / 1024)}' /proc/$pid/status); threads=$(awk '/Threads/{print $2}' /proc/$pid/status)
  echo "== $m (port $port${cds:+, ${cds[*]}}): ready ${ready_ms} ms after launch (Quarkus: started in $started), ${cpu} ms of CPU until ready; RSS after ${IDLE}s idle ${rss} MiB, $threads threads"
  if [ "$NMT" != off ]; then
    jcmd $pid VM.native_memory summary scale=MB | awk '/^-/ || /^Total/ {print}' | sed -E 's/\(malloc=[^)]*\)//; s/ +/ /g' \
      > "$OUT/$m.nmt"; cat "$OUT/$m.nmt"
  fi
  warns=$(grep -cE " (WARN|ERROR) " "$log" || true)
  echo "WARN/ERROR lines since start: $warns"
  grep -E " (WARN|ERROR) " "$log" | cut -c1-200 | head -5 || true
  s0=$(date +%s%N); kill -TERM $pid; wait $pid || true; s1=$(date +%s%N); pid=
  stop_ms=$(( (s1 - s0) / 1000000 ))
  echo "stopped in ${stop_ms} ms; WARN/ERROR while stopping: $(( $(grep -cE ' (WARN|ERROR) ' "$log" || true) - warns ))"
  grep -E " (WARN|ERROR) " "$log" | tail -n +$((warns + 1)) | cut -c1-220 | head -5 || true
  SUMMARY+=("$(printf '%-22s %8s %9s %9s %8s %8s %8s' "$m" "$rss" "$ready_ms" "$started" "$cpu" "$threads" "$stop_ms")")
done
echo
echo "summary (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-22s %8s %9s %9s %8s %8s %8s\n' module "RSS MiB" "ready ms" "Quarkus" "CPU ms" threads "stop ms"
printf '%s\n' "${SUMMARY[@]}"
