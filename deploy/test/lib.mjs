// Shared helpers of the deployment checks: the repository's files, the generated nginx config, rendered overlays.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { parseAllDocuments } from "yaml";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SERVICES = ["gns3-gateway-service", "project-service", "topology-service", "automation-service",
  "monitoring-service", "search-service"];

export function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20, ...opts });
}

/** scripts/edge.py nginx with the given upstreams (service -> ["host:port"]), as ./labfleet up writes it. */
export function nginxConf(listen, upstreams = {}) {
  const args = ["scripts/edge.py", "nginx", "--listen", listen];
  for (const [svc, servers] of Object.entries(upstreams)) args.push("--upstream", `${svc}=${servers.join(",")}`);
  return run("python3", args);
}

/**
 * The proxied regex locations of a generated nginx.conf, in file order (the order nginx tries them), with the
 * limits their directives set. Edge-local locations (no proxy_pass) are left out.
 */
export function nginxRoutes(conf) {
  const routes = [];
  const re = /^ {4}location ~\* "\^(.*)" \{\n([\s\S]*?)\n {4}\}$/gm;
  for (const m of conf.matchAll(re)) {
    const body = m[2];
    const get = (rx) => (body.match(rx) || [])[1];
    const service = get(/proxy_pass http:\/\/([^;]+);/);
    if (!service) continue;
    routes.push({
      path: m[1],
      service,
      body: get(/client_max_body_size (\S+);/),
      connect: Number(get(/proxy_connect_timeout (\d+)s;/)),
      read: Number(get(/proxy_read_timeout (\d+)s;/)),
      send: Number(get(/proxy_send_timeout (\d+)s;/)),
      buffering: get(/proxy_buffering (on|off);/),
      requestBuffering: get(/proxy_request_buffering (on|off);/),
      nextUpstream: get(/proxy_next_upstream (\S+);/),
      tries: Number(get(/proxy_next_upstream_tries (\d+);/)),
      rewrite: get(/rewrite \^ (\S+) break;/) ?? null,
      websocket: /proxy_set_header Upgrade \$http_upgrade;/.test(body),
    });
  }
  return routes;
}

/** `kubectl kustomize <dir>` as parsed objects. */
export function kustomize(dir) {
  const out = run("kubectl", ["kustomize", dir]);
  return parseAllDocuments(out).map((d) => {
    if (d.errors.length) throw new Error(`${dir}: ${d.errors[0].message}`);
    return d.toJS();
  }).filter(Boolean);
}

/** The regex paths of a set of Ingresses, each with its backend and the ingress-nginx annotations that apply. */
export function ingressRoutes(objects) {
  const routes = [];
  for (const ing of objects.filter((o) => o.kind === "Ingress")) {
    const a = ing.metadata.annotations || {};
    const ann = (k) => a[`nginx.ingress.kubernetes.io/${k}`];
    for (const rule of ing.spec.rules || []) {
      for (const p of rule.http.paths) {
        routes.push({
          ingress: ing.metadata.name,
          path: p.path,
          service: p.backend.service.name,
          body: ann("proxy-body-size"),
          connect: Number(ann("proxy-connect-timeout")),
          read: Number(ann("proxy-read-timeout")),
          send: Number(ann("proxy-send-timeout")),
          buffering: ann("proxy-buffering"),
          requestBuffering: ann("proxy-request-buffering"),
          nextUpstream: ann("proxy-next-upstream"),
          tries: Number(ann("proxy-next-upstream-tries")),
          rewrite: ann("rewrite-target") ?? null,
          useRegex: ann("use-regex"),
          pathType: p.pathType,
        });
      }
    }
  }
  return routes;
}

/** ingress-nginx's order of one host's locations: by path descending, then (stable) by length, longest first. */
export function ingressNginxOrder(routes) {
  const byPath = [...routes].sort((x, y) => (x.path > y.path ? -1 : x.path < y.path ? 1 : 0));
  return byPath.sort((x, y) => y.path.length - x.path.length);
}

/** The route a request path takes: the first location whose case-insensitive regex matches its start. */
export function match(routes, requestPath) {
  return routes.find((r) => new RegExp("^" + r.path, "i").test(requestPath));
}
