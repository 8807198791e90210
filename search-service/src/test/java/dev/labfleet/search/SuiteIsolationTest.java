package dev.labfleet.search;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.SuiteKafka;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A test run and a running suite ({@code ./labfleet up}, or an e2e run) on the same Kafka leave each other alone
 * (#17 item 4): the tests' search-service indexes topics of the tests' own ({@code test.<topic>}) in consumer groups
 * of its own, writes its dead letters and its guard's audit events there too, never takes the suite's partitions or
 * commits the suite's offsets, and is never delivered a record of the suite's topics. Holds whether or not a suite is
 * running beside the test.
 */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class SuiteIsolationTest {

    /** search-service's channels and the suite's topic each reads. */
    private static final Map<String, String> CHANNELS = Map.of("gns3-events", Topics.GNS3_EVENTS,
            "lab-projects", Topics.LAB_PROJECTS, "lab-topology", Topics.LAB_TOPOLOGY,
            "lab-automation", Topics.LAB_AUTOMATION, "lab-monitoring", Topics.LAB_MONITORING,
            "lab-audit-in", Topics.LAB_AUDIT);

    /** The consumer groups search-service joins in the running suite (application.properties without %test). */
    private static final List<String> SUITE_GROUPS = List.of("search-service", "search-service-audit");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aTestRunUsesTopicsAndGroupsOfItsOwn() {
        assertThat(TestTopics.prefix()).as("the tests' topic prefix").isNotBlank();
        Config config = ConfigProvider.getConfig();
        CHANNELS.forEach((channel, topic) -> {
            String incoming = "mp.messaging.incoming." + channel;
            assertThat(config.getValue(incoming + ".topic", String.class)).as(channel)
                    .isEqualTo(TestTopics.of(topic));
            assertThat(config.getValue(incoming + ".dead-letter-queue.topic", String.class)).as(channel + "'s DLQ")
                    .isEqualTo(TestTopics.of("labfleet.dlq.search-service."
                            + ("lab-audit-in".equals(channel) ? "lab-audit" : channel)));
            assertThat(config.getValue(incoming + ".group.id", String.class)).as(channel + "'s group")
                    .isNotIn(SUITE_GROUPS);
        });
    }

    @Test
    void theSuitesGroupsNeverHoldOrReadTheTestsTopicsNorThisRunsTheSuites() throws Exception {
        // every channel of this run has consumed (and committed) a record of its own
        Events.awaitConsumersReady();
        Config config = ConfigProvider.getConfig();
        String labProjectsGroup = config.getValue("mp.messaging.incoming.lab-projects.group.id", String.class);
        await("an offset of this run's group on " + TestTopics.of(Topics.LAB_PROJECTS)).atMost(Duration.ofSeconds(30))
                .until(() -> SuiteKafka.committedTopics(bootstrap, labProjectsGroup)
                        .contains(TestTopics.of(Topics.LAB_PROJECTS)));
        List<String> suiteTopics = List.copyOf(CHANNELS.values());
        List<String> testTopics = suiteTopics.stream().map(TestTopics::of).toList();
        // the broker delivers this run's consumers the tests' topics only: the suite's records never reach them
        for (String channel : CHANNELS.keySet()) {
            String group = config.getValue("mp.messaging.incoming." + channel + ".group.id", String.class);
            await("partitions of " + group).atMost(Duration.ofSeconds(30))
                    .until(() -> !SuiteKafka.assignedTopics(bootstrap, group).isEmpty());
            assertThat(SuiteKafka.assignedTopics(bootstrap, group)).as("topics assigned to " + group)
                    .doesNotContainAnyElementsOf(suiteTopics).isSubsetOf(testTopics);
            assertThat(SuiteKafka.committedTopics(bootstrap, group)).as("topics " + group + " committed")
                    .doesNotContainAnyElementsOf(suiteTopics).isSubsetOf(testTopics);
        }
        // the suite's groups never commit or read the tests' topics (a group that does not exist, on a machine that
        // never ran the suite, holds and reads nothing at all)
        for (String suiteGroup : SUITE_GROUPS) {
            assertThat(SuiteKafka.committedTopics(bootstrap, suiteGroup)).as("topics the suite's " + suiteGroup
                    + " committed").doesNotContainAnyElementsOf(testTopics);
            assertThat(SuiteKafka.assignedTopics(bootstrap, suiteGroup)).as("topics assigned to the suite's "
                    + suiteGroup).doesNotContainAnyElementsOf(testTopics);
        }
    }

    @Test
    void theGuardsAuditEventsReachTheTestsTopicAndNeverTheSuites() throws Exception {
        Map<TopicPartition, Long> before = SuiteKafka.ends(bootstrap, Topics.LAB_AUDIT);
        // an address of this run's own (RFC 3849 documentation block), so its audit key is found nowhere else
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String address = "2001:db8::" + Integer.toHexString(r.nextInt(1, 0xffff)) + ":"
                + Integer.toHexString(r.nextInt(1, 0xffff)) + ":" + UUID.randomUUID().toString().substring(0, 4);
        // a request that may change something is audited whatever its answer (straight to Kafka: no outbox here)
        RestAssured.given().header("X-Forwarded-For", address).contentType("application/json").body("{}")
                .when().post("/api/v1/dashboards/custom").then().extract().statusCode();
        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUDIT, address, Duration.ofSeconds(30),
                read -> !read.isEmpty());
        assertThat(events).extracting(e -> e.data().path("address").asText()).contains(address);
        assertThat(SuiteKafka.keysSince(bootstrap, Topics.LAB_AUDIT, before)).doesNotContain(address);
    }
}
