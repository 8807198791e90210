package dev.labfleet.project.support;

import dev.labfleet.simulator.Gns3Simulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the gns3-gateway-service in project-service's tests: its internal API in front of a real
 * (simulated) GNS3, as the gateway does it: {@code /api/v1/servers/{serverId}/X} goes to the simulator's
 * {@code /v2/X}, GNS3's {@code {"message","status"}} errors come back as problem+json with the same status, and
 * placement always answers the one server. The suite's e2e tests run the real gateway.
 */
public class GatewayStandIn implements QuarkusTestResourceLifecycleManager {

    public static final UUID SERVER_ID = UUID.fromString("5e4e0000-0000-4000-8000-000000000001");
    private static final Pattern SERVER_PATH = Pattern.compile("/api/v1/servers/([^/]+)(/.*)?");

    private static Gns3Simulator simulator;
    private Vertx vertx;
    private HttpServer server;

    public static Gns3Simulator simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        simulator = Gns3Simulator.start();
        vertx = Vertx.vertx();
        URI target = URI.create(simulator.baseUrl());
        HttpClient client = vertx.createHttpClient();
        server = vertx.createHttpServer().requestHandler(request -> handle(request, client, target));
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("gateway stand-in did not start", e);
        }
        return Map.of("quarkus.rest-client.gateway.url", "http://127.0.0.1:" + server.actualPort());
    }

    private static void handle(HttpServerRequest request, HttpClient client, URI target) {
        String path = request.path();
        if (path.equals("/api/v1/placements")) {
            request.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("serverId", SERVER_ID.toString()).put("reasons", new JsonArray()).encode());
            return;
        }
        if (path.equals("/api/v1/servers")) {
            request.response().putHeader("content-type", "application/json")
                    .end(new JsonArray().add(new JsonObject().put("serverId", SERVER_ID.toString())
                            .put("enabled", true)).encode());
            return;
        }
        Matcher m = SERVER_PATH.matcher(path);
        if (!m.matches() || !SERVER_ID.toString().equals(m.group(1))) {
            problem(request, 404, "no GNS3 server " + (m.matches() ? m.group(1) : path));
            return;
        }
        String rest = m.group(2) == null ? "" : m.group(2);
        String uri = "/v2" + rest + (request.query() == null ? "" : "?" + request.query());
        request.body().compose(body -> client.request(request.method(), target.getPort(), target.getHost(), uri)
                .compose(out -> {
                    out.putHeader("content-type", "application/json");
                    return body.length() > 0 ? out.send(body) : out.send();
                })
                .compose(response -> response.body().map(answer -> {
                    if (response.statusCode() >= 400) {
                        String message = answer.toString();
                        try {
                            message = new JsonObject(answer).getString("message", message);
                        } catch (RuntimeException ignored) {
                            // GNS3's text/plain 404/405
                        }
                        int status = response.statusCode() >= 500 ? 502 : response.statusCode();
                        problem(request, status, status == 502 ? "GNS3 failed" : message);
                    } else {
                        request.response().setStatusCode(response.statusCode());
                        String type = response.getHeader("content-type");
                        if (type != null) {
                            request.response().putHeader("content-type", type);
                        }
                        request.response().end(answer);
                    }
                    return null;
                })))
                .onFailure(e -> problem(request, 503, "GNS3 unreachable: " + e.getMessage()));
    }

    private static void problem(HttpServerRequest request, int status, String detail) {
        if (request.response().ended()) {
            return;
        }
        request.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
                .end(Buffer.buffer(new JsonObject().put("type", "https://labfleet.dev/problems/gns3")
                        .put("title", "GNS3 answered " + status).put("status", status).put("detail", detail).encode()));
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }
}
