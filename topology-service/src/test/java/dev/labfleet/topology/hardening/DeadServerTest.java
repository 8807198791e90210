package dev.labfleet.topology.hardening;

import dev.labfleet.simulator.LabfleetFacade;
import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

/**
 * One GNS3 server down (its breaker open at the gateway) next to a live one: topology-service's fleet-wide reads
 * answer with the live server's data and name the dead one, and work on the live server's labs goes on.
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class DeadServerTest {

    private final UUID dead = UUID.randomUUID();

    @AfterEach
    void revive() {
        LabStandIn.facade().removeDeadServer(dead);
    }

    @Test
    void theTemplateCatalogueAnswersTheLiveServersTemplatesAndNamesTheDeadOne() {
        LabStandIn.facade().addDeadServer(dead);

        // (a complete catalogue read before may be cached for a few seconds)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/api/v1/templates")
                .then().statusCode(200)
                .body("items.name", hasItem("VPCS"))
                .body("items.find { it.name == 'VPCS' }.servers[0].server_id",
                        equalTo(LabfleetFacade.SERVER_ID.toString()))
                .body("leftOut", hasSize(1))
                .body("leftOut[0].serverId", equalTo(dead.toString()))
                .body("leftOut[0].reason", containsString("circuit breaker open")));

        // specs and node creates still resolve templates against the live server's catalogue
        String lab = SimLabs.project();
        given().contentType(ContentType.JSON).body(Map.of("name", "PC1", "template", "VPCS"))
                .when().post("/api/v1/projects/" + lab + "/nodes").then().statusCode(201);
    }
}
