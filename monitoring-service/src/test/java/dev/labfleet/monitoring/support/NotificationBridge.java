package dev.labfleet.monitoring.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.EventTypes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's notification bridge, for tests: the simulator's controller stream and the stream of every opened
 * project go to {@code gns3.events} (the tests' own, {@code TestTopics}) as the gateway publishes them ({@code gns3.<action>}, keyed by project id,
 * source {@code urn:labfleet:gns3-server:<serverId>}, GNS3's event as data).
 */
final class NotificationBridge implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = vertx.createHttpClient();
    private final KafkaProducer<String, CloudEvent> producer;
    private final URI simulator;
    private final URI source;
    private final String serverId;
    private final String topic;
    private final Set<String> followed = ConcurrentHashMap.newKeySet();

    /** @param topic where the tests' monitoring-service reads gns3.events ({@code TestTopics}) */
    NotificationBridge(String simulatorUrl, UUID serverId, String bootstrap, String topic) {
        this.simulator = URI.create(simulatorUrl);
        this.topic = topic;
        this.serverId = serverId.toString();
        this.source = URI.create("urn:labfleet:gns3-server:" + serverId);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new CloudEventSerializer());
        try {
            controller().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Seen only when Quarkus restarts in the same JVM for another test profile (the security tests): the
            // simulator, just started, answers the upgrade 404 (cause not found yet). Those tests need no
            // GNS3 notifications; the bridge keeps trying, so a test that does need them waits rather than the
            // whole profile failing to start.
            String probe;
            try {
                probe = http.request(io.vertx.core.http.HttpMethod.GET, simulator.getPort(), simulator.getHost(),
                                "/v2/version").compose(r -> r.send().compose(a -> a.body().map(b -> a.statusCode()
                                + " " + b.toString()))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception p) {
                probe = p.toString();
            }
            System.err.println("notification bridge: " + simulatorUrl + "/v2/notifications/ws refused (" + e
                    + "; GET /v2/version: " + probe + "): retrying every second");
            vertx.setPeriodic(1000, id -> controller().onSuccess(ws -> vertx.cancelTimer(id)));
        }
    }

    private io.vertx.core.Future<io.vertx.core.http.WebSocket> controller() {
        return http.webSocket(simulator.getPort(), simulator.getHost(), "/v2/notifications/ws")
                .onSuccess(ws -> ws.textMessageHandler(this::controller));
    }

    /** Follows a project's notification stream (as the gateway does for every opened project). */
    void follow(String projectId) {
        if (!followed.add(projectId)) {
            return;
        }
        http.webSocket(simulator.getPort(), simulator.getHost(), "/v2/projects/" + projectId + "/notifications/ws")
                .onSuccess(ws -> {
                    ws.textMessageHandler(text -> publish(text, projectId));
                    ws.closeHandler(v -> followed.remove(projectId));
                })
                .onFailure(e -> followed.remove(projectId));
    }

    private void controller(String text) {
        JsonNode msg = publish(text, null);
        if (msg != null && msg.path("action").asText().startsWith("project.")
                && "opened".equals(msg.path("event").path("status").asText())) {
            follow(msg.path("event").path("project_id").asText());
        }
    }

    private JsonNode publish(String text, String projectId) {
        try {
            JsonNode msg = CloudEventCodec.mapper().readTree(text);
            String action = msg.path("action").asText();
            JsonNode event = msg.get("event");
            if (action.isEmpty() || event == null) {
                return msg;
            }
            String key = event.path("project_id").asText(projectId == null ? serverId : projectId);
            String subjectField = action.contains(".") ? action.substring(0, action.indexOf('.')) + "_id" : "";
            String subject = event.path(subjectField).asText(key);
            producer.send(new ProducerRecord<>(topic, key,
                    CloudEvent.of(source, EventTypes.gns3(action), subject, event)));
            return msg;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        producer.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }
}
