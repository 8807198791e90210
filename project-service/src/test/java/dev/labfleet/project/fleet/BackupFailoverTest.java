package dev.labfleet.project.fleet;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.project.support.FleetStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.labfleet.project.support.FleetStandIn.A;
import static dev.labfleet.project.support.FleetStandIn.B;
import static dev.labfleet.project.support.FleetStandIn.C;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * Backups and failover over three simulated servers: a lab with a policy is backed up on schedule (the oldest beyond
 * keep deleted); its server goes down; after the grace time the lab runs on another server from its last backup
 * (same id, nodes that ran started, link conditions and suspension back), recorded as an incident; when the server
 * returns its stale copy is deleted, not reopened. A backup is restorable by API; bad input is refused.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetStandIn.class, restrictToAnnotatedClass = true)
class BackupFailoverTest {

    private static RequestSpecification gns3(UUID server) {
        return given().baseUri(FleetStandIn.simulator(server).baseUrl()).contentType(ContentType.JSON);
    }

    /** A lab on {@code server}: two VPCS linked, started, the link delayed and suspended. */
    private static String lab(UUID server, String name) {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", name, "serverId", server.toString()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        String pc1 = gns3(server).body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                .post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
        String pc2 = gns3(server).body(Map.of("name", "PC2", "node_type", "vpcs", "compute_id", "local"))
                .post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
        String link = gns3(server).body(Map.of("nodes", List.of(
                        Map.of("node_id", pc1, "adapter_number", 0, "port_number", 0),
                        Map.of("node_id", pc2, "adapter_number", 0, "port_number", 0))))
                .post("/v2/projects/" + id + "/links").then().statusCode(201).extract().path("link_id");
        gns3(server).body(Map.of("filters", Map.of("delay", List.of(40, 5)), "suspend", true))
                .put("/v2/projects/" + id + "/links/" + link).then().statusCode(201);
        gns3(server).post("/v2/projects/" + id + "/nodes/start").then().statusCode(204);
        return id;
    }

    private static List<Map<String, Object>> backups(String id) {
        return given().when().get("/api/v1/projects/" + id + "/backups").then().statusCode(200).extract().jsonPath()
                .getList("");
    }

    @Test
    void aLabBackedUpOnScheduleFailsOverWhenItsServerStaysDownAndItsStaleCopyIsRemovedWhenTheServerReturns() {
        String id = lab(A, "failover-" + UUID.randomUUID());
        given().contentType(ContentType.JSON).body(Map.of("intervalSeconds", 2, "keep", 2, "failover", true))
                .when().put("/api/v1/projects/" + id + "/backup-policy").then().statusCode(200)
                .body("keep", equalTo(2)).body("failover", equalTo(true));
        // on schedule: backups come, the oldest beyond keep go
        List<Map<String, Object>> first = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> backups(id), list -> !list.isEmpty());
        Object firstId = first.get(first.size() - 1).get("backupId");
        List<Map<String, Object>> later = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> backups(id), list -> list.stream().noneMatch(b -> b.get("backupId").equals(firstId)));
        assertThat(later).hasSize(2);
        assertThat(later.get(0)).containsEntry("nodes", 2).containsEntry("runningNodes", 2)
                .containsEntry("serverId", A.toString());

        // the server dies: its simulator stops listening, and the gateway (its stand-in here) reports it down
        FleetStandIn.simulator(A).faults().outage();
        FleetStandIn.facade().addDeadServer(A);
        try {
            UUID target = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                    () -> UUID.fromString(given().when().get("/api/v1/projects/" + id + "?counts=false").then()
                            .statusCode(200).extract().path("serverId")), s -> !s.equals(A));
            assertThat(target).isIn(B, C);
            gns3(target).get("/v2/projects/" + id).then().statusCode(200).body("status", equalTo("opened"));
            gns3(target).get("/v2/projects/" + id + "/nodes").then().statusCode(200).body("size()", equalTo(2))
                    .body("status", everyItem(equalTo("started")));
            gns3(target).get("/v2/projects/" + id + "/links").then().statusCode(200)
                    .body("[0].suspend", equalTo(true)).body("[0].filters.delay", equalTo(List.of(40, 5)));
            given().when().get("/api/v1/projects/" + id + "/incidents").then().statusCode(200)
                    .body("[0].state", equalTo("restored")).body("[0].failedServerId", equalTo(A.toString()))
                    .body("[0].restoredServerId", equalTo(target.toString()))
                    .body("[0].lost", containsString("after its backup of"))
                    .body("[0].staleCopyRemoved", equalTo(false));
            given().when().get("/api/v1/incidents").then().statusCode(200)
                    .body("projectId", org.hamcrest.Matchers.hasItem(id));
            // the lab moved: the event of a move (read through the contract check), marked as a failover
            Map<String, Object> incident = given().when().get("/api/v1/projects/" + id + "/incidents").then()
                    .extract().jsonPath().getMap("[0]");
            List<CloudEvent> events = TopicReader.events("127.0.0.1:9092", "lab.projects", id, Duration.ofSeconds(60),
                    list -> list.stream().anyMatch(e -> e.type().equals("lab.project.moved")));
            CloudEvent moved = events.stream().filter(e -> e.type().equals("lab.project.moved")).findFirst()
                    .orElseThrow();
            assertThat(moved.data().path("reason").asText()).isEqualTo("failover");
            assertThat(moved.data().path("incidentId").asText()).isEqualTo(incident.get("incidentId"));
            assertThat(moved.data().path("fromServerId").asText()).isEqualTo(A.toString());
            assertThat(moved.data().path("toServerId").asText()).isEqualTo(target.toString());
            assertThat(moved.data().path("project").path("serverId").asText()).isEqualTo(target.toString());
            assertThat(moved.data().path("backupId").asText()).isEqualTo(incident.get("backupId"));
            assertThat(moved.data().path("backupTakenAt").asText()).isNotBlank();
            assertThat(moved.data().path("lost").asText()).contains("after its backup of")
                    .contains(moved.data().path("backupId").asText());
            assertThat(moved.data().has("moveId")).as("a failover is no move of record").isFalse();
            assertThat(events).extracting(CloudEvent::type).contains("lab.project.updated");
        } finally {
            FleetStandIn.simulator(A).faults().restore();
        }
        // the old copy is still on the server, which the gateway still reports down: nothing touches it yet
        gns3(A).get("/v2/projects/" + id).then().statusCode(200);
        FleetStandIn.facade().removeDeadServer(A);
        // the server returns: its stale copy is deleted, the lab stays where it was restored
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(
                () -> gns3(A).get("/v2/projects/" + id).then().extract().statusCode() == 404);
        given().when().get("/api/v1/projects/" + id + "/incidents").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].staleCopyRemoved", equalTo(true));
        assertThat(UUID.fromString(given().when().get("/api/v1/projects/" + id + "?counts=false").then()
                .extract().path("serverId"))).isNotEqualTo(A);
        given().when().delete("/api/v1/projects/" + id + "/backup-policy").then().statusCode(204);
    }

    @Test
    void aBackupIsRestorableAndBadInputIsRefused() {
        String id = lab(B, "restore-" + UUID.randomUUID());
        String backupId = given().when().post("/api/v1/projects/" + id + "/backups").then().statusCode(201)
                .body("nodes", equalTo(2)).extract().path("backupId");
        // the lab changes after the backup: a third node
        gns3(B).body(Map.of("name", "PC3", "node_type", "vpcs", "compute_id", "local"))
                .post("/v2/projects/" + id + "/nodes").then().statusCode(201);
        given().when().post("/api/v1/projects/" + id + "/backups/" + backupId + "/restore").then().statusCode(200)
                .body("projectId", equalTo(id)).body("backupId", equalTo(backupId)).body("serverId", equalTo(B.toString()));
        gns3(B).get("/v2/projects/" + id + "/nodes").then().statusCode(200).body("size()", equalTo(2))
                .body("status", everyItem(equalTo("started")));

        given().contentType(ContentType.JSON).body(Map.of("intervalSeconds", 0, "keep", 2))
                .when().put("/api/v1/projects/" + id + "/backup-policy").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("intervalSeconds", 60))
                .when().put("/api/v1/projects/" + id + "/backup-policy").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("keep"));
        given().when().get("/api/v1/projects/" + id + "/backup-policy").then().statusCode(404);
        given().when().post("/api/v1/projects/" + id + "/backups/" + UUID.randomUUID() + "/restore").then()
                .statusCode(404).contentType("application/problem+json");
        given().when().get("/api/v1/projects/" + UUID.randomUUID() + "/backups").then().statusCode(404);
    }
}
