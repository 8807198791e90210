package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GNS3 closes a project whose {@code auto_close} is true once its last project-notification client has been gone for
 * a while (5 s; {@link SimulatorOptions#autoCloseDelay()} here), and says so on the controller stream.
 */
class AutoCloseTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration DELAY = Duration.ofMillis(400);
    private static Gns3Simulator simulator;

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start(SimulatorOptions.defaults().withAutoCloseDelay(DELAY));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void anAutoCloseProjectClosesWhenItsLastNotificationClientHasLeft() throws Exception {
        NotificationClient controller = NotificationClient.open("/v2/notifications/ws");
        JsonNode created = call("POST", "/v2/projects", "{\"name\":\"auto-close\"}");
        assertThat(created.get("auto_close").asBoolean()).as("GNS3's default").isTrue();
        String project = created.get("project_id").asText();
        String path = "/v2/projects/" + project + "/notifications/ws";
        NotificationClient first = NotificationClient.open(path);
        NotificationClient second = NotificationClient.open(path);

        first.leave();
        await().during(DELAY.multipliedBy(2)).atMost(DELAY.multipliedBy(4))
                .alias("another client still listens").until(() -> status(project).equals("opened"));

        second.leave();
        NotificationClient third = NotificationClient.open(path);
        await().during(DELAY.multipliedBy(2)).atMost(DELAY.multipliedBy(4))
                .alias("a client came back within the delay").until(() -> status(project).equals("opened"));

        long left = System.nanoTime();
        third.leave();
        await().atMost(Duration.ofSeconds(5)).until(() -> closed(controller, project).isPresent());
        assertThat(Duration.ofNanos(System.nanoTime() - left)).as("closed after the delay, not at once")
                .isGreaterThanOrEqualTo(DELAY);
        JsonNode message = closed(controller, project).orElseThrow();
        assertThat(message.get("event").get("status").asText()).isEqualTo("closed");
        assertThat(status(project)).isEqualTo("closed");

        JsonNode recorded = recorded("project.closed");
        List<String> mismatches = new ArrayList<>();
        TranscriptReplayTest.compare(recorded, message, "", "project.closed of 09-notifications.json", false, mismatches);
        assertThat(mismatches).isEmpty();
        controller.leave();
    }

    @Test
    void aProjectWithoutAutoCloseStaysOpen() throws Exception {
        NotificationClient controller = NotificationClient.open("/v2/notifications/ws");
        String project = call("POST", "/v2/projects", "{\"name\":\"no-auto-close\",\"auto_close\":false}")
                .get("project_id").asText();
        NotificationClient.open("/v2/projects/" + project + "/notifications/ws").leave();

        await().during(DELAY.multipliedBy(2)).atMost(DELAY.multipliedBy(4))
                .until(() -> status(project).equals("opened"));
        assertThat(closed(controller, project)).isEmpty();
        controller.leave();
    }

    private static Optional<JsonNode> closed(NotificationClient stream, String projectId) {
        return stream.messages.stream().filter(m -> m.get("action").asText().equals("project.closed")
                && m.get("event").get("project_id").asText().equals(projectId)).findFirst();
    }

    private static String status(String projectId) throws Exception {
        return call("GET", "/v2/projects/" + projectId, null).get("status").asText();
    }

    private static JsonNode recorded(String action) throws Exception {
        for (JsonNode entry : M.readTree(TranscriptReplayTest.transcripts().resolve("09-notifications.json").toFile())) {
            if (entry.path("message").path("action").asText().equals(action)) {
                return entry.get("message");
            }
        }
        throw new AssertionError(action + " is not in 09-notifications.json");
    }

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isLessThan(300);
        return M.readTree(r.body());
    }

    /** A notification client: the messages it received, in order. */
    private static final class NotificationClient implements WebSocket.Listener {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        /** Connects, and returns once the server has registered it (it greets each client with a ping). */
        static NotificationClient open(String path) throws Exception {
            NotificationClient stream = new NotificationClient();
            stream.socket = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(simulator.baseUrl().replace("http", "ws") + path), stream).get();
            await().atMost(Duration.ofSeconds(5)).until(() -> !stream.messages.isEmpty());
            return stream;
        }

        void leave() throws Exception {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(M.readTree(partial.toString()));
                } catch (Exception e) {
                    messages.add(M.createObjectNode().put("action", "unparseable: " + partial));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
