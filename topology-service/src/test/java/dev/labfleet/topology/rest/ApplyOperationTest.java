package dev.labfleet.topology.rest;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.topology.support.LabStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * An apply is an operation: accepted with 202 and reported by any replica; a client that stops waiting does not
 * stop it nor free the lab while it runs (its lock is renewed past the lease); a replica that died mid-apply leaves
 * an apply reported INTERRUPTED and a lab free again within the lease (4 s here).
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class ApplyOperationTest {

    private static final String SPEC = """
            nodes:
              - name: SW1
                node_type: ethernet_switch
              - name: PC1
                node_type: vpcs
              - name: PC2
                node_type: vpcs
            links:
              - a: PC1:e0
                b: SW1:e1
              - a: PC2:e0
                b: SW1:e2
            """;

    @Inject
    Pool pool;

    private static Gns3Simulator gns3() {
        return LabStandIn.simulator();
    }

    @AfterEach
    void clearFaults() {
        gns3().faults().clear();
    }

    private static String lab() {
        return given().baseUri(gns3().baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("name", "applyop-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
    }

    private static Response apply(String projectId, String wait) {
        var request = given().contentType("application/yaml").header("X-Labfleet-User", "alice")
                .body(SPEC.getBytes(StandardCharsets.UTF_8));
        if (wait != null) {
            request = request.queryParam("wait", wait);
        }
        return request.when().put("/api/v1/projects/" + projectId + "/topology");
    }

    private static Map<String, Object> awaitEnded(String location, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(300)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                op -> !"RUNNING".equals(op.get("status")));
    }

    @Test
    void anApplyIsAcceptedAsAnOperationAndReportedWithItsResults() {
        String id = lab();
        Response accepted = apply(id, null);
        accepted.then().statusCode(202).body("status", equalTo("RUNNING")).body("appliedBy", equalTo("alice"));
        String location = accepted.header("Location");
        assertThat(location).contains("/api/v1/projects/" + id + "/topology/applies/");

        Map<String, Object> ended = awaitEnded(location, Duration.ofSeconds(60));
        assertThat(ended).as("apply %s", ended).containsEntry("status", "APPLIED").containsEntry("done", 5)
                .containsKey("finishedAt");
        given().get(location).then().body("results", hasSize(5));
        apply(id, "60s").then().statusCode(200).body("status", equalTo("UNCHANGED"))
                .header("Location", containsString("/topology/applies/"));
        given().get("/api/v1/projects/" + id + "/topology/applies/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        apply(id, "forever").then().statusCode(400).body("violations.field", org.hamcrest.Matchers.hasItem("wait"));
    }

    @Test
    void aClientThatStopsWaitingNeitherStopsTheApplyNorFreesTheLabWhileItRuns() {
        String id = lab();
        // each node create takes 6 s: the apply outlasts its 4 s lease, which its heartbeat renews
        gns3().faults().latency("POST /v2/projects/" + id + "/nodes", 6_000);
        Response gaveUp = apply(id, "1s");
        gaveUp.then().statusCode(202).body("status", equalTo("RUNNING"));
        String location = gaveUp.header("Location");

        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() ->
                apply(id, null).statusCode() == 409);
        Map<String, Object> ended = awaitEnded(location, Duration.ofSeconds(90));
        assertThat(ended).as("apply %s", ended).containsEntry("status", "APPLIED").containsEntry("done", 5);
        gns3().faults().clear();
        apply(id, "60s").then().statusCode(200).body("status", equalTo("UNCHANGED"));
        given().baseUri(gns3().baseUrl()).get("/v2/projects/" + id + "/nodes").then().body("size()", equalTo(3));
    }

    @Test
    void anApplyWhoseReplicaDiedIsInterruptedAndItsLabFreedWithinTheLease() {
        String id = lab();
        UUID dead = UUID.randomUUID();
        String owner = "topology-dead/" + dead;
        sql("insert into apply_lock (project_id, owner, until) values ($1, $2, now() + interval '4 seconds')",
                Tuple.of(UUID.fromString(id), owner));
        sql("insert into apply_operation (id, project_id, status, applied_by, owner, lease_until, created_at) "
                + "values ($1, $2, 'RUNNING', 'bob', $3, now() + interval '4 seconds', now())",
                Tuple.of(dead, UUID.fromString(id), owner));
        apply(id, null).then().statusCode(409).body("detail", containsString("another apply"));

        String location = "/api/v1/projects/" + id + "/topology/applies/" + dead;
        Map<String, Object> ended = awaitEnded(location, Duration.ofSeconds(30));
        assertThat(ended).as("apply %s", ended).containsEntry("status", "INTERRUPTED").containsEntry("errorStatus", 503);
        assertThat((String) ended.get("error")).contains("apply the spec again");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> apply(id, "60s").statusCode() == 200);
        given().baseUri(gns3().baseUrl()).get("/v2/projects/" + id + "/nodes").then().body("size()", equalTo(3));
    }

    private void sql(String sql, Tuple args) {
        pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10));
    }
}
