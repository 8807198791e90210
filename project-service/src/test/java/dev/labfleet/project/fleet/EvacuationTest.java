package dev.labfleet.project.fleet;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.project.support.FleetStandIn;
import dev.labfleet.simulator.Gns3Simulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.labfleet.project.support.FleetStandIn.A;
import static dev.labfleet.project.support.FleetStandIn.B;
import static dev.labfleet.project.support.FleetStandIn.C;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Evacuating a server of three simulated ones: five labs (two running, one with a suspended link and link
 * conditions, one closed, one with a snapshot) end on the other two with the same ids, node states, links,
 * conditions, suspension and snapshots, and the source holds none of them; a failure of the target rolls that lab
 * back, running on its source; bad input moves nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetStandIn.class, restrictToAnnotatedClass = true)
class EvacuationTest {

    private static final Map<String, Object> DELAY = Map.of("delay", List.of(50, 10));

    private static RequestSpecification gns3(UUID server) {
        return given().baseUri(FleetStandIn.simulator(server).baseUrl()).contentType(ContentType.JSON);
    }

    private static RequestSpecification gateway() {
        return given().baseUri(FleetStandIn.facade().baseUrl()).contentType(ContentType.JSON);
    }

    @AfterEach
    void undrainAll() {
        for (UUID s : new UUID[] {A, B, C}) {
            gateway().post("/api/v1/servers/" + s + "/undrain").then().statusCode(200);
            FleetStandIn.simulator(s).faults().clear();
        }
    }

    /** A lab on {@code server} with two VPCS linked; answers its id and the link's id. */
    private static String[] lab(UUID server, String name) {
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
        return new String[] {id, link};
    }

    private static void startAll(UUID server, String id) {
        gns3(server).post("/v2/projects/" + id + "/nodes/start").then().statusCode(204);
    }

    private static UUID serverOf(String id) {
        return UUID.fromString(given().when().get("/api/v1/projects/" + id + "?counts=false").then().statusCode(200)
                .extract().path("serverId"));
    }

    private static ValidatableResponse nodes(UUID server, String id) {
        return gns3(server).get("/v2/projects/" + id + "/nodes").then().statusCode(200);
    }

    private static Map<String, Object> awaitEvacuation(String location) {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                e -> "finished".equals(e.get("state")));
    }

    @Test
    void evacuatingAServerMovesEveryLabWithItsStateAndLeavesTheSourceEmpty() {
        String running = lab(A, "evac-running-" + UUID.randomUUID())[0];
        startAll(A, running);
        String[] conditioned = lab(A, "evac-conditions-" + UUID.randomUUID());
        gns3(A).body(Map.of("filters", DELAY, "suspend", true))
                .put("/v2/projects/" + conditioned[0] + "/links/" + conditioned[1]).then().statusCode(201);
        startAll(A, conditioned[0]);
        String closed = lab(A, "evac-closed-" + UUID.randomUUID())[0];
        given().when().post("/api/v1/projects/" + closed + "/close").then().statusCode(200);
        String snapped = lab(A, "evac-snapshot-" + UUID.randomUUID())[0];
        given().contentType(ContentType.JSON).header("X-Labfleet-User", "teacher").body(Map.of("name", "baseline"))
                .when().post("/api/v1/projects/" + snapped + "/snapshots").then().statusCode(201);
        String plain = lab(A, "evac-plain-" + UUID.randomUUID())[0];
        List<String> labs = List.of(running, conditioned[0], closed, snapped, plain);

        String location = given().contentType(ContentType.JSON).body(Map.of("concurrency", 2))
                .when().post("/api/v1/servers/" + A + "/evacuate")
                .then().statusCode(202)
                .body("serverId", equalTo(A.toString()))
                .body("moves.projectId", org.hamcrest.Matchers.hasItems(labs.toArray()))
                .extract().header("Location");
        // placement skips the server from the start
        gateway().get("/api/v1/servers/" + A).then().statusCode(200).body("draining", equalTo(true));
        Map<String, Object> evacuation = awaitEvacuation(location);
        // (labs other tests left on A move too)
        assertThat(evacuation.get("failed")).as("evacuation %s", evacuation).isEqualTo(0);
        assertThat(evacuation.get("moved")).isEqualTo(evacuation.get("total"));

        Set<UUID> targets = new java.util.HashSet<>();
        for (String id : labs) {
            UUID target = serverOf(id);
            assertThat(target).as("lab %s", id).isIn(B, C);
            targets.add(target);
            gns3(A).get("/v2/projects/" + id).then().statusCode(404);
            gns3(target).get("/v2/projects/" + id).then().statusCode(200).body("project_id", equalTo(id));
            nodes(target, id).body("size()", equalTo(2));
            gns3(target).get("/v2/projects/" + id + "/links").then().statusCode(200).body("size()", equalTo(1));
            given().when().get("/api/v1/projects/" + id + "/moves").then().statusCode(200)
                    .body("[0].state", equalTo("moved")).body("[0].sourceServerId", equalTo(A.toString()))
                    .body("[0].targetServerId", equalTo(target.toString()));
        }
        assertThat(targets).as("placement spreads the labs over both other servers").containsExactlyInAnyOrder(B, C);

        nodes(serverOf(running), running).body("status", org.hamcrest.Matchers.everyItem(equalTo("started")));
        UUID onC = serverOf(conditioned[0]);
        nodes(onC, conditioned[0]).body("status", org.hamcrest.Matchers.everyItem(equalTo("started")));
        gns3(onC).get("/v2/projects/" + conditioned[0] + "/links").then().statusCode(200)
                .body("[0].suspend", equalTo(true)).body("[0].filters.delay", equalTo(List.of(50, 10)));
        gns3(serverOf(closed)).get("/v2/projects/" + closed).then().body("status", equalTo("closed"));
        given().when().get("/api/v1/projects/" + closed + "?counts=false").then().body("status", equalTo("closed"));
        nodes(serverOf(plain), plain).body("status", org.hamcrest.Matchers.everyItem(equalTo("stopped")));
        gns3(serverOf(snapped)).get("/v2/projects/" + snapped + "/snapshots").then().statusCode(200)
                .body("name", equalTo(List.of("baseline")));
        gns3(A).get("/v2/projects").then().statusCode(200).body("project_id", org.hamcrest.Matchers.not(
                org.hamcrest.Matchers.hasItems(labs.toArray())));

        List<CloudEvent> events = TopicReader.events("127.0.0.1:9092", "lab.projects", conditioned[0],
                Duration.ofSeconds(60), list -> list.stream().anyMatch(e -> e.type().equals("lab.project.moved")));
        CloudEvent moved = events.stream().filter(e -> e.type().equals("lab.project.moved")).findFirst().orElseThrow();
        assertThat(moved.data().get("reason").asText()).isEqualTo("evacuation");
        assertThat(moved.data().get("fromServerId").asText()).isEqualTo(A.toString());
        assertThat(moved.data().get("toServerId").asText()).isEqualTo(onC.toString());
        assertThat(events).extracting(CloudEvent::type).contains("lab.project.move-progressed");
    }

    @Test
    void aTargetThatFailsDuringTheMoveRollsTheLabBackRunningOnItsSource() {
        String[] lab = lab(A, "rollback-" + UUID.randomUUID());
        String id = lab[0];
        gns3(A).body(Map.of("suspend", true)).put("/v2/projects/" + id + "/links/" + lab[1]).then().statusCode(201);
        startAll(A, id);
        // the import lands, then B fails to open it: the partial copy must go
        FleetStandIn.simulator(B).faults().errors("POST /v2/projects/*/open", 1.0);

        String location = given().contentType(ContentType.JSON).body(Map.of("targetServerId", B.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(202)
                .body("state", equalTo("pending")).extract().header("Location");
        Map<String, Object> move = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                m -> "failed".equals(m.get("state")) || "moved".equals(m.get("state")));
        assertThat(move.get("state")).as("move %s", move).isEqualTo("failed");
        assertThat(move.get("failedStep")).isEqualTo("open_target");
        assertThat((String) move.get("error")).contains("GNS3");
        assertThat(move.get("rollbackError")).isNull();

        assertThat(serverOf(id)).isEqualTo(A);
        gns3(B).get("/v2/projects/" + id).then().statusCode(404);
        gns3(A).get("/v2/projects/" + id).then().statusCode(200).body("status", equalTo("opened"));
        nodes(A, id).body("status", org.hamcrest.Matchers.everyItem(equalTo("started")));
        gns3(A).get("/v2/projects/" + id + "/links").then().body("[0].suspend", equalTo(true));
        // and the lab moves once the target is healthy again
        FleetStandIn.simulator(B).faults().clear();
        String again = given().contentType(ContentType.JSON).body(Map.of("targetServerId", B.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(202).extract().header("Location");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                () -> given().when().get(again).then().extract().path("state"), "moved"::equals);
        assertThat(serverOf(id)).isEqualTo(B);
        nodes(B, id).body("status", org.hamcrest.Matchers.everyItem(equalTo("started")));
        gns3(A).get("/v2/projects/" + id).then().statusCode(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPartialCopyTheRollbackCouldNotDeleteIsDeletedOnceItsServerAnswersAgain() {
        String id = lab(A, "leftover-" + UUID.randomUUID())[0];
        // B takes the import, fails to open it and refuses to delete it: the rollback cannot take the copy away
        FleetStandIn.simulator(B).faults().errors("POST /v2/projects/*/open", 1.0)
                .errors("DELETE /v2/projects/*", 1.0);
        String location = given().contentType(ContentType.JSON).body(Map.of("targetServerId", B.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(202).extract().header("Location");
        Map<String, Object> move = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                m -> "failed".equals(m.get("state")) || "moved".equals(m.get("state")));
        assertThat(move.get("state")).as("move %s", move).isEqualTo("failed");
        assertThat(move.get("failedStep")).isEqualTo("open_target");
        assertThat((String) move.get("rollbackError")).contains("could not be deleted");
        Map<String, Object> leftover = (Map<String, Object>) move.get("leftover");
        assertThat(leftover).as("move %s", move).containsEntry("serverId", B.toString())
                .containsEntry("state", "pending");
        gns3(B).get("/v2/projects/" + id).then().statusCode(200);
        assertThat(serverOf(id)).isEqualTo(A);
        gns3(A).get("/v2/projects/" + id).then().statusCode(200).body("status", equalTo("opened"));

        // nothing goes to B while the copy is there: asked for by name, a 409 that says why
        given().contentType(ContentType.JSON).body(Map.of("targetServerId", B.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("still holds a partial copy of lab " + id))
                .body("serverId", equalTo(B.toString()));
        // the sweeper keeps trying while B refuses, and says why it failed
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath()
                        .<String, Object>getMap("leftover"),
                l -> ((Integer) l.get("attempts")) >= 1 && "pending".equals(l.get("state")) && l.get("lastError") != null);
        gns3(B).get("/v2/projects/" + id).then().statusCode(200);

        // B answers again: the copy goes, the lab stays where it is
        FleetStandIn.simulator(B).faults().clear();
        Map<String, Object> removed = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> given().when().get(location).then().statusCode(200).extract().jsonPath()
                        .<String, Object>getMap("leftover"), l -> "removed".equals(l.get("state")));
        assertThat(removed.get("removedAt")).isNotNull();
        gns3(B).get("/v2/projects/" + id).then().statusCode(404);
        assertThat(serverOf(id)).isEqualTo(A);
        gns3(A).get("/v2/projects/" + id).then().statusCode(200).body("status", equalTo("opened"));
        // and B can take the lab now
        String again = given().contentType(ContentType.JSON).body(Map.of("targetServerId", B.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(202).extract().header("Location");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                () -> given().when().get(again).then().extract().path("state"), "moved"::equals);
        assertThat(serverOf(id)).isEqualTo(B);
        gns3(A).get("/v2/projects/" + id).then().statusCode(404);
    }

    @Test
    void badEvacuationsAndMovesAreProblemsAndMoveNothing() {
        String id = lab(A, "stays-" + UUID.randomUUID())[0];
        UUID unknown = UUID.randomUUID();
        given().contentType(ContentType.JSON).when().post("/api/v1/servers/" + unknown + "/evacuate")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString(unknown.toString()));
        given().contentType(ContentType.JSON).body(Map.of("targetServerId", A.toString()))
                .when().post("/api/v1/servers/" + A + "/evacuate").then().statusCode(400)
                .body("violations.field", hasItem("targetServerId"));
        given().contentType(ContentType.JSON).body(Map.of("targetServerId", unknown.toString()))
                .when().post("/api/v1/servers/" + A + "/evacuate").then().statusCode(404)
                .body("detail", containsString("targetServerId"));
        given().contentType(ContentType.JSON).body(Map.of("concurrency", 0))
                .when().post("/api/v1/servers/" + A + "/evacuate").then().statusCode(400)
                .body("violations.field", hasItem(containsString("concurrency")));
        gateway().post("/api/v1/servers/" + C + "/drain").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("targetServerId", C.toString()))
                .when().post("/api/v1/servers/" + A + "/evacuate").then().statusCode(409)
                .body("detail", containsString("draining"));
        given().contentType(ContentType.JSON).body(Map.of("targetServerId", C.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(409)
                .body("detail", containsString("draining"));
        // B draining too: A is the only server left, nowhere to go
        gateway().post("/api/v1/servers/" + B + "/drain").then().statusCode(200);
        given().contentType(ContentType.JSON).when().post("/api/v1/servers/" + A + "/evacuate")
                .then().statusCode(409).body("detail", containsString("nowhere to go"))
                .body("detail", containsString("nothing was moved"));
        given().contentType(ContentType.JSON).when().post("/api/v1/projects/" + id + "/move")
                .then().statusCode(409).body("detail", containsString("nowhere to go"));
        given().contentType(ContentType.JSON).body(Map.of("targetServerId", A.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(400)
                .body("violations.field", hasItem("targetServerId"));
        given().contentType(ContentType.JSON).when().post("/api/v1/projects/" + unknown + "/move")
                .then().statusCode(404).body("projectId", equalTo(unknown.toString()));
        given().when().get("/api/v1/moves/" + unknown).then().statusCode(404);
        given().when().get("/api/v1/evacuations/" + unknown).then().statusCode(404);
        given().when().get("/api/v1/projects/" + unknown + "/moves").then().statusCode(404);

        // nothing moved, nothing drained by the refused evacuations, no move recorded
        assertThat(serverOf(id)).isEqualTo(A);
        gns3(A).get("/v2/projects/" + id).then().statusCode(200);
        assertThat(FleetStandIn.facade().draining(A)).isFalse();
        given().when().get("/api/v1/projects/" + id + "/moves").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void anEvacuationOfAnEmptyServerFinishesAtOnceAndDrainsIt() {
        UUID empty = UUID.randomUUID();
        try (Gns3Simulator d = Gns3Simulator.start()) {
            FleetStandIn.facade().addServer(empty, d);
            given().contentType(ContentType.JSON).when().post("/api/v1/servers/" + empty + "/evacuate")
                    .then().statusCode(202).body("state", equalTo("finished")).body("total", equalTo(0));
            assertThat(FleetStandIn.facade().draining(empty)).isTrue();
        }
        // (it stays registered, draining, so no other test's placement chooses it)
    }
}
