package dev.labfleet.project.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.testing.SuiteKafka;
import dev.labfleet.common.testing.TestTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The gateway's notification bridge for one simulated GNS3 server, as far as project-service reads it: the controller
 * stream (where GNS3 2.2 says {@code project.created|updated|opened|closed|deleted}, never on a project's own stream)
 * goes to the tests' {@code gns3.events} as the gateway publishes it ({@code gns3.<action>}, keyed by project id,
 * source {@code urn:labfleet:gns3-server:<serverId>}, GNS3's event as data), and {@link #resync(String)} publishes a
 * project's {@code gns3.project.resynced} as the gateway does for every project after (re)connecting.
 */
public final class Gns3NotificationBridge implements AutoCloseable {

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI simulator;
    private final URI source;
    private final String serverId;
    private final KafkaProducer<String, CloudEvent> producer;
    private final WebSocket controller;

    private Gns3NotificationBridge(String simulatorUrl, UUID serverId) throws Exception {
        this.simulator = URI.create(simulatorUrl);
        this.serverId = serverId.toString();
        this.source = URI.create("urn:labfleet:gns3-server:" + serverId);
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        // the service's consumer starts at the topic's end once it has its partitions: what is sent before is lost
        String group = ConfigProvider.getConfig().getValue("mp.messaging.incoming.gns3-events.group.id", String.class);
        await("gns3.events assigned to " + group).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> SuiteKafka.assignedTopics(bootstrap, group).contains(TestTopics.of("gns3.events")));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new CloudEventSerializer());
        URI ws = URI.create("ws://" + simulator.getHost() + ":" + simulator.getPort() + "/v2/notifications/ws");
        this.controller = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(ws, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Connected to the simulator's controller stream, and the service's consumer to gns3.events, when it returns. */
    public static Gns3NotificationBridge connect(String simulatorUrl, UUID serverId) throws Exception {
        return new Gns3NotificationBridge(simulatorUrl, serverId);
    }

    /** The project's state as GNS3 lists it now, as one {@code gns3.project.resynced}. */
    public void resync(String projectId) throws Exception {
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(simulator.resolve("/v2/projects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode project : CloudEventCodec.mapper().readTree(listed.body())) {
            if (projectId.equals(project.path("project_id").asText())) {
                ObjectNode data = CloudEventCodec.mapper().createObjectNode().put("serverId", serverId);
                data.set("project", project);
                // the gateway adds the project's nodes, links and drawings: project-service reads none of them
                data.putArray("nodes");
                data.putArray("links");
                data.putArray("drawings");
                producer.send(new ProducerRecord<>(TestTopics.of("gns3.events"), projectId,
                        CloudEvent.of(source, EventTypes.GNS3_PROJECT_RESYNCED, projectId, data))).get();
                return;
            }
        }
        throw new IllegalStateException("project " + projectId + " is not on the simulator");
    }

    private void publish(String text) {
        try {
            JsonNode message = CloudEventCodec.mapper().readTree(text);
            String action = message.path("action").asText();
            JsonNode event = message.get("event");
            if (!action.startsWith("project.") || event == null) {
                return; // ping, compute.*, template.*: nothing project-service reads
            }
            String projectId = event.path("project_id").asText();
            producer.send(new ProducerRecord<>(TestTopics.of("gns3.events"), projectId,
                    CloudEvent.of(source, EventTypes.gns3(action), projectId, event)));
        } catch (Exception e) {
            throw new IllegalStateException("GNS3 notification not bridged: " + text, e);
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                publish(text);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        controller.abort();
        producer.close(Duration.ofSeconds(10));
    }
}
