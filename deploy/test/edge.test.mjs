// The edge: the local nginx and the Kubernetes Ingresses come from one route table and must route alike; the
// generated nginx is then run for real in front of stub services.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, SERVICES, run, nginxConf, nginxRoutes, kustomize, ingressRoutes, ingressNginxOrder, match } from "./lib.mjs";

// Request path -> [service, class-defining limits] the edge must send it to (the route table's intent).
const SAMPLES = {
  "/api/v1/servers": "gns3-gateway-service",
  "/api/v1/servers/s1/projects/p1/nodes": "gns3-gateway-service",
  "/api/v1/servers/s1/projects/p1/nodes/n1/start": "gns3-gateway-service",
  "/api/v1/servers/s1/batch": "gns3-gateway-service",
  "/api/v1/servers/s1/projects/p1/links/l1/pcap": "gns3-gateway-service",
  "/api/v1/servers/s1/projects/p1/export": "gns3-gateway-service",
  "/api/v1/servers/s1/templates": "gns3-gateway-service",
  "/api/v1/placements": "gns3-gateway-service",
  "/api/v1/projects": "project-service",
  "/api/v1/projects/p1": "project-service",
  "/api/v1/projects/p1/snapshots": "project-service",
  "/api/v1/projects/p1/export": "project-service",
  "/api/v1/projects/import": "project-service",
  "/api/v1/projects/p1/start": "project-service",
  "/api/v1/operations/o1": "project-service",
  "/api/v1/projects/p1/nodes": "topology-service",
  "/api/v1/projects/p1/nodes/n1/start": "topology-service",
  "/api/v1/projects/p1/links/l1/conditions": "topology-service",
  "/api/v1/projects/p1/topology": "topology-service",
  "/api/v1/templates": "topology-service",
  "/api/v1/topologies/generate": "topology-service",
  "/api/v1/scripts/x/executions": "automation-service",
  "/api/v1/workflows": "automation-service",
  "/api/v1/executions/e1": "automation-service",
  "/api/v1/executions/e1/stream": "automation-service",
  "/api/v1/monitoring/stream/fleet": "monitoring-service",
  "/api/v1/monitoring/selections": "monitoring-service",
  "/api/v1/anomalies": "monitoring-service",
  "/": "monitoring-service",
  "/dashboard": "monitoring-service",
  "/api/v1/search": "search-service",
  "/api/v1/search/suggest": "search-service",
  "/api/v1/dashboards/system": "search-service",
  "/graphql": "search-service",
  "/q/openapi/project-service": "project-service",
  "/q/swagger-ui/swagger-ui-bundle.js": "gns3-gateway-service",
};
const STREAMS = ["/api/v1/executions/e1/stream", "/api/v1/monitoring/stream/fleet"];
const UNBUFFERED = ["/api/v1/servers/s1/projects/p1/links/l1/pcap", "/api/v1/servers/s1/projects/p1/export",
  "/api/v1/projects/p1/export"];

test("the committed Ingress and compose nginx.conf are what deploy/edge/routes.txt gives", () => {
  run("python3", ["scripts/edge.py", "check"]);
});

test("nginx and every overlay's Ingresses have the same routes, limits and order", () => {
  const local = nginxRoutes(nginxConf("127.0.0.1:8080"));
  assert.ok(local.length >= 30, `only ${local.length} routes in the generated nginx.conf`);
  for (const overlay of ["deploy/k8s/overlays/dev", "deploy/k8s/overlays/prod"]) {
    const k8s = ingressRoutes(kustomize(overlay));
    const key = (r) => r.path;
    assert.deepEqual(k8s.map(key).sort(), local.map(key).sort(), `${overlay}: the Ingress paths differ from nginx's`);
    const byPath = new Map(k8s.map((r) => [r.path, r]));
    for (const n of local) {
      const i = byPath.get(n.path);
      for (const f of ["service", "body", "connect", "read", "send", "buffering", "requestBuffering", "nextUpstream",
        "tries", "rewrite"]) {
        assert.equal(i[f], n[f], `${overlay}: ${n.path}: ${f} is ${i[f]} in the Ingress ${i.ingress}, ${n[f]} in nginx`);
      }
      assert.equal(i.useRegex, "true", `${overlay}: ${i.ingress} needs use-regex`);
      assert.equal(i.pathType, "ImplementationSpecific");
    }
    // nginx tries regex locations in file order; ingress-nginx sorts them: the two orders must be one.
    assert.deepEqual(local.map(key), ingressNginxOrder(k8s).map(key), `${overlay}: nginx order differs from ingress-nginx's`);
    for (const [p, svc] of Object.entries(SAMPLES)) {
      assert.equal(match(ingressNginxOrder(k8s), p)?.service, svc, `${overlay}: ${p} goes to the wrong service`);
    }
  }
});

test("every sample request path goes to its owning service, with the limits of its class", () => {
  const local = nginxRoutes(nginxConf("127.0.0.1:8080"));
  for (const [p, svc] of Object.entries(SAMPLES)) {
    assert.equal(match(local, p)?.service, svc, `${p} goes to ${match(local, p)?.service}, not ${svc}`);
  }
  for (const p of STREAMS) assert.ok(match(local, p).websocket, `${p} must upgrade WebSockets`);
  for (const p of UNBUFFERED) assert.equal(match(local, p).buffering, "off", `${p} must stream unbuffered`);
  for (const p of ["/api/v1/projects/p1/topology", "/api/v1/servers/s1/batch", "/api/v1/projects/import"]) {
    assert.ok(match(local, p).read >= 600, `${p} needs a long timeout`);
    assert.equal(match(local, p).requestBuffering, "off", `${p} streams its body to the service`);
  }
  assert.equal(match(local, "/q/openapi/search-service").rewrite, "/q/openapi");
});

// ------------------------------------------------------------------------------------------------ live nginx

function nginxBinary() {
  for (const p of ["/usr/sbin/nginx", "/usr/bin/nginx"]) if (fs.existsSync(p)) return p;
  return null;
}

const stubs = new Map(); // "service#replica" -> server
let edge, edgePort, prefix;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function stub(service, replica) {
  const server = createServer((req, res) => {
    const body = () => JSON.stringify({ service, replica, path: req.url, requestId: req.headers["x-request-id"] ?? null });
    if (req.url.endsWith("/pcap") || req.url.endsWith("/export")) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write("first-chunk\n");
      setTimeout(() => res.end("last-chunk\n"), 1500);
      return;
    }
    if (req.url.startsWith("/slow")) return; // never answers
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body());
  });
  server.on("upgrade", (req, socket) => { // a tunnel that echoes, as a WebSocket would after its handshake
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `X-Service: ${service}\r\n\r\n`);
    socket.on("data", (d) => socket.write(d));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function get(p, headers = {}) {
  const res = await fetch(`http://127.0.0.1:${edgePort}${p}`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), rid: res.headers.get("x-request-id"), text };
}

before(async () => {
  const nginx = nginxBinary();
  if (!nginx) throw new Error("nginx is not installed (scripts/deploy-test.sh installs it with apt)");
  const upstreams = {};
  for (const svc of SERVICES) {
    upstreams[svc] = [];
    for (const r of [1, 2]) {
      const s = await stub(svc, r);
      stubs.set(`${svc}#${r}`, s);
      upstreams[svc].push(`127.0.0.1:${s.address().port}`);
    }
  }
  edgePort = await freePort();
  prefix = fs.mkdtempSync(path.join(os.tmpdir(), "labfleet-edge-"));
  for (const d of ["logs", "run", "tmp"]) fs.mkdirSync(path.join(prefix, d));
  fs.writeFileSync(path.join(prefix, "nginx.conf"), nginxConf(`127.0.0.1:${edgePort}`, upstreams));
  execFileSync(nginx, ["-t", "-q", "-p", prefix + "/", "-c", "nginx.conf", "-e", "logs/error.log"]);
  edge = spawn(nginx, ["-p", prefix + "/", "-c", "nginx.conf", "-e", "logs/error.log", "-g", "daemon off;"],
    { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    try { await fetch(`http://127.0.0.1:${edgePort}/q/swagger-ui/`); return; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  throw new Error("the edge did not start (see " + prefix + "/logs/error.log)");
});

after(async () => {
  if (edge) { edge.kill("SIGTERM"); await new Promise((r) => edge.once("exit", r)); }
  for (const s of stubs.values()) s.closeAllConnections?.(), s.close();
  if (prefix) fs.rmSync(prefix, { recursive: true, force: true });
});

test("live: every sample path reaches its service through the edge, with a request id", async () => {
  for (const [p, svc] of Object.entries(SAMPLES)) {
    if (STREAMS.includes(p) || UNBUFFERED.includes(p)) continue;
    const r = await get(p);
    assert.equal(r.status, 200, `${p}: ${r.status} ${r.text}`);
    const seen = JSON.parse(r.text);
    assert.equal(seen.service, svc, `${p}`);
    assert.match(r.rid, /^[0-9a-f]{32}$/, `${p}: the edge generates an X-Request-Id`);
    assert.equal(seen.requestId, r.rid, `${p}: the service sees the id the client gets`);
  }
  const own = await get("/api/v1/projects", { "X-Request-Id": "client-chosen-42" });
  assert.equal(own.rid, "client-chosen-42");
  assert.equal(JSON.parse(own.text).requestId, "client-chosen-42");
  const bad = await get("/api/v1/projects", { "X-Request-Id": 'x"}{' });
  assert.match(bad.rid, /^[0-9a-f]{32}$/, "an id that is not a plain token is replaced");
});

test("live: OpenAPI per service and one Swagger UI that lists them all", async () => {
  const o = await get("/q/openapi/topology-service?format=json");
  assert.equal(JSON.parse(o.text).service, "topology-service");
  assert.equal(JSON.parse(o.text).path, "/q/openapi?format=json");
  const ui = await get("/q/swagger-ui/");
  assert.equal(ui.status, 200);
  assert.match(ui.type, /text\/html/);
  for (const svc of SERVICES) assert.ok(ui.text.includes(`/q/openapi/${svc}`), `the Swagger UI lists ${svc}`);
});

test("live: WebSocket upgrades pass through on the stream routes", async () => {
  for (const p of STREAMS) {
    const reply = await new Promise((resolve, reject) => {
      const sock = net.connect(edgePort, "127.0.0.1", () => {
        sock.write(`GET ${p} HTTP/1.1\r\nHost: edge\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      });
      let data = "";
      sock.on("data", (d) => {
        data += d;
        if (data.includes("\r\n\r\n") && !data.includes("ping-through-edge")) sock.write("ping-through-edge");
        if (data.includes("ping-through-edge")) { sock.destroy(); resolve(data); }
      });
      sock.on("error", reject);
      setTimeout(() => { sock.destroy(); reject(new Error(`${p}: no upgrade, got ${data}`)); }, 5000);
    });
    assert.match(reply, /^HTTP\/1\.1 101/, `${p}`);
    assert.match(reply, /X-Service: (automation|monitoring)-service/);
  }
});

test("live: pcap and export stream to the client unbuffered", async () => {
  for (const p of UNBUFFERED) {
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${edgePort}${p}`);
    const reader = res.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const firstAt = Date.now() - t0;
    while (!(await reader.read()).done) { /* drain */ }
    assert.match(first, /first-chunk/);
    assert.ok(firstAt < 1000, `${p}: the first chunk took ${firstAt} ms (the stub sends the rest 1.5 s later)`);
  }
});

test("live: a body over the route's limit is a 413 problem", async () => {
  const res = await fetch(`http://127.0.0.1:${edgePort}/api/v1/projects`, {
    method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(2 * 1024 * 1024),
  });
  assert.equal(res.status, 413);
  assert.match(res.headers.get("content-type"), /application\/problem\+json/);
  assert.equal((await res.json()).status, 413);
});

/** Sends raw bytes to the edge and answers the status line and the body of its reply. */
function raw(request) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(edgePort, "127.0.0.1", () => sock.write(request));
    let data = "";
    sock.on("data", (d) => { data += d; });
    sock.on("end", () => resolve(data));
    sock.on("error", reject);
    setTimeout(() => { sock.destroy(); reject(new Error(`no answer, got ${data}`)); }, 5000);
  });
}

test("live: requests refused before any service sees them are problems", async () => {
  const cases = [
    ["a bare CR in a header value", "GET /api/v1/projects HTTP/1.1\r\nHost: edge\r\nX-Bad: a\rb\r\nConnection: close\r\n\r\n", 400],
    ["a 70,000-character request line", `GET /api/v1/projects?q=${"a".repeat(70000)} HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n`, 414],
    ["a 70,000-character header", `GET /api/v1/projects HTTP/1.1\r\nHost: edge\r\nX-Big: ${"a".repeat(70000)}\r\nConnection: close\r\n\r\n`, 431],
  ];
  for (const [what, request, status] of cases) {
    const reply = await raw(request);
    assert.match(reply, new RegExp(`^HTTP/1\\.1 ${status} `), `${what}: ${reply.slice(0, 200)}`);
    assert.match(reply, /content-type: application\/problem\+json/i, what);
    const body = JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4));
    assert.equal(body.status, status, what);
  }
});

test("live: a replica down is skipped; every replica down is a 502 problem naming the service", async () => {
  await new Promise((r) => { const s = stubs.get("search-service#1"); s.closeAllConnections(); s.close(r); });
  for (let i = 0; i < 6; i++) {
    const r = await get("/api/v1/search?q=x");
    assert.equal(r.status, 200, r.text);
    assert.equal(JSON.parse(r.text).replica, 2);
  }
  await new Promise((r) => { const s = stubs.get("search-service#2"); s.closeAllConnections(); s.close(r); });
  const r = await get("/api/v1/search?q=x");
  assert.equal(r.status, 502);
  assert.match(r.type, /application\/problem\+json/);
  const p = JSON.parse(r.text);
  assert.equal(p.status, 502);
  assert.match(p.detail, /search-service/);
  assert.equal(p.requestId, r.rid);
  const none = await get("/api/v1/nothing-here");
  assert.equal(none.status, 404);
  assert.match(none.type, /application\/problem\+json/);
});
