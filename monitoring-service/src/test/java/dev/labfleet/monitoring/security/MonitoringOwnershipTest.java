package dev.labfleet.monitoring.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.support.Labs;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import dev.labfleet.monitoring.support.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Ownership in monitoring-service with real tokens (docs/security.md): an operator who neither owns a lab nor shares
 * one of its groups does not see it in the fleet, the selections or the traffic status, cannot read its routes or
 * select it (403 problems), and a stream of it is refused (4403) while the fleet stream leaves it out; its owner and
 * admins see it. project-service is the simulator's facade (who owns the lab); the fleet model learns the owner as
 * project-service's events would tell it.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(MonitoringStandIn.class)
class MonitoringOwnershipTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    FleetModel model;

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    private static WsClient stream(String token, String path) {
        return WsClient.connect(RestAssured.port, path, b -> b.header("Authorization", "Bearer " + token));
    }

    private static List<String> labIds(WsClient fleet) {
        List<String> ids = new ArrayList<>();
        fleet.first().path("labs").forEach(l -> ids.add(l.path("projectId").asText()));
        return ids;
    }

    @Test
    void anotherOperatorNeitherSeesNorReachesALabInListsRoutesOrStreams() throws Exception {
        String alice = TestIssuer.operator("alice-" + run);
        String bob = TestIssuer.operator("bob-" + run, "ospf-" + run);
        String admin = TestIssuer.admin("ada-" + run);
        String lab = Labs.project();
        MonitoringStandIn.facade().own(lab, "alice-" + run, List.of());
        model.labMeta(lab, MonitoringStandIn.SERVER_ID.toString(), "own-" + run, null);
        model.labOwner(lab, "alice-" + run);

        // lists
        as(bob).get("/api/v1/monitoring/fleet").then().statusCode(200).body("labs.projectId", not(hasItem(lab)));
        as(alice).get("/api/v1/monitoring/fleet").then().statusCode(200).body("labs.projectId", hasItem(lab));
        as(admin).get("/api/v1/monitoring/fleet").then().statusCode(200).body("labs.projectId", hasItem(lab));

        // the lab's routes
        as(bob).get("/api/v1/monitoring/labs/" + lab).then().statusCode(403)
                .contentType("application/problem+json").body("type", endsWith("/forbidden"));
        as(bob).get("/api/v1/monitoring/incidents?projectId=" + lab).then().statusCode(403)
                .contentType("application/problem+json");
        as(alice).get("/api/v1/monitoring/labs/" + lab).then().statusCode(200);

        // selections: bob may not select alice's lab, nor see it selected
        as(bob).body(Map.of("projectId", lab)).post("/api/v1/monitoring/selections").then().statusCode(403)
                .contentType("application/problem+json");
        as(alice).body(Map.of("projectId", lab)).post("/api/v1/monitoring/selections").then().statusCode(201);
        try {
            as(bob).get("/api/v1/monitoring/selections").then().statusCode(200).body("projectId", not(hasItem(lab)));
            as(bob).get("/api/v1/monitoring/traffic-status").then().statusCode(200)
                    .body("labs.projectId", not(hasItem(lab)));
            as(alice).get("/api/v1/monitoring/selections").then().statusCode(200).body("projectId", hasItem(lab));
            as(admin).get("/api/v1/monitoring/traffic-status").then().statusCode(200)
                    .body("labs.projectId", hasItem(lab));
        } finally {
            as(alice).delete("/api/v1/monitoring/selections/" + lab).then().statusCode(204);
        }

        // streams: the lab's own stream refuses bob (4403), the fleet stream leaves the lab out of his snapshot
        try (WsClient refused = stream(bob, "/api/v1/monitoring/stream/projects/" + lab)) {
            assertThat(refused.awaitClose(Duration.ofSeconds(10))).isEqualTo(4403);
        }
        try (WsClient nodes = stream(bob, "/api/v1/monitoring/stream/nodes?projectId=" + lab)) {
            assertThat(nodes.awaitClose(Duration.ofSeconds(10))).isEqualTo(4403);
        }
        try (WsClient own = stream(alice, "/api/v1/monitoring/stream/projects/" + lab)) {
            assertThat(own.first().path("type").asText()).isEqualTo("snapshot");
            assertThat(own.first().path("lab").path("projectId").asText()).isEqualTo(lab);
        }
        try (WsClient fleet = stream(bob, "/api/v1/monitoring/stream/fleet")) {
            assertThat(fleet.first().path("type").asText()).isEqualTo("snapshot");
            assertThat(labIds(fleet)).doesNotContain(lab);
        }
        try (WsClient fleet = stream(admin, "/api/v1/monitoring/stream/fleet")) {
            assertThat(labIds(fleet)).contains(lab);
        }
    }

    /** A traffic sample of a lab and one of its links, as the leader sends it on lab.monitoring. */
    private void sample(String lab, String linkId, double aToBBps, double bToABps) {
        var json = dev.labfleet.common.event.CloudEventCodec.mapper();
        model.link(MonitoringStandIn.SERVER_ID.toString(), json.createObjectNode().put("project_id", lab)
                .put("link_id", linkId).set("nodes", json.createArrayNode()
                        .add(json.createObjectNode().put("node_id", UUID.randomUUID().toString())
                                .put("adapter_number", 0).put("port_number", 0))
                        .add(json.createObjectNode().put("node_id", UUID.randomUUID().toString())
                                .put("adapter_number", 0).put("port_number", 0))));
        var link = json.createObjectNode().put("linkId", linkId).put("projectId", lab);
        link.putObject("aToB").put("pps", aToBBps / 800).put("bps", aToBBps);
        link.putObject("bToA").put("pps", bToABps / 800).put("bps", bToABps);
        model.publish("traffic", linkId, lab, link, true);
        model.publish("labTraffic", lab, lab, json.createObjectNode().put("projectId", lab)
                .put("state", "traffic").put("bps", aToBBps + bToABps).put("pps", (aToBBps + bToABps) / 800)
                .put("at", "2026-12-05T22:00:00Z"), true);
    }

    @Test
    void theBusiestLabsAndLinksAreRankedAndEachCallerSeesOnlyItsOwn() {
        String alice = TestIssuer.operator("alice-" + run);
        String bob = TestIssuer.operator("bob-" + run);
        String admin = TestIssuer.admin("ada-" + run);
        String quiet = Labs.project();
        String busy = Labs.project();
        String bobs = Labs.project();
        for (String[] lab : new String[][]{{quiet, "alice"}, {busy, "alice"}, {bobs, "bob"}}) {
            model.labMeta(lab[0], MonitoringStandIn.SERVER_ID.toString(), lab[1] + "-top-" + run, null);
            model.labOwner(lab[0], lab[1] + "-" + run);
        }
        String quietLink = UUID.randomUUID().toString();
        String busyLink = UUID.randomUUID().toString();
        String bobsLink = UUID.randomUUID().toString();
        sample(quiet, quietLink, 8_000, 0);
        sample(busy, busyLink, 600_000, 400_000);
        sample(bobs, bobsLink, 5_000_000, 0);

        // alice: her two labs, the busy one first; bob's lab and link are not hers to see
        as(alice).get("/api/v1/monitoring/traffic/top").then().statusCode(200)
                .body("projectId", org.hamcrest.Matchers.contains(busy, quiet))
                .body("[0].bps", org.hamcrest.Matchers.equalTo(1_000_000f))
                .body("[0].name", org.hamcrest.Matchers.equalTo("alice-top-" + run));
        as(alice).get("/api/v1/monitoring/traffic/links/top").then().statusCode(200)
                .body("linkId", org.hamcrest.Matchers.contains(busyLink, quietLink))
                .body("[0].aToBBps", org.hamcrest.Matchers.equalTo(600_000f))
                .body("[0].bToABps", org.hamcrest.Matchers.equalTo(400_000f));
        as(bob).get("/api/v1/monitoring/traffic/links/top").then().statusCode(200)
                .body("linkId", not(hasItem(busyLink)));
        // an admin sees the whole fleet: bob's lab is the busiest; the limit cuts the list
        as(admin).queryParam("limit", 1).get("/api/v1/monitoring/traffic/top").then().statusCode(200)
                .body("projectId", org.hamcrest.Matchers.contains(bobs));
        as(admin).queryParam("limit", 0).get("/api/v1/monitoring/traffic/links/top").then().statusCode(400)
                .contentType("application/problem+json");
        // a limit that is no number names the parameter (JAX-RS alone answered 404 "no resource")
        as(admin).queryParam("limit", "ten").get("/api/v1/monitoring/traffic/top").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.equalTo("limit: must be a whole number, not \"ten\""));
    }
}
