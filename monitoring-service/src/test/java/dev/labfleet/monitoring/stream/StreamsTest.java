package dev.labfleet.monitoring.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.monitoring.support.Labs;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import dev.labfleet.monitoring.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The live streams over the real Kafka, fed by the simulated GNS3's notifications through the bridge. */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class StreamsTest {

    @BeforeEach
    void synced() {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
    }

    /** A lab with two VPCS, seen by the model. */
    private static String[] lab() {
        String p = Labs.project();
        String a = Labs.vpcs(p, "PC1");
        String b = Labs.vpcs(p, "PC2");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p)
                .then().statusCode(200).body("lab.nodes", equalTo(2)));
        return new String[]{p, a, b};
    }

    @Test
    void aNodeStartedThroughTheSuiteAppearsOnTheNodeStreamWithinASecond() {
        String[] lab = lab();
        try (WsClient client = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/nodes?projectId=" + lab[0])) {
            JsonNode snapshot = client.first();
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("nodes")).hasSize(2);
            long before = System.nanoTime();
            Labs.start(lab[0], lab[1]);
            long at = client.awaitDelta(Duration.ofSeconds(5), d -> d.path("id").asText().equals(lab[1])
                    && "started".equals(d.path("state").path("status").asText()));
            assertThat(Duration.ofNanos(at - before)).isLessThan(Duration.ofSeconds(1));
            // only this lab's nodes, nothing else
            assertThat(client.deltas()).allSatisfy(d -> {
                assertThat(d.path("kind").asText()).isEqualTo("node");
                assertThat(d.path("projectId").asText()).isEqualTo(lab[0]);
            });
        }
    }

    @Test
    void aLateClientGetsTheSnapshotThenDeltasInSequence() {
        String[] lab = lab();
        Labs.start(lab[0], lab[1]);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + lab[0])
                .then().body("lab.runningNodes", equalTo(1)));
        try (WsClient late = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/projects/" + lab[0])) {
            JsonNode snapshot = late.first();
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("lab").path("runningNodes").asInt()).isEqualTo(1);
            assertThat(snapshot.path("nodes").findValuesAsText("status")).contains("started", "stopped");
            long snapshotSeq = snapshot.path("seq").asLong();
            Labs.start(lab[0], lab[2]);
            late.awaitDelta(Duration.ofSeconds(5), d -> d.path("id").asText().equals(lab[2])
                    && "started".equals(d.path("state").path("status").asText()));
            late.awaitDelta(Duration.ofSeconds(5), d -> d.path("kind").asText().equals("lab")
                    && d.path("state").path("runningNodes").asInt() == 2);
            List<Long> seqs = late.deltas().stream().map(d -> d.path("seq").asLong()).toList();
            assertThat(seqs).allSatisfy(s -> assertThat(s).isGreaterThan(snapshotSeq));
            assertThat(seqs).isSorted();
        }
    }

    @Test
    void aClientResumesFromTheLastSequenceItSaw() throws Exception {
        String[] lab = lab();
        String epoch;
        long last;
        try (WsClient first = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/nodes?projectId=" + lab[0])) {
            JsonNode snapshot = first.first();
            epoch = snapshot.path("epoch").asText();
            last = snapshot.path("seq").asLong();
        }
        Labs.start(lab[0], lab[1]); // while away
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + lab[0])
                .then().body("lab.runningNodes", equalTo(1)));
        try (WsClient back = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/nodes?projectId=" + lab[0]
                + "&since=" + last + "&epoch=" + epoch)) {
            JsonNode firstMessage = back.first();
            assertThat(firstMessage.path("type").asText()).isEqualTo("deltas");
            assertThat(back.deltas()).anySatisfy(d -> {
                assertThat(d.path("id").asText()).isEqualTo(lab[1]);
                assertThat(d.path("state").path("status").asText()).isEqualTo("started");
            });
        }
        // another replica's (or a forgotten) sequence: a snapshot again
        try (WsClient stranger = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/nodes?projectId="
                + lab[0] + "&since=3&epoch=" + UUID.randomUUID())) {
            assertThat(stranger.first().path("type").asText()).isEqualTo("snapshot");
        }
    }

    @Test
    void badSubscriptionsAreClosedWithAReasonAndBadMessagesAnswered() throws Exception {
        try (WsClient noId = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/nodes")) {
            assertThat(noId.awaitClose(Duration.ofSeconds(5))).isEqualTo(1008);
            assertThat(noId.closeReason()).contains("projectId");
        }
        try (WsClient badId = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/projects/not-a-lab")) {
            assertThat(badId.awaitClose(Duration.ofSeconds(5))).isEqualTo(1008);
            assertThat(badId.closeReason()).contains("UUID");
        }
        String unknown = UUID.randomUUID().toString();
        try (WsClient none = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/projects/" + unknown)) {
            assertThat(none.awaitClose(Duration.ofSeconds(5))).isEqualTo(4404);
            assertThat(none.closeReason()).contains(unknown);
        }
        try (WsClient badSince = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/fleet?since=abc")) {
            assertThat(badSince.awaitClose(Duration.ofSeconds(5))).isEqualTo(1008);
        }
        try (WsClient fleet = WsClient.connect(RestAssured.port, "/api/v1/monitoring/stream/fleet")) {
            assertThat(fleet.first().path("type").asText()).isEqualTo("snapshot");
            fleet.send("{not json");
            fleet.awaitMessage(Duration.ofSeconds(5), m -> m.path("type").asText().equals("error")
                    && m.path("detail").asText().contains("JSON"));
            fleet.send("{\"type\":\"resume\",\"seq\":\"x\"}");
            fleet.awaitMessage(Duration.ofSeconds(5), m -> m.path("detail").asText().startsWith("seq"));
            fleet.send("{\"type\":\"ping\"}");
            fleet.awaitMessage(Duration.ofSeconds(5), m -> m.path("type").asText().equals("pong"));
            assertThat(fleet.isClosed()).isFalse();
        }
        given().get("/api/v1/monitoring/labs/nope").then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("projectId"));
        given().get("/api/v1/monitoring/labs/" + unknown).then().statusCode(404)
                .contentType("application/problem+json");
    }
}
