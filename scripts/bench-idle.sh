#!/usr/bin/env bash
# Idle footprint and start/stop time of services started from their built jars, one at a time, as ./labfleet up
# starts them (JAVA_OPTS [-Xms16m -Xmx384m -XX:+UseSerialGC], MALLOC_ARENA_MAX [2]), with Native Memory Tracking.
#   scripts/bench-idle.sh [module...]        (default: gns3-gateway-service project-service topology-service)
# Each service uses its labfleet_<service>_bench database (scripts/infra.sh creates them).
# Env: BASE_PORT [28080] (module n listens on BASE_PORT+n; keep clear of 8081-8086), IDLE_SECONDS [60],
#      LABFLEET_KAFKA_GROUP [labfleet-bench-idle] (never the running suite's consumer groups), OUT_DIR.
# Prints per module: ready (ms from launching java until /q/health/ready answers 200), RSS after IDLE_SECONDS,
# the NMT summary's main categories, WARN+ lines logged since start, and the time from SIGTERM to exit.
set -euo pipefail
cd "$(dirname "$0")/.."
MODULES=("$@"); [ ${#MODULES[@]} -gt 0 ] || MODULES=(gns3-gateway-service project-service topology-service)
BASE_PORT=${BASE_PORT:-28080}; IDLE=${IDLE_SECONDS:-60}
JAVA_OPTS=${JAVA_OPTS:--Xms16m -Xmx384m -XX:+UseSerialGC}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
OUT=${OUT_DIR:-target/bench-idle}; mkdir -p "$OUT"
i=0
for m in "${MODULES[@]}"; do
  i=$((i + 1)); port=$((BASE_PORT + i)); log="$OUT/$m.log"
  jar="$m/target/quarkus-app/quarkus-run.jar"; [ -f "$jar" ] || { echo "$jar missing: package first" >&2; exit 1; }
  svc=${m%-service}; svc=${svc#gns3-}   # gns3-gateway-service -> gateway, project-service -> project
  # its own database (never the suite's: DDL at start, schedulers, outbox relays) and no events into the suite's topics
  # (the gateway's gns3-events channel only: for a service without that channel the variable would name a channel
  # "gns3" of its own, which has no connector, and the service would not start)
  topic=(); [ "$m" = gns3-gateway-service ] && topic=(MP_MESSAGING_OUTGOING_GNS3_EVENTS_TOPIC=bench.gns3.events)
  env DB_URL=postgresql://127.0.0.1:${PG_PORT:-5432}/labfleet_${svc}_bench "${topic[@]}" \
  PORT=$port LOG_JSON=false LABFLEET_KAFKA_GROUP=${LABFLEET_KAFKA_GROUP:-labfleet-bench-idle} \
    LABFLEET_TOPOLOGY_CACHE_KEY_PREFIX=labfleet:topology:bench-idle: \
    java $JAVA_OPTS -XX:NativeMemoryTracking=summary -jar "$jar" >"$log" 2>&1 &
  pid=$!
  t0=$(date +%s%N)
  until curl -fs -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do
    kill -0 $pid 2>/dev/null || { echo "$m exited; see $log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  warm_ms=$(( (t1 - t0) / 1000000 ))
  sleep "$IDLE"
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  echo "== $m (port $port): ready ${warm_ms} ms after launch; RSS after ${IDLE}s idle $((rss / 1024)) MiB"
  jcmd $pid VM.native_memory summary | awk '/^-/ || /^Total/ {print}' | sed -E 's/\(malloc=[^)]*\)//; s/ +/ /g' \
    | grep -E "Total|Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Metaspace|Arena|Native Memory" \
    > "$OUT/$m.nmt"; cat "$OUT/$m.nmt"
  warns=$(grep -cE " (WARN|ERROR) " "$log" || true)
  echo "WARN/ERROR lines since start: $warns"
  grep -E " (WARN|ERROR) " "$log" | cut -c1-200 | head -5 || true
  s0=$(date +%s%N); kill -TERM $pid; wait $pid || true; s1=$(date +%s%N)
  echo "stopped in $(( (s1 - s0) / 1000000 )) ms; WARN/ERROR while stopping: $(( $(grep -cE ' (WARN|ERROR) ' "$log" || true) - warns ))"
  grep -E " (WARN|ERROR) " "$log" | tail -n +$((warns + 1)) | cut -c1-220 | head -5 || true
done
