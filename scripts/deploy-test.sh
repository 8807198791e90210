#!/usr/bin/env bash
# Offline checks of everything under deploy/ (run by ./labfleet test, so in CI):
#   - the edge: scripts/edge.py's nginx.conf, run for real in front of stub services, and the Kubernetes Ingresses,
#     all from deploy/edge/routes.txt, compared route by route (deploy/test/edge.test.mjs)
#   - every object of every overlay (kubectl kustomize) against the Kubernetes JSON schemas pinned by the npm package
#     kubernetes-models (deploy/test/package-lock.json), plus the hardening rules (deploy/test/k8s.test.mjs)
#   - the compose file, with docker-compose config
# Installs what it needs with apt when absent (nginx, docker-compose, nodejs/npm), as scripts/infra.sh does.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${LABFLEET_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/labfleet}
mkdir -p "$STATE_DIR"

say() { printf '[deploy-test] %s\n' "$*"; }
die() { printf '[deploy-test] ERROR: %s\n' "$*" >&2; exit 1; }
apt_install() { # package, why
  command -v apt-get >/dev/null || die "$2 is missing and apt-get is not available: install package '$1' by hand"
  local sudo="" out=$STATE_DIR/apt-$1.log
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  say "installing $1 with apt ($2)"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1"; } >"$out" 2>&1 \
    || die "$2 is missing and apt could not install package '$1': $(tail -1 "$out") (apt output: $out)"
}

command -v python3 >/dev/null || apt_install python3 "python3 (writes the edge's config)"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || apt_install nginx "nginx (the edge)"
command -v docker-compose >/dev/null || apt_install docker-compose "docker-compose (checks deploy/compose)"
command -v node >/dev/null && command -v npm >/dev/null || apt_install npm "Node.js and npm (the manifest checks)"
command -v kubectl >/dev/null || die "kubectl is missing: it renders the overlays (kubectl kustomize); install kubectl"

say "docker-compose config: deploy/compose/docker-compose.yml"
docker-compose -f "$ROOT/deploy/compose/docker-compose.yml" config -q \
  || die "deploy/compose/docker-compose.yml does not validate (docker-compose config)"
say "compose: every LABFLEET_*_URL a service reads is set for it"
# (PyYAML comes with Debian's docker-compose)
missing=$(docker-compose -f "$ROOT/deploy/compose/docker-compose.yml" config | python3 -c '
import re, sys, yaml, pathlib
root = pathlib.Path(sys.argv[1])
services = yaml.safe_load(sys.stdin)["services"]
for name, svc in services.items():
    props = root / name / "src/main/resources/application.properties"
    if not props.is_file():
        continue
    env = svc.get("environment") or {}
    for var in sorted(set(re.findall(r"\$\{(LABFLEET_[A-Z]+_URL)[:}]", props.read_text()))):
        if var != "LABFLEET_GNS3_URL" and var not in env:
            print(name + ": " + var)
' "$ROOT")
[ -z "$missing" ] || die "deploy/compose/docker-compose.yml leaves service URLs at their localhost defaults: $(echo $missing)"

cd "$ROOT/deploy/test"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci (kubernetes-models, yaml: versions pinned in deploy/test/package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error >"$STATE_DIR/npm-deploy-test.log" 2>&1 \
    || die "npm ci failed in deploy/test (see $STATE_DIR/npm-deploy-test.log)"
fi
say "node --test: the edge and the Kubernetes manifests"
node --test --test-reporter=spec ./*.test.mjs
