package dev.labfleet.project.messaging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A test run and a running suite ({@code ./labfleet up}) on the same Kafka leave each other alone (#17 item 4): the
 * tests' project-service publishes and consumes on topics of the tests' own ({@code test.<topic>}) in consumer
 * groups of their own, so none of its events reaches the suite's consumers, it never takes the suite's partitions or
 * commits the suite's offsets, and the suite's events never change the tests' labs. Holds whether or not a suite is
 * running beside the test.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class SuiteIsolationTest {

    /** The consumer groups project-service joins in the running suite (application.properties without %test). */
    private static final List<String> SUITE_GROUPS = List.of("project-service", "project-service-lab-topology");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "mp.messaging.incoming.gns3-events.topic")
    String gns3EventsTopic;

    @ConfigProperty(name = "mp.messaging.incoming.lab-topology.topic")
    String labTopologyTopic;

    @ConfigProperty(name = "mp.messaging.incoming.gns3-events.group.id")
    String gns3EventsGroup;

    @ConfigProperty(name = "mp.messaging.incoming.lab-topology.group.id")
    String labTopologyGroup;

    @Test
    void aTestRunUsesTopicsAndGroupsOfItsOwn() {
        assertThat(TestTopics.prefix()).as("the tests' topic prefix").isNotBlank();
        assertThat(List.of(gns3EventsTopic, labTopologyTopic))
                .containsExactly(TestTopics.of(Topics.GNS3_EVENTS), TestTopics.of(Topics.LAB_TOPOLOGY))
                .doesNotContain(Topics.GNS3_EVENTS, Topics.LAB_TOPOLOGY);
        assertThat(List.of(gns3EventsGroup, labTopologyGroup)).doesNotContainAnyElementsOf(SUITE_GROUPS);
    }

    @Test
    void aLabsEventsReachTheTestsTopicAndNeverTheSuites() throws Exception {
        Map<TopicPartition, Long> before = ends(Topics.LAB_PROJECTS);
        String id = createLab("isolated");

        // the lab's event reached the tests' lab.projects (the relay published it: it is not merely pending)...
        assertThat(TopicReader.events(bootstrap, Topics.LAB_PROJECTS, id, Duration.ofSeconds(30),
                events -> !events.isEmpty())).isNotEmpty();
        // ...and nothing of it the suite's, whose consumers (search, monitoring, topology) would index and act on it
        assertThat(keysSince(Topics.LAB_PROJECTS, before)).doesNotContain(id);
    }

    @Test
    void theSuitesGroupsNeverHoldOffsetsOfTheTestsTopics() throws Exception {
        // a status event the tests' consumer handles, so this run's group commits an offset on the tests' topic
        String id = createLab("committed");
        publish(TestTopics.of(Topics.GNS3_EVENTS), id, closed(id));
        await().atMost(Duration.ofSeconds(30)).until(() -> "closed".equals(status(id)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await("an offset of this run's group on " + gns3EventsTopic).atMost(Duration.ofSeconds(30))
                    .until(() -> committedTopics(admin, gns3EventsGroup).contains(gns3EventsTopic));
            // (a group that does not exist, on a machine that never ran the suite, holds no offsets at all)
            for (String suiteGroup : SUITE_GROUPS) {
                assertThat(committedTopics(admin, suiteGroup)).as("topics of the suite's group " + suiteGroup)
                        .noneMatch(topic -> topic.startsWith(TestTopics.prefix()));
            }
        }
    }

    @Test
    void theSuitesEventsNeverChangeTheTestsLabs() throws Exception {
        String untouched = createLab("untouched");
        String control = createLab("control");
        // what the running suite's gateway publishes when GNS3 closes a project: on the suite's topic...
        publish(Topics.GNS3_EVENTS, untouched, closed(untouched));
        // ...and the same on the tests' topic for another lab, which this run's consumer handles
        publish(TestTopics.of(Topics.GNS3_EVENTS), control, closed(control));
        await().atMost(Duration.ofSeconds(30)).until(() -> "closed".equals(status(control)));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> "opened".equals(status(untouched)));
        // the event itself was good: on the tests' topic it closes the lab
        publish(TestTopics.of(Topics.GNS3_EVENTS), untouched, closed(untouched));
        await().atMost(Duration.ofSeconds(30)).until(() -> "closed".equals(status(untouched)));
    }

    private static String createLab(String name) {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", name + "-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        assertThat(status(id)).isEqualTo("opened");
        return id;
    }

    private static CloudEvent closed(String id) {
        // GNS3's events about a lab count only from the server holding it
        String serverId = given().when().get("/api/v1/projects/" + id).then().statusCode(200).extract().path("serverId");
        return CloudEvent.of(URI.create("urn:labfleet:gns3-server:" + serverId), "gns3.project.closed", id,
                JsonNodeFactory.instance.objectNode().put("project_id", id).put("status", "closed"));
    }

    private void publish(String topic, String key, CloudEvent event) throws Exception {
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, event)).get(10, TimeUnit.SECONDS);
        }
    }

    private static String status(String id) {
        return given().when().get("/api/v1/projects/" + id).then().statusCode(200).extract().path("status");
    }

    private static Set<String> committedTopics(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
    }

    private KafkaConsumer<String, byte[]> reader() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // never create the suite's topic from a test: a topic that does not exist holds none of our records
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The end offset of each partition of the suite's {@code topic} now (none when it does not exist). */
    private Map<TopicPartition, Long> ends(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = reader()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            return partitions.isEmpty() ? Map.of() : new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    /** The keys of every record written to the suite's {@code topic} after {@code before}. */
    private List<String> keysSince(String topic, Map<TopicPartition, Long> before) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = reader()) {
            Map<TopicPartition, Long> now = ends(topic);
            if (now.isEmpty()) {
                return keys;
            }
            consumer.assign(now.keySet());
            now.keySet().forEach(p -> consumer.seek(p, before.getOrDefault(p, 0L)));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(r.key());
                }
                return now.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return keys;
    }
}
