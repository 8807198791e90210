package dev.labfleet.project.hardening;

import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * Staggered starts are durable jobs: an operation whose replica died (its lease ran out) is claimed by another and
 * resumed without starting a node twice; one whose lease holds is left alone; a replica whose lease was taken starts
 * no further node and records nothing more. The "other replicas" are rows written as they would have left them.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class DurableOperationTest {

    private static final String START = "POST /v2/projects/{project_id}/nodes/{node_id}/start";

    @Inject
    Pool pool;

    @AfterEach
    void noMoreFaults() {
        GatewayStandIn.simulator().faults().clear();
    }

    private static RequestSpecification gns3() {
        return given().baseUri(GatewayStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    private static long starts() {
        return GatewayStandIn.simulator().requests().count(START);
    }

    /** A lab with VPCS nodes PC1..PCn; answers node name -> node id. */
    private static Map<String, String> lab(String projectId, int nodes) {
        Map<String, String> ids = new HashMap<>();
        for (int i = 1; i <= nodes; i++) {
            String nodeId = gns3().body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201)
                    .extract().path("node_id");
            ids.put("PC" + i, nodeId);
        }
        return ids;
    }

    private static String createLab() {
        return given().contentType(ContentType.JSON).body(Map.of("name", "durable-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
    }

    /** An operation as a replica leaves it: running, held by {@code owner} until {@code leaseSeconds} from now. */
    private UUID orphan(String projectId, String owner, int leaseSeconds, int total, int done) {
        UUID id = UUID.randomUUID();
        sql("insert into operation (id, project_id, kind, status, batch_size, delay_ms, stop_on_first_error, total, "
                + "done, failed, skipped, created_at, heartbeat_at, owner, lease_until, attempts) values ($1, $2, "
                + "'START', 'RUNNING', 2, 0, false, $3, $4, 0, 0, now(), now(), $5, "
                + "now() + make_interval(secs => $6), 1)",
                Tuple.of(id, UUID.fromString(projectId), total, done, owner, leaseSeconds));
        return id;
    }

    private void result(UUID operationId, String nodeId, String name, String outcome) {
        sql("insert into operation_result (operation_id, node_id, node_name, batch, outcome, finished_at) "
                + "values ($1, $2, $3, 0, $4, now())", Tuple.of(operationId, nodeId, name, outcome));
    }

    private List<Row> sql(String sql, Tuple args) {
        List<Row> rows = new java.util.ArrayList<>();
        pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
        return rows;
    }

    private static Map<String, Object> operation(UUID id) {
        return given().when().get("/api/v1/operations/" + id).then().statusCode(200).extract().jsonPath().getMap("");
    }

    @Test
    void anOperationWhoseReplicaDiedIsResumedElsewhereWithoutStartingANodeTwice() {
        String projectId = createLab();
        Map<String, String> nodes = lab(projectId, 4);
        // what the dead replica got done: PC1 started and recorded; PC2 started but its outcome not recorded (it
        // died while GNS3 answered); PC3's start was marked sent but never reached GNS3; PC4 not reached
        gns3().post("/v2/projects/" + projectId + "/nodes/" + nodes.get("PC1") + "/start").then().statusCode(200);
        gns3().post("/v2/projects/" + projectId + "/nodes/" + nodes.get("PC2") + "/start").then().statusCode(200);
        UUID op = orphan(projectId, "project-dead", -1, 4, 1);
        result(op, nodes.get("PC1"), "PC1", "DONE");
        result(op, nodes.get("PC2"), "PC2", "SENT");
        result(op, nodes.get("PC3"), "PC3", "SENT");
        long before = starts();

        Map<String, Object> done = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> operation(op), o -> !"running".equals(o.get("status")));

        assertThat(done).as("operation %s", done).containsEntry("status", "succeeded").containsEntry("done", 4)
                .containsEntry("failed", 0).containsEntry("attempts", 2);
        assertThat(starts() - before).as("starts sent after the resume: PC3 (after its settle wait) and PC4 only")
                .isEqualTo(2);
        List<Map<String, Object>> results = given().when().get("/api/v1/operations/" + op).then()
                .extract().jsonPath().getList("results");
        assertThat(results).extracting(r -> r.get("name")).containsExactlyInAnyOrder("PC1", "PC2", "PC3", "PC4");
        assertThat(results).extracting(r -> r.get("outcome")).containsOnly("done");
        assertThat(results).filteredOn(r -> "PC2".equals(r.get("name"))).extracting(r -> r.get("reason"))
                .containsExactly("already started when the operation resumed");
        gns3().when().get("/v2/projects/" + projectId + "/nodes").then().body("status", everyItem(equalTo("started")));
        assertThat(sql("select owner, lease_until from operation where id = $1", Tuple.of(op)).get(0).getString("owner"))
                .as("an ended operation is held by no replica").isNull();
    }

    @Test
    void anOperationWhoseLeaseHoldsIsLeftToItsReplicaUntilTheLeaseRunsOut() {
        String projectId = createLab();
        lab(projectId, 2);
        UUID op = orphan(projectId, "project-alive", 3600, 2, 0);
        long before = starts();

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() ->
                "running".equals(operation(op).get("status")) && starts() == before);
        sql("update operation set lease_until = now() - interval '1 second' where id = $1", Tuple.of(op));

        Map<String, Object> done = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> operation(op), o -> !"running".equals(o.get("status")));
        assertThat(done).as("operation %s", done).containsEntry("status", "succeeded").containsEntry("done", 2)
                .containsEntry("attempts", 2);
        assertThat(starts() - before).isEqualTo(2);
    }

    @Test
    void aReplicaWhoseLeaseWasTakenStartsNoFurtherNodeAndRecordsNothing() {
        String projectId = createLab();
        lab(projectId, 3);
        GatewayStandIn.simulator().faults().latency("POST /v2/projects/" + projectId + "/nodes/*/start", 4_000);
        long before = starts();
        String location = given().contentType(ContentType.JSON).body(Map.of("batchSize", 1, "delayMs", 0))
                .when().post("/api/v1/projects/" + projectId + "/start").then().statusCode(202)
                .extract().header("Location");
        UUID op = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> starts() - before == 1);

        // another replica takes the operation over (as after a long pause of this one)
        sql("update operation set owner = 'project-thief', lease_until = now() + interval '1 hour' where id = $1",
                Tuple.of(op));

        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(() -> starts() - before == 1);
        Map<String, Object> now = operation(op);
        assertThat(now).as("operation %s", now).containsEntry("status", "running").containsEntry("done", 0);
        assertThat(sql("select outcome from operation_result where operation_id = $1", Tuple.of(op)))
                .extracting(r -> r.getString("outcome")).containsExactly("SENT");
        sql("update operation set status = 'FAILED', owner = null where id = $1", Tuple.of(op));
    }
}
