package dev.labfleet.topology.service;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * topology-service's cached lists converge on GNS3 after what a Kafka or Redis outage leaves behind, with lists
 * cached for 30 minutes (so only gns3.events can clear them):
 * <ul>
 * <li>a partition the consumer group has no committed offset for (a new partition, or commits Kafka refused
 * during an outage) is read from its start: with {@code auto.offset.reset=latest} the rebalance after KafkaOutageIT's
 * outage started past the gateway's resyncs, and the node created during the outage never showed;</li>
 * <li>an invalidation Redis refuses is retried until Redis takes it: before, it was logged and the record
 * acknowledged, and the list cached before the change came back with Redis.</li>
 * </ul>
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
@TestProfile(CacheConvergenceProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheConvergenceTest {

    private static final String NODE_LISTS = "GET /v2/projects/{project_id}/nodes";

    @AfterAll
    static void cleanUp() throws Exception {
        CacheConvergenceProfile.REDIS.restore();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.deleteTopics(List.of(CacheConvergenceProfile.TOPIC)).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void aChangeSentBeforeTheGroupHadAnOffsetOnItsPartitionClearsTheCache() throws Exception {
        String lab = cachedLabWithPc1();
        SimLabs.node(lab, "PC2", "vpcs");
        // the topic appears and the change is on it before the consumer is assigned its partition (it looks for the
        // topic every 3 s): the group has no committed offset there
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
             KafkaProducer<String, CloudEvent> producer = producer()) {
            admin.createTopics(List.of(new NewTopic(CacheConvergenceProfile.TOPIC, 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(CacheConvergenceProfile.TOPIC, lab, created(lab, "PC2")))
                    .get(30, TimeUnit.SECONDS);
        }
        await("the list cached before PC2 is cleared").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(names(lab)).containsExactlyInAnyOrder("PC1", "PC2"));
    }

    @Test
    @Order(2)
    void aChangeHeardWhileRedisRefusedTheInvalidationClearsTheCacheOnceRedisIsBack() throws Exception {
        String lab = cachedLabWithPc1();
        CacheConvergenceProfile.REDIS.cut();
        SimLabs.node(lab, "PC2", "vpcs");
        double refused = invalidationFailures();
        try (KafkaProducer<String, CloudEvent> producer = producer()) {
            // GNS3's notification of PC2 (again, until the consumer has tried it: its partition may still be joining)
            await("the consumer tried to invalidate while Redis was away").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        producer.send(new ProducerRecord<>(CacheConvergenceProfile.TOPIC, lab, created(lab, "PC2")))
                                .get(10, TimeUnit.SECONDS);
                        return invalidationFailures() > refused;
                    });
        }
        CacheConvergenceProfile.REDIS.restore();

        await("the list cached before PC2 is cleared once Redis is back").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(names(lab)).containsExactlyInAnyOrder("PC1", "PC2"));
    }

    /** A new lab with PC1, its node list cached (the second read served from Redis). */
    private static String cachedLabWithPc1() {
        String lab = SimLabs.project();
        SimLabs.node(lab, "PC1", "vpcs");
        assertThat(names(lab)).containsExactly("PC1");
        long lists = LabStandIn.simulator().requests().count(NODE_LISTS);
        assertThat(names(lab)).containsExactly("PC1");
        assertThat(LabStandIn.simulator().requests().count(NODE_LISTS)).as("the second list came from Redis")
                .isEqualTo(lists);
        return lab;
    }

    private static List<String> names(String lab) {
        return given().when().get("/api/v1/projects/" + lab + "/nodes").then().statusCode(200)
                .extract().jsonPath().getList("name", String.class);
    }

    private static CloudEvent created(String lab, String name) {
        return CloudEvent.of(URI.create("http://127.0.0.1:3080"), "gns3.node.created", lab,
                CloudEventCodec.mapper().createObjectNode().put("project_id", lab).put("name", name));
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static KafkaProducer<String, CloudEvent> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName()));
    }

    /** labfleet_topology_cache_invalidation_failures_total, as /q/metrics shows it. */
    private static double invalidationFailures() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("labfleet_topology_cache_invalidation_failures_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
