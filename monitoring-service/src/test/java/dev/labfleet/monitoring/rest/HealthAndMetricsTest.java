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
import static org.hamcrest.Matchers.nullValue;
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

    /** Drift from the topology last applied (topology-service's report) costs points per difference, with reasons. */
    @Test
    void driftFromTheAppliedTopologyLowersTheLabsHealthWithTheDifferences() {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        String p = Labs.project();
        Labs.vpcs(p, "PC1");
        // never applied: topology-service answers 404, no drift and no deduction
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p + "/health")
                .then().statusCode(200).body("score", equalTo(100)).body("driftDifferences", nullValue()));
        dev.labfleet.monitoring.support.TopologyStandIn.drift(p, "{\"projectId\":\"" + p + "\",\"inSync\":false,"
                + "\"differences\":[{\"kind\":\"node\",\"name\":\"PC2\",\"field\":null,\"expected\":\"present\","
                + "\"actual\":\"missing\",\"description\":\"node PC2 is missing\"},"
                + "{\"kind\":\"node\",\"name\":\"PC1\",\"field\":\"ram\",\"expected\":256,\"actual\":128}]}");
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p + "/health")
                    .then().statusCode(200).body("score", equalTo(90)).body("driftDifferences", equalTo(2))
                    .body("reasons", hasItem("2 difference(s) from the topology last applied: node PC2 is missing; "
                            + "node PC1 ram: expected 256, is 128")));
            // back in sync: the points come back
            dev.labfleet.monitoring.support.TopologyStandIn.drift(p, "{\"projectId\":\"" + p + "\",\"inSync\":true,"
                    + "\"differences\":[]}");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p + "/health")
                    .then().statusCode(200).body("score", equalTo(100)).body("driftDifferences", equalTo(0)));
        } finally {
            dev.labfleet.monitoring.support.TopologyStandIn.drift(p, null);
        }
    }
}
