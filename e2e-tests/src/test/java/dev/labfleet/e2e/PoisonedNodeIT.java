package dev.labfleet.e2e;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * A lab stays readable through the suite when another GNS3 client wrote a value no 32-bit reader can hold: a node's
 * x is set to 99999999999999999999 straight on the simulator (as the GNS3 GUI or a script could), then the lab is
 * read through project-service, topology-service and the gateway; and the same value sent through the suite is
 * refused with a 400 naming the field before it reaches GNS3.
 */
@ExtendWith(Suite.Extension.class)
class PoisonedNodeIT {

    private static final String HUGE = "99999999999999999999";

    private static RequestSpecification service(String name) {
        return given().baseUri(Suite.current().service(name).baseUrl()).contentType(ContentType.JSON)
                .filter(new io.restassured.filter.log.ErrorLoggingFilter());
    }

    @Test
    void aNodeWithAHugeXWrittenOnGns3LeavesTheLabReadableThroughTheSuite() {
        String serverId = await("the simulator registered by the gateway").atMost(Duration.ofSeconds(30))
                .until(() -> service("gateway").when().get("/api/v1/servers").then().statusCode(200)
                        .extract().jsonPath().getString("items.find { it.url == '"
                                + Suite.current().simulator().baseUrl() + "' }.id"), id -> id != null);
        String projectId = service("project").body(Map.of("name", "poisoned-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        String nodes = "/api/v1/projects/" + projectId + "/nodes";
        String pc1 = service("topology").body(Map.of("name", "PC1", "node_type", "vpcs"))
                .when().post(nodes).then().statusCode(201).extract().path("node_id");
        service("topology").body(Map.of("name", "PC2", "node_type", "vpcs"))
                .when().post(nodes).then().statusCode(201);

        // another GNS3 client, straight on the (simulated) GNS3 server
        given().baseUri(Suite.current().simulator().baseUrl()).contentType(ContentType.JSON)
                .body("{\"x\": " + HUGE + "}").when().put("/v2/projects/" + projectId + "/nodes/" + pc1)
                .then().statusCode(200);

        // topology-service's cache is cleared by GNS3's notification: the lab reads right, and keeps reading right
        await("the lab read after the odd value landed").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                service("topology").when().get(nodes).then().statusCode(200)
                        .body("name", hasItem("PC1")).body("find { it.name == 'PC1' }.x", equalTo(null)));
        service("topology").when().get(nodes + "/" + pc1).then().statusCode(200).body("name", equalTo("PC1"));
        service("topology").when().get(nodes + "/" + pc1 + "/console").then().statusCode(200)
                .body("type", equalTo("telnet"));
        service("topology").accept(ContentType.JSON).when().get("/api/v1/projects/" + projectId + "/topology")
                .then().statusCode(200).body("nodes.name", hasItem("PC1")).body(not(containsString(HUGE)));
        service("project").when().get("/api/v1/projects/" + projectId).then().statusCode(200)
                .body("nodeCount", equalTo(2));
        String gns3 = "/api/v1/servers/" + serverId + "/projects/" + projectId;
        service("gateway").when().get(gns3 + "/nodes/" + pc1 + "/console").then().statusCode(200)
                .body("node_id", equalTo(pc1));

        // the same value through the suite never reaches GNS3
        service("gateway").body("{\"x\": " + HUGE + "}").when().put(gns3 + "/nodes/" + pc1)
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("x"));
        service("topology").body("{\"x\": " + HUGE + "}").when().put(nodes + "/" + pc1)
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("x"));

        // and the lab can be put right through the suite
        service("topology").body(Map.of("x", 10, "y", 20)).when().put(nodes + "/" + pc1).then().statusCode(200)
                .body("x", equalTo(10));
        service("project").when().delete("/api/v1/projects/" + projectId).then().statusCode(204);
    }
}
