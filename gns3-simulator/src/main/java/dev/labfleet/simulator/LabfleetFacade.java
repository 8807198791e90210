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
 * {@code GET /api/v1/projects/{id}} answers as project-service would for the simulator's projects. The server list
 * pages as the gateway's does (limit, cursor). The suite's e2e tests run the real services.
 *
 * <p>More simulated servers can be added ({@link #addServer}) for fleet tests: the server list names them all, each
 * {@code /api/v1/servers/{id}/...} goes to its own simulator, {@code POST .../drain} and {@code .../undrain} mark a
 * server as the gateway does, and placement honours {@code avoidServers}, {@code pinned} and draining, choosing the
 * eligible server holding the fewest projects (ties by id).
 */
public final class LabfleetFacade implements AutoCloseable {

    public static final UUID SERVER_ID = UUID.fromString("5e4e0000-0000-4000-8000-000000000001");
    private static final Pattern SERVER_PATH = Pattern.compile("/api/v1/servers/([^/]+)(/.*)?");
    private static final Pattern PROJECT_PATH = Pattern.compile("/api/v1/projects/([^/]+)");
    private static final Pattern DRAIN_PATH = Pattern.compile("/api/v1/servers/([^/]+)/(drain|undrain)");
    private static final Pattern ONE_SERVER_PATH = Pattern.compile("/api/v1/servers/([^/]+)");

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final java.util.Set<UUID> deadServers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<UUID> draining = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Map<UUID, URI> servers = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final HttpClient client;
    private final java.util.Map<String, JsonObject> owners = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.List<String> projectLookups = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger lookupsToDrop = new java.util.concurrent.atomic.AtomicInteger();

    private LabfleetFacade(Gns3Simulator simulator) {
        servers.put(SERVER_ID, URI.create(simulator.baseUrl()));
        // as many calls in flight as the real gateway allows one server (16, plus its queue): Vert.x' default pool
        // of 5 would make the facade, not the service under test, the bottleneck of concurrent calls
        client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setMaxPoolSize(64));
        server = vertx.createHttpServer().requestHandler(this::handle);
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

    /** Adds another simulated GNS3 server under {@code serverId} (fleet tests: moves between servers). */
    /** Who owns {@code projectId} and its tags, as project-service would say ({@code owner}, {@code tags}). */
    public void own(String projectId, String owner, java.util.List<String> tags) {
        owners.put(projectId, new JsonObject().put("owner", owner).put("tags", new io.vertx.core.json.JsonArray(tags)));
    }

    /** The Authorization headers {@code GET /api/v1/projects/{id}} was called with, in order. */
    public java.util.List<String> projectLookups() {
        return java.util.List.copyOf(projectLookups);
    }

    /**
     * The next {@code count} {@code GET /api/v1/projects/{id}} close their connection before any answer, as a
     * project-service replica that is killed mid-request (or an edge worker leaving at a reload) does.
     */
    public void dropProjectLookups(int count) {
        lookupsToDrop.set(count);
    }

    public void addServer(UUID serverId, Gns3Simulator simulator) {
        servers.put(serverId, URI.create(simulator.baseUrl()));
    }

    /** Whether a server is draining (drained through {@code POST /api/v1/servers/{id}/drain}). */
    public boolean draining(UUID serverId) {
        return draining.contains(serverId);
    }

    private JsonObject serverView(UUID id) {
        boolean dead = deadServers.contains(id);
        return new JsonObject().put("id", id.toString()).put("name", "sim-" + id.toString().substring(0, 8))
                .put("enabled", true).put("status", dead ? "down" : "up").put("draining", draining.contains(id));
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        URI target = servers.get(SERVER_ID);
        if (path.equals("/api/v1/placements")) {
            request.body().onSuccess(body -> place(request, body.length() == 0 ? new JsonObject() : body.toJsonObject()))
                    .onFailure(e -> problem(request, 400, "unreadable placement request"));
            return;
        }
        if (path.equals("/api/v1/servers")) {
            listServers(request);
            return;
        }
        Matcher drain = DRAIN_PATH.matcher(path);
        if (drain.matches()) {
            UUID id = uuid(drain.group(1));
            if (id == null || !servers.containsKey(id) && !deadServers.contains(id)) {
                problem(request, 404, "no GNS3 server " + drain.group(1) + " is registered");
                return;
            }
            if (request.method() == HttpMethod.POST && "drain".equals(drain.group(2))) {
                draining.add(id);
            } else if (request.method() == HttpMethod.POST && "undrain".equals(drain.group(2))) {
                draining.remove(id);
            }
            json(request, new JsonObject().put("serverId", id.toString()).put("draining", draining.contains(id))
                    .encode());
            return;
        }
        Matcher one = ONE_SERVER_PATH.matcher(path);
        if (one.matches() && request.method() == HttpMethod.GET && uuid(one.group(1)) != null
                && servers.containsKey(uuid(one.group(1)))) {
            json(request, serverView(uuid(one.group(1))).encode());
            return;
        }
        Matcher project = PROJECT_PATH.matcher(path);
        if (project.matches()) {
            projectLookups.add(String.valueOf(request.getHeader("Authorization")));
            if (lookupsToDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                request.connection().close();
                return;
            }
            JsonObject ownership = owners.get(project.group(1));
            forward(request, client, target, "/v2/projects/" + project.group(1), body -> {
                JsonObject gns3 = new JsonObject(body);
                JsonObject view = new JsonObject().put("projectId", gns3.getString("project_id"))
                        .put("name", gns3.getString("name"))
                        .put("serverId", SERVER_ID.toString()).put("status", gns3.getString("status"));
                if (ownership != null) {
                    view.mergeIn(ownership);
                }
                return view.toBuffer();
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
        URI chosen = m.matches() && uuid(m.group(1)) != null ? servers.get(uuid(m.group(1))) : null;
        if (chosen == null) {
            problem(request, 404, "no GNS3 server " + (m.matches() ? m.group(1) : path));
            return;
        }
        target = chosen;
        URI server = chosen;
        String rest = m.group(2) == null ? "" : m.group(2);
        if (rest.equals("/batch") && request.method() == HttpMethod.POST) {
            request.body().onSuccess(body -> batch(request, client, server, body.toJsonObject()))
                    .onFailure(e -> problem(request, 400, "unreadable batch"));
            return;
        }
        String query = request.query();
        if (rest.endsWith("/export") && query != null) {
            query = exportOptions(query);
            if (query == null) {
                problem(request, 400, "export options must be true or false (or yes or no)");
                return;
            }
        }
        forward(request, client, target, "/v2" + rest + (query == null ? "" : "?" + query), b -> b);
    }

    /**
     * An export's yes/no options as the gateway passes them on to GNS3: true/yes become yes, false/no become no (GNS3
     * reads anything but "yes" as no); null when one is neither, which the gateway refuses with a 400.
     */
    private static String exportOptions(String query) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (java.util.Set.of("include_images", "include_snapshots", "reset_mac_addresses", "keep_compute_ids")
                    .contains(name)) {
                switch (value.toLowerCase(java.util.Locale.ROOT)) {
                    case "true", "yes" -> value = "yes";
                    case "false", "no" -> value = "no";
                    default -> {
                        return null;
                    }
                }
            }
            out.add(name + "=" + value);
        }
        return String.join("&", out);
    }

    /**
     * The server list paged as the gateway pages it: {@code limit} 1..500 (50 when absent, a 400 otherwise), in a
     * stable order, with an opaque {@code nextCursor} while more servers follow.
     */
    private void listServers(HttpServerRequest request) {
        int limit = 50;
        String asked = request.getParam("limit");
        if (asked != null) {
            try {
                limit = Integer.parseInt(asked);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 500) {
                problem(request, 400, "limit: must be between 1 and 500");
                return;
            }
        }
        String after = null;
        String cursor = request.getParam("cursor");
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = new String(java.util.Base64.getUrlDecoder().decode(cursor),
                        java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problem(request, 400, "cursor: is not a cursor this list gave");
                return;
            }
        }
        java.util.TreeSet<String> all = new java.util.TreeSet<>();
        servers.keySet().forEach(id -> all.add(id.toString()));
        deadServers.forEach(id -> all.add(id.toString()));
        java.util.List<String> rest = new java.util.ArrayList<>(after == null ? all : all.tailSet(after, false));
        JsonArray items = new JsonArray();
        rest.subList(0, Math.min(limit, rest.size())).forEach(id -> items.add(serverView(UUID.fromString(id))));
        JsonObject page = new JsonObject().put("items", items).put("limit", limit);
        if (rest.size() > limit) {
            page.put("nextCursor", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    rest.get(limit - 1).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        json(request, page.encode());
    }

    private static UUID uuid(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Placement as the gateway does it, simplified: eligible servers are registered, alive, not draining and not
     * avoided (pinned: only {@code serverId}); the one holding the fewest projects wins, ties by id. 503 when none.
     */
    private void place(HttpServerRequest request, JsonObject needs) {
        java.util.Set<String> avoid = new java.util.HashSet<>();
        needs.getJsonArray("avoidServers", new JsonArray()).forEach(a -> avoid.add(String.valueOf(a)));
        String pinned = "pinned".equals(needs.getString("strategy")) ? needs.getString("serverId") : null;
        java.util.List<UUID> eligible = servers.keySet().stream()
                .filter(id -> !deadServers.contains(id) && !draining.contains(id) && !avoid.contains(id.toString()))
                .filter(id -> pinned == null || pinned.equals(id.toString()))
                .toList();
        if (eligible.isEmpty()) {
            request.response().putHeader("Retry-After", "30");
            problem(request, 503, "no GNS3 server can take this lab: no eligible server");
            return;
        }
        java.util.List<io.vertx.core.Future<Integer>> counts = eligible.stream().map(id -> {
            URI uri = servers.get(id);
            return client.request(HttpMethod.GET, uri.getPort(), uri.getHost(), "/v2/projects")
                    .compose(out -> out.send()).compose(response -> response.body())
                    .map(body -> new JsonArray(body).size());
        }).toList();
        io.vertx.core.Future.join(counts).onComplete(all -> {
            UUID best = null;
            int fewest = Integer.MAX_VALUE;
            for (int i = 0; i < eligible.size(); i++) {
                io.vertx.core.Future<Integer> count = counts.get(i);
                if (count.succeeded() && count.result() < fewest) {
                    fewest = count.result();
                    best = eligible.get(i);
                }
            }
            if (best == null) {
                request.response().putHeader("Retry-After", "30");
                problem(request, 503, "no GNS3 server can take this lab: none answered");
                return;
            }
            json(request, new JsonObject().put("serverId", best.toString()).put("reasons", new JsonArray()
                    .add("fewest projects (" + fewest + ")")).encode());
        });
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
