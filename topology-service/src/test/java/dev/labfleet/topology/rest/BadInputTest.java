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

    @Test
    void nodeNamesFollowTheOneNameRuleAtTheEdge() {
        String lab = SimLabs.project();
        String nodes = "/api/v1/projects/" + lab + "/nodes";
        for (String name : new String[]{"PC\u00001", "PC\u200f1", "n".repeat(101), " PC1"}) {
            given().contentType("application/json").body(java.util.Map.of("name", name, "node_type", "vpcs"))
                    .post(nodes).then().statusCode(400).contentType("application/problem+json")
                    .body("violations.field", hasItem("name"));
        }
        String pc = SimLabs.node(lab, "PC1", "vpcs");
        given().contentType("application/json").body(java.util.Map.of("name", "PC\u00002"))
                .put(nodes + "/" + pc).then().statusCode(400).body("violations.field", hasItem("name"));
        // a spec holding such a name is refused whole, so an exported spec always passes its own validation
        given().contentType("application/json").queryParam("dryRun", true)
                .body("{\"nodes\": [{\"name\": \"PC\\u202e1\", \"node_type\": \"vpcs\"}]}")
                .put("/api/v1/projects/" + lab + "/topology").then().statusCode(400)
                .body("violations.field", hasItem("nodes[0].name"))
                .body("violations.message", hasItem(containsString("U+202E")));
    }

    @Test
    void theIdentityHeaderIsCheckedLikeAField() {
        String lab = SimLabs.project();
        given().contentType("application/json").header("X-Labfleet-User", "u".repeat(10_000))
                .body("{\"nodes\": []}").put("/api/v1/projects/" + lab + "/topology")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("X-Labfleet-User")).body(not(containsString("uuuuuuuuuu")));
    }

    @Test
    void unreadableSpecsAreDescribedWithoutJavaTypes() {
        String lab = SimLabs.project();
        given().contentType("application/json").queryParam("dryRun", true).body("{\"nodes\": {\"a\": 1}}")
                .put("/api/v1/projects/" + lab + "/topology").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("nodes: expected a list, found an object"))
                .body(not(containsString("dev.labfleet"))).body(not(containsString("java.util")))
                .body(not(containsString("TopologySpec")));
        given().contentType("application/json").queryParam("dryRun", true).body("[1, 2]")
                .put("/api/v1/projects/" + lab + "/topology").then().statusCode(400)
                .body("detail", containsString("expected an object, found a list"))
                .body(not(containsString("TopologySpec")));
        given().contentType("application/json").queryParam("dryRun", true).body("{\"nodes\": [")
                .put("/api/v1/projects/" + lab + "/topology").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("malformed JSON at line 1"))
                .body(not(containsString("Source"))).body(not(containsString("REDACTED")));
        given().contentType("application/json").body("{\"name\": [1]}")
                .post("/api/v1/projects/" + lab + "/nodes").then().statusCode(400)
                .body("detail", containsString("name: expected a string, found a list"))
                .body(not(containsString("CreateNodeRequest")));
    }
}
