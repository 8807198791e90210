package dev.labfleet.monitoring.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** A stream client for tests: every message it got, with its arrival time, and how it was closed. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Received(long nanos, JsonNode message) {
    }

    private final List<Received> messages = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private WebSocket socket;

    public static WsClient connect(int port, String pathAndQuery) {
        WsClient client = new WsClient();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), client).join();
        return client;
    }

    /** Connects with the upgrade request shaped by {@code upgrade} (headers, subprotocols). */
    public static WsClient connect(int port, String pathAndQuery,
                                   java.util.function.UnaryOperator<WebSocket.Builder> upgrade) {
        WsClient client = new WsClient();
        client.socket = upgrade.apply(HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5)))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), client).join();
        return client;
    }

    /** The subprotocol the server agreed to, or "". */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                messages.add(new Received(System.nanoTime(), JSON.readTree(partial.toString())));
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + partial, e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(new int[]{statusCode});
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new int[]{-1});
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public List<Received> messages() {
        return new ArrayList<>(messages);
    }

    public JsonNode first() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !messages.isEmpty());
        return messages.get(0).message();
    }

    /** Every delta item received so far, in order. */
    public List<JsonNode> deltas() {
        List<JsonNode> out = new ArrayList<>();
        for (Received r : messages) {
            if ("deltas".equals(r.message().path("type").asText())) {
                r.message().path("items").forEach(out::add);
            }
        }
        return out;
    }

    /** Arrival time of the first frame holding a delta matching {@code test}, or -1. */
    public long arrival(Predicate<JsonNode> test) {
        for (Received r : messages) {
            if ("deltas".equals(r.message().path("type").asText())) {
                for (JsonNode item : r.message().path("items")) {
                    if (test.test(item)) {
                        return r.nanos();
                    }
                }
            }
        }
        return -1;
    }

    /** The last state received of each object, by id. */
    public java.util.Map<String, JsonNode> lastStates() {
        java.util.Map<String, JsonNode> out = new java.util.HashMap<>();
        for (JsonNode d : deltas()) {
            out.put(d.path("id").asText(), d.path("state"));
        }
        return out;
    }

    /** Waits for a delta item matching {@code test}; returns the arrival time of its frame. */
    public long awaitDelta(Duration within, Predicate<JsonNode> test) {
        long[] at = new long[1];
        await().atMost(within).pollInterval(Duration.ofMillis(25)).until(() -> {
            for (Received r : messages) {
                if ("deltas".equals(r.message().path("type").asText())) {
                    for (JsonNode item : r.message().path("items")) {
                        if (test.test(item)) {
                            at[0] = r.nanos();
                            return true;
                        }
                    }
                }
            }
            return false;
        });
        return at[0];
    }

    public JsonNode awaitMessage(Duration within, Predicate<JsonNode> test) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (Received r : messages) {
                if (test.test(r.message())) {
                    found[0] = r.message();
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** The close code, waiting for it. */
    public int awaitClose(Duration within) throws Exception {
        return closed.get(within.toMillis(), TimeUnit.MILLISECONDS)[0];
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }
}
