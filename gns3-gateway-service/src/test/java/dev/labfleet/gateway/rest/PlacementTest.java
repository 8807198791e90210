package dev.labfleet.gateway.rest;

import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(Simulators.class)
class PlacementTest {

    @Inject
    Gns3Client client;

    @Test
    void placesByLabelsPinsAndTakesTurns() {
        UUID a = Api.server("sim-a", Simulators.a().baseUrl());
        UUID c = Api.server("sim-c", Simulators.c().baseUrl());
        client.forget(c);
        String labelled = c.toString();
        Api.json().body(Map.of("labels", Map.of("site", "paris"))).put("/api/v1/servers/" + c).then().statusCode(200);

        Api.json().body(Map.of("nodeCount", 3, "requiredLabels", Map.of("site", "paris")))
                .post("/api/v1/placements").then().statusCode(200)
                .body("serverId", equalTo(labelled))
                .body("strategy", equalTo("least-loaded"))
                .body("reasons.size()", org.hamcrest.Matchers.greaterThan(1))
                .body("rejected.serverId", hasItem(a.toString()));

        Api.json().body(Map.of("strategy", "pinned", "serverId", a.toString()))
                .post("/api/v1/placements").then().statusCode(200).body("serverId", equalTo(a.toString()));
        Api.json().body(Map.of("strategy", "pinned")).post("/api/v1/placements").then().statusCode(400)
                .body("violations.field", hasItem("serverId"));
        Api.json().body(Map.of("requiredLabels", Map.of("site", "mars"))).post("/api/v1/placements")
                .then().statusCode(503).header("Retry-After", notNullValue());
        Api.json().body(Map.of("strategy", "sideways")).post("/api/v1/placements").then().statusCode(400)
                .body("violations.field", hasItem("strategy"));

        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            chosen.add(Api.json().body(Map.of("strategy", "round-robin", "avoidServers", List.of()))
                    .post("/api/v1/placements").then().statusCode(200).extract().path("serverId"));
        }
        assertThat(chosen).as("round-robin takes turns").hasSizeGreaterThan(1);
        Api.json().body(Map.of("labels", Map.of())).put("/api/v1/servers/" + c).then().statusCode(200);
    }
}
