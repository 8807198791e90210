package dev.labfleet.gateway.messaging;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.SuiteKafka;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test run and a running suite ({@code ./labfleet up}, or an e2e run) on the same Kafka leave each other alone
 * (#17 item 4): the tests' gateway publishes its GNS3 servers' events on the tests' own {@code test.gns3.events}, so
 * none of them reaches the suite's project-service, topology-service, monitoring or search. (The gateway consumes no
 * topic: nothing of the suite's can reach it through Kafka.) Holds whether or not a suite is running beside the test.
 */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class SuiteIsolationTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "mp.messaging.outgoing.gns3-events.topic")
    String gns3EventsTopic;

    @ConfigProperty(name = "mp.messaging.outgoing.lab-audit.topic")
    String auditTopic;

    @Test
    void aTestRunPublishesOnTopicsOfItsOwn() {
        assertThat(TestTopics.prefix()).as("the tests' topic prefix").isNotBlank();
        assertThat(gns3EventsTopic).isEqualTo(TestTopics.of(Topics.GNS3_EVENTS)).isNotEqualTo(Topics.GNS3_EVENTS);
        assertThat(auditTopic).isEqualTo(TestTopics.of(Topics.LAB_AUDIT)).isNotEqualTo(Topics.LAB_AUDIT);
    }

    @Test
    void theGuardsAuditEventsReachTheTestsTopicAndNeverTheSuites() {
        Map<TopicPartition, Long> before = SuiteKafka.ends(bootstrap, Topics.LAB_AUDIT);
        // an address of this run's own (RFC 3849 documentation block), so its audit key is found nowhere else
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String address = "2001:db8::" + Integer.toHexString(r.nextInt(1, 0xffff)) + ":"
                + Integer.toHexString(r.nextInt(1, 0xffff)) + ":" + UUID.randomUUID().toString().substring(0, 4);
        // a refused request: its audit event goes straight to Kafka (AuditPublisher), not through the outbox
        Api.json().header("X-Forwarded-For", address).body("{\"name\": ").post("/api/v1/servers")
                .then().statusCode(400);
        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUDIT, address, Duration.ofSeconds(30),
                read -> !read.isEmpty());
        assertThat(events).extracting(e -> e.data().path("outcome").asText()).containsOnly("rejected");
        assertThat(SuiteKafka.keysSince(bootstrap, Topics.LAB_AUDIT, before)).doesNotContain(address);
    }

    @Test
    void aServersEventsReachTheTestsTopicAndNeverTheSuites() {
        Map<TopicPartition, Long> before = SuiteKafka.ends(bootstrap, Topics.GNS3_EVENTS);
        UUID server = Api.server("sim-a", Simulators.a().baseUrl());
        String base = "/api/v1/servers/" + server;
        String projectId = Api.project(base, "isolated-");
        try {
            String node = Api.json().body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                    .post(base + "/projects/" + projectId + "/nodes").then().statusCode(201).extract().path("node_id");
            // GNS3's notifications of the lab, bridged to the tests' gns3.events (held to the topic's contract)...
            List<CloudEvent> events = TopicReader.events(bootstrap, Topics.GNS3_EVENTS, projectId,
                    Duration.ofSeconds(30), read -> read.stream().anyMatch(e ->
                            e.type().equals("gns3.node.created") && node.equals(e.subject())));
            assertThat(events).allMatch(e -> e.source().toString().endsWith(server.toString()));
        } finally {
            Api.json().delete(base + "/projects/" + projectId).then().statusCode(204);
        }
        // ...and nothing of this run's servers or labs on the suite's, whose consumers would act on it
        List<ConsumerRecord<String, byte[]>> suites = SuiteKafka.since(bootstrap, Topics.GNS3_EVENTS, before);
        assertThat(suites).extracting(ConsumerRecord::key).doesNotContain(projectId, server.toString());
        assertThat(suites).extracting(r -> CloudEventCodec.fromBytes(r.value(), t -> true)).filteredOn(Objects::nonNull)
                .noneMatch(e -> e.source().toString().endsWith(server.toString()));
    }
}
