#!/usr/bin/env bash
# Validates docs/asyncapi.yaml (AsyncAPI 3.0, with its schemas in docs/schemas/events) with @asyncapi/parser, the
# AsyncAPI initiative's parser, run by the machine's Node.js. The parser is installed from the npm registry into the
# cache (LABFLEET_CACHE_DIR, default ~/.cache/labfleet) from scripts/asyncapi/package-lock.json, once per lock file.
# Part of ./labfleet test. That every event the code emits is in the document, and validates against its schema, is
# checked by the Java tests (common-api EventCatalogueTest, EventContract).
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${LABFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/labfleet}
say() { printf '[asyncapi-test] %s\n' "$*"; }
die() { printf '[asyncapi-test] ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is missing: apt-get install nodejs npm"
command -v npm >/dev/null || die "npm is missing: apt-get install npm"
lock_sum=$(sha256sum "$ROOT/scripts/asyncapi/package-lock.json" | cut -c1-16)
TOOL_DIR=$CACHE_DIR/asyncapi-$lock_sum
if [ ! -f "$TOOL_DIR/.complete" ]; then
  say "installing @asyncapi/parser into $TOOL_DIR (npm ci)"
  rm -rf "$TOOL_DIR" && mkdir -p "$TOOL_DIR"
  cp "$ROOT/scripts/asyncapi/package.json" "$ROOT/scripts/asyncapi/package-lock.json" "$TOOL_DIR/"
  (cd "$TOOL_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >"$TOOL_DIR/npm.log" 2>&1 \
    || die "npm could not install @asyncapi/parser (see $TOOL_DIR/npm.log); the npm registry must be reachable"
  touch "$TOOL_DIR/.complete"
fi
NODE_PATH=$TOOL_DIR/node_modules node "$ROOT/scripts/asyncapi/check.cjs" "$ROOT/docs/asyncapi.yaml"
