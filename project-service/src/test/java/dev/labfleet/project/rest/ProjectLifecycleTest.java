package dev.labfleet.project.rest;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/** A lab's whole life through project-service's REST API, on a simulated GNS3 behind a gateway stand-in. */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class ProjectLifecycleTest {

    private static RequestSpecification gns3() {
        return given().baseUri(GatewayStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    private static String createLab(String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name, "tags", new String[] {"test"}))
                .when().post("/api/v1/projects")
                .then().statusCode(201)
                .body("serverId", equalTo(GatewayStandIn.SERVER_ID.toString()))
                .body("status", equalTo("opened"))
                .extract().path("projectId");
    }

    private static void addVpcs(String projectId, int count) {
        for (int i = 1; i <= count; i++) {
            gns3().body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201);
        }
    }

    private static Map<String, Object> awaitOperation(String location) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                op -> !"running".equals(op.get("status")));
    }

    @Test
    void createIsPlacedOnGns3AndIdempotentForTheSameIdAndName() {
        UUID id = UUID.randomUUID();
        Map<String, Object> body = Map.of("projectId", id.toString(), "name", "idem-" + id);
        given().contentType(ContentType.JSON).body(body).when().post("/api/v1/projects").then().statusCode(201);
        given().contentType(ContentType.JSON).body(body).when().post("/api/v1/projects")
                .then().statusCode(200).body("projectId", equalTo(id.toString()));
        gns3().when().get("/v2/projects/" + id).then().statusCode(200).body("name", equalTo("idem-" + id));

        given().contentType(ContentType.JSON).body(Map.of("name", "idem-" + id)).when().post("/api/v1/projects")
                .then().statusCode(409).body("projectId", equalTo(id.toString()));
        given().contentType(ContentType.JSON).body(Map.of("projectId", id.toString(), "name", "other"))
                .when().post("/api/v1/projects").then().statusCode(409);
    }

    @Test
    void aLabDoesNotCloseWithItsNotificationClientsUnlessAsked() {
        // GNS3 closes an auto_close project 5 s after its last notification client left; the gateway's bridge is
        // that client, so by default a lab must not auto-close (a gateway restart would stop every running lab)
        String lab = createLab("stays-" + UUID.randomUUID());
        given().when().get("/api/v1/projects/" + lab).then().statusCode(200).body("autoClose", equalTo(false));
        gns3().when().get("/v2/projects/" + lab).then().statusCode(200).body("auto_close", equalTo(false));

        String asked = given().contentType(ContentType.JSON).body(Map.of("name", "closes-" + UUID.randomUUID(),
                "autoClose", true)).when().post("/api/v1/projects").then().statusCode(201)
                .body("autoClose", equalTo(true)).extract().path("projectId");
        gns3().when().get("/v2/projects/" + asked).then().statusCode(200).body("auto_close", equalTo(true));
    }

    @Test
    void invalidCreateIsA400ListingEveryFieldAndWritesNothing() {
        given().contentType(ContentType.JSON).body("{\"name\":\"\",\"tags\":[\"\"],\"description\":7}")
                .when().post("/api/v1/projects")
                .then().statusCode(400).body("violations.field", hasItem("name"));
        given().contentType(ContentType.JSON).body("{\"name\":\"a/b\"}").when().post("/api/v1/projects")
                .then().statusCode(400).body("violations.field", hasItem("name"));
        gns3().when().get("/v2/projects").then().statusCode(200).body("name", not(hasItem("a/b")));
    }

    @Test
    void staggeredStartAndStopReportEveryNodeThenSnapshotsRecordWho() {
        String id = createLab("stagger-" + UUID.randomUUID());
        addVpcs(id, 5);
        given().when().get("/api/v1/projects/" + id).then().statusCode(200).body("nodeCount", equalTo(5));
        // without counts: Labfleet's own record, no GNS3 call
        given().queryParam("counts", false).when().get("/api/v1/projects/" + id).then().statusCode(200)
                .body("projectId", equalTo(id)).body("nodeCount", org.hamcrest.Matchers.nullValue());

        String start = given().contentType(ContentType.JSON)
                .body(Map.of("batchSize", 2, "delayMs", 50, "priorities", Map.of("PC5", 1)))
                .when().post("/api/v1/projects/" + id + "/start")
                .then().statusCode(202).extract().header("Location");
        Map<String, Object> started = awaitOperation(start);
        assertThat(started).containsEntry("status", "succeeded").containsEntry("done", 5).containsEntry("total", 5);
        given().when().get(start).then().body("results[0].name", equalTo("PC5"))
                .body("results.batch", hasItem(2)).body("results.outcome", everyItem(equalTo("done")));
        gns3().when().get("/v2/projects/" + id + "/nodes").then().body("status", everyItem(equalTo("started")));

        given().contentType(ContentType.JSON).body(Map.of("name", "while-running"))
                .when().post("/api/v1/projects/" + id + "/snapshots").then().statusCode(409);

        String stop = given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/projects/" + id + "/stop").then().statusCode(202).extract().header("Location");
        assertThat(awaitOperation(stop)).containsEntry("status", "succeeded");

        String snapshotId = given().contentType(ContentType.JSON).header("X-Labfleet-User", "alice")
                .body(Map.of("name", "baseline")).when().post("/api/v1/projects/" + id + "/snapshots")
                .then().statusCode(201).body("createdBy", equalTo("alice")).extract().path("snapshotId");
        given().when().get("/api/v1/projects/" + id + "/snapshots").then().statusCode(200)
                .body("", hasSize(1)).body("[0].createdBy", equalTo("alice"));
        given().header("X-Labfleet-User", "bob").when()
                .post("/api/v1/projects/" + id + "/snapshots/" + snapshotId + "/restore").then().statusCode(200);
        given().when().get("/api/v1/projects/" + id + "/snapshots").then().body("[0].restoredBy", equalTo("bob"));
        given().when().delete("/api/v1/projects/" + id + "/snapshots/" + snapshotId).then().statusCode(204);
        given().when().get("/api/v1/projects/" + id + "/snapshots").then().body("", hasSize(0));
    }

    @Test
    void withoutADelayASlowNodeHoldsBackOnlyItsOwnSlotAndStillGetsItsResult() {
        String id = createLab("window-" + UUID.randomUUID());
        addVpcs(id, 5);
        String pc1 = gns3().when().get("/v2/projects/" + id + "/nodes").then().extract()
                .path("find { it.name == 'PC1' }.node_id");
        // PC1's start stays under way at GNS3 until the test releases it
        String pc1Start = "POST /v2/projects/" + id + "/nodes/" + pc1 + "/start";
        GatewayStandIn.simulator().faults().hold(pc1Start);
        try {
            String start = given().contentType(ContentType.JSON).body(Map.of("batchSize", 2, "delayMs", 0))
                    .when().post("/api/v1/projects/" + id + "/start")
                    .then().statusCode(202).extract().header("Location");

            // a window of 2: PC1 holds one slot, the other takes PC2, then PC3, PC4 and PC5 (batches 1 and 2), each
            // as soon as the one before has its result; in batches, PC3 would wait for PC1
            Map<String, Object> meanwhile = await().atMost(Duration.ofSeconds(30)).until(
                    () -> given().when().get(start).then().statusCode(200).extract().jsonPath().getMap(""),
                    op -> Integer.valueOf(4).equals(op.get("done")));
            assertThat(meanwhile).containsEntry("status", "running").containsEntry("failed", 0)
                    .containsEntry("skipped", 0);
            given().when().get(start).then()
                    .body("results.find { it.name == 'PC1' }.outcome", equalTo("sent"))
                    .body("results.findAll { it.name != 'PC1' }.outcome", everyItem(equalTo("done")));
            assertThat(GatewayStandIn.simulator().faults().heldCount()).isEqualTo(1);

            GatewayStandIn.simulator().faults().release(pc1Start);
            assertThat(awaitOperation(start)).containsEntry("status", "succeeded").containsEntry("total", 5)
                    .containsEntry("done", 5);
            // one result per node, in order, each with the batch it falls in
            given().when().get(start).then()
                    .body("results.name", equalTo(List.of("PC1", "PC2", "PC3", "PC4", "PC5")))
                    .body("results.batch", equalTo(List.of(0, 0, 1, 1, 2)))
                    .body("results.outcome", everyItem(equalTo("done")));
            gns3().when().get("/v2/projects/" + id + "/nodes").then().body("status", everyItem(equalTo("started")));
        } finally {
            GatewayStandIn.simulator().faults().release(pc1Start);
        }
    }

    @Test
    void startContinuesPastAFailingNodeUnlessAskedToStop() {
        String id = createLab("partial-" + UUID.randomUUID());
        addVpcs(id, 3);
        String pc2 = gns3().when().get("/v2/projects/" + id + "/nodes").then().extract()
                .path("find { it.name == 'PC2' }.node_id");
        String sw = gns3().body(Map.of("name", "SW1", "node_type", "ethernet_switch", "compute_id", "local"))
                .when().post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
        // uBridge refuses this filter when PC2 starts: PC2 fails with GNS3's reason, the others start
        gns3().body(Map.of("nodes", List.of(
                        Map.of("node_id", pc2, "adapter_number", 0, "port_number", 0),
                        Map.of("node_id", sw, "adapter_number", 0, "port_number", 1)),
                        "filters", Map.of("not_a_filter", List.of(1))))
                .when().post("/v2/projects/" + id + "/links").then().statusCode(201);

        String operation = given().contentType(ContentType.JSON).body(Map.of("batchSize", 1))
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        assertThat(awaitOperation(operation)).containsEntry("status", "partial").containsEntry("total", 4)
                .containsEntry("done", 3).containsEntry("failed", 1);
        given().when().get(operation).then()
                .body("results.find { it.name == 'PC2' }.outcome", equalTo("failed"))
                .body("results.find { it.name == 'PC2' }.reason", org.hamcrest.Matchers.containsString("Unknown filter type"));

        // asked to stop at the first error: what comes after PC2 (PC3, then SW1, by name) is skipped
        String stop = given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/projects/" + id + "/stop").then().statusCode(202).extract().header("Location");
        awaitOperation(stop);
        String strict = given().contentType(ContentType.JSON).body(Map.of("batchSize", 1, "stopOnFirstError", true))
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        assertThat(awaitOperation(strict)).containsEntry("status", "partial").containsEntry("done", 1)
                .containsEntry("failed", 1).containsEntry("skipped", 2);
    }

    @Test
    void aStartGns3AcceptsButDoesNotPerformIsAFailure() {
        String id = createLab("half-started-" + UUID.randomUUID());
        addVpcs(id, 2);
        List<String> nodes = gns3().when().get("/v2/projects/" + id + "/nodes").then().extract().path("node_id");
        // uBridge refuses the link's filter when the nodes start; GNS3 then leaves them half-started: the next start
        // answers 200 and the node stays stopped until it is stopped
        // (gns3-simulator/src/test/resources/gns3-2.2/README.md)
        String link = gns3().body(Map.of("nodes", List.of(
                        Map.of("node_id", nodes.get(0), "adapter_number", 0, "port_number", 0),
                        Map.of("node_id", nodes.get(1), "adapter_number", 0, "port_number", 0)),
                        "filters", Map.of("not_a_filter", List.of(1))))
                .when().post("/v2/projects/" + id + "/links").then().statusCode(201).extract().path("link_id");
        String first = given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        assertThat(awaitOperation(first)).containsEntry("status", "failed");
        gns3().body(Map.of("filters", Map.of())).when().put("/v2/projects/" + id + "/links/" + link)
                .then().statusCode(201);

        String second = given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        Map<String, Object> result = awaitOperation(second);
        assertThat(result).containsEntry("status", "failed").containsEntry("failed", 2);
        given().when().get(second).then().body("results.reason",
                everyItem(equalTo("GNS3 accepted the start but the node is stopped")));
        gns3().when().get("/v2/projects/" + id + "/nodes").then().body("status", everyItem(equalTo("stopped")));

        // stopped, they start again
        String stop = given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/projects/" + id + "/stop").then().statusCode(202).extract().header("Location");
        assertThat(awaitOperation(stop)).containsEntry("status", "succeeded");
        String third = given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        assertThat(awaitOperation(third)).containsEntry("status", "succeeded").containsEntry("done", 2);
    }

    @Test
    void closeOpenDuplicateAndDeleteFollowGns3() {
        String id = createLab("cycle-" + UUID.randomUUID());
        given().when().post("/api/v1/projects/" + id + "/close").then().statusCode(200).body("status", equalTo("closed"));
        gns3().when().get("/v2/projects/" + id).then().body("status", equalTo("closed"));
        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/projects/" + id + "/start")
                .then().statusCode(409).body("projectId", equalTo(id));
        given().when().post("/api/v1/projects/" + id + "/open").then().statusCode(200).body("status", equalTo("opened"));

        String copy = given().contentType(ContentType.JSON).body(Map.of("name", "copy-of-" + id))
                .when().post("/api/v1/projects/" + id + "/duplicate")
                .then().statusCode(201).extract().path("projectId");
        assertThat(copy).isNotEqualTo(id);
        gns3().when().get("/v2/projects/" + copy).then().statusCode(200);

        given().when().delete("/api/v1/projects/" + id).then().statusCode(204);
        gns3().when().get("/v2/projects/" + id).then().statusCode(404);
        given().when().get("/api/v1/projects/" + id).then().statusCode(404);
    }

    @Test
    void syncAdoptsForeignLabsAndMarksVanishedOnes() {
        String ours = createLab("vanishing-" + UUID.randomUUID());
        String foreignName = "made-in-gns3-gui-" + UUID.randomUUID();
        String foreign = gns3().body(Map.of("name", foreignName)).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        gns3().when().delete("/v2/projects/" + ours).then().statusCode(204);

        given().when().post("/api/v1/projects/sync").then().statusCode(200)
                .body("adopted.projectId", hasItem(foreign))
                .body("missing", hasItem(ours));
        given().when().get("/api/v1/projects/" + ours).then().body("status", equalTo("missing"));
        given().when().get("/api/v1/projects/" + foreign).then().statusCode(200).body("name", equalTo(foreignName));
    }

    @Test
    void exportStreamsTheArchiveAndImportMakesANewLabFromIt() throws Exception {
        String id = createLab("exported-" + UUID.randomUUID());
        addVpcs(id, 2);

        byte[] archive = given().when().get("/api/v1/projects/" + id + "/export")
                .then().statusCode(200)
                .header("Content-Disposition", org.hamcrest.Matchers.containsString(".gns3project"))
                .extract().asByteArray();
        java.util.List<String> entries = new java.util.ArrayList<>();
        try (var zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(archive))) {
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.add(e.getName());
            }
        }
        assertThat(entries).contains("project.gns3");

        // a caller that blocks (wait) is answered the ended import, with the new lab's location
        var answer = given().contentType("application/gns3project").body(archive)
                .queryParam("name", "imported-" + UUID.randomUUID()).queryParam("wait", "60s")
                .when().post("/api/v1/projects/import")
                .then().statusCode(201).body("status", equalTo("succeeded")).extract();
        String imported = answer.path("projectId");
        assertThat(answer.header("Location")).endsWith("/api/v1/projects/" + imported);
        assertThat(imported).isNotEqualTo(id);
        given().when().get("/api/v1/projects/" + imported).then().statusCode(200).body("status", equalTo("closed"));
        // GNS3 counts nothing in a closed project: no count rather than a wrong 0
        given().when().get("/api/v1/projects/" + imported).then().statusCode(200)
                .body("nodeCount", org.hamcrest.Matchers.nullValue());
        given().when().post("/api/v1/projects/" + imported + "/open").then().statusCode(200);
        given().when().get("/api/v1/projects/" + imported).then().statusCode(200).body("nodeCount", equalTo(2));

        given().contentType("application/gns3project").body("not a zip".getBytes())
                .queryParam("name", "garbage-" + UUID.randomUUID()).queryParam("wait", "60s")
                .when().post("/api/v1/projects/import").then().statusCode(409)
                .contentType("application/problem+json").body("importId", org.hamcrest.Matchers.notNullValue());
        given().when().get("/api/v1/projects/" + UUID.randomUUID() + "/export").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType("application/gns3project").body(archive)
                .when().post("/api/v1/projects/import").then().statusCode(400).body("violations[0].field", equalTo("name"));
    }

    @Test
    void theAppliedSpecsPrioritiesOrderTheNextStaggeredStart() throws Exception {
        String id = createLab("priorities-" + UUID.randomUUID());
        addVpcs(id, 3);
        String bootstrap = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("kafka.bootstrap.servers", String.class);
        var data = CloudEventCodec.mapper().createObjectNode().put("projectId", id).put("status", "APPLIED");
        data.putObject("priorities").put("PC3", 0).put("PC1", 5);
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new CloudEventSerializer())) {
            // as topology-service's outbox relay sends it: structured CloudEvents, marked by their content type
            ProducerRecord<String, CloudEvent> record = new ProducerRecord<>(TestTopics.of("lab.topology"), id, CloudEvent.of(
                    URI.create("/labfleet/topology-service"), "lab.topology.applied", id, data));
            record.headers().add("content-type", "application/cloudevents+json; charset=UTF-8"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/projects/" + id)
                .then().statusCode(200).body("startPriorities.PC3", equalTo(0)).body("startPriorities.PC1", equalTo(5)));

        String start = given().contentType(ContentType.JSON).body(Map.of("batchSize", 1, "delayMs", 0))
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        assertThat(awaitOperation(start)).containsEntry("status", "succeeded");
        // PC3 (0) before PC1 (5); PC2 has none and goes last
        given().when().get(start).then().body("results.sort { it.batch }.name", org.hamcrest.Matchers.contains(
                "PC3", "PC1", "PC2"));
    }
}
