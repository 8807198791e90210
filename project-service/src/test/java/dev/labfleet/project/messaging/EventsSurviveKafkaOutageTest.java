package dev.labfleet.project.messaging;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.testing.EventContract;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox guarantee: with Kafka stopped, every API call still succeeds; once Kafka is back every event arrives,
 * none lost, in order per project.
 */
@QuarkusTest
@TestProfile(KafkaOutageProfile.class)
class EventsSurviveKafkaOutageTest {

    @Test
    void eventsWrittenWhileKafkaIsDownArriveInOrderAfterItReturns() throws Exception {
        KafkaOutageProfile.broker.stop();

        List<String> projects = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = given().contentType(ContentType.JSON).body(Map.of("name", "outage-" + i + "-" + UUID.randomUUID()))
                    .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
            given().contentType(ContentType.JSON).body(Map.of("description", "first"))
                    .when().put("/api/v1/projects/" + id).then().statusCode(200);
            given().contentType(ContentType.JSON).body(Map.of("description", "second"))
                    .when().put("/api/v1/projects/" + id).then().statusCode(200);
            given().when().post("/api/v1/projects/" + id + "/close").then().statusCode(200);
            projects.add(id);
        }

        KafkaOutageProfile.broker.start();

        Map<String, List<CloudEvent>> byProject = new HashMap<>();
        Map<String, List<CloudEvent>> auditByProject = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaOutageProfile.broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            // lab.audit too: the audit events of these requests share the outbox (and its batches) with the labs'
            // own events, and must neither be lost nor disturb the labs' order (both on the tests' topics: TestTopics)
            consumer.subscribe(List.of(TestTopics.of("lab.projects"), TestTopics.of("lab.audit")));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    String topic = r.topic().substring(TestTopics.prefix().length());
                    EventContract.assertValid(topic, r.key(), r.value());
                    (topic.equals("lab.audit") ? auditByProject : byProject)
                            .computeIfAbsent(r.key(), k -> new ArrayList<>()).add(CloudEventCodec.fromBytes(r.value()));
                }
                return projects.stream().allMatch(p -> byProject.getOrDefault(p, List.of()).size() >= 4
                        && auditByProject.getOrDefault(p, List.of()).size() >= 3);
            });
        }
        for (String project : projects) {
            // the two updates and the close of each lab (its creation names no lab in its path: keyed by address)
            assertThat(auditByProject.get(project)).as("audit events of " + project).hasSize(3)
                    .allSatisfy(e -> assertThat(e.data().path("outcome").asText()).isEqualTo("succeeded"))
                    .extracting(e -> e.data().path("method").asText()).containsExactlyInAnyOrder("PUT", "PUT", "POST");
        }
        for (String project : projects) {
            List<CloudEvent> events = byProject.get(project);
            assertThat(events).extracting(CloudEvent::type).as("events of " + project).containsExactly(
                    "lab.project.created", "lab.project.updated", "lab.project.updated", "lab.project.closed");
            assertThat(events.get(1).data().get("description").asText()).isEqualTo("first");
            assertThat(events.get(2).data().get("description").asText()).isEqualTo("second");
            assertThat(events).extracting(CloudEvent::id).doesNotHaveDuplicates();
        }
    }
}
