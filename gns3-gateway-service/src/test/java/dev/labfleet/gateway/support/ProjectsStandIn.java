package dev.labfleet.gateway.support;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * project-service's {@code GET /api/v1/projects/{id}} as far as ownership goes (its owner and tags; 404 for a lab it
 * does not record), for the gateway's ownership test: the gateway asks it who owns a lab (service-support's
 * LabDirectory). Labs are registered with {@link #own}.
 */
public class ProjectsStandIn implements QuarkusTestResourceLifecycleManager {

    private static final Map<String, String> LABS = new ConcurrentHashMap<>();
    private HttpServer server;

    public static void own(String projectId, String owner, List<String> tags) {
        String json = tags.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(",", "[", "]"));
        LABS.put(projectId, "{\"projectId\":\"" + projectId + "\",\"owner\":\"" + owner + "\",\"tags\":" + json + "}");
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/api/v1/projects/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/api/v1/projects/".length());
            String lab = exchange.getRequestHeaders().getFirst("Authorization") == null ? null : LABS.get(id);
            byte[] body = (lab != null ? lab : "{\"status\":404}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(lab != null ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return Map.of("labfleet.security.projects-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
