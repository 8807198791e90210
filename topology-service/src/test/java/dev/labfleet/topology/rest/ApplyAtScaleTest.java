package dev.labfleet.topology.rest;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.ScaleLab;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The acceptance lab through the service: 1,000 nodes and 1,500 links applied to a simulated GNS3, re-applied with
 * zero GNS3 writes, then with 10 links changed applied as exactly those changes. Counted by the simulator.
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class ApplyAtScaleTest {

    /**
     * Applies and follows the apply to its end (the test client's read timeout is shorter than a 2,500-change apply
     * on a loaded machine, so it polls the operation rather than waiting on one request).
     */
    private static io.restassured.response.Response applied(String id, String spec) {
        String location = given().contentType(ContentType.JSON).body(spec).put("/api/v1/projects/" + id + "/topology")
                .then().statusCode(202).extract().header("Location");
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() ->
                !"RUNNING".equals(given().get(location).then().statusCode(200).extract().path("status")));
        return given().get(location);
    }

    @Test
    void aThousandNodesThenNoWriteThenExactlyTheTenChangedLinks() {
        Gns3Simulator gns3 = LabStandIn.simulator();
        String id = given().baseUri(gns3.baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("name", "scale-" + UUID.randomUUID())).post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        String spec = SpecCodec.write(ScaleLab.spec(), SpecCodec.Format.JSON);

        long before = gns3.requests().writes();
        applied(id, spec).then().body("status", equalTo("APPLIED")).body("done", equalTo(2_500));
        assertThat(gns3.requests().writes() - before).as("writes of the first apply").isEqualTo(2_500);
        given().baseUri(gns3.baseUrl()).get("/v2/projects/" + id + "/links").then().body("size()", equalTo(1_500));

        before = gns3.requests().writes();
        applied(id, spec).then().body("status", equalTo("UNCHANGED"));
        assertThat(gns3.requests().writes() - before).as("writes of a re-apply").isZero();

        String changed = SpecCodec.write(ScaleLab.tenLinksChanged(ScaleLab.spec()), SpecCodec.Format.JSON);
        before = gns3.requests().writes();
        applied(id, changed).then().body("status", equalTo("APPLIED"))
                .body("summary.linksToUpdate", equalTo(5)).body("summary.linksToCreate", equalTo(5))
                .body("summary.linksToDelete", equalTo(5)).body("summary.nodesToCreate", equalTo(0))
                .body("summary.nodesToUpdate", equalTo(0)).body("summary.nodesToDelete", equalTo(0));
        // 5 condition updates (PUT), 5 moved links (DELETE + POST)
        assertThat(gns3.requests().writes() - before).isEqualTo(15);
        given().get("/api/v1/projects/" + id + "/topology/drift").then().statusCode(200).body("inSync", equalTo(true));
    }
}
