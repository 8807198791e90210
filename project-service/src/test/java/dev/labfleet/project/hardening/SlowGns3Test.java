package dev.labfleet.project.hardening;

import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * GNS3 as slow as real images make it: a node start that takes 45 s (over the HTTP client's 30 s default) is still
 * a start, reported done, because every timeout between project-service and GNS3 sits above the operation's own.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class SlowGns3Test {

    @AfterEach
    void noMoreFaults() {
        GatewayStandIn.simulator().faults().clear();
    }

    @Test
    void aStaggeredStartOfNodesThatTake45sEachReportsEveryNodeStarted() {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", "slow-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        for (String name : new String[] {"PC1", "PC2"}) {
            given().baseUri(GatewayStandIn.simulator().baseUrl()).contentType(ContentType.JSON)
                    .body(Map.of("name", name, "node_type", "vpcs", "compute_id", "local"))
                    .when().post("/v2/projects/" + id + "/nodes").then().statusCode(201);
        }
        GatewayStandIn.simulator().faults().latency("POST /v2/projects/" + id + "/nodes/*/start", 45_000);

        String operation = given().contentType(ContentType.JSON).body(Map.of("batchSize", 2, "delayMs", 0))
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        Map<String, Object> done = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(
                () -> given().when().get(operation).then().statusCode(200).extract().jsonPath().getMap(""),
                op -> !"running".equals(op.get("status")));

        assertThat(done).as("operation %s", done).containsEntry("status", "succeeded").containsEntry("done", 2)
                .containsEntry("failed", 0);
        given().baseUri(GatewayStandIn.simulator().baseUrl()).when().get("/v2/projects/" + id + "/nodes")
                .then().body("status", everyItem(equalTo("started")));
    }
}
