#!/usr/bin/env bash
# Benchmarks leave a running suite alone (#19 item 14): every scripts/bench-*.sh that starts a service from its jar
# gives it a labfleet_<service>_bench database (never the suite's labfleet_<service> nor the tests'), keeps the
# gateway's notifications off the suite's gns3.events, and a benchmark that registers a GNS3 server through the
# gateway deletes it again on exit. Checked on the scripts' text (a benchmark run takes minutes) and on the databases
# scripts/infra.sh made ready.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

for script in "$ROOT"/scripts/bench-*.sh; do
  [ "$(basename "$script")" = bench-isolation-test.sh ] && continue
  name=$(basename "$script")
  grep -q 'quarkus-run.jar' "$script" || continue
  if grep -Eq 'DB_URL=[^ ]*_bench' "$script"; then pass "$name: services use a _bench database"
  else fail "$name: starts a service without DB_URL=...labfleet_<service>_bench (it would write into the suite's database)"; fi
  if grep -q 'gns3-gateway-service' "$script"; then
    if grep -q 'MP_MESSAGING_OUTGOING_GNS3_EVENTS_TOPIC=' "$script"; then pass "$name: the gateway publishes to a topic of its own"
    else fail "$name: the gateway would publish the bench simulator's notifications on the suite's gns3.events"; fi
  fi
  if grep -q '/api/v1/servers' "$script"; then
    if grep -Eq 'curl[^|]*-X DELETE[^|]*/api/v1/servers/' "$script"; then pass "$name: deletes the server it registered"
    else fail "$name: registers a GNS3 server and leaves it behind"; fi
  fi
done

if command -v psql >/dev/null; then
  for svc in gateway project topology automation monitoring search; do
    if PGPASSWORD=${LABFLEET_DB_PASSWORD:-labfleet} PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "${PG_PORT:-5432}" \
        -U "labfleet_$svc" -d "labfleet_${svc}_bench" -qtAc 'select 1' >/dev/null 2>&1; then
      pass "labfleet_${svc}_bench exists for labfleet_$svc"
    else
      fail "labfleet_${svc}_bench is missing or refuses labfleet_$svc (scripts/infra.sh up creates it)"
    fi
  done
fi

echo "bench isolation: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
