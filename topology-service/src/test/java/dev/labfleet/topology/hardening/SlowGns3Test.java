package dev.labfleet.topology.hardening;

import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * GNS3 as slow as real images make it: a node start that GNS3 answers after 65 s (over the HTTP client's old
 * one-minute connection idle timeout, and over any 30 s default) is answered, because every timeout between
 * topology-service and GNS3 sits above the operation's own (labfleet.topology.gateway.lifecycle-timeout, 6 min).
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class SlowGns3Test {

    @AfterEach
    void noMoreFaults() {
        LabStandIn.simulator().faults().clear();
    }

    @Test
    void aNodeStartGns3Answers65sLaterIsAStartedNode() {
        String lab = SimLabs.project();
        String pc = SimLabs.node(lab, "PC1", "vpcs");
        LabStandIn.simulator().faults().latency("POST /v2/projects/" + lab + "/nodes/*/start", 65_000);

        // this test's own client waits longer than Quarkus' 30 s test default
        given().config(RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                        .setParam("http.socket.timeout", 120_000)))
                .when().post("/api/v1/projects/" + lab + "/nodes/" + pc + "/start")
                .then().statusCode(200).body("status", equalTo("started"));
    }
}
