package dev.labfleet.project.messaging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import dev.labfleet.common.testing.TestTopics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gns3.events records that the gateway's outbox sent carry a CloudEvents {@code content-type} header
 * ({@code application/cloudevents+json}, as OutboxRelay sets it). The channel's own deserializer reads them: the
 * connector's CloudEvents handling must not intercept them first, which failed each such record and, with the
 * channel's dead-letter failure strategy, sent it to {@code labfleet.dlq.project-service.gns3-events} instead of
 * applying it (seen in a KafkaOutageIT run: six records).
 *
 * <p>The dead-letter topic itself is not read: every project-service test run on the machine consumes the shared
 * gns3.events with a group of its own, so a run of older code dead-letters this test's record there too (seen: a
 * concurrent run without the setting put it there, "Structured Cloud Event can only be created from String,
 * JsonObject and byte[], found: class dev.labfleet.common.event.CloudEvent"), which says nothing of this run.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class OutboxRecordHeaderTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aRecordWithTheOutboxsCloudEventsHeaderIsApplied() throws Exception {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", "outbox-header-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        String serverId = given().when().get("/api/v1/projects/" + id).then().statusCode(200).extract().path("serverId");
        assertThat(status(id)).isEqualTo("opened");

        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(TestTopics.of("gns3.events"), null, id, CloudEvent.of(
                    URI.create("urn:labfleet:gns3-server:" + serverId), "gns3.project.closed", id,
                    JsonNodeFactory.instance.objectNode().put("project_id", id).put("status", "closed")), headers))
                    .get();
        }
        // without cloud-events=false the record never reaches the consumer: it is dead-lettered and the lab stays open
        await("the lab closed by the record").atMost(Duration.ofSeconds(30)).until(() -> "closed".equals(status(id)));
    }

    private static String status(String id) {
        return given().when().get("/api/v1/projects/" + id).then().statusCode(200).extract().path("status");
    }
}
