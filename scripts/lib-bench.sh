# Sourced by the gateway benchmarks (bench-gateway.sh, bench-edge.sh, bench-guard.sh), never run on its own.
#
# bench_lab SIM_URL GATEWAY_URL [CURL_ARGS...]: makes a project of 100 VPCS on the benchmark's simulator and waits for
# the gateway to register that simulator; sets PROJECT and SERVER (the caller's cleanup deletes the server again).
# CURL_ARGS go with the gateway call (an Authorization header where security is on).
bench_lab() {
  local sim=$1 gateway=$2 i
  shift 2
  PROJECT=$(curl -fs -H 'Content-Type: application/json' -d "{\"name\":\"bench-$RANDOM\"}" "$sim/v2/projects" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["project_id"])')
  for i in $(seq 1 100); do
    curl -fs -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"name\":\"PC$i\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}" "$sim/v2/projects/$PROJECT/nodes"
  done
  SERVER=""
  for _ in $(seq 1 100); do
    SERVER=$(curl -fs "$@" "$gateway/api/v1/servers" | python3 -c \
      "import json,sys; print(next((s['id'] for s in json.load(sys.stdin)['items'] if s['url'].rstrip('/')=='$sim'), ''))")
    [ -n "$SERVER" ] && break
    sleep 0.2
  done
  [ -n "$SERVER" ] || { echo "the gateway did not register the simulator" >&2; exit 1; }
}
