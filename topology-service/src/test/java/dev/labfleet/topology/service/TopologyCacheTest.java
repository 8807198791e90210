package dev.labfleet.topology.service;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.Topics;
import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;

/** Node and link lists come from Redis until this service writes or GNS3 reports a change on gns3.events. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class TopologyCacheTest {

    private static final String NODE_LISTS = "GET /v2/projects/{project_id}/nodes";
    private static final String LINK_LISTS = "GET /v2/projects/{project_id}/links";

    private static long count(String route) {
        return LabStandIn.simulator().requests().count(route);
    }

    @Test
    void aSecondListIsServedFromTheCacheAndAWriteClearsIt() {
        String lab = SimLabs.project();
        String pc = SimLabs.node(lab, "PC1", "vpcs");
        String sw = SimLabs.node(lab, "SW1", "ethernet_switch");
        SimLabs.link(lab, pc, 0, 0, sw, 0, 0);

        given().when().get("/api/v1/projects/" + lab + "/nodes").then().statusCode(200);
        given().when().get("/api/v1/projects/" + lab + "/links").then().statusCode(200);
        long nodeLists = count(NODE_LISTS);
        long linkLists = count(LINK_LISTS);
        given().when().get("/api/v1/projects/" + lab + "/nodes").then().statusCode(200)
                .body("name", containsInAnyOrder("PC1", "SW1"));
        given().when().get("/api/v1/projects/" + lab + "/links").then().statusCode(200);
        assertThat(count(NODE_LISTS)).as("nodes served from the cache").isEqualTo(nodeLists);
        assertThat(count(LINK_LISTS)).as("links served from the cache").isEqualTo(linkLists);

        // a node made outside Labfleet is not seen while the list is cached...
        SimLabs.node(lab, "PC2", "vpcs");
        given().when().get("/api/v1/projects/" + lab + "/nodes").then().body("name", containsInAnyOrder("PC1", "SW1"));
        // ...and this service's own write clears it
        given().contentType(ContentType.JSON).body(Map.of("name", "PC3", "node_type", "vpcs"))
                .when().post("/api/v1/projects/" + lab + "/nodes").then().statusCode(201);
        given().when().get("/api/v1/projects/" + lab + "/nodes").then()
                .body("name", containsInAnyOrder("PC1", "PC2", "PC3", "SW1"));
        assertThat(count(NODE_LISTS)).isGreaterThan(nodeLists);
    }

    @Test
    void aGns3EventForTheProjectClearsItsCache() throws Exception {
        String lab = SimLabs.project();
        SimLabs.node(lab, "PC1", "vpcs");
        given().when().get("/api/v1/projects/" + lab + "/nodes").then().statusCode(200);
        given().when().get("/api/v1/projects/" + lab + "/nodes").then().statusCode(200);
        long cached = count(NODE_LISTS);
        SimLabs.node(lab, "PC2", "vpcs");

        CloudEvent event = CloudEvent.of(URI.create("http://127.0.0.1:3080"), "gns3.node.created", lab,
                dev.labfleet.common.event.CloudEventCodec.mapper().createObjectNode().put("project_id", lab)
                        .put("name", "PC2"));
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName()))) {
            // the list stays cached (and stale) until an event comes; the consumer reads from the end of the topic, so
            // the event is sent again on each poll until one arrives after its partitions were assigned (GNS3 sends
            // the same notification for every change: receiving it twice is what happens anyway)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), lab, event)).get(10, TimeUnit.SECONDS);
                given().when().get("/api/v1/projects/" + lab + "/nodes").then().statusCode(200)
                        .body("name", containsInAnyOrder("PC1", "PC2"));
            });
        }
        assertThat(count(NODE_LISTS)).isGreaterThan(cached);
    }
}
