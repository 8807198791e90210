package dev.labfleet.project.fleet;

import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.project.support.FleetStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.labfleet.project.support.FleetStandIn.A;
import static dev.labfleet.project.support.FleetStandIn.B;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * A replica killed mid-move: its move is left RUNNING under a lease that runs out, with the work it did on GNS3. Another
 * replica (this one) takes it over: before the commit it rolls the lab back onto its source, running as it was; after
 * the commit it finishes the move. Either way the lab ends on exactly one server.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetStandIn.class, restrictToAnnotatedClass = true)
class MoveTakeoverTest {

    @Inject
    Pool pool;

    private static RequestSpecification gns3(UUID server) {
        return given().baseUri(FleetStandIn.simulator(server).baseUrl()).contentType(ContentType.JSON);
    }

    /** A lab on A with two VPCS, started; answers its id. */
    private static String runningLab(String name) {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", name, "serverId", A.toString()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        for (String node : List.of("PC1", "PC2")) {
            gns3(A).body(Map.of("name", node, "node_type", "vpcs", "compute_id", "local"))
                    .post("/v2/projects/" + id + "/nodes").then().statusCode(201);
        }
        gns3(A).post("/v2/projects/" + id + "/nodes/start").then().statusCode(204);
        return id;
    }

    /** What the dead replica did up to the transfer: the source stopped, its copy imported on B. */
    private static void copyToB(String id, boolean open) {
        gns3(A).post("/v2/projects/" + id + "/nodes/stop").then().statusCode(204);
        byte[] archive = gns3(A).get("/v2/projects/" + id + "/export").then().statusCode(200).extract().asByteArray();
        given().baseUri(FleetStandIn.simulator(B).baseUrl()).contentType("application/octet-stream").body(archive)
                .post("/v2/projects/" + id + "/import?name=copy").then().statusCode(201);
        if (open) {
            gns3(B).post("/v2/projects/" + id + "/open").then().statusCode(201);
        }
    }

    private String plan(String id) throws Exception {
        List<MovePlan.PlannedNode> nodes = gns3(A).get("/v2/projects/" + id + "/nodes").then().extract().jsonPath()
                .getList("", Map.class).stream().map(n -> new MovePlan.PlannedNode((String) n.get("name"),
                        (String) n.get("node_id"), "vpcs", true)).toList();
        return CloudEventCodec.mapper().writeValueAsString(new MovePlan("lab", true, nodes, List.of(), List.of()));
    }

    /** The row a replica leaves when it dies: RUNNING, its lease already run out. */
    private UUID abandonedMove(String id, String step, boolean committed, String plan) {
        UUID moveId = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO fleet_move (id, project_id, active_project_id, source_server_id, "
                        + "target_server_id, include_snapshots, state, step, committed, plan, progress, owner, "
                        + "lease_until, attempts, created_at, updated_at, version) VALUES ($1, $2, $2, $3, $4, true, "
                        + "'RUNNING', $5, $6, $7, '[]', 'replica-killed', now() - interval '1 second', 0, now(), now(), 0)")
                .execute(Tuple.of(moveId, UUID.fromString(id), A, B, step, committed).addString(plan))
                .await().atMost(Duration.ofSeconds(10));
        return moveId;
    }

    private static Map<String, Object> awaitEnd(UUID moveId) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(
                () -> given().when().get("/api/v1/moves/" + moveId).then().statusCode(200).extract().jsonPath()
                        .getMap(""), m -> "failed".equals(m.get("state")) || "moved".equals(m.get("state")));
    }

    @Test
    void anUncommittedMoveOfADeadReplicaIsRolledBackOntoItsSourceRunning() throws Exception {
        String id = runningLab("takeover-rollback-" + UUID.randomUUID());
        String plan = plan(id);
        copyToB(id, true);
        UUID moveId = abandonedMove(id, "OPEN_TARGET", false, plan);

        Map<String, Object> move = awaitEnd(moveId);
        assertThat(move.get("state")).as("move %s", move).isEqualTo("failed");
        assertThat((String) move.get("error")).contains("interrupted").contains("open_target");
        assertThat(move.get("attempts")).isEqualTo(1);
        gns3(B).get("/v2/projects/" + id).then().statusCode(404);
        gns3(A).get("/v2/projects/" + id + "/nodes").then().statusCode(200).body("status", everyItem(equalTo("started")));
        given().when().get("/api/v1/projects/" + id + "?counts=false").then().body("serverId", equalTo(A.toString()));
        // the lab can move again: the dead move no longer holds it
        given().contentType(ContentType.JSON).body(Map.of("targetServerId", B.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(202);
    }

    @Test
    void aCommittedMoveOfADeadReplicaIsFinished() throws Exception {
        String id = runningLab("takeover-finish-" + UUID.randomUUID());
        String plan = plan(id);
        copyToB(id, true);
        gns3(B).post("/v2/projects/" + id + "/nodes/start").then().statusCode(204);
        // the dead replica's commit: the record already points at B
        pool.preparedQuery("UPDATE project SET server_id = $1 WHERE id = $2").execute(Tuple.of(B, UUID.fromString(id)))
                .await().atMost(Duration.ofSeconds(10));
        UUID moveId = abandonedMove(id, "DELETE_SOURCE", true, plan);

        Map<String, Object> move = awaitEnd(moveId);
        assertThat(move.get("state")).as("move %s", move).isEqualTo("moved");
        gns3(A).get("/v2/projects/" + id).then().statusCode(404);
        gns3(B).get("/v2/projects/" + id + "/nodes").then().statusCode(200).body("status", everyItem(equalTo("started")));
        given().when().get("/api/v1/projects/" + id + "?counts=false").then().body("serverId", equalTo(B.toString()));
    }
}
