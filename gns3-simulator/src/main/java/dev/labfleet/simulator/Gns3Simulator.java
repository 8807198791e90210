package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GNS3 2.2 (API v2) compatible server in one process: for tests (start on a free port, reset, close), demos
 * (the embedded default of {@code ./labfleet up}) and load runs. Faults and request counts are under {@code /_sim}
 * and {@link #faults()} / {@link #requests()}.
 */
public final class Gns3Simulator implements AutoCloseable {

    private static final Pattern PROJECT_WS = Pattern.compile("/v2/projects/([^/]+)/notifications/ws");

    private final SimulatorOptions options;
    private final Vertx vertx;
    private final Context context;
    private final RequestCounts counts = new RequestCounts();
    private final Faults faults = new Faults(this);
    private final Notifications notifications = new Notifications();
    private final Gns3Api api;
    private final Router router;
    private volatile HttpServer server;
    private volatile int port;

    private Gns3Simulator(SimulatorOptions options) {
        this.options = options;
        this.vertx = Vertx.vertx();
        this.context = vertx.getOrCreateContext();
        this.api = onContext(() -> new Gns3Api(vertx, faults, counts, notifications));
        onContext(() -> {
            api.consolesOn(options.host());
            return null;
        });
        this.router = onContext(this::buildRouter);
        this.port = options.port();
        startListening();
        vertx.setPeriodic(options.computeTick().toMillis(), id -> context.runOnContext(v ->
                notifications.controller("compute.updated", api.compute())));
        vertx.setPeriodic(5000, id -> context.runOnContext(v -> notifications.controller("ping", ping())));
        notifications.onLastProjectClientGone(this::autoClose);
    }

    /** A simulator on a free loopback port. */
    public static Gns3Simulator start() {
        return new Gns3Simulator(SimulatorOptions.defaults());
    }

    public static Gns3Simulator start(SimulatorOptions options) {
        return new Gns3Simulator(options);
    }

    public String baseUrl() {
        return "http://" + options.host() + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Back to a fresh server: no projects, no custom templates, no faults, no counts. */
    public void reset() {
        onContext(() -> {
            api.reset();
            faults.clear();
            counts.clear();
            return null;
        });
    }

    public Faults faults() {
        return faults;
    }

    public RequestCounts requests() {
        return counts;
    }

    /** Imports a .gns3project archive as an opened project; returns its id. */
    public String preload(byte[] archive, String name) {
        return onContext(() -> {
            Model.Project p = ProjectArchive.importArchive(api, UUID.randomUUID().toString(), name, archive);
            return api.open(p).id();
        });
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }

    void stopListening() {
        HttpServer s = server;
        server = null;
        onContext(() -> {
            notifications.closeAll();
            return null;
        });
        if (s != null) {
            await(s.close().toCompletionStage().toCompletableFuture());
        }
    }

    void startListening() {
        if (server != null) {
            return;
        }
        HttpServer s = onContext(() -> vertx.createHttpServer()
                .webSocketHandler(this::webSocket)
                .requestHandler(router));
        HttpServer listening = await(s.listen(port, options.host()).toCompletionStage().toCompletableFuture());
        port = listening.actualPort();
        server = listening;
    }

    private Router buildRouter() {
        Router r = api.router();
        Router control = Router.router(vertx);
        control.route().handler(BodyHandler.create());
        control.post("/reset").handler(ctx -> {
            api.reset();
            faults.clear();
            counts.clear();
            ctx.response().setStatusCode(204).end();
        });
        control.post("/faults/latency").handler(ctx -> rule(ctx, b -> faults.latency(b.get("route").asText(), b.path("ms").asLong())));
        control.post("/faults/errors").handler(ctx -> rule(ctx, b -> faults.errors(b.get("route").asText(), b.path("rate").asDouble(1.0))));
        control.post("/faults/hang").handler(ctx -> rule(ctx, b -> faults.hang(b.get("route").asText())));
        control.post("/faults/outage").handler(ctx -> {
            JsonNode b = json(ctx);
            long ms = b.path("ms").asLong(0);
            ctx.response().setStatusCode(202).end();
            vertx.executeBlocking(() -> {
                faults.outage();
                if (ms > 0) {
                    vertx.setTimer(ms, t -> vertx.executeBlocking(() -> {
                        startListening();
                        return null;
                    }));
                }
                return null;
            });
        });
        control.delete("/faults").handler(ctx -> {
            faults.clear();
            ctx.response().setStatusCode(204).end();
        });
        control.get("/requests").handler(ctx -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("routes", Gns3Api.M.valueToTree(counts.snapshot()));
            body.put("total", counts.total());
            body.put("writes", counts.writes());
            Gns3Api.ok(ctx, 200, body);
        });
        control.get("/memory").handler(ctx -> {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("heapUsedBytes", rt.totalMemory() - rt.freeMemory());
            body.put("heapMaxBytes", rt.maxMemory());
            body.put("projects", api.projects.size());
            body.put("nodes", api.projects.values().stream().mapToInt(p -> p.nodes.size()).sum());
            body.put("links", api.projects.values().stream().mapToInt(p -> p.links.size()).sum());
            Gns3Api.ok(ctx, 200, body);
        });
        control.delete("/requests").handler(ctx -> {
            counts.clear();
            ctx.response().setStatusCode(204).end();
        });
        r.route("/_sim/*").subRouter(control);
        return r;
    }

    private void rule(RoutingContext ctx, java.util.function.Consumer<JsonNode> add) {
        JsonNode body = json(ctx);
        if (!body.hasNonNull("route")) {
            Gns3Api.ok(ctx, 400, JsonNodeFactory.instance.objectNode().put("message", "'route' is required").put("status", 400));
            return;
        }
        add.accept(body);
        ctx.response().setStatusCode(201).end();
    }

    private static JsonNode json(RoutingContext ctx) {
        try {
            return ctx.body().buffer() == null ? JsonNodeFactory.instance.objectNode() : Gns3Api.M.readTree(ctx.body().asString());
        } catch (Exception e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    private void webSocket(ServerWebSocket ws) {
        String path = ws.path();
        if (path.equals("/v2/notifications/ws")) {
            counts.record("GET", "/v2/notifications/ws");
            notifications.addController(ws, ping());
            return;
        }
        Matcher m = PROJECT_WS.matcher(path);
        if (m.matches() && api.projects.containsKey(m.group(1))) {
            counts.record("GET", "/v2/projects/{project_id}/notifications/ws");
            notifications.addProject(m.group(1), ws, ping());
            return;
        }
        ws.reject(404);
    }

    private ObjectNode ping() {
        ObjectNode compute = api.compute();
        return JsonNodeFactory.instance.objectNode()
                .put("cpu_usage_percent", compute.get("cpu_usage_percent").asDouble())
                .put("memory_usage_percent", compute.get("memory_usage_percent").asDouble());
    }

    /** GNS3 closes an auto_close project a few seconds after its last notification client left. */
    private void autoClose(String projectId) {
        vertx.setTimer(Math.max(1, options.autoCloseDelay().toMillis()), id -> {
            Model.Project p = api.projects.get(projectId);
            if (p != null && p.opened() && p.json.path("auto_close").asBoolean(true)
                    && !notifications.hasProjectClients(projectId)) {
                api.close(p);
            }
        });
    }

    private <T> T onContext(Supplier<T> work) {
        if (Vertx.currentContext() == context) {
            return work.get();
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                future.complete(work.get());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return await(future);
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("simulator operation failed: " + e.getMessage(), e);
        }
    }

}
