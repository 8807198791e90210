#!/usr/bin/env python3
"""The edge: nginx and the Kubernetes Ingresses, both generated from one route table (deploy/edge/routes.txt).

  scripts/edge.py nginx --listen 127.0.0.1:8080 --upstream gns3-gateway-service=127.0.0.1:8081,127.0.0.1:8181 ...
                         the local edge's nginx.conf on stdout (./labfleet up runs it with -p <state dir>/edge)
  scripts/edge.py compose   deploy/compose/nginx.conf (the compose edge) on stdout
  scripts/edge.py ingress   deploy/k8s/base/ingress.yaml on stdout
  scripts/edge.py write     rewrite both committed files from the route table
  scripts/edge.py check     exit 1 when a committed file differs from what the route table gives

Only the Python standard library: ./labfleet up runs this on a fresh Debian machine.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUTES = os.path.join(ROOT, "deploy", "edge", "routes.txt")
INGRESS = os.path.join(ROOT, "deploy", "k8s", "base", "ingress.yaml")
COMPOSE_CONF = os.path.join(ROOT, "deploy", "compose", "nginx.conf")

# Service name -> the port it listens on (the local default; in Kubernetes every Service listens on 80).
PORTS = {
    "gns3-gateway-service": 8081,
    "project-service": 8082,
    "topology-service": 8083,
    "automation-service": 8084,
    "monitoring-service": 8085,
    "search-service": 8086,
}

# The limits of each route class, written once and turned into nginx directives and ingress-nginx annotations.
#   body: largest request body; read/send: seconds the service may take to answer / to take the request;
#   buffering: the answer is buffered by the edge (off = streamed to the client as it comes);
#   request_buffering: the request body is read whole before the service sees it (off = streamed);
#   websocket: Upgrade/Connection are passed on; rewrite: the path the service sees.
CLASSES = {
    "api": dict(body="1m", read=60, send=60, buffering=True, request_buffering=True, websocket=False),
    "long": dict(body="2g", read=660, send=660, buffering=True, request_buffering=False, websocket=False),
    "stream": dict(body="1m", read=3600, send=60, buffering=False, request_buffering=True, websocket=False),
    "ws": dict(body="1m", read=3600, send=3600, buffering=False, request_buffering=True, websocket=True),
    "openapi": dict(body="1m", read=60, send=60, buffering=True, request_buffering=True, websocket=False,
                    rewrite="/q/openapi"),
    "page": dict(body="1m", read=60, send=60, buffering=True, request_buffering=True, websocket=False),
}
CONNECT_TIMEOUT = 3      # seconds to open a connection to a replica (then the next one is tried)
NEXT_UPSTREAM_TRIES = 3  # a failed connection (or an idempotent call whose replica died) tries another replica


class Route:
    def __init__(self, klass, service, path, line):
        self.klass, self.service, self.path, self.line = klass, service, path, line

    def key(self):
        return (self.path, self.service, self.klass)


def load_routes(path=ROUTES):
    routes, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 3:
                sys.exit(f"{path}:{n}: expected 'class service path', got: {raw.strip()}")
            klass, service, p = parts
            if klass not in CLASSES:
                sys.exit(f"{path}:{n}: unknown class '{klass}' (known: {', '.join(CLASSES)})")
            if service not in PORTS:
                sys.exit(f"{path}:{n}: unknown service '{service}' (known: {', '.join(PORTS)})")
            if not p.startswith("/"):
                sys.exit(f"{path}:{n}: a path starts with '/': {p}")
            try:
                re.compile("^" + p)
            except re.error as e:
                sys.exit(f"{path}:{n}: path is not a regular expression ({e}): {p}")
            if p in seen:
                sys.exit(f"{path}:{n}: path listed twice: {p}")
            seen.add(p)
            routes.append(Route(klass, service, p, n))
    return routes


def ingress_order(routes):
    """The order ingress-nginx gives regex locations of one host: by path, descending, then (stable) by length,
    longest first. nginx tries regex locations in file order, so the local edge writes them in this order too."""
    ordered = sorted(routes, key=lambda r: r.path, reverse=True)
    return sorted(ordered, key=lambda r: len(r.path), reverse=True)


# ------------------------------------------------------------------------------------------------ nginx

PROBLEMS = {
    502: ("upstream-error", "Upstream server failed", "{svc} did not answer: no replica accepted the request (it is down or starting)"),
    503: ("upstream-unavailable", "Upstream server unavailable", "{svc} is unavailable"),
    504: ("upstream-timeout", "Upstream server timed out", "{svc} did not answer within the timeout of this route"),
}


def problem_body(status, slug, title, detail):
    # $req_id is a safe token (see the map below), so the body stays valid JSON.
    return ('{"type":"https://labfleet.dev/problems/%s","title":"%s","status":%d,"detail":"%s","requestId":"$req_id"}'
            % (slug, title, status, detail))


def swagger_index(services):
    urls = ", ".join('{url: "/q/openapi/%s", name: "%s"}' % (s, s) for s in services)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Labfleet API</title>'
            '<link rel="stylesheet" href="/q/swagger-ui/swagger-ui.css"></head><body><div id="swagger-ui"></div>'
            '<script src="/q/swagger-ui/swagger-ui-bundle.js"></script>'
            '<script src="/q/swagger-ui/swagger-ui-standalone-preset.js"></script>'
            '<script>window.ui = SwaggerUIBundle({urls: [' + urls + '], dom_id: "#swagger-ui", deepLinking: true,'
            ' presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});'
            '</script></body></html>')


def nginx_conf(routes, listen, upstreams, compose=False):
    """upstreams: service -> ["host:port", ...]."""
    out = []
    w = out.append
    w("# Generated by scripts/edge.py from deploy/edge/routes.txt: edit the route table, not this file.")
    if compose:
        w("# The compose edge (deploy/compose/docker-compose.yml mounts it as /etc/nginx/nginx.conf).")
        w("pid /tmp/nginx.pid;")
        w("error_log /dev/stderr warn;")
    else:
        w("# The local edge of ./labfleet up, run as: nginx -p <state dir>/edge -c nginx.conf (paths are relative to -p).")
        w("pid run/nginx.pid;")
        w("error_log logs/error.log warn;")
    w("worker_processes auto;")
    w("# A reload (replicas added or removed) or a stop gives the requests in flight 30 s to end (within the pods' 45 s")
    w("# grace; a lab create took 12.5 s on a loaded machine and 10 s cut it), then ends long-lived connections")
    w("# (WebSockets, live captures) instead of keeping the old workers for as long as they last: clients reconnect.")
    w("worker_shutdown_timeout 30s;")
    w("events { worker_connections 4096; }")
    w("")
    w("http {")
    tmp = "/tmp/nginx" if compose else "tmp"
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        w(f"  {kind}_temp_path {tmp}/{kind};")
    w("  server_tokens off;")
    w("  default_type application/octet-stream;")
    w("  # Answers are buffered in memory only (never in temp files): large answers stream instead.")
    w("  proxy_max_temp_file_size 0;")
    w("  # X-Request-Id: the client's when it is a plain token, otherwise one nginx generates.")
    w("  map $http_x_request_id $req_id {")
    w('    default $request_id;')
    w('    "~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id;')
    w("  }")
    w("  map $http_upgrade $connection_upgrade {")
    w("    default upgrade;")
    w("    \"\" close;")
    w("  }")
    w("  log_format edge '$remote_addr \"$request\" $status $body_bytes_sent rt=$request_time "
      "ut=$upstream_response_time up=$upstream_addr rid=$req_id';")
    w("  access_log %s edge buffer=64k flush=2s;" % ("/dev/stdout" if compose else "logs/access.log"))
    w("")
    for svc in PORTS:
        w(f"  upstream {svc} {{")
        for server in upstreams[svc]:
            w(f"    server {server} max_fails=1 fail_timeout=2s;")
        w("    keepalive 64;")
        w("  }")
    w("")
    w("  server {")
    w(f"    listen {listen};")
    w("    add_header X-Request-Id $req_id always;")
    w("    # Requests refused before any service sees them are problems too (issue 15): malformed (a bare CR or LF in")
    w("    # a header), a body over the route's limit, a request line or headers over nginx's buffers.")
    w("    error_page 400 @bad_request;")
    w("    error_page 413 @too_large;")
    # (a request line or headers nginx could not read have no URI a named location could run on: an internal one)
    w("    error_page 414 /__edge/uri-too-long;")
    w("    error_page 494 =431 /__edge/headers-too-large;")
    w("    location @bad_request {")
    w("      default_type application/problem+json;")
    w("      return 400 '%s';" % problem_body(400, "bad-request", "Bad request", "the edge could not read the request"))
    w("    }")
    w("    location = /__edge/uri-too-long {")
    w("      internal;")
    w("      default_type application/problem+json;")
    w("      return 414 '%s';" % problem_body(414, "uri-too-long", "URI too long",
                                             "the request line is longer than the edge accepts"))
    w("    }")
    w("    location = /__edge/headers-too-large {")
    w("      internal;")
    w("      default_type application/problem+json;")
    w("      return 431 '%s';" % problem_body(431, "headers-too-large", "Request header fields too large",
                                             "a request header (or all of them) is larger than the edge accepts"))
    w("    }")
    w("    location @too_large {")
    w("      default_type application/problem+json;")
    w("      return 413 '%s';" % problem_body(413, "payload-too-large", "Payload too large",
                                             "the request body is larger than this route accepts (see docs/deploy.md)"))
    w("    }")
    for svc in PORTS:
        for status, (slug, title, detail) in PROBLEMS.items():
            w(f"    location @{status}_{svc} {{")
            w("      default_type application/problem+json;")
            w("      return %d '%s';" % (status, problem_body(status, slug, title, detail.format(svc=svc))))
            w("    }")
    w("")
    w("    # Swagger UI: the edge's own index page lists every service's OpenAPI; its scripts come from the gateway.")
    w("    location = /q/swagger-ui { return 301 /q/swagger-ui/; }")
    w("    location ~ \"^/q/swagger-ui/(index\\.html)?$\" {")
    w("      default_type text/html;")
    w("      return 200 '%s';" % swagger_index(list(PORTS)))
    w("    }")
    w("")
    catch_all_written = False
    for r in ingress_order(routes):
        if not catch_all_written and len(r.path) < len("/api/"):
            w("    # No service owns this /api path (in Kubernetes the Ingress' default backend answers).")
            w("    location ~* \"^/api/\" {")
            w("      default_type application/problem+json;")
            w("      return 404 '%s';" % problem_body(404, "not-found", "Resource not found",
                                                     "no Labfleet service serves this path"))
            w("    }")
            catch_all_written = True
        c = CLASSES[r.klass]
        w(f"    # route {r.klass} {r.service} (routes.txt line {r.line})")
        w(f"    location ~* \"^{r.path}\" {{")
        if "rewrite" in c:
            w(f"      rewrite ^ {c['rewrite']} break;")
        w(f"      client_max_body_size {c['body']};")
        if c["request_buffering"]:
            w(f"      client_body_buffer_size {c['body']};")
        w(f"      proxy_request_buffering {'on' if c['request_buffering'] else 'off'};")
        w(f"      proxy_buffering {'on' if c['buffering'] else 'off'};")
        # room for a typical JSON answer (a 100-node list is ~90 KB) so nginx never falls back to a synchronous relay
        w("      proxy_buffer_size 16k;")
        w("      proxy_buffers 16 16k;")
        w("      proxy_busy_buffers_size 32k;")
        w(f"      proxy_connect_timeout {CONNECT_TIMEOUT}s;")
        w(f"      proxy_read_timeout {c['read']}s;")
        w(f"      proxy_send_timeout {c['send']}s;")
        w("      proxy_next_upstream error;")
        w(f"      proxy_next_upstream_tries {NEXT_UPSTREAM_TRIES};")
        w("      proxy_http_version 1.1;")
        if c["websocket"]:
            w("      proxy_set_header Upgrade $http_upgrade;")
            w("      proxy_set_header Connection $connection_upgrade;")
        else:
            w('      proxy_set_header Connection "";')
        w("      proxy_set_header Host $http_host;")
        w("      proxy_set_header X-Request-Id $req_id;")
        w("      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
        w("      proxy_set_header X-Forwarded-Proto $scheme;")
        w("      proxy_set_header X-Forwarded-Host $http_host;")
        for status in PROBLEMS:
            w(f"      error_page {status} @{status}_{r.service};")
        w("      error_page 400 @bad_request;")
        w("      error_page 413 @too_large;")
        w(f"      proxy_pass http://{r.service};")
        w("    }")
    w("  }")
    w("}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------ Ingress

def ingress_annotations(c):
    a = {
        "nginx.ingress.kubernetes.io/use-regex": "true",
        "nginx.ingress.kubernetes.io/proxy-body-size": c["body"],
        "nginx.ingress.kubernetes.io/proxy-connect-timeout": str(CONNECT_TIMEOUT),
        "nginx.ingress.kubernetes.io/proxy-read-timeout": str(c["read"]),
        "nginx.ingress.kubernetes.io/proxy-send-timeout": str(c["send"]),
        "nginx.ingress.kubernetes.io/proxy-buffering": "on" if c["buffering"] else "off",
        "nginx.ingress.kubernetes.io/proxy-request-buffering": "on" if c["request_buffering"] else "off",
        "nginx.ingress.kubernetes.io/proxy-next-upstream": "error",
        "nginx.ingress.kubernetes.io/proxy-next-upstream-tries": str(NEXT_UPSTREAM_TRIES),
    }
    if "rewrite" in c:
        a["nginx.ingress.kubernetes.io/rewrite-target"] = c["rewrite"]
    return a


def ingress_yaml(routes):
    out = ["# Generated by scripts/edge.py from deploy/edge/routes.txt: edit the route table, not this file.",
           "# The edge in Kubernetes (ingress-nginx): one Ingress per route class, since timeouts, body sizes and",
           "# buffering are per Ingress. ingress-nginx merges them into one host and orders the regex paths by length,",
           "# as the local edge does. It passes X-Request-ID on (or generates one) and upgrades WebSockets by itself."]
    by_class = {}
    for r in routes:
        by_class.setdefault(r.klass, []).append(r)
    for klass in CLASSES:
        if klass not in by_class:
            continue
        out.append("---")
        out.append("apiVersion: networking.k8s.io/v1")
        out.append("kind: Ingress")
        out.append("metadata:")
        out.append(f"  name: labfleet-{klass}")
        out.append("  labels:")
        out.append(f"    labfleet.dev/route-class: {klass}")
        out.append("  annotations:")
        for k, v in ingress_annotations(CLASSES[klass]).items():
            out.append(f'    {k}: "{v}"')
        out.append("spec:")
        out.append("  ingressClassName: nginx")
        out.append("  rules:")
        out.append("    - http:")
        out.append("        paths:")
        for r in by_class[klass]:
            out.append(f'          - path: "{r.path}"')
            out.append("            pathType: ImplementationSpecific")
            out.append(f"            backend: {{service: {{name: {r.service}, port: {{name: http}}}}}}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------ main

def compose_conf(routes):
    return nginx_conf(routes, "8080", {s: [f"{s}:{p}"] for s, p in PORTS.items()}, compose=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["nginx", "compose", "ingress", "write", "check"])
    ap.add_argument("--listen", default="127.0.0.1:8080")
    ap.add_argument("--upstream", action="append", default=[], metavar="SERVICE=HOST:PORT[,HOST:PORT...]")
    ap.add_argument("--routes", default=ROUTES)
    a = ap.parse_args()
    routes = load_routes(a.routes)
    if a.command == "nginx":
        ups = {s: [f"127.0.0.1:{p}"] for s, p in PORTS.items()}
        for u in a.upstream:
            svc, _, servers = u.partition("=")
            if svc not in PORTS or not servers:
                sys.exit(f"--upstream {u}: expected SERVICE=HOST:PORT[,HOST:PORT...] with SERVICE one of {', '.join(PORTS)}")
            ups[svc] = servers.split(",")
        sys.stdout.write(nginx_conf(routes, a.listen, ups))
    elif a.command == "compose":
        sys.stdout.write(compose_conf(routes))
    elif a.command == "ingress":
        sys.stdout.write(ingress_yaml(routes))
    else:
        wanted = {INGRESS: ingress_yaml(routes), COMPOSE_CONF: compose_conf(routes)}
        stale = []
        for path, text in wanted.items():
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != text:
                if a.command == "write":
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
                    print(f"wrote {os.path.relpath(path, ROOT)}")
                else:
                    stale.append(os.path.relpath(path, ROOT))
        if stale:
            sys.exit(f"out of date with deploy/edge/routes.txt: {', '.join(stale)} (run scripts/edge.py write)")


if __name__ == "__main__":
    main()
