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
 * Each message must also have the shape of its recorded counterpart (the replayer's compare: keys and value types);
 * a time-driven message is compared with the first recorded one of its type.
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
        Map<String, List<Recorded>> expected = new HashMap<>();
        Map<String, List<JsonNode>> actual = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>();
        int index = -1;
        for (JsonNode entry : timeline) {
            index++;
            if (entry.has("ws_connected")) {
                String recorded = entry.get("ws_connected").asText();
                String path = substitute(recorded, ids);
                long connectedBefore = simulator.requests().total();
                List<JsonNode> received = new CopyOnWriteArrayList<>();
                actual.put(recorded, received);
                WebSocket ws = vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
                                .setHost("127.0.0.1").setPort(simulator.port()).setURI(path))
                        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                ws.textMessageHandler(text -> {
                    try {
                        received.add(M.readTree(text));
                    } catch (Exception e) {
                        received.add(M.createObjectNode().put("action", "unparseable: " + text));
                    }
                });
                sockets.add(ws);
                // the server has registered this client (it counts the upgrade before sending its first ping)
                await().atMost(Duration.ofSeconds(5)).until(() -> simulator.requests().total() > connectedBefore);
            } else if (entry.has("ws") && entry.has("message")) {
                expected.computeIfAbsent(entry.get("ws").asText(), k -> new ArrayList<>())
                        .add(new Recorded(index, entry.get("message")));
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
            List<String> want = significant(expected.get(path).stream().map(r -> action(r.message())).toList());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    significant(actual.get(path).stream().map(NotificationFlowTest::action).toList()))
                    .as("messages on " + path).isEqualTo(want));
        }
        sockets.forEach(WebSocket::close);

        List<String> mismatches = new ArrayList<>();
        for (String path : expected.keySet()) {
            compareShapes(path, expected.get(path), List.copyOf(actual.get(path)), ids, mismatches);
        }
        assertThat(mismatches).as("notification shapes that differ from 09-notifications.json").isEmpty();
    }

    /** A recorded message and its place in the transcript. */
    private record Recorded(int index, JsonNode message) {
    }

    private static String action(JsonNode message) {
        return message.path("action").asText();
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

    /** Splits a stream like {@link #significant}: one group per significant message, a node.updated run in one. */
    private static <T> List<List<T>> groups(List<T> messages, java.util.function.Function<T, String> action) {
        List<List<T>> out = new ArrayList<>();
        for (T message : messages) {
            String a = action.apply(message);
            if (TIMED.contains(a)) {
                continue;
            }
            List<T> last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (a.equals("node.updated") && last != null && action.apply(last.get(0)).equals("node.updated")) {
                last.add(message);
            } else {
                out.add(new ArrayList<>(List.of(message)));
            }
        }
        return out;
    }

    /**
     * Compares each received message with its recorded counterpart: the same place in the stream, and within a
     * node.updated run a recorded update of the same node (of any node if GNS3 sent none for it).
     */
    private static void compareShapes(String path, List<Recorded> recorded, List<JsonNode> received,
                                      Map<String, String> ids, List<String> mismatches) {
        String stream = path.startsWith("/v2/projects/") ? "project stream" : "controller stream";
        List<List<Recorded>> want = groups(recorded, r -> action(r.message()));
        List<List<JsonNode>> got = groups(received, NotificationFlowTest::action);
        for (int g = 0; g < got.size(); g++) {
            for (JsonNode message : got.get(g)) {
                String nodeId = message.path("event").path("node_id").asText();
                List<Recorded> candidates = want.get(g).stream()
                        .filter(r -> nodeId.equals(substitute(r.message().path("event").path("node_id").asText(), ids)))
                        .toList();
                matchOne(candidates.isEmpty() ? want.get(g) : candidates, message, stream, mismatches);
            }
        }
        for (JsonNode message : received) {
            if (TIMED.contains(action(message))) {
                recorded.stream().filter(r -> action(r.message()).equals(action(message))).findFirst().ifPresentOrElse(
                        r -> matchOne(List.of(r), message, stream, mismatches),
                        () -> mismatches.add(stream + ": " + action(message) + " was never recorded there"));
            }
        }
    }

    /** Passes if {@code message} has the shape of one of {@code candidates}; else reports the first's differences. */
    private static void matchOne(List<Recorded> candidates, JsonNode message, String stream, List<String> mismatches) {
        List<String> first = null;
        for (Recorded candidate : candidates) {
            List<String> found = new ArrayList<>();
            TranscriptReplayTest.compare(candidate.message(), message, "", "09-notifications.json #" + candidate.index()
                    + " " + action(candidate.message()) + " (" + stream + ")", false, found);
            if (found.isEmpty()) {
                return;
            }
            if (first == null) {
                first = found;
            }
        }
        mismatches.addAll(first);
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
