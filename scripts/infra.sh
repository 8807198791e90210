#!/usr/bin/env bash
# Local infrastructure for Labfleet: PostgreSQL, Redis and a single-node KRaft Kafka broker, all on 127.0.0.1.
#
#   scripts/infra.sh up       start what is missing (idempotent), create one database and user per service
#   scripts/infra.sh down     stop only what this script started
#   scripts/infra.sh status   say what runs where
#
# A server already listening on a configured port is reused when it answers as expected (PostgreSQL accepting
# our superuser, Redis answering PING, Kafka answering its admin API); anything else on the port is an error.
# Configuration (environment, defaults in brackets):
#   LABFLEET_STATE_DIR   [~/.local/state/labfleet]  data, logs and pid files of what we start
#   LABFLEET_CACHE_DIR   [~/.cache/labfleet]        downloaded Kafka jars (outside the work tree)
#   LABFLEET_PG_DIR      [$LABFLEET_STATE_DIR/pg-PORT; /var/lib/labfleet/pg-PORT as root, where the postgres user can reach it]
#   PG_PORT [5432]  PG_SUPERUSER [postgres]  PG_SUPERPASSWORD []  (for a server we reuse)
#   LABFLEET_DB_PASSWORD [labfleet]  password of the per-service users labfleet_<service>
#   REDIS_PORT [6379]   KAFKA_PORT [9092]   KAFKA_CONTROLLER_PORT [9093]
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${LABFLEET_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/labfleet}
CACHE_DIR=${LABFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/labfleet}
HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
PG_SUPERUSER=${PG_SUPERUSER:-postgres}
PG_SUPERPASSWORD=${PG_SUPERPASSWORD:-}
DB_PASSWORD=${LABFLEET_DB_PASSWORD:-labfleet}
REDIS_PORT=${REDIS_PORT:-6379}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/scripts/kafka/pom.xml")
KAFKA_LIB=$CACHE_DIR/kafka-$KAFKA_VERSION/lib
if [ "$(id -u)" = 0 ]; then PG_DIR=${LABFLEET_PG_DIR:-/var/lib/labfleet/pg-$PG_PORT}; else PG_DIR=${LABFLEET_PG_DIR:-$STATE_DIR/pg-$PG_PORT}; fi
SERVICES=(gateway project topology automation monitoring search)

mkdir -p "$STATE_DIR"
STARTED_NOW=()

log() { printf '[infra] %s\n' "$*"; }
die() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  # Nothing half-started stays behind: stop what this very invocation started.
  local c
  for c in "${STARTED_NOW[@]:-}"; do [ -n "$c" ] && "stop_$c" >/dev/null 2>&1 || true; done
  exit 1
}
trap 'die "unexpected failure at line $LINENO (${BASH_COMMAND})"' ERR

listening() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
port_owner() {
  local who
  who=$(ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/\1 pid \2/p' | head -1)
  echo "${who:-an unknown process}"
}
wait_until() { # seconds, description, command...
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@"; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.3
  done
}
as_pg_owner() { # runs a PostgreSQL server binary as the postgres system user when we are root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
apt_install() { # package, why
  command -v apt-get >/dev/null || die "$2 is missing and apt-get is not available: install package '$1' by hand"
  local sudo="" fix="make apt able to install it (sources, network, dpkg lock) or install it by hand"
  if [ "$(id -u)" != 0 ]; then
    sudo="sudo -n" fix="run 'sudo apt-get install $1' yourself or give this user passwordless sudo"
  fi
  local out=$STATE_DIR/apt-$1.log
  log "installing $1 with apt ($2)"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1"; } >"$out" 2>&1 \
    || die "$2 is missing and apt could not install package '$1' ($(last_line "$out")): $fix (apt output: $out)"
}
last_line() { # the last non-blank line of a file, for a one-line error; never fails
  local l; l=$(sed -n '/[^[:space:]]/h; ${x;p;}' "$1" 2>/dev/null | tr -d '\r' | cut -c1-200)
  echo "${l:-no output}"
}

# ---------------------------------------------------------------- PostgreSQL
pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  return 1
}
psql_super() {
  PGPASSWORD=$PG_SUPERPASSWORD PGCONNECT_TIMEOUT=5 psql -h "$HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" \
    -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}
pg_accepts() { psql_super -c 'select 1' >/dev/null 2>&1; }
pg_is_postgres() { # something answers the PostgreSQL protocol, even if it refuses us
  local out
  out=$(PGCONNECT_TIMEOUT=3 psql -h "$HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -c 'select 1' 2>&1 </dev/null) && return 0
  case "$out" in *"authentication failed"*|*"no pg_hba.conf"*|*"does not exist"*|*"password"*) return 0 ;; esac
  return 1
}
start_pg() {
  if listening "$PG_PORT"; then
    if pg_accepts; then
      log "PostgreSQL: reusing the server on $HOST:$PG_PORT"
      return 0
    fi
    if pg_is_postgres; then
      die "PostgreSQL on $HOST:$PG_PORT refuses user '$PG_SUPERUSER': set PG_SUPERUSER/PG_SUPERPASSWORD to an account that can create databases, or PG_PORT to a free port"
    fi
    die "port $PG_PORT is taken by $(port_owner "$PG_PORT"), which is not PostgreSQL: stop it or set PG_PORT to a free port"
  fi
  command -v psql >/dev/null && pg_bin >/dev/null || apt_install postgresql "PostgreSQL server"
  local bin data=$PG_DIR/data sock=$PG_DIR/run
  bin=$(pg_bin) || die "PostgreSQL binaries not found under /usr/lib/postgresql after install"
  mkdir -p "$data" "$sock"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "system user 'postgres' is missing: reinstall the postgresql package"
    chown -R postgres "$PG_DIR"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    log "PostgreSQL: initialising a private cluster in $data"
    as_pg_owner "$bin/initdb" -D "$data" -U "$PG_SUPERUSER" --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
      || die "initdb failed (see $PG_DIR/initdb.log)"
  fi
  log "PostgreSQL: starting on $HOST:$PG_PORT"
  # Marked as ours before pg_ctl runs: a server that comes up but misses the readiness wait is stopped by die too.
  STARTED_NOW+=(pg)
  printf '%s\n%s\n' "$bin" "$data" >"$STATE_DIR/pg.started"
  as_pg_owner "$bin/pg_ctl" -D "$data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=$HOST -p $PG_PORT -k $sock -c max_connections=300 -c fsync=off -c synchronous_commit=off" start \
    >/dev/null || die "PostgreSQL did not start (see $PG_DIR/server.log)"
  wait_until 30 "PostgreSQL" pg_accepts || die "PostgreSQL started but refuses '$PG_SUPERUSER' (see $PG_DIR/server.log)"
}
stop_pg() {
  [ -f "$STATE_DIR/pg.started" ] || return 0
  local bin data
  { read -r bin; read -r data; } <"$STATE_DIR/pg.started"
  as_pg_owner "$bin/pg_ctl" -D "${data:-$PG_DIR/data}" -m fast -w stop >/dev/null 2>&1 || true
  rm -f "$STATE_DIR/pg.started"
  log "PostgreSQL: stopped"
}
create_databases() {
  local svc user db
  for svc in "${SERVICES[@]}"; do
    user=labfleet_$svc
    psql_super -c "do \$\$ begin
        if not exists (select from pg_roles where rolname = '$user') then create role $user login password '$DB_PASSWORD';
        else alter role $user login password '$DB_PASSWORD'; end if; end \$\$;" >/dev/null \
      || die "cannot create role $user: '$PG_SUPERUSER' needs CREATEROLE (set PG_SUPERUSER)"
    # _bench: benchmarks' own databases, so a run never writes into the suite's (or the tests') data; _replica: the
    # e2e ReplicaIT's two replicas of every service, which run beside the e2e suite on the _test ones
    for db in "labfleet_$svc" "labfleet_${svc}_test" "labfleet_${svc}_bench" "labfleet_${svc}_replica"; do
      if [ -z "$(psql_super -c "select 1 from pg_database where datname = '$db'")" ]; then
        psql_super -c "create database $db owner $user" >/dev/null \
          || die "cannot create database $db: '$PG_SUPERUSER' needs CREATEDB (set PG_SUPERUSER)"
      fi
    done
    PGPASSWORD=$DB_PASSWORD PGCONNECT_TIMEOUT=5 psql -h "$HOST" -p "$PG_PORT" -U "$user" -d "labfleet_$svc" -qtA \
      -c 'select 1' >/dev/null 2>&1 \
      || die "PostgreSQL refuses user $user on database labfleet_$svc: allow password (md5/scram) logins for it in pg_hba.conf"
  done
  log "PostgreSQL: databases labfleet_<service>, labfleet_<service>_test, _bench and _replica ready for: ${SERVICES[*]}"
}

# ---------------------------------------------------------------- Redis
redis_ping() {
  local reply
  { exec 4<>"/dev/tcp/$HOST/$REDIS_PORT"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&4
  IFS= read -r -t 2 reply <&4 || { exec 4<&-; return 1; }
  exec 4<&-
  [[ "$reply" == "+PONG"* ]]
}
start_redis() {
  if listening "$REDIS_PORT"; then
    redis_ping && { log "Redis: reusing the server on $HOST:$REDIS_PORT"; return 0; }
    die "port $REDIS_PORT is taken by $(port_owner "$REDIS_PORT"), which does not answer Redis PING: stop it or set REDIS_PORT"
  fi
  command -v redis-server >/dev/null || apt_install redis-server "Redis server"
  mkdir -p "$STATE_DIR/redis"
  log "Redis: starting on $HOST:$REDIS_PORT"
  STARTED_NOW+=(redis)
  touch "$STATE_DIR/redis.started" # before the start, as for PostgreSQL
  rm -f "$STATE_DIR/redis/redis.pid"
  redis-server --bind "$HOST" --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --pidfile "$STATE_DIR/redis/redis.pid" --dir "$STATE_DIR/redis" --logfile "$STATE_DIR/redis/redis.log" \
    || die "redis-server did not start (see $STATE_DIR/redis/redis.log)"
  wait_until 20 "Redis" redis_ping || die "Redis did not answer PING within 20 s (see $STATE_DIR/redis/redis.log)"
}
stop_started() { # name marker pidfile: stop a process we started, politely then firmly
  [ -f "$2" ] || return 0
  local pid; pid=$(cat "$3" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    wait_until 30 "$1 stop" bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$2"
  log "$1: stopped"
}
stop_redis() { stop_started Redis "$STATE_DIR/redis.started" "$STATE_DIR/redis/redis.pid"; }

# ---------------------------------------------------------------- Kafka
kafka_jars() {
  if [ ! -f "$KAFKA_LIB/.complete" ]; then
    log "Kafka: resolving broker $KAFKA_VERSION jars from Maven Central into $KAFKA_LIB"
    mkdir -p "$KAFKA_LIB"
    "$ROOT/mvnw" -B -q -ntp -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB" >"$STATE_DIR/kafka-jars.log" 2>&1 \
      || die "could not download the Kafka jars (see $STATE_DIR/kafka-jars.log); Maven Central must be reachable"
    touch "$KAFKA_LIB/.complete"
  fi
}
kafka_java() { java -Xms64m -Xmx256m -cp "$KAFKA_LIB/*" -Dlog4j2.level=WARN "$@"; }
kafka_answers() {
  kafka_java org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
    >/dev/null 2>&1
}
kafka_started_log() { grep -q "Kafka Server started" "$STATE_DIR/kafka/server.out" 2>/dev/null; }
start_kafka() {
  kafka_jars
  if listening "$KAFKA_PORT"; then
    # a broker on a machine busy with builds can take a while to answer (and the tool's JVM to start): ask thrice
    local try
    for try in 1 2 3; do
      kafka_answers && { log "Kafka: reusing the broker on $HOST:$KAFKA_PORT"; return 0; }
      log "Kafka: the process on $HOST:$KAFKA_PORT did not answer as a broker (attempt $try of 3)"
    done
    die "port $KAFKA_PORT is taken by $(port_owner "$KAFKA_PORT"), which is not a Kafka broker: stop it or set KAFKA_PORT"
  fi
  if listening "$KAFKA_CONTROLLER_PORT"; then
    die "Kafka controller port $KAFKA_CONTROLLER_PORT is taken by $(port_owner "$KAFKA_CONTROLLER_PORT"): set KAFKA_CONTROLLER_PORT"
  fi
  command -v java >/dev/null || die "java is not on the PATH: install a JDK 17+"
  local dir=$STATE_DIR/kafka
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id; id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    kafka_java kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || die "Kafka storage format failed (see $dir/format.log)"
  fi
  log "Kafka: starting broker $KAFKA_VERSION on $HOST:$KAFKA_PORT"
  STARTED_NOW+=(kafka)
  touch "$STATE_DIR/kafka.started" # before the start, as for PostgreSQL
  rm -f "$dir/kafka.pid"
  : >"$dir/server.out"
  nohup java -Xms256m -Xmx256m -XX:+UseSerialGC -cp "$KAFKA_LIB/*" kafka.Kafka "$dir/server.properties" \
    >"$dir/server.out" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  wait_until 60 "Kafka" kafka_started_log || die "Kafka did not start within 60 s (see $dir/server.out)"
  wait_until 30 "Kafka port" listening "$KAFKA_PORT" || die "Kafka started but does not listen on $KAFKA_PORT (see $dir/server.out)"
}
# Topics exist before any service starts: a consumer that subscribes to a topic nobody has written yet would
# only notice it at its next metadata refresh (minutes). One list, then one create per missing topic.
TOPICS=${LABFLEET_TOPICS:-"gns3.events lab.projects lab.topology lab.automation lab.monitoring lab.audit"}
TOPIC_PARTITIONS=${LABFLEET_TOPIC_PARTITIONS:-6}
create_topics() {
  local existing topic
  existing=$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" --list 2>/dev/null) \
    || die "Kafka: cannot list topics on $HOST:$KAFKA_PORT"
  for topic in $TOPICS; do
    grep -qx "$topic" <<<"$existing" && continue
    kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" --create --if-not-exists \
      --topic "$topic" --partitions "$TOPIC_PARTITIONS" --replication-factor 1 >/dev/null 2>&1 \
      || die "Kafka: cannot create topic $topic"
    log "Kafka: created topic $topic ($TOPIC_PARTITIONS partitions)"
  done
}
stop_kafka() { stop_started Kafka "$STATE_DIR/kafka.started" "$STATE_DIR/kafka/kafka.pid"; }

# ---------------------------------------------------------------- commands
status() {
  local rc=0
  if pg_accepts; then echo "postgresql  UP    $HOST:$PG_PORT$([ -f "$STATE_DIR/pg.started" ] && echo ' (ours)')"
  else echo "postgresql  DOWN  $HOST:$PG_PORT"; rc=1; fi
  if redis_ping; then echo "redis       UP    $HOST:$REDIS_PORT$([ -f "$STATE_DIR/redis.started" ] && echo ' (ours)')"
  else echo "redis       DOWN  $HOST:$REDIS_PORT"; rc=1; fi
  if listening "$KAFKA_PORT"; then echo "kafka       UP    $HOST:$KAFKA_PORT$([ -f "$STATE_DIR/kafka.started" ] && echo ' (ours)')"
  else echo "kafka       DOWN  $HOST:$KAFKA_PORT"; rc=1; fi
  return $rc
}

case "${1:-}" in
  up)
    start_pg
    create_databases
    start_redis
    start_kafka
    create_topics
    trap - ERR
    log "ready: postgresql://$HOST:$PG_PORT  redis://$HOST:$REDIS_PORT  kafka $HOST:$KAFKA_PORT"
    ;;
  down)
    trap - ERR
    stop_kafka; stop_redis; stop_pg
    ;;
  status)
    trap - ERR
    status
    ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
