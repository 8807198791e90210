package dev.labfleet.project.fleet;

import dev.labfleet.project.support.FleetStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
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

/**
 * A replica whose claim tick ran late (on a busy machine the claim waited on the evacuations' lock for longer than the
 * lease, after its renewal) must not claim the move it is running itself: the claim would bump the move's version
 * and the running move's next write fail on it (EvacuationTest saw one lab fail that way under load, attempts 2).
 */
@QuarkusTest
@QuarkusTestResource(value = FleetStandIn.class, restrictToAnnotatedClass = true)
class LateRenewalTest {

    @Inject
    Pool pool;

    @AfterEach
    void clearFaults() {
        FleetStandIn.simulator(B).faults().clear();
    }

    @Test
    void aMoveWhoseOwnClaimTickRanLateIsNotClaimedAgainAndEndsMoved() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("name", "late-renewal-" + UUID.randomUUID(), "serverId", A.toString()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        given().baseUri(FleetStandIn.simulator(A).baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                .post("/v2/projects/" + id + "/nodes").then().statusCode(201);
        // the transfer into B lasts longer than the lock below, so the move is still running when the claim runs
        FleetStandIn.simulator(B).faults().latency("POST /v2/projects/*/import", 18_000);
        String location = given().contentType(ContentType.JSON).body(Map.of("targetServerId", B.toString()))
                .when().post("/api/v1/projects/" + id + "/move").then().statusCode(202).extract().header("Location");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Map<String, Object>> progress = given().when().get(location).then().extract().jsonPath()
                    .getList("progress");
            return progress.stream().anyMatch(p -> "transfer".equals(p.get("step")));
        });

        // the evacuations' lock held for longer than the 6 s lease (10 s): the tick renews, then its claim waits behind it
        pool.withTransaction(connection -> connection.query("LOCK TABLE fleet_evacuation IN ACCESS EXCLUSIVE MODE")
                        .execute().chain(() -> Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofSeconds(10))))
                .await().atMost(Duration.ofSeconds(30));

        Map<String, Object> move = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                m -> "moved".equals(m.get("state")) || "failed".equals(m.get("state")));
        assertThat(move.get("state")).as("move %s", move).isEqualTo("moved");
        assertThat(move.get("attempts")).as("claims after the first").isEqualTo(0);
    }
}
