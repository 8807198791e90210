package dev.labfleet.project.hardening;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Calls that overlap: a retried create, slow GNS3 calls next to reads, a GNS3 notification during an open. */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class ConcurrentCallsTest {

    private final ExecutorService clients = Executors.newFixedThreadPool(32);

    @AfterEach
    void tearDown() throws InterruptedException {
        GatewayStandIn.simulator().faults().clear();
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<Response> async(java.util.function.Supplier<Response> call) {
        return CompletableFuture.supplyAsync(call, clients);
    }

    private static String createLab(String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name)).when().post("/api/v1/projects")
                .then().statusCode(201).extract().path("projectId");
    }

    @Test
    void aCreateRetriedWhileTheFirstRunsAnswersTheLabAndNeverDeletesIt() {
        UUID id = UUID.randomUUID();
        Map<String, Object> body = Map.of("projectId", id.toString(), "name", "retried-" + id);
        // GNS3 takes 1.5 s per project create: the retry reaches it while the first attempt is still running
        GatewayStandIn.simulator().faults().latency("POST /v2/projects", 1500);

        CompletableFuture<Response> first = async(() -> given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/projects"));
        CompletableFuture<Response> retry = async(() -> given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/projects"));
        List<Integer> statuses = List.of(first.join().statusCode(), retry.join().statusCode());

        assertThat(statuses).as("one create, one answered as a retry").containsExactlyInAnyOrder(201, 200);
        given().baseUri(GatewayStandIn.simulator().baseUrl()).when().get("/v2/projects/" + id)
                .then().statusCode(200).body("name", equalTo("retried-" + id));
        given().when().get("/api/v1/projects/" + id).then().statusCode(200).body("status", equalTo("opened"));
    }

    @Test
    void slowGns3CallsHoldNoDatabaseConnection() {
        // more slow calls at once than the database pool has connections (20)
        List<String> labs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            labs.add(createLab("pool-" + i + "-" + UUID.randomUUID()));
        }
        long opensBefore = GatewayStandIn.simulator().requests().count("POST /v2/projects/{project_id}/open");
        GatewayStandIn.simulator().faults().latency("POST /v2/projects/*/open", 6000);
        List<CompletableFuture<Response>> opens = labs.stream()
                .map(lab -> async(() -> given().when().post("/api/v1/projects/" + lab + "/open"))).toList();
        // every open is waiting on GNS3 (its request reached the simulator); with a connection held per slow call,
        // the opens past the pool size would wait for a connection instead
        await().atMost(Duration.ofSeconds(5)).until(() -> GatewayStandIn.simulator().requests()
                .count("POST /v2/projects/{project_id}/open") >= opensBefore + labs.size());

        long start = System.nanoTime();
        given().queryParam("limit", 5).when().get("/api/v1/projects").then().statusCode(200);
        given().queryParam("counts", false).when().get("/api/v1/projects/" + labs.get(0)).then().statusCode(200);
        Duration reads = Duration.ofNanos(System.nanoTime() - start);

        // a read queued behind the held connections would wait for an open to end (6 s after it started); the
        // bound leaves a loaded machine room and still tells the two apart
        assertThat(reads).as("two database reads while %d GNS3 calls are slow", labs.size())
                .isLessThan(Duration.ofSeconds(4));
        assertThat(opens.stream().map(f -> f.join().statusCode())).containsOnly(200);
    }

    @Test
    void aGns3NotificationWrittenDuringAnOpenIsNoConflict() throws Exception {
        String id = createLab("notified-" + UUID.randomUUID());
        given().when().post("/api/v1/projects/" + id + "/close").then().statusCode(200);
        GatewayStandIn.simulator().faults().latency("POST /v2/projects/" + id + "/open", 4000);

        CompletableFuture<Response> open = async(() -> given().when().post("/api/v1/projects/" + id + "/open"));
        // meanwhile GNS3 tells the fleet that the project opened: the gns3.events consumer writes the same row
        var data = CloudEventCodec.mapper().createObjectNode().put("project_id", id).put("status", "opened")
                .put("name", "notified");
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(TestTopics.of("gns3.events"), id, CloudEvent.of(URI.create("/labfleet/gns3-gateway"),
                    "gns3.project.opened", id, data))).get();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("counts", false)
                .when().get("/api/v1/projects/" + id).then().body("status", equalTo("opened")));
        assertThat(open.isDone()).as("the open is still waiting on GNS3").isFalse();

        Response answer = open.join();
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        assertThat(answer.jsonPath().getString("status")).isEqualTo("opened");
    }
}
