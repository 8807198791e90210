package dev.labfleet.automation;

import dev.labfleet.automation.support.LabStandIn;
import dev.labfleet.automation.support.SimLabs;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.SuiteKafka;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A test run and a running suite ({@code ./labfleet up}, or an e2e run) on the same Kafka leave each other alone
 * (#17 item 4): the tests' automation-service publishes its executions' events and its guard's audit events on topics
 * of the tests' own ({@code test.<topic>}), so none of them reaches the suite's search index. (automation-service
 * consumes no topic: nothing of the suite's can reach it through Kafka.) Holds whether or not a suite is running.
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class SuiteIsolationTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "mp.messaging.outgoing.lab-audit.topic")
    String auditTopic;

    @Test
    void aTestRunPublishesOnTopicsOfItsOwn() {
        assertThat(TestTopics.prefix()).as("the tests' topic prefix").isNotBlank();
        assertThat(auditTopic).isEqualTo(TestTopics.of(Topics.LAB_AUDIT)).isNotEqualTo(Topics.LAB_AUDIT);
    }

    @Test
    void anExecutionsEventsReachTheTestsTopicAndNeverTheSuites() {
        Map<TopicPartition, Long> before = SuiteKafka.ends(bootstrap, Topics.LAB_AUTOMATION);
        SimLabs.Lab lab = SimLabs.pairs(2);
        String script = given().contentType(ContentType.JSON).body(Map.of("name", "isolated-" + UUID.randomUUID()
                        .toString().substring(0, 8), "kind", "vpcs", "body", "ip {ip}/24\n",
                        "variables", List.of(Map.of("name", "ip", "type", "ip", "required", true)),
                        "assertions", List.of()))
                .when().post("/api/v1/scripts").then().statusCode(201).extract().path("id");
        String execution = given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId(),
                        "nodeVariables", Map.of("PC1", Map.of("ip", "10.12.0.1"), "PC2", Map.of("ip", "10.12.0.2"))))
                .when().post("/api/v1/scripts/" + script + "/executions").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> !"running".equals(
                given().when().get("/api/v1/executions/" + execution).then().statusCode(200).extract().path("status")));
        // the execution's events, through the outbox relay, on the tests' lab.automation...
        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUTOMATION, lab.projectId(),
                Duration.ofSeconds(30), read -> read.stream().anyMatch(e ->
                        e.type().equals("lab.automation.execution-finished") && execution.equals(e.subject())));
        assertThat(events).extracting(CloudEvent::type).contains("lab.automation.execution-started");
        // ...and none on the suite's, which the suite's search-service indexes
        assertThat(SuiteKafka.keysSince(bootstrap, Topics.LAB_AUTOMATION, before)).doesNotContain(lab.projectId());
    }

    @Test
    void theGuardsAuditEventsReachTheTestsTopicAndNeverTheSuites() {
        Map<TopicPartition, Long> before = SuiteKafka.ends(bootstrap, Topics.LAB_AUDIT);
        // an address of this run's own (RFC 3849 documentation block), so its audit key is found nowhere else
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String address = "2001:db8::" + Integer.toHexString(r.nextInt(1, 0xffff)) + ":"
                + Integer.toHexString(r.nextInt(1, 0xffff)) + ":" + UUID.randomUUID().toString().substring(0, 4);
        // a change (its audit event goes through the outbox, with the change) and a refused one (straight to Kafka)
        given().header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(Map.of("name", "audited-" + UUID.randomUUID().toString().substring(0, 8), "kind", "vpcs",
                        "body", "show ip\n", "variables", List.of(), "assertions", List.of()))
                .when().post("/api/v1/scripts").then().statusCode(201);
        given().header("X-Forwarded-For", address).contentType(ContentType.JSON).body("{\"name\": \"x\", \"kind\": ")
                .when().post("/api/v1/scripts").then().statusCode(400);
        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUDIT, address, Duration.ofSeconds(30),
                read -> read.size() >= 2);
        assertThat(events).extracting(e -> e.data().path("outcome").asText())
                .containsExactlyInAnyOrder("succeeded", "rejected");
        assertThat(SuiteKafka.keysSince(bootstrap, Topics.LAB_AUDIT, before)).doesNotContain(address);
    }
}
