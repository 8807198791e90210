package dev.labfleet.monitoring;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.SuiteKafka;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A test run and a running suite ({@code ./labfleet up}, or an e2e run) on the same Kafka leave each other alone
 * (#17 item 4): the tests' monitoring-service reads and writes topics of the tests' own ({@code test.<topic>}), so
 * its telemetry never reaches the suite's streams and search index, and the suite's events are never delivered to the
 * tests' consumers. Holds whether or not a suite is running beside the test.
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class SuiteIsolationTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "mp.messaging.incoming.gns3-events.topic")
    String gns3EventsTopic;
    @ConfigProperty(name = "mp.messaging.incoming.lab-projects.topic")
    String labProjectsTopic;
    @ConfigProperty(name = "mp.messaging.incoming.lab-monitoring.topic")
    String labMonitoringTopic;
    @ConfigProperty(name = "mp.messaging.outgoing.monitoring-telemetry.topic")
    String telemetryTopic;

    @ConfigProperty(name = "mp.messaging.incoming.gns3-events.group.id")
    String gns3EventsGroup;
    @ConfigProperty(name = "mp.messaging.incoming.lab-projects.group.id")
    String labProjectsGroup;
    @ConfigProperty(name = "mp.messaging.incoming.lab-monitoring.group.id")
    String labMonitoringGroup;

    @Test
    void aTestRunUsesTopicsAndGroupsOfItsOwn() {
        assertThat(TestTopics.prefix()).as("the tests' topic prefix").isNotBlank();
        assertThat(List.of(gns3EventsTopic, labProjectsTopic, labMonitoringTopic, telemetryTopic)).containsExactly(
                TestTopics.of(Topics.GNS3_EVENTS), TestTopics.of(Topics.LAB_PROJECTS),
                TestTopics.of(Topics.LAB_MONITORING), TestTopics.of(Topics.LAB_MONITORING))
                .doesNotContain(Topics.GNS3_EVENTS, Topics.LAB_PROJECTS, Topics.LAB_MONITORING);
        // the stand-in for the gateway publishes where this run's service reads
        assertThat(MonitoringStandIn.gns3EventsTopic()).isEqualTo(gns3EventsTopic);
        // (the suite's groups are monitoring-service-<process uuid>: a run of its own never joins one)
        assertThat(List.of(gns3EventsGroup, labProjectsGroup, labMonitoringGroup))
                .allMatch(g -> g.startsWith("monitoring-service-test-"));
    }

    /**
     * The reverse direction, as the broker sees it: this run's consumers are assigned partitions of the tests' topics
     * only, so no record of the suite's (or of an e2e run's) topics is ever delivered to them. (Shown without writing
     * to the suite's topics: a record put there to prove it would itself be seen by the running suite.)
     */
    @Test
    void theBrokerDeliversThisRunsConsumersTheTestsTopicsOnly() {
        for (String group : List.of(gns3EventsGroup, labProjectsGroup, labMonitoringGroup)) {
            await("partitions of " + group).atMost(Duration.ofSeconds(30))
                    .until(() -> !SuiteKafka.assignedTopics(bootstrap, group).isEmpty());
            await("only the tests' topics assigned to " + group).atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(SuiteKafka.assignedTopics(bootstrap, group))
                            .as("topics assigned to " + group)
                            .doesNotContain(Topics.GNS3_EVENTS, Topics.LAB_PROJECTS, Topics.LAB_MONITORING)
                            .isSubsetOf(gns3EventsTopic, labProjectsTopic, labMonitoringTopic));
        }
    }

    @Test
    void aLabsTelemetryReachesTheTestsTopicAndNeverTheSuites() throws Exception {
        awaitSynced();
        Map<TopicPartition, Long> suiteBefore = SuiteKafka.ends(bootstrap, Topics.LAB_MONITORING);
        Map<TopicPartition, Long> testsBefore = SuiteKafka.ends(bootstrap, TestTopics.of(Topics.LAB_MONITORING));
        String lab = UUID.randomUUID().toString();
        publish(TestTopics.of(Topics.GNS3_EVENTS), lab, opened(lab));
        awaitMonitored(lab);
        // the leader scores every opened lab: its health goes out as telemetry, on the tests' lab.monitoring...
        await("lab-health of " + lab + " on " + telemetryTopic).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> SuiteKafka.keysSince(bootstrap, TestTopics.of(Topics.LAB_MONITORING), testsBefore)
                        .contains(lab));
        // ...and nothing of it on the suite's, whose streams and search index would show the tests' lab
        assertThat(SuiteKafka.keysSince(bootstrap, Topics.LAB_MONITORING, suiteBefore)).doesNotContain(lab);
    }

    private static void awaitSynced() {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
    }

    private static void awaitMonitored(String lab) {
        await("lab " + lab + " monitored").atMost(Duration.ofSeconds(30))
                .until(() -> given().get("/api/v1/monitoring/labs/" + lab).statusCode() == 200);
    }

    private static CloudEvent opened(String lab) {
        return CloudEvent.of(source(), "gns3.project.opened", lab, JsonNodeFactory.instance.objectNode()
                .put("project_id", lab).put("name", "isolated-" + lab).put("status", "opened"));
    }

    private static URI source() {
        return URI.create("urn:labfleet:gns3-server:" + MonitoringStandIn.SERVER_ID);
    }

    private void publish(String topic, String key, CloudEvent event) throws Exception {
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, event)).get(10, TimeUnit.SECONDS);
        }
    }
}
