#!/usr/bin/env bash
# Tests of scripts/infra.sh's failure handling, against the infrastructure `infra.sh up` has just made ready:
# a port taken by something else, a server that refuses our user, and nothing half-started left behind.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INFRA=$ROOT/scripts/infra.sh
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
SCRATCH=$(mktemp -d)
chmod 755 "$SCRATCH" # a private PostgreSQL runs as the postgres user when we are root
trap 'rm -rf "$SCRATCH"' EXIT
passed=0
failed=0

free_port() { local p; for p in $(seq 25400 25499); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# expect_failure NAME PATTERN ENV... : infra.sh up must exit non-zero with one ERROR line matching PATTERN
expect_failure() {
  local name=$1 pattern=$2; shift 2
  local out rc
  out=$(env LABFLEET_STATE_DIR="$SCRATCH/$name" "$@" "$INFRA" up 2>&1); rc=$?
  local errors; errors=$(grep -c 'ERROR' <<<"$out")
  if [ $rc -ne 0 ] && [ "$errors" = 1 ] && grep -Eq "$pattern" <<<"$out"; then
    echo "PASS $name"; passed=$((passed + 1))
  else
    echo "FAIL $name (exit $rc, $errors error lines): $out"; failed=$((failed + 1))
  fi
}

expect_failure redis-port-taken "port $PG_PORT is taken by .*does not answer Redis PING.*REDIS_PORT" \
  REDIS_PORT="$PG_PORT"
expect_failure kafka-port-taken "port $REDIS_PORT is taken by .*not a Kafka broker.*KAFKA_PORT" \
  KAFKA_PORT="$REDIS_PORT"
expect_failure pg-port-taken "port $REDIS_PORT is taken by .*not PostgreSQL.*PG_PORT" \
  PG_PORT="$REDIS_PORT"
expect_failure pg-refuses-user "refuses user 'nobody_here'.*PG_SUPERUSER" \
  PG_SUPERUSER=nobody_here

# A private PostgreSQL started by this very invocation must be stopped when a later step fails.
spare=$(free_port)
expect_failure nothing-half-started "port $PG_PORT is taken by .*REDIS_PORT" \
  PG_PORT="$spare" REDIS_PORT="$PG_PORT" LABFLEET_PG_DIR="$SCRATCH/pg"
if listening "$spare"; then
  echo "FAIL nothing-half-started: PostgreSQL still listens on $spare"; failed=$((failed + 1))
else
  echo "PASS nothing-half-started-pg-stopped"; passed=$((passed + 1))
fi

# up is idempotent: a second run reuses everything and changes nothing.
if out=$("$INFRA" up 2>&1) && grep -q "PostgreSQL: reusing" <<<"$out" && grep -q "Redis: reusing" <<<"$out" \
   && grep -q "Kafka: reusing" <<<"$out"; then
  echo "PASS up-is-idempotent"; passed=$((passed + 1))
else
  echo "FAIL up-is-idempotent: $out"; failed=$((failed + 1))
fi

echo "infra: $passed passed, $failed failed"
[ $failed -eq 0 ]
