package dev.labfleet.monitoring.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * topology-service's drift report as monitoring-service reads it ({@code GET /api/v1/projects/{id}/topology/drift}):
 * the JSON a test put there for a lab, a 404 problem for a lab never applied (as topology-service answers).
 */
public final class TopologyStandIn implements AutoCloseable {

    private static final Pattern DRIFT = Pattern.compile("/api/v1/projects/([^/]+)/topology/drift");
    private static final Map<String, String> REPORTS = new ConcurrentHashMap<>();

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    public TopologyStandIn() {
        server = vertx.createHttpServer().requestHandler(request -> {
            Matcher m = DRIFT.matcher(request.path());
            String body = m.matches() ? REPORTS.get(m.group(1)) : null;
            if (body == null) {
                request.response().setStatusCode(404).putHeader("content-type", "application/problem+json")
                        .end("{\"status\":404,\"title\":\"Not Found\",\"detail\":\"no topology applied to this lab\"}");
                return;
            }
            request.response().putHeader("content-type", "application/json").end(body);
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("topology stand-in did not start", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** topology-service's answer for a lab from now on (null: never applied, a 404). */
    public static void drift(String projectId, String reportJson) {
        if (reportJson == null) {
            REPORTS.remove(projectId);
        } else {
            REPORTS.put(projectId, reportJson);
        }
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
