package dev.labfleet.e2e;

import dev.labfleet.simulator.Gns3Simulator;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A lab moved to another GNS3 server through the running suite with security on, as deployed: the move runs in
 * project-service's background as its service account, and every call it makes to the gateway (export, the streamed
 * import into the target, open, delete) must carry that account's token. The lab ends on the target with its nodes,
 * under the same id, and is gone from the source.
 */
@ExtendWith(Suite.Extension.class)
class FleetMoveIT {

    private static RequestSpecification service(String name) {
        return given().baseUri(Suite.current().service(name).baseUrl()).contentType(ContentType.JSON)
                .filter(new io.restassured.filter.log.ErrorLoggingFilter());
    }

    @Test
    void aLabMovesToAnotherServerAsTheServiceAccount() throws Exception {
        try (Gns3Simulator target = Gns3Simulator.start()) {
            String sourceId = service("gateway").when().get("/api/v1/servers").then().statusCode(200).extract()
                    .jsonPath().getString("items.find { it.url == '" + Suite.current().simulator().baseUrl() + "' }.id");
            assertThat(sourceId).as("the suite's own server").isNotNull();
            String targetId = service("gateway").body(Map.of("name", "move-target-" + UUID.randomUUID(),
                            "url", target.baseUrl())).when().post("/api/v1/servers").then().statusCode(201)
                    .extract().path("id");
            String projectId = null;
            try {
                // the lab on the suite's server, named, so that placement cannot choose the new one
                projectId = service("project").body(Map.of("name", "move-" + UUID.randomUUID(), "serverId", sourceId))
                        .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
                String lab = "/api/v1/projects/" + projectId;
                service("gateway").body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                        .when().post("/api/v1/servers/" + sourceId + "/projects/" + projectId + "/nodes").then()
                        .statusCode(201);

                String move = service("project").body(Map.of("targetServerId", targetId)).when().post(lab + "/move")
                        .then().statusCode(202).extract().header("Location").replaceFirst("^https?://[^/]+", "");
                String state = await("the move").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> service("project").when().get(move).then().statusCode(200).extract().path("state"),
                                s -> "moved".equals(s) || "failed".equals(s));
                assertThat(state).as("move %s: %s", move, service("project").when().get(move).asString())
                        .isEqualTo("moved");

                service("project").when().get(lab).then().statusCode(200).body("serverId", equalTo(targetId));
                service("gateway").when().get("/api/v1/servers/" + targetId + "/projects/" + projectId + "/nodes")
                        .then().statusCode(200).body("name", org.hamcrest.Matchers.contains("PC1"));
                given().baseUri(Suite.current().simulator().baseUrl()).get("/v2/projects/" + projectId)
                        .then().statusCode(404);
            } finally {
                // leave the suite as it was: no lab on the extra server, and the server unregistered before its
                // simulator stops (a registered dead server would be a placement candidate for the next test)
                if (projectId != null) {
                    service("project").when().delete("/api/v1/projects/" + projectId);
                }
                service("gateway").when().delete("/api/v1/servers/" + targetId).then().statusCode(204);
            }
        }
    }
}
