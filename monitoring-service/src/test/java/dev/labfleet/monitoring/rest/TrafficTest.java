package dev.labfleet.monitoring.rest;

import dev.labfleet.monitoring.support.Labs;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import dev.labfleet.monitoring.support.PingLab;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Link traffic measured from the pcap streams of captures started through the gateway. */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class TrafficTest {

    @BeforeEach
    void synced() {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
    }

    private static boolean capturing(String projectId, String linkId) {
        return Labs.gns3().get("/v2/projects/" + projectId + "/links/" + linkId).then().extract().path("capturing");
    }

    @Test
    void pingsShowUpAsIcmpOnTheRightLinksAtTheRightRateAndOnlyOurCapturesAreStopped() throws Exception {
        PingLab lab = new PingLab();
        // a user's capture on the idle link: read, never stopped by us
        Labs.gns3().body("{}").post("/v2/projects/" + lab.projectId + "/links/" + lab.link3 + "/start_capture")
                .then().statusCode(201);
        int startsBefore = MonitoringStandIn.captureStarts();
        lab.select(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> capturing(lab.projectId, lab.link1)
                && capturing(lab.projectId, lab.link2));
        try (Socket console = lab.ping(150)) { // 5 echo requests per second for 30 s
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                JsonPath t = given().get("/api/v1/monitoring/labs/" + lab.projectId + "/traffic").then()
                        .statusCode(200).extract().jsonPath();
                for (String link : new String[]{lab.link1, lab.link2}) {
                    Map<String, Object> l = t.getMap("links.find { it.linkId == '" + link + "' }");
                    assertThat(l).as("link %s", link).isNotNull();
                    // one echo request out and one reply back every 200 ms: 5 pps each way, 98-byte frames
                    assertThat(((Number) ((Map<?, ?>) l.get("aToB")).get("pps")).doubleValue()).isBetween(3.3, 6.7);
                    assertThat(((Number) ((Map<?, ?>) l.get("bToA")).get("pps")).doubleValue()).isBetween(3.3, 6.7);
                    assertThat(((Number) ((Map<?, ?>) l.get("aToB")).get("bps")).doubleValue())
                            .isBetween(3.3 * 98 * 8, 6.7 * 98 * 8);
                    Map<?, ?> mix = (Map<?, ?>) l.get("protocols");
                    assertThat(((Number) mix.get("icmp")).doubleValue()).isBetween(6.6, 13.4);
                    assertThat(((Number) mix.get("tcp")).doubleValue()).isZero();
                    assertThat(l.get("sampled")).isEqualTo(false);
                }
                Map<String, Object> idle = t.getMap("links.find { it.linkId == '" + lab.link3 + "' }");
                assertThat(((Number) ((Map<?, ?>) idle.get("aToB")).get("pps")).doubleValue()).isZero();
                assertThat(t.getString("lab.state")).isEqualTo("traffic");
                assertThat(t.getList("links.find { it.linkId == '" + lab.link1 + "' }.topIps.address"))
                        .contains("10.0.0.1", "10.0.0.2");
            });
            // the 1 s history holds the lab's recent seconds
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(given()
                    .queryParam("resolution", "1s").queryParam("linkId", lab.link1)
                    .get("/api/v1/monitoring/labs/" + lab.projectId + "/traffic/history")
                    .then().statusCode(200).extract().jsonPath().getList("findAll { it.pps > 0 }")).isNotEmpty());
        }
        assertThat(MonitoringStandIn.captureStarts() - startsBefore).isEqualTo(2); // not the user's link
        lab.unselect();
        await().atMost(Duration.ofSeconds(15)).until(() -> !capturing(lab.projectId, lab.link1)
                && !capturing(lab.projectId, lab.link2));
        assertThat(capturing(lab.projectId, lab.link3)).as("the user's capture still runs").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> MonitoringStandIn.simulator().openPcapStreams() == 0);
    }

    @Test
    void selectionsRefuseBadBodiesAndUnknownLabs() {
        given().contentType("application/json").body("{\"priority\":1}").post("/api/v1/monitoring/selections")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations[0].field", equalTo("projectId"));
        given().contentType("application/json").body("{\"projectId\":\"x\"}").post("/api/v1/monitoring/selections")
                .then().statusCode(400).body("violations[0].field", equalTo("projectId"));
        given().contentType("application/json").body("{\"projectId\":\"" + UUID.randomUUID() + "\",\"priority\":\"high\"}")
                .post("/api/v1/monitoring/selections").then().statusCode(400)
                .body("violations[0].field", equalTo("priority"));
        given().contentType("application/json").body("{\"projectId\":\"" + UUID.randomUUID() + "\"}")
                .post("/api/v1/monitoring/selections").then().statusCode(404).contentType("application/problem+json");
        given().contentType("application/json").body("[1,2]").post("/api/v1/monitoring/selections")
                .then().statusCode(400);
        given().contentType("application/json").body("{\"projectId\":").post("/api/v1/monitoring/selections")
                .then().statusCode(400).contentType("application/problem+json");
        given().delete("/api/v1/monitoring/selections/" + UUID.randomUUID()).then().statusCode(404);
        given().contentType("application/json").body("{\"enabled\":\"yes\"}").post("/api/v1/monitoring/auto-switch")
                .then().statusCode(400).body("violations[0].field", equalTo("enabled"));
        given().queryParam("resolution", "5s").get("/api/v1/monitoring/labs/" + UUID.randomUUID() + "/traffic/history")
                .then().statusCode(400).body("violations[0].field", equalTo("resolution"));
        given().get("/api/v1/monitoring/labs/" + UUID.randomUUID() + "/traffic").then().statusCode(404);
        given().queryParam("limit", 0).get("/api/v1/monitoring/switches").then().statusCode(400);
    }
}
