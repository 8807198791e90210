package dev.labfleet.gateway.fleet;

import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import dev.labfleet.simulator.Gns3Simulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Drain and undrain: placement skips a draining server, its labs keep working and are listed on it. */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class DrainTest {

    @Test
    void drainingServerIsSkippedByPlacementKeepsItsLabsAndListsThem() {
        String run = UUID.randomUUID().toString();
        try (Gns3Simulator gns3 = Gns3Simulator.start()) {
            UUID id = Api.server("drain-" + run, gns3.baseUrl());
            String server = "/api/v1/servers/" + id;
            Api.json().body(Map.of("labels", Map.of("drain-test", run))).put(server).then().statusCode(200);
            String lab = Api.project(server, "drained-lab-");
            Map<String, Object> here = Map.of("requiredLabels", Map.of("drain-test", run));
            Api.json().body(here).post("/api/v1/placements").then().statusCode(200).body("serverId", equalTo(id.toString()));

            String since = Api.json().body(Map.of("reason", "disk replacement")).post(server + "/drain")
                    .then().statusCode(200)
                    .body("serverId", equalTo(id.toString()))
                    .body("draining", equalTo(true))
                    .body("reason", equalTo("disk replacement"))
                    .body("labs.projectId", hasItem(lab))
                    .body("labs.find { it.projectId == '" + lab + "' }.status", equalTo("opened"))
                    .body("labsError", nullValue())
                    .extract().path("drainingSince");
            Api.json().get(server).then().statusCode(200).body("draining", equalTo(true))
                    .body("drainingSince", notNullValue());

            Api.json().body(here).post("/api/v1/placements").then().statusCode(503)
                    .body("rejected.find { it.serverId == '" + id + "' }.reasons[0]", equalTo("draining"));
            Api.json().body(Map.of("strategy", "pinned", "serverId", id.toString())).post("/api/v1/placements")
                    .then().statusCode(503).body("detail", containsString("draining"));
            // the labs on it keep working
            Api.json().get(server + "/projects/" + lab).then().statusCode(200);
            Api.json().body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                    .post(server + "/projects/" + lab + "/nodes").then().statusCode(201);

            // a second drain keeps the first one's time and reason; no body is fine
            Api.json().post(server + "/drain").then().statusCode(200)
                    .body("drainingSince", equalTo(since)).body("reason", equalTo("disk replacement"));
            Api.json().get(server + "/drain").then().statusCode(200).body("draining", equalTo(true))
                    .body("labs.projectId", hasItem(lab));

            // a server that is down still drains; its labs are unknown, and it says why
            gns3.faults().outage();
            try {
                Api.json().get(server + "/drain").then().statusCode(200).body("labs", nullValue())
                        .body("labsError", containsString("unknown"));
            } finally {
                gns3.faults().restore();
            }

            Api.json().post(server + "/undrain").then().statusCode(200).body("draining", equalTo(false))
                    .body("drainingSince", nullValue()).body("reason", nullValue());
            // placement takes it again once its health and breaker are back from the outage above
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(250)).untilAsserted(() ->
                            Api.json().body(here).post("/api/v1/placements").then().statusCode(200)
                                    .body("serverId", equalTo(id.toString())));
            Api.json().post(server + "/undrain").then().statusCode(200).body("draining", equalTo(false));
            Api.json().delete(server).then().statusCode(204);
        }
    }

    @Test
    void drainOfAnUnknownServerOrWithABadReasonIsAProblem() {
        UUID unknown = UUID.randomUUID();
        Api.json().post("/api/v1/servers/" + unknown + "/drain").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString(unknown.toString()));
        Api.json().post("/api/v1/servers/" + unknown + "/undrain").then().statusCode(404)
                .contentType("application/problem+json");
        Api.json().get("/api/v1/servers/" + unknown + "/drain").then().statusCode(404);
        Api.json().post("/api/v1/servers/not-a-uuid/drain").then().statusCode(404);
        UUID a = Api.server("sim-a", Simulators.a().baseUrl());
        Api.json().body(Map.of("reason", "bad\u0000reason")).post("/api/v1/servers/" + a + "/drain")
                .then().statusCode(400).body("violations.field", hasItem("reason"));
        Api.json().get("/api/v1/servers/" + a).then().statusCode(200).body("draining", equalTo(false));
    }
}
