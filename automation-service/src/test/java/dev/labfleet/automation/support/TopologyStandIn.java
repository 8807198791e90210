package dev.labfleet.automation.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * topology-service's apply as an operation, as automation-service sees it: {@code PUT .../topology} answers 202 with
 * a RUNNING apply, and {@code GET .../topology/applies/{applyId}} reports it RUNNING for its first {@link #POLLS}
 * reads, then ended: PARTIAL (one failed) when the spec names a node "broken", APPLIED otherwise.
 */
public final class TopologyStandIn implements AutoCloseable {

    public static final int POLLS = 3;
    private static final Pattern PUT = Pattern.compile("/api/v1/projects/([^/]+)/topology");
    private static final Pattern GET = Pattern.compile("/api/v1/projects/([^/]+)/topology/applies/([^/]+)");

    private record Apply(String projectId, boolean broken, AtomicInteger reads) {
    }

    private final HttpServer server;
    private final Map<String, Apply> applies = new ConcurrentHashMap<>();
    /** Every request as "METHOD path?query", in order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    private TopologyStandIn(HttpServer server) {
        this.server = server;
    }

    public static TopologyStandIn start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            TopologyStandIn standIn = new TopologyStandIn(server);
            server.createContext("/", standIn::handle);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The reads of one lab's applies' progress. */
    public long polls(String projectId) {
        return requests.stream().filter(r -> r.startsWith("GET /api/v1/projects/" + projectId + "/topology/applies/"))
                .count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher put = PUT.matcher(path);
        Matcher get = GET.matcher(path);
        if ("PUT".equals(exchange.getRequestMethod()) && put.matches()) {
            String applyId = UUID.randomUUID().toString();
            applies.put(applyId, new Apply(put.group(1), body.contains("\"broken\""), new AtomicInteger()));
            answer(exchange, 202, view(applyId, put.group(1), "RUNNING", null));
        } else if ("GET".equals(exchange.getRequestMethod()) && get.matches() && applies.containsKey(get.group(2))) {
            Apply apply = applies.get(get.group(2));
            String status = apply.reads().incrementAndGet() <= POLLS ? "RUNNING" : apply.broken() ? "PARTIAL" : "APPLIED";
            answer(exchange, 200, view(get.group(2), apply.projectId(), status, apply.broken()));
        } else {
            answer(exchange, 404, "{\"status\":404,\"detail\":\"no such route in the topology stand-in\"}");
        }
    }

    private static String view(String applyId, String projectId, String status, Boolean broken) {
        String counts = "RUNNING".equals(status) ? "" : ",\"done\":" + (broken ? 1 : 2) + ",\"failed\":"
                + (broken ? 1 : 0) + ",\"skipped\":0";
        return "{\"applyId\":\"" + applyId + "\",\"projectId\":\"" + projectId + "\",\"status\":\"" + status + "\""
                + counts + "}";
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json"
                : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
