package dev.labfleet.monitoring.rest;

import dev.labfleet.monitoring.support.Labs;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;

/** A lab's health score with its reasons, and the service's gauges on /q/metrics. */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class HealthAndMetricsTest {

    @Test
    void aSuspendedLinkLowersTheLabsHealthWithAReasonAndGaugesAreExposed() {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        String p = Labs.project();
        String a = Labs.vpcs(p, "PC1");
        String b = Labs.vpcs(p, "PC2");
        String link = Labs.link(p, a, 0, b, 0);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p + "/health")
                .then().statusCode(200).body("score", equalTo(100)));
        Labs.gns3().body("{\"suspend\": true}").put("/v2/projects/" + p + "/links/" + link).then().statusCode(201);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p + "/health")
                .then().statusCode(200).body("score", lessThan(100)).body("suspendedLinks", equalTo(1))
                .body("reasons", hasItem("1 link(s) suspended")));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/metrics").then()
                .body(containsString("monitoring_server_up{")).body(containsString("monitoring_labs{"))
                .body(containsString("monitoring_ws_clients")).body(containsString("monitoring_anomalies_open")));
        given().get("/api/v1/monitoring/labs/bad/health").then().statusCode(400);
    }
}
