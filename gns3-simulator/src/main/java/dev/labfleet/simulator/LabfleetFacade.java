package dev.labfleet.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For a service's own tests: the internal APIs it calls on other Labfleet services, answered over a simulator. The
 * gateway's {@code /api/v1/servers/{serverId}/X} goes to the simulator's {@code /v2/X} (GNS3 errors come back as
 * problem+json with GNS3's status, 5xx as 502; batches run call by call), placement and the server list name one server, and
 * {@code GET /api/v1/projects/{id}} answers as project-service would for the simulator's projects. The suite's e2e
 * tests run the real services.
 */
public final class LabfleetFacade implements AutoCloseable {

    public static final UUID SERVER_ID = UUID.fromString("5e4e0000-0000-4000-8000-000000000001");
    private static final Pattern SERVER_PATH = Pattern.compile("/api/v1/servers/([^/]+)(/.*)?");
    private static final Pattern PROJECT_PATH = Pattern.compile("/api/v1/projects/([^/]+)");

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final java.util.Set<UUID> deadServers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private LabfleetFacade(Gns3Simulator simulator) {
        URI target = URI.create(simulator.baseUrl());
        // as many calls in flight as the real gateway allows one server (16, plus its queue): Vert.x' default pool
        // of 5 would make the facade, not the service under test, the bottleneck of concurrent calls
        HttpClient client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setMaxPoolSize(64));
        server = vertx.createHttpServer().requestHandler(request -> handle(request, client, target));
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("facade did not start", e);
        }
    }

    public static LabfleetFacade start(Gns3Simulator simulator) {
        return new LabfleetFacade(simulator);
    }

    /** Base URL to configure as the gateway's and project-service's. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /**
     * Registers a GNS3 server that is down next to the simulated one: it is listed (enabled, status down), and
     * every call to it is answered as the gateway answers for a server whose breaker is open (503, Retry-After).
     */
    public void addDeadServer(UUID serverId) {
        deadServers.add(serverId);
    }

    public void removeDeadServer(UUID serverId) {
        deadServers.remove(serverId);
    }

    private void handle(HttpServerRequest request, HttpClient client, URI target) {
        String path = request.path();
        if (path.equals("/api/v1/placements")) {
            json(request, new JsonObject().put("serverId", SERVER_ID.toString()).put("reasons", new JsonArray()).encode());
            return;
        }
        if (path.equals("/api/v1/servers")) {
            JsonArray items = new JsonArray().add(new JsonObject().put("id", SERVER_ID.toString()).put("enabled", true)
                    .put("status", "up"));
            deadServers.forEach(dead -> items.add(new JsonObject().put("id", dead.toString()).put("enabled", true)
                    .put("status", "down")));
            json(request, new JsonObject().put("items", items).encode());
            return;
        }
        Matcher project = PROJECT_PATH.matcher(path);
        if (project.matches()) {
            forward(request, client, target, "/v2/projects/" + project.group(1), body -> {
                JsonObject gns3 = new JsonObject(body);
                return new JsonObject().put("projectId", gns3.getString("project_id")).put("name", gns3.getString("name"))
                        .put("serverId", SERVER_ID.toString()).put("status", gns3.getString("status")).toBuffer();
            });
            return;
        }
        Matcher m = SERVER_PATH.matcher(path);
        if (m.matches() && deadServers.stream().anyMatch(dead -> dead.toString().equals(m.group(1)))) {
            request.response().putHeader("Retry-After", "10");
            problem(request, 503, "GNS3 server " + m.group(1) + " is failing; calls to it are suspended (circuit "
                    + "breaker open)");
            return;
        }
        if (!m.matches() || !SERVER_ID.toString().equals(m.group(1))) {
            problem(request, 404, "no GNS3 server " + (m.matches() ? m.group(1) : path));
            return;
        }
        String rest = m.group(2) == null ? "" : m.group(2);
        if (rest.equals("/batch") && request.method() == HttpMethod.POST) {
            request.body().onSuccess(body -> batch(request, client, target, body.toJsonObject()))
                    .onFailure(e -> problem(request, 400, "unreadable batch"));
            return;
        }
        forward(request, client, target, "/v2" + rest + (request.query() == null ? "" : "?" + request.query()), b -> b);
    }

    private static void forward(HttpServerRequest request, HttpClient client, URI target, String uri,
                                java.util.function.Function<Buffer, Buffer> transform) {
        request.body().compose(body -> client.request(request.method(), target.getPort(), target.getHost(), uri)
                        .compose(out -> {
                            out.putHeader("content-type", "application/json");
                            return body.length() > 0 ? out.send(body) : out.send();
                        })
                        .compose(response -> response.body().map(answer -> {
                            if (response.statusCode() >= 400) {
                                JsonObject problem = problemOf(response.statusCode(), answer);
                                problem(request, problem.getInteger("status"), problem.getString("detail"));
                            } else {
                                request.response().setStatusCode(response.statusCode());
                                String type = response.getHeader("content-type");
                                if (type != null) {
                                    request.response().putHeader("content-type", type);
                                }
                                request.response().end(answer.length() == 0 ? answer : transform.apply(answer));
                            }
                            return null;
                        })))
                .onFailure(e -> problem(request, 503, "GNS3 unreachable: " + e.getMessage()));
    }

    /**
     * The gateway's batch: each operation sent to the simulator one after another, in list order (so every call
     * follows the earlier calls on its nodes, as the gateway guarantees; a stand-in needs no more), each answered
     * with GNS3's status and body or the problem the gateway would give.
     */
    private static void batch(HttpServerRequest request, HttpClient client, URI target, JsonObject batch) {
        JsonArray operations = batch.getJsonArray("operations", new JsonArray());
        JsonObject[] results = new JsonObject[operations.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger left = new AtomicInteger(operations.size());
        Runnable[] worker = new Runnable[1];
        worker[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= operations.size()) {
                return;
            }
            JsonObject op = operations.getJsonObject(i);
            Object body = op.getValue("body");
            client.request(HttpMethod.valueOf(op.getString("method")), target.getPort(), target.getHost(),
                            "/v2" + op.getString("path"))
                    .compose(out -> {
                        out.putHeader("content-type", "application/json");
                        return body == null ? out.send() : out.send(Json.encodeToBuffer(body));
                    })
                    .compose(response -> response.body().map(answer -> {
                        JsonObject result = new JsonObject().put("id", op.getString("id"));
                        if (response.statusCode() >= 400) {
                            JsonObject problem = problemOf(response.statusCode(), answer);
                            return result.put("status", problem.getInteger("status")).put("problem", problem);
                        }
                        result.put("status", response.statusCode());
                        return answer.length() == 0 ? result : result.put("body", Json.decodeValue(answer));
                    }))
                    .otherwise(e -> new JsonObject().put("id", op.getString("id")).put("status", 503)
                            .put("problem", new JsonObject().put("status", 503).put("detail", "GNS3 unreachable")))
                    .onSuccess(result -> {
                        results[i] = result;
                        if (left.decrementAndGet() == 0) {
                            JsonArray all = new JsonArray(java.util.Arrays.asList((Object[]) results));
                            long ok = all.stream().filter(r -> ((JsonObject) r).getInteger("status") < 400).count();
                            json(request, new JsonObject().put("succeeded", ok).put("failed", all.size() - ok)
                                    .put("results", all).encode());
                        } else {
                            worker[0].run();
                        }
                    });
        };
        if (operations.isEmpty()) {
            problem(request, 400, "operations: must hold at least one operation");
            return;
        }
        worker[0].run();
    }

    /** A GNS3 error as the gateway answers it: 4xx keep GNS3's status and message, 5xx become 502. */
    private static JsonObject problemOf(int gns3Status, Buffer answer) {
        String message = answer.toString();
        try {
            message = new JsonObject(answer).getString("message", message);
        } catch (RuntimeException ignored) {
            // GNS3's text/plain 404/405
        }
        int status = gns3Status >= 500 ? 502 : gns3Status;
        return new JsonObject().put("type", "https://labfleet.dev/problems/gns3").put("title", "GNS3 answered " + status)
                .put("status", status).put("detail", status == 502 ? "GNS3 failed" : message);
    }

    private static void json(HttpServerRequest request, String body) {
        request.response().putHeader("content-type", "application/json").end(body);
    }

    private static void problem(HttpServerRequest request, int status, String detail) {
        if (request.response().ended()) {
            return;
        }
        request.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
                .end(new JsonObject().put("type", "https://labfleet.dev/problems/gns3")
                        .put("title", "GNS3 answered " + status).put("status", status).put("detail", detail).encode());
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }
}
