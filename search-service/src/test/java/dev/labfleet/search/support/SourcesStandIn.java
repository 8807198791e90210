package dev.labfleet.search.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The other services' public APIs as search-service reads them (reindex sources, dashboard figures): one HTTP server
 * where {@code /gateway/...}, {@code /project/...}, {@code /topology/...}, {@code /automation/...} and
 * {@code /monitoring/...} answer the JSON a test put there. A source can be made to fail (503) or to hang, as a
 * stopped or stuck service would. Only Labfleet's own HTTP neighbours are stood in for here; PostgreSQL, Redis and
 * Kafka are the real ones.
 */
public class SourcesStandIn implements QuarkusTestResourceLifecycleManager {

    public enum Mode { UP, FAILING, HANGING }

    private static final Map<String, String> BODIES = new ConcurrentHashMap<>();
    private static final Map<String, Mode> MODES = new ConcurrentHashMap<>();
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> CALLS = new ConcurrentHashMap<>();
    private Vertx vertx;
    private HttpServer server;

    /** Answers {@code json} on {@code GET /<source><path>} (path without query). */
    public static void put(String source, String path, String json) {
        BODIES.put("/" + source + path, json);
    }

    public static void clear(String source) {
        BODIES.keySet().removeIf(k -> k.startsWith("/" + source + "/"));
    }

    public static void mode(String source, Mode mode) {
        MODES.put(source, mode);
    }

    public static int calls(String source) {
        return CALLS.computeIfAbsent(source, s -> new java.util.concurrent.atomic.AtomicInteger()).get();
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            String path = request.path();
            String source = path.length() > 1 && path.indexOf('/', 1) > 0 ? path.substring(1, path.indexOf('/', 1)) : "";
            CALLS.computeIfAbsent(source, s -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            Mode mode = MODES.getOrDefault(source, Mode.UP);
            if (mode == Mode.HANGING) {
                return; // never answers
            }
            if (mode == Mode.FAILING) {
                request.response().setStatusCode(503).putHeader("content-type", "application/problem+json")
                        .end("{\"status\":503,\"title\":\"Service unavailable\"}");
                return;
            }
            String body = BODIES.get(path);
            if (body == null && (path.endsWith("/q/health") || path.endsWith("/q/health/ready"))) {
                body = "{\"status\":\"UP\",\"checks\":[]}";
            }
            if (body == null) {
                request.response().setStatusCode(404).putHeader("content-type", "application/problem+json")
                        .end("{\"status\":404,\"title\":\"Resource not found\"}");
                return;
            }
            request.response().putHeader("content-type", "application/json").end(body);
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("sources stand-in did not start", e);
        }
        String base = "http://127.0.0.1:" + server.actualPort();
        return Map.of("labfleet.search.sources.gateway", base + "/gateway",
                "labfleet.search.sources.project", base + "/project",
                "labfleet.search.sources.topology", base + "/topology",
                "labfleet.search.sources.automation", base + "/automation",
                "labfleet.search.sources.monitoring", base + "/monitoring");
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }
}
