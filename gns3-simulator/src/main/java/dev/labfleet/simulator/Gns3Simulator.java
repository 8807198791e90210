package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
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
    private static final Pattern CONSOLE_WS = Pattern.compile("/v2/projects/([^/]+)/nodes/([^/]+)/console/ws");

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
            control.errorHandler(404, ctx -> Gns3Api.text(ctx, 404, "404: Not Found"));
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
                Gns3Api.ok(ctx, 500, JsonNodeFactory.instance.objectNode()
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
        return control;
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
        Matcher console = CONSOLE_WS.matcher(path);
        if (console.matches() && api.projects.containsKey(console.group(1))
                && api.projects.get(console.group(1)).nodes.containsKey(console.group(2))) {
            counts.record("GET", "/v2/projects/{project_id}/nodes/{node_id}/console/ws");
            consoleProxy(ws, api.projects.get(console.group(1)).nodes.get(console.group(2)));
            return;
        }
        ws.reject(404);
    }

    /**
     * GNS3's console WebSocket: the controller relays the node's raw telnet stream (negotiation included) in binary
     * frames, and takes input as binary or text frames. A node without a live console closes the socket.
     */
    private void consoleProxy(ServerWebSocket ws, Model.Node node) {
        int consolePort = node.json.path("console").asInt(0);
        if (!node.started() || !"telnet".equals(node.json.path("console_type").asText()) || consolePort <= 0) {
            ws.close();
            return;
        }
        ws.pause();
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        vertx.createNetClient().connect(consolePort, host).onComplete(connected -> {
            if (connected.failed()) {
                ws.close();
                return;
            }
            NetSocket telnet = connected.result();
            telnet.handler(data -> ws.writeBinaryMessage(data));
            telnet.closeHandler(v -> ws.close());
            ws.binaryMessageHandler(telnet::write);
            ws.textMessageHandler(text -> telnet.write(Buffer.buffer(text, "UTF-8")));
            ws.closeHandler(v -> telnet.close());
            ws.exceptionHandler(e -> telnet.close());
            ws.resume();
        });
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
