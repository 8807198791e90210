package dev.labfleet.project.hardening;

import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/** One GNS3 server down (its breaker open at the gateway) next to a live one: project-service's fleet-wide sync. */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class DeadServerTest {

    private final UUID dead = UUID.randomUUID();
    private final java.util.List<UUID> fleet = new java.util.ArrayList<>();

    @AfterEach
    void revive() {
        GatewayStandIn.facade().removeDeadServer(dead);
        fleet.forEach(GatewayStandIn.facade()::removeDeadServer);
    }

    @Test
    void aSyncReadsEveryPageOfTheServerList() {
        // 120 servers besides the live one: three pages of the gateway's list at the tests' page size (50); the
        // sync must ask each one (all down here, so each is named as left out) and still sync the live one
        for (int i = 0; i < 120; i++) {
            UUID id = UUID.randomUUID();
            fleet.add(id);
            GatewayStandIn.facade().addDeadServer(id);
        }

        java.util.List<String> unreachable = given().when().post("/api/v1/projects/sync").then().statusCode(200)
                .body("unreachable", not(hasItem(GatewayStandIn.SERVER_ID.toString())))
                .body("leftOut", hasSize(120))
                .extract().path("unreachable");

        org.assertj.core.api.Assertions.assertThat(unreachable).containsExactlyInAnyOrderElementsOf(
                fleet.stream().map(UUID::toString).toList());
    }

    @Test
    void aSyncOfTheFleetSyncsTheLiveServerAndNamesTheDeadOneWithWhy() {
        GatewayStandIn.facade().addDeadServer(dead);
        String foreign = "made-in-gns3-" + UUID.randomUUID();
        String foreignId = given().baseUri(GatewayStandIn.simulator().baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("name", foreign)).when().post("/v2/projects").then().statusCode(201)
                .extract().path("project_id");

        given().when().post("/api/v1/projects/sync").then().statusCode(200)
                .body("adopted.projectId", hasItem(foreignId))
                .body("unreachable", equalTo(java.util.List.of(dead.toString())))
                .body("unreachable", not(hasItem(GatewayStandIn.SERVER_ID.toString())))
                .body("leftOut", hasSize(1))
                .body("leftOut[0].serverId", equalTo(dead.toString()))
                .body("leftOut[0].reason", containsString("circuit breaker open"));
    }
}
