package dev.labfleet.topology.rest;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.topology.support.LabStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * #17 item 5: GNS3 forgets a link's suspension when a lab is closed and opened or restored from a snapshot (the
 * simulator does the same). After project-service says so on lab.projects, topology-service suspends again every
 * link the applied spec, or a later explicit suspend, has suspended (a later explicit resume wins over the spec),
 * and says so in lab.topology.links-resuspended.
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class SuspendedLinksSurviveTest {

    private static final String SPEC = """
            nodes:
              - {name: SW1, node_type: ethernet_switch}
              - {name: PC1, node_type: vpcs}
              - {name: PC2, node_type: vpcs}
              - {name: PC3, node_type: vpcs}
            links:
              - {a: "PC1:e0", b: "SW1:e1", suspend: true, conditions: {delay: 20}}
              - {a: "PC2:e0", b: "SW1:e2"}
              - {a: "PC3:e0", b: "SW1:e3", suspend: true}
            """;

    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void producer() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @AfterAll
    static void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static RequestSpecification sim() {
        return given().baseUri(LabStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    /** What project-service publishes after an open or a restore (the same envelope, on lab.projects). */
    private static void announce(String projectId, String type) throws Exception {
        CloudEvent event = CloudEvent.of(URI.create("/labfleet/project-service"), type, projectId,
                CloudEventCodec.mapper().createObjectNode().put("projectId", projectId));
        producer.send(new ProducerRecord<>(TestTopics.of("lab.projects"), projectId, CloudEventCodec.toBytes(event)))
                .get(10, TimeUnit.SECONDS);
    }

    /** Each link's suspension on GNS3, by its two node names ("PC1-SW1"). */
    private static Map<String, Boolean> suspension(String projectId) {
        Map<String, String> names = new java.util.HashMap<>();
        sim().get("/v2/projects/" + projectId + "/nodes").then().statusCode(200).extract().jsonPath()
                .getList("$", Map.class).forEach(n -> names.put((String) n.get("node_id"), (String) n.get("name")));
        Map<String, Boolean> out = new java.util.TreeMap<>();
        for (Map<?, ?> link : sim().get("/v2/projects/" + projectId + "/links").then().statusCode(200).extract()
                .jsonPath().getList("$", Map.class)) {
            List<?> ends = (List<?>) link.get("nodes");
            List<String> pair = ends.stream().map(e -> names.get((String) ((Map<?, ?>) e).get("node_id"))).sorted()
                    .toList();
            out.put(String.join("-", pair), (Boolean) link.get("suspend"));
        }
        return out;
    }

    private static String linkId(String projectId, String node) {
        return given().when().get("/api/v1/projects/" + projectId + "/links").then().statusCode(200).extract()
                .jsonPath().getString("find { it.nodes.any { n -> n.node_name == '" + node + "' } }.link_id");
    }

    /**
     * Announces the event until the links are as expected: the consumer's group (a fresh one per test run, reading
     * from the latest offset) may join after the first announcement; re-suspending is idempotent.
     */
    private static void announceUntil(String projectId, String type, Map<String, Boolean> expected) {
        long[] announced = {0};
        await("links suspended again after " + type).atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300)).until(() -> {
                    if (suspension(projectId).equals(expected)) {
                        return true;
                    }
                    if (System.nanoTime() - announced[0] > Duration.ofSeconds(4).toNanos()) {
                        announce(projectId, type);
                        announced[0] = System.nanoTime();
                    }
                    return false;
                });
    }

    private static List<CloudEvent> resuspended(String projectId, int count) {
        return TopicReader.events(bootstrap(), "lab.topology", projectId, Duration.ofSeconds(30),
                events -> events.stream().filter(e -> e.type().equals(EventTypes.LAB_LINKS_RESUSPENDED)).count()
                        >= count)
                .stream().filter(e -> e.type().equals(EventTypes.LAB_LINKS_RESUSPENDED)).toList();
    }

    @Test
    void theAppliedSpecsSuspendedLinksAreSuspendedAgainAfterCloseAndOpen() {
        String projectId = sim().body(Map.of("name", "suspend-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        given().contentType("application/yaml").body(SPEC.getBytes(StandardCharsets.UTF_8))
                .queryParam("wait", "5m").when().put("/api/v1/projects/" + projectId + "/topology")
                .then().statusCode(200);
        Map<String, Boolean> applied = Map.of("PC1-SW1", true, "PC2-SW1", false, "PC3-SW1", true);
        assertThat(suspension(projectId)).isEqualTo(applied);

        sim().when().post("/v2/projects/" + projectId + "/close").then().statusCode(204);
        sim().when().post("/v2/projects/" + projectId + "/open").then().statusCode(201);
        assertThat(suspension(projectId)).as("GNS3 forgot the suspension")
                .isEqualTo(Map.of("PC1-SW1", false, "PC2-SW1", false, "PC3-SW1", false));

        announceUntil(projectId, EventTypes.LAB_PROJECT_OPENED, applied);
        // the filters GNS3 kept are untouched
        sim().get("/v2/projects/" + projectId + "/links").then().body("filters.delay", org.hamcrest.Matchers
                .hasItem(List.of(20, 0)));
        CloudEvent event = resuspended(projectId, 1).get(0);
        assertThat(event.data().path("trigger").asText()).isEqualTo(EventTypes.LAB_PROJECT_OPENED);
        assertThat(event.data().path("links").findValuesAsText("source")).containsExactly("spec", "spec");
        assertThat(event.data().path("links").findValuesAsText("link_id"))
                .containsExactlyInAnyOrder(linkId(projectId, "PC1"), linkId(projectId, "PC3"));
        // the spec now matches the lab again
        given().when().get("/api/v1/projects/" + projectId + "/topology/drift").then().statusCode(200)
                .body("inSync", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void explicitSuspendsAndResumesSinceTheApplyWinAfterASnapshotRestore() {
        String projectId = sim().body(Map.of("name", "suspend-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        given().contentType("application/yaml").body(SPEC.getBytes(StandardCharsets.UTF_8))
                .queryParam("wait", "5m").when().put("/api/v1/projects/" + projectId + "/topology")
                .then().statusCode(200);
        String links = "/api/v1/projects/" + projectId + "/links/";
        // after the apply: PC2's link suspended, PC3's resumed, by hand
        given().when().post(links + linkId(projectId, "PC2") + "/suspend").then().statusCode(200);
        given().when().post(links + linkId(projectId, "PC3") + "/resume").then().statusCode(200);
        Map<String, Boolean> wanted = Map.of("PC1-SW1", true, "PC2-SW1", true, "PC3-SW1", false);
        assertThat(suspension(projectId)).isEqualTo(wanted);
        String snapshot = sim().body(Map.of("name", "before")).when().post("/v2/projects/" + projectId + "/snapshots")
                .then().statusCode(201).extract().path("snapshot_id");

        sim().when().post("/v2/projects/" + projectId + "/snapshots/" + snapshot + "/restore").then().statusCode(201);
        assertThat(suspension(projectId)).as("GNS3 forgot the suspension")
                .isEqualTo(Map.of("PC1-SW1", false, "PC2-SW1", false, "PC3-SW1", false));

        announceUntil(projectId, EventTypes.LAB_SNAPSHOT_RESTORED, wanted);
        CloudEvent event = resuspended(projectId, 1).get(0);
        assertThat(event.data().path("trigger").asText()).isEqualTo(EventTypes.LAB_SNAPSHOT_RESTORED);
        Map<String, String> sources = new java.util.HashMap<>();
        event.data().path("links").forEach(l -> sources.put(l.path("link_id").asText(), l.path("source").asText()));
        assertThat(sources).isEqualTo(Map.of(linkId(projectId, "PC1"), "spec", linkId(projectId, "PC2"), "explicit"));

        // nothing left to do: another announcement changes nothing and writes no second event
        long writes = LabStandIn.simulator().requests().writes();
        try {
            announce(projectId, EventTypes.LAB_PROJECT_OPENED);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> LabStandIn.simulator().requests().writes() == writes);
        assertThat(suspension(projectId)).isEqualTo(wanted);
    }

    /** A lab applied from SPEC, closed and opened on GNS3 behind the suite's back: its suspension forgotten. */
    private static String reopenedLab() {
        String projectId = sim().body(Map.of("name", "suspend-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        given().contentType("application/yaml").body(SPEC.getBytes(StandardCharsets.UTF_8))
                .queryParam("wait", "5m").when().put("/api/v1/projects/" + projectId + "/topology")
                .then().statusCode(200);
        sim().when().post("/v2/projects/" + projectId + "/close").then().statusCode(204);
        sim().when().post("/v2/projects/" + projectId + "/open").then().statusCode(201);
        return projectId;
    }

    private static ConsumerRecord<String, CloudEvent> opened(String projectId) {
        return new ConsumerRecord<>("lab.projects", 0, 0, projectId, CloudEvent.of(
                URI.create("/labfleet/project-service"), EventTypes.LAB_PROJECT_OPENED, projectId,
                CloudEventCodec.mapper().createObjectNode().put("projectId", projectId)));
    }

    private static long linkUpdates() {
        return LabStandIn.simulator().requests().count("PUT /v2/projects/{project_id}/links/{link_id}");
    }

    @Inject
    dev.labfleet.topology.messaging.LabProjectsConsumer consumer;

    @AfterEach
    void noMoreFaults() {
        LabStandIn.simulator().faults().clear();
    }

    @Test
    void aReSuspensionThatFailsIsRetriedInPlaceUntilGns3TakesIt() throws Throwable {
        String projectId = reopenedLab();
        LabStandIn.simulator().faults().errors("PUT /v2/projects/*/links/*", 1.0);
        long before = linkUpdates();
        // GNS3 back once the consumer has met the failure
        java.util.concurrent.CompletableFuture<Void> back = java.util.concurrent.CompletableFuture.runAsync(() -> {
            await().atMost(Duration.ofSeconds(20)).until(() -> linkUpdates() > before);
            LabStandIn.simulator().faults().clear();
        });

        io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> consumer.consume(opened(projectId)));

        back.get(5, TimeUnit.SECONDS);
        assertThat(suspension(projectId)).isEqualTo(Map.of("PC1-SW1", true, "PC2-SW1", false, "PC3-SW1", true));
    }

    @Test
    void aReSuspensionStillFailingAfterTheGiveUpTimeFailsTheMessageForTheDeadLetterTopic() {
        String projectId = reopenedLab();
        LabStandIn.simulator().faults().errors("PUT /v2/projects/*/links/*", 1.0);
        long before = linkUpdates();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.quarkus.vertx.VertxContextSupport
                .subscribeAndAwait(() -> consumer.consume(opened(projectId))));

        assertThat(linkUpdates() - before).as("attempts before giving up").isGreaterThan(1);
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.incoming.lab-projects.failure-strategy",
                String.class)).isEqualTo("dead-letter-queue");
    }
}
