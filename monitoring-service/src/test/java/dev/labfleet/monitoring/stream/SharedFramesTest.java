package dev.labfleet.monitoring.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.monitoring.config.MonitoringConfig;
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

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deltas go out on the hub's ticks, not per event: a client gets at most one frame per flush interval holding the
 * latest state of what changed, and clients of the same lab share one encoded frame. This is what keeps 1,000 clients
 * of a busy lab from costing 1,000 frames per event (docs/benchmarks.md, stream fan-out).
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class SharedFramesTest {

    private static final int CLIENTS = 5;
    private static final int NODES = 20;
    private static final int ROUNDS = 30;

    @Inject
    StreamMetrics metrics;
    @Inject
    MonitoringConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void clientsOfOneLabGetAFramePerTickWithTheLatestStatesEncodedOnceForAll() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        String projectId = UUID.randomUUID().toString();
        URI source = URI.create("urn:labfleet:gns3-server:" + MonitoringStandIn.SERVER_ID);
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source, "gns3.node.created",
                    "n0", node(projectId, "n0", 0)))).get();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    given().get("/api/v1/monitoring/labs/" + projectId).statusCode() == 200);
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    WsClient c = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/projects/" + projectId);
                    c.first();
                    clients.add(c);
                }
                double flushedBefore = metrics.framesFlushed();
                double encodedBefore = metrics.framesEncoded();
                long start = System.nanoTime();
                for (int round = 1; round <= ROUNDS; round++) {
                    for (int n = 1; n <= NODES; n++) {
                        producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                                "gns3.node.updated", "n" + n, node(projectId, "n" + n, round))));
                    }
                }
                producer.flush();
                for (WsClient c : clients) {
                    c.awaitDelta(Duration.ofSeconds(60), d -> d.path("id").asText().equals("n" + NODES)
                            && d.path("state").path("x").asInt() == ROUNDS);
                }
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                long intervalMs = config.stream().flushInterval().toMillis();

                for (WsClient c : clients) {
                    Map<String, com.fasterxml.jackson.databind.JsonNode> last = c.lastStates();
                    for (int n = 1; n <= NODES; n++) {
                        assertThat(last.get("n" + n).path("x").asInt()).as("latest state of n%d", n).isEqualTo(ROUNDS);
                    }
                    long frames = c.messages().stream()
                            .filter(r -> "deltas".equals(r.message().path("type").asText())).count();
                    assertThat(frames).as("delta frames for %d updates in %d ms at one per %d ms", NODES * ROUNDS,
                            elapsedMs, intervalMs).isLessThanOrEqualTo(elapsedMs / intervalMs + 2);
                }
                double flushed = metrics.framesFlushed() - flushedBefore;
                double encoded = metrics.framesEncoded() - encodedBefore;
                assertThat(encoded).as("frames encoded for %s frames flushed to %d clients", flushed, CLIENTS)
                        .isPositive().isLessThan(flushed);
            } finally {
                for (WsClient c : clients) {
                    c.close();
                }
            }
        }
    }

    private static ObjectNode node(String projectId, String id, int x) {
        return JsonNodeFactory.instance.objectNode().put("project_id", projectId).put("node_id", id).put("name", id)
                .put("node_type", "vpcs").put("status", "started").put("x", x).put("y", 0);
    }
}
