package dev.labfleet.topology.rest;

import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/** What GNS3 holds is read tolerantly; what clients send is refused precisely, in the API's own words. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class BadInputTest {

    private static final String HUGE = "99999999999999999999";

    @Test
    void aNodeWithAHugePositionWrittenByAnotherGns3ClientLeavesTheLabReadable() {
        String lab = SimLabs.project();
        String pc = SimLabs.node(lab, "PC1", "vpcs");
        SimLabs.node(lab, "PC2", "vpcs");
        SimLabs.gns3().body("{\"x\": " + HUGE + ", \"y\": 7, \"z\": " + HUGE + "}")
                .put("/v2/projects/" + lab + "/nodes/" + pc).then().statusCode(200);

        String nodes = "/api/v1/projects/" + lab + "/nodes";
        given().get(nodes).then().statusCode(200).body("name", hasItem("PC1"))
                .body("find { it.name == 'PC1' }.y", equalTo(7));
        given().get(nodes + "/" + pc).then().statusCode(200).body("name", equalTo("PC1"))
                .body("$", not(org.hamcrest.Matchers.hasKey("x")));
        given().get(nodes + "/" + pc + "/console").then().statusCode(200).body("type", equalTo("telnet"));
        given().accept("application/json").get("/api/v1/projects/" + lab + "/topology").then().statusCode(200)
                .body("nodes.name", hasItem("PC1")).body(not(containsString(HUGE)));
    }
}
