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

/**
 * A GNS3 2.2 (API v2) compatible server in one process: for tests (start on a free port, reset, close), demos
 * (the embedded default of {@code ./labfleet up}) and load runs. Faults and request counts are under {@code /_sim}
 * and {@link #faults()} / {@link #requests()}.
 */
public final class Gns3Simulator implements AutoCloseable {

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
    private final HttpServer controlServer;

    private Gns3Simulator(SimulatorOptions options) {
        this.options = options;
        this.vertx = Vertx.vertx();
        this.context = vertx.getOrCreateContext();
        this.api = onContext(() -> new Gns3Api(vertx, faults, counts, notifications));
        onContext(() -> {
            api.computes(options.computes());
            if (options.consoles()) {
                api.consolesOn(options.host());
                api.consoles().timing(options.pingInterval(), options.pingTimeout());
            }
            return null;
        });
        this.router = onContext(this::buildRouter);
        this.port = options.port();
        startListening();
        this.controlServer = options.controlPort() < 0 ? null : await(onContext(() -> {
            Router control = Router.router(vertx);
            control.route("/_sim/*").subRouter(controlRouter());
            control.errorHandler(404, ctx -> Routes.text(ctx, 404, "404: Not Found"));
            return vertx.createHttpServer().requestHandler(control).listen(options.controlPort(), options.host());
        }).toCompletionStage().toCompletableFuture());
        vertx.setPeriodic(options.computeTick().toMillis(), id -> context.runOnContext(v ->
                api.computeIds().forEach(compute -> notifications.controller("compute.updated", api.compute(compute)))));
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

    /**
     * The control listener ({@code /_sim} only), or null without {@link SimulatorOptions#controlPort()}. It stays up
     * during an outage, so {@code POST /_sim/faults/restore} can reach a simulator that refuses API connections.
     */
    public String controlUrl() {
        return controlServer == null ? null : "http://" + options.host() + ":" + controlServer.actualPort();
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

    /** Live {@code /pcap} streams open now, over every link: a client that went away must not keep one. */
    public int openPcapStreams() {
        return onContext(() -> api.projects.values().stream()
                .flatMap(p -> p.links.values().stream()).mapToInt(l -> l.pcapStreams.size()).sum());
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
        // listen on the simulator's context: handlers then run on the one event loop that owns the state
        HttpServer listening = await(onContext(() -> s.listen(port, options.host())).toCompletionStage().toCompletableFuture());
        port = listening.actualPort();
        server = listening;
    }

    private Router buildRouter() {
        Router r = api.router();
        r.route("/_sim/*").subRouter(controlRouter());
        return r;
    }

    /** The /_sim surface: served on the API port, and on the control port when there is one. */
    private Router controlRouter() {
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
        control.post("/faults/hold").handler(ctx -> rule(ctx, b -> faults.hold(b.get("route").asText())));
        control.post("/faults/release").handler(ctx -> rule(ctx, b -> faults.release(b.get("route").asText())));
        // {"ms": 250, "jitterMs": 150, "slots": 3, "statusLagMs": 0}: see Faults.nodeStartTime
        control.post("/faults/node-start-time").handler(ctx -> {
            JsonNode b = json(ctx);
            try {
                faults.nodeStartTime(b.path("ms").asLong(-1), b.path("jitterMs").asLong(0),
                        b.path("slots").asInt(Integer.MAX_VALUE), b.path("statusLagMs").asLong(0));
            } catch (IllegalArgumentException e) {
                Routes.ok(ctx, 400, JsonNodeFactory.instance.objectNode().put("message", e.getMessage()).put("status", 400));
                return;
            }
            ctx.response().setStatusCode(201).end();
        });
        control.post("/faults/quiet-captures").handler(ctx -> {
            faults.quietCaptures();
            ctx.response().setStatusCode(204).end();
        });
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
        control.post("/faults/restore").handler(ctx -> vertx.executeBlocking(() -> {
            faults.restore();
            return null;
        }).onComplete(done -> {
            if (done.succeeded()) {
                ctx.response().setStatusCode(204).end();
            } else {
                Routes.ok(ctx, 500, JsonNodeFactory.instance.objectNode()
                        .put("message", "cannot listen again on port " + port + ": " + done.cause().getMessage())
                        .put("status", 500));
            }
        }));
        control.delete("/faults").handler(ctx -> {
            faults.clear();
            ctx.response().setStatusCode(204).end();
        });
        control.get("/requests").handler(ctx -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("routes", Gns3Api.M.valueToTree(counts.snapshot()));
            body.put("total", counts.total());
            body.put("writes", counts.writes());
            Routes.ok(ctx, 200, body);
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
            Routes.ok(ctx, 200, body);
        });
        control.delete("/requests").handler(ctx -> {
            counts.clear();
            ctx.response().setStatusCode(204).end();
        });
        return control;
    }

    private void rule(RoutingContext ctx, java.util.function.Consumer<JsonNode> add) {
        JsonNode body = json(ctx);
        if (!body.hasNonNull("route")) {
            Routes.ok(ctx, 400, JsonNodeFactory.instance.objectNode().put("message", "'route' is required").put("status", 400));
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

    /** The WebSocket routes: notification streams, then node consoles. */
    private void webSocket(ServerWebSocket ws) {
        String consoleHost = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        if (!api.notificationHandler.accept(ws) && !api.nodeHandler.acceptConsole(ws, consoleHost)) {
            ws.reject(404);
        }
    }

    private ObjectNode ping() {
        return api.notificationHandler.ping();
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
