package dev.labfleet.monitoring.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import dev.labfleet.monitoring.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading while a lab changes fast: its updates are coalesced, it is closed once too far behind,
 * and a client reading normally meanwhile gets every object's last state with its usual latency.
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class SlowClientTest {

    private static final int NODES = 500;
    private static final int ROUNDS = 10;
    private static final long PACE_MS = 250;

    @Inject
    StreamMetrics metrics;
    @Inject
    StreamHub hub;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aSlowClientIsCoalescedThenClosedAndOthersKeepTheirLatency() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        String projectId = UUID.randomUUID().toString();
        URI source = URI.create("urn:labfleet:gns3-server:" + MonitoringStandIn.SERVER_ID);
        String padding = "x".repeat(600);
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source, "gns3.node.created",
                    "n0", node(projectId, "marker", "marker", 0)))).get();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    given().get("/api/v1/monitoring/labs/" + projectId).statusCode() == 200);
            try (WsClient fast = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/projects/" + projectId)) {
                fast.first();
                // baseline: the same load with no slow client
                List<Long> baseline = flood(producer, source, projectId, fast, 0, padding);
                double coalescedBefore = metrics.coalescedCount();
                double closedBefore = metrics.closedSlowCount();
                try (Socket slow = stalledClient(RestAssured.port, "/api/v1/monitoring/stream/projects/" + projectId)) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> hub.clientCount() == 2);
                    List<Long> withSlow = flood(producer, source, projectId, fast, ROUNDS, padding);
                    long base = baseline.get(baseline.size() / 2);
                    long median = withSlow.get(withSlow.size() / 2);
                    assertThat(median).as("median marker latency ms with a slow client %s, without %s", withSlow,
                            baseline).isLessThanOrEqualTo(Math.max(500, 2 * base));
                    Map<String, com.fasterxml.jackson.databind.JsonNode> last = fast.lastStates();
                    for (int i = 0; i < NODES; i++) {
                        assertThat(last.get("n" + (i + 1)).path("x").asInt()).isEqualTo(2 * ROUNDS - 1);
                    }
                    // the slow one: coalesced while stalled, then closed
                    assertThat(metrics.coalescedCount()).isGreaterThan(coalescedBefore);
                    await().atMost(Duration.ofSeconds(15)).until(() -> metrics.closedSlowCount() > closedBefore);
                    await().atMost(Duration.ofSeconds(5)).until(() -> hub.clientCount() == 1);
                    assertThat(fast.isClosed()).isFalse();
                }
            }
        }
    }

    /** ROUNDS rounds of an update of every node then a marker; the marker latencies seen by {@code fast}, sorted. */
    private static List<Long> flood(KafkaProducer<String, CloudEvent> producer, URI source, String projectId,
                                    WsClient fast, int firstRound, String padding) throws Exception {
        Map<String, Long> markerSent = new HashMap<>();
        for (int round = firstRound; round < firstRound + ROUNDS; round++) {
            for (int i = 0; i < NODES; i++) {
                String id = "n" + (i + 1);
                producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                        "gns3.node.updated", id, node(projectId, id, "PC" + i + "-" + padding, round))));
            }
            String marker = "m" + round;
            markerSent.put(marker, System.nanoTime());
            producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                    "gns3.node.updated", "marker", node(projectId, "marker", marker, round))));
            producer.flush();
            Thread.sleep(PACE_MS); // NOPMD a paced producer, not a wait for a condition
        }
        String lastMarker = "m" + (firstRound + ROUNDS - 1);
        fast.awaitDelta(Duration.ofSeconds(60), d -> d.path("id").asText().equals("marker")
                && d.path("state").path("name").asText().equals(lastMarker));
        List<Long> latencies = new ArrayList<>();
        for (var m : markerSent.entrySet()) {
            long at = fast.arrival(d -> d.path("id").asText().equals("marker")
                    && d.path("state").path("name").asText().equals(m.getKey()));
            assertThat(at).as("marker %s delivered", m.getKey()).isPositive();
            latencies.add((at - m.getValue()) / 1_000_000);
        }
        latencies.sort(null);
        return latencies;
    }

    private static ObjectNode node(String projectId, String id, String name, int x) {
        return JsonNodeFactory.instance.objectNode().put("project_id", projectId).put("node_id", id).put("name", name)
                .put("node_type", "vpcs").put("status", "started").put("x", x).put("y", 0);
    }

    /** A WebSocket client that completes the handshake and then never reads, with a tiny receive buffer. */
    private static Socket stalledClient(int port, String path) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        String key = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 16)
                .getBytes(StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IllegalStateException("handshake refused: " + head);
            }
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return socket;
    }
}
