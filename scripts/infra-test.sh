#!/usr/bin/env bash
# Tests of scripts/infra.sh's failure handling, against the infrastructure `infra.sh up` has just made ready:
# a port taken by something else, a server that refuses our user, a package apt cannot install, a per-service user
# PostgreSQL refuses, and nothing half-started left behind. Private servers use spare ports and a scratch directory.
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

free_port() { # [first]
  local p; for p in $(seq "${1:-25400}" 25499); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# expect_stopped NAME PORT... : nothing listens on the ports the failed attempt used
expect_stopped() {
  local name=$1 p; shift
  for p; do
    if listening "$p"; then echo "FAIL $name: something still listens on $p"; failed=$((failed + 1)); return; fi
  done
  echo "PASS $name"; passed=$((passed + 1))
}
# path_without DIR COMMAND... : fill DIR with links to every command on PATH except COMMANDs, so PATH=DIR hides them
path_without() {
  local dir=$1 dirs i; shift
  mkdir -p "$dir"
  IFS=: read -ra dirs <<<"$PATH"
  for ((i = ${#dirs[@]} - 1; i >= 0; i--)); do # later entries first, so earlier ones win as on the real PATH
    [ -d "${dirs[i]}" ] && find "${dirs[i]}" -mindepth 1 -maxdepth 1 \( -type f -o -type l \) -exec ln -sfn -t "$dir" {} + 2>/dev/null
  done
  for i; do rm -f "$dir/$i"; done
}

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
expect_stopped nothing-half-started-pg-stopped "$spare"

# A package apt cannot install: PATH hides the server binary, and apt-get (and sudo, for a non-root run) are stubs
# whose install fails. The error names the package, apt's own complaint and the fix.
stubs=$SCRATCH/stubs
mkdir -p "$stubs"
printf '#!/bin/sh\n[ "$1" = update ] && exit 0\nfor a; do pkg=$a; done\necho "E: Unable to locate package $pkg" >&2\nexit 1\n' \
  >"$stubs/apt-get"
printf '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n' >"$stubs/sudo"
chmod +x "$stubs/apt-get" "$stubs/sudo"
path_without "$SCRATCH/no-psql" psql
path_without "$SCRATCH/no-redis" redis-server
expect_failure apt-cannot-install-postgresql \
  "ERROR: .*apt could not install package 'postgresql' \(E: Unable to locate package postgresql\): .*by hand" \
  PATH="$stubs:$SCRATCH/no-psql" PG_PORT="$spare" LABFLEET_PG_DIR="$SCRATCH/pg"
expect_stopped apt-cannot-install-postgresql-nothing-started "$spare"
# Here the private PostgreSQL is up (reusing the cluster above) when Redis turns out to be missing: it is stopped.
redis_spare=$(free_port $((spare + 1)))
expect_failure apt-cannot-install-redis \
  "ERROR: .*apt could not install package 'redis-server' \(E: Unable to locate package redis-server\): .*by hand" \
  PATH="$stubs:$SCRATCH/no-redis" PG_PORT="$spare" REDIS_PORT="$redis_spare" LABFLEET_PG_DIR="$SCRATCH/pg"
expect_stopped apt-cannot-install-redis-pg-stopped "$spare" "$redis_spare"

# The superuser gets in but a per-service user is refused: the private cluster's pg_hba.conf rejects everyone else
# on TCP. The error names the user and pg_hba.conf, and the PostgreSQL this attempt started is stopped.
hba=$SCRATCH/pg/data/pg_hba.conf
if [ -f "$hba" ]; then
  { printf 'host all %s 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 reject\n' "${PG_SUPERUSER:-postgres}"; cat "$hba"; } \
    >"$SCRATCH/hba" && cat "$SCRATCH/hba" >"$hba" # rewritten in place: the file keeps its owner
fi
expect_failure pg-refuses-service-user "ERROR: PostgreSQL refuses user labfleet_gateway on database labfleet_gateway: .*pg_hba.conf" \
  PG_PORT="$spare" LABFLEET_PG_DIR="$SCRATCH/pg"
expect_stopped pg-refuses-service-user-pg-stopped "$spare"

# up is idempotent: a second run reuses everything and changes nothing.
if out=$("$INFRA" up 2>&1) && grep -q "PostgreSQL: reusing" <<<"$out" && grep -q "Redis: reusing" <<<"$out" \
   && grep -q "Kafka: reusing" <<<"$out"; then
  echo "PASS up-is-idempotent"; passed=$((passed + 1))
else
  echo "FAIL up-is-idempotent: $out"; failed=$((failed + 1))
fi

echo "infra: $passed passed, $failed failed"
[ $failed -eq 0 ]
