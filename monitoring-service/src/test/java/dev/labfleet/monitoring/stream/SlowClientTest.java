package dev.labfleet.monitoring.stream;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading while a lab changes fast: while its socket is full, the other client still gets every
 * round, and the stuck one holds one state per object (newer states replace pending ones); once its frame has waited
 * longer than {@code stream.max-send-wait} the hub's check closes it (4008), and only it.
 * <p>
 * Nothing here depends on how fast the machine is: the flood goes on, a round at a time, until the slow client's
 * frame provably stays unwritten (the kernel's socket buffers, whatever their size, are full), and the hub's check
 * runs at a time the test chooses (the test profile's max-send-wait is long, so the scheduled check never races it).
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class SlowClientTest {

    private static final int NODES = 500;
    /** Rounds sent while the slow client is stuck. */
    private static final int STUCK_ROUNDS = 3;
    /** Far more bytes than any socket buffer holds (about 350 kB a round). */
    private static final int MAX_ROUNDS = 60;

    @Inject
    StreamMetrics metrics;
    @Inject
    StreamHub hub;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "labfleet.monitoring.stream.max-send-wait")
    Duration maxSendWait;

    @Test
    void aSlowClientIsCoalescedThenClosedAndOthersKeepUp() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        String projectId = UUID.randomUUID().toString();
        URI source = URI.create("urn:labfleet:gns3-server:" + MonitoringStandIn.SERVER_ID);
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new CloudEventSerializer())) {
            Flood flood = new Flood(producer, source, projectId);
            producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                    "gns3.node.created", "n0", node(projectId, "marker", "marker", 0)))).get();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    given().get("/api/v1/monitoring/labs/" + projectId).statusCode() == 200);
            String path = "/api/v1/monitoring/stream/projects/" + projectId;
            try (WsClient fast = WsClient.connect(RestAssured.port, path)) {
                fast.first();
                Set<StreamClient> before = Set.copyOf(hub.clients());
                try (Socket slowSocket = stalledClient(RestAssured.port, path)) {
                    StreamClient slow = await().atMost(Duration.ofSeconds(10)).until(() -> hub.clients().stream()
                            .filter(c -> !before.contains(c)).findFirst().orElse(null), Objects::nonNull);
                    assertThat(hub.clientCount()).isEqualTo(2);

                    // rounds until the slow client's frame stays unwritten over a whole round the fast one received
                    long stuckSince = -1;
                    long seen = -1;
                    while (stuckSince < 0) {
                        assertThat(flood.round).as("rounds sent without the slow client's socket filling up")
                                .isLessThan(MAX_ROUNDS);
                        flood.round(fast);
                        long since = slow.inFlightSince();
                        if (since >= 0 && since == seen) {
                            stuckSince = since;
                        }
                        seen = since;
                    }

                    // while it is stuck: the fast client gets every round, the slow one keeps one state per object
                    double coalescedBefore = metrics.coalescedCount();
                    for (int i = 0; i < STUCK_ROUNDS; i++) {
                        flood.round(fast);
                    }
                    assertThat(slow.inFlightSince()).as("the slow client's frame is still unwritten")
                            .isEqualTo(stuckSince);
                    assertThat(slow.pendingCount()).as("held for the slow client after %d rounds of %d objects",
                            STUCK_ROUNDS, NODES + 1).isPositive().isLessThan(2 * (NODES + 1));
                    assertThat(metrics.coalescedCount() - coalescedBefore).as("states replaced while pending")
                            .isGreaterThanOrEqualTo((STUCK_ROUNDS - 1) * (NODES + 1.0));
                    Map<String, JsonNode> last = fast.lastStates();
                    for (int i = 0; i < NODES; i++) {
                        assertThat(last.get("n" + (i + 1)).path("x").asInt()).isEqualTo(flood.round - 1);
                    }

                    // the check, once the stuck frame waited longer than allowed: the slow client is closed, not the
                    // fast one (whatever it has in flight was handed over after the slow frame)
                    double closedBefore = metrics.closedSlowCount();
                    hub.checkSlowClients(stuckSince + maxSendWait.toNanos() + 1);
                    assertThat(metrics.closedSlowCount()).isEqualTo(closedBefore + 1);
                    assertThat(slow.isClosed()).isTrue();
                    assertThat(hub.clients()).doesNotContain(slow).hasSize(1);
                    assertThat(closeCode(slowSocket)).as("close code the slow client reads behind its backlog")
                            .isEqualTo(StreamClient.TOO_SLOW);
                    flood.round(fast);
                    assertThat(fast.isClosed()).isFalse();
                }
            }
        }
    }

    /** Rounds of an update of every node, then a marker the fast client must receive before the next round. */
    private static final class Flood {
        private static final String PADDING = "x".repeat(600);
        private final KafkaProducer<String, CloudEvent> producer;
        private final URI source;
        private final String projectId;
        int round;

        Flood(KafkaProducer<String, CloudEvent> producer, URI source, String projectId) {
            this.producer = producer;
            this.source = source;
            this.projectId = projectId;
        }

        void round(WsClient fast) {
            for (int i = 0; i < NODES; i++) {
                String id = "n" + (i + 1);
                producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                        "gns3.node.updated", id, node(projectId, id, "PC" + i + "-" + PADDING, round))));
            }
            String marker = "m" + round;
            producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                    "gns3.node.updated", "marker", node(projectId, "marker", marker, round))));
            producer.flush();
            fast.awaitDelta(Duration.ofSeconds(60), d -> d.path("id").asText().equals("marker")
                    && d.path("state").path("name").asText().equals(marker));
            round++;
        }
    }

    /** Reads the server's frames (never masked) up to its close frame; answers the close code. */
    private static int closeCode(Socket socket) throws Exception {
        socket.setSoTimeout(30_000);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0F;
            long length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (opcode == 0x8) {
                return length >= 2 ? in.readUnsignedShort() : -1;
            }
            in.skipNBytes(length);
        }
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
