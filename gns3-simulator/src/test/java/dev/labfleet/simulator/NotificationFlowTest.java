package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replays the HTTP calls of 09-notifications.json while listening on the same notification streams, and expects the
 * same message types in the same order. Time-driven messages (ping, compute.updated) are left out, and runs of
 * node.updated count as one: GNS3 sends them as its compute reports status, a number that varies from run to run.
 */
class NotificationFlowTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Set<String> TIMED = Set.of("ping", "compute.updated");
    private static Gns3Simulator simulator;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start(SimulatorOptions.defaults().withAutoCloseDelay(Duration.ofMinutes(5)));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
        simulator.close();
    }

    @Test
    void theRecordedFlowProducesTheSameMessagesInTheSameOrder() throws Exception {
        JsonNode timeline = M.readTree(TranscriptReplayTest.transcripts().resolve("09-notifications.json").toFile());
        Map<String, List<String>> expected = new HashMap<>();
        Map<String, List<String>> actual = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>();
        for (JsonNode entry : timeline) {
            if (entry.has("ws_connected")) {
                String recorded = entry.get("ws_connected").asText();
                String path = substitute(recorded, ids);
                long connectedBefore = simulator.requests().total();
                List<String> received = new CopyOnWriteArrayList<>();
                actual.put(recorded, received);
                WebSocket ws = vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
                                .setHost("127.0.0.1").setPort(simulator.port()).setURI(path))
                        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                ws.textMessageHandler(text -> {
                    try {
                        received.add(M.readTree(text).get("action").asText());
                    } catch (Exception e) {
                        received.add("unparseable");
                    }
                });
                sockets.add(ws);
                // the server has registered this client (it counts the upgrade before sending its first ping)
                await().atMost(Duration.ofSeconds(5)).until(() -> simulator.requests().total() > connectedBefore);
            } else if (entry.has("ws") && entry.has("message")) {
                expected.computeIfAbsent(entry.get("ws").asText(), k -> new ArrayList<>())
                        .add(entry.get("message").get("action").asText());
            } else if (entry.has("request")) {
                JsonNode request = entry.get("request");
                String body = request.get("body") == null || request.get("body").isNull() ? null
                        : substitute(request.get("body").toString(), ids);
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create(simulator.baseUrl() + substitute(request.get("path").asText(), ids)))
                        .method(request.get("method").asText(), body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body))
                        .header("content-type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(request.toString()).isEqualTo(entry.get("response").get("status").asInt());
                if (!response.body().isBlank() && entry.get("response").get("body").isObject()) {
                    learn(entry.get("response").get("body"), M.readTree(response.body()), ids);
                }
            }
        }
        for (String path : expected.keySet()) {
            List<String> want = significant(expected.get(path));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(significant(actual.get(path))).as("messages on " + path).isEqualTo(want));
        }
        sockets.forEach(WebSocket::close);
    }

    private static List<String> significant(List<String> actions) {
        List<String> out = new ArrayList<>();
        for (String action : actions) {
            if (TIMED.contains(action)) {
                continue;
            }
            if (action.equals("node.updated") && !out.isEmpty() && out.get(out.size() - 1).equals("node.updated")) {
                continue;
            }
            out.add(action);
        }
        return out;
    }

    private static String substitute(String text, Map<String, String> ids) {
        String out = text;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void learn(JsonNode expected, JsonNode actual, Map<String, String> ids) {
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.endsWith("_id") && expected.get(field).isTextual() && actual.path(field).isTextual()) {
                ids.putIfAbsent(expected.get(field).asText(), actual.get(field).asText());
            }
        }
    }
}
