package dev.labfleet.topology.rest;

import dev.labfleet.topology.support.LabStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** A live lab (on a simulated GNS3) read back as a spec in every format, and plans against it. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class LabTopologyResourceTest {

    private static RequestSpecification gns3() {
        return given().baseUri(LabStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    /** PC1, PC2 and SW1 with two links, made straight on GNS3. */
    private static String lab() {
        String id = gns3().body(Map.of("name", "topo-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        String sw = gns3().body(Map.of("name", "SW1", "node_type", "ethernet_switch", "compute_id", "local"))
                .when().post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
        for (int i = 1; i <= 2; i++) {
            String pc = gns3().body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local", "x", i * 100))
                    .when().post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
            gns3().body(Map.of("nodes", List.of(Map.of("node_id", pc, "adapter_number", 0, "port_number", 0),
                            Map.of("node_id", sw, "adapter_number", 0, "port_number", i))))
                    .when().post("/v2/projects/" + id + "/links").then().statusCode(201);
        }
        return id;
    }

    @Test
    void liveLabReadsBackAsASpecInEveryFormat() {
        String id = lab();
        given().when().get("/api/v1/projects/" + id + "/topology").then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("nodes.name", containsInAnyOrder("PC1", "PC2", "SW1"))
                .body("links", hasSize(2));
        given().queryParam("format", "graphml").when().get("/api/v1/projects/" + id + "/topology")
                .then().statusCode(200).body(containsString("<graphml"));
        given().queryParam("format", "mermaid").when().get("/api/v1/projects/" + id + "/topology")
                .then().statusCode(200).body(containsString("PC1"));
        given().queryParam("format", "visio").when().get("/api/v1/projects/" + id + "/topology")
                .then().statusCode(400).body("violations[0].field", equalTo("format"));
    }

    @Test
    void planningTheLabsOwnSpecChangesNothingAndANewNodeIsOneCreate() {
        String id = lab();
        String spec = given().when().get("/api/v1/projects/" + id + "/topology").then().statusCode(200)
                .extract().asString();
        given().contentType(ContentType.JSON).queryParam("dryRun", true).body(spec)
                .when().put("/api/v1/projects/" + id + "/topology")
                .then().statusCode(200)
                .body("summary.nodesToCreate", equalTo(0)).body("summary.nodesToUpdate", equalTo(0))
                .body("summary.nodesToDelete", equalTo(0)).body("summary.linksToCreate", equalTo(0))
                .body("summary.linksToDelete", equalTo(0));

        String bigger = spec.replaceFirst("\"nodes\"\\s*:\\s*\\[", "\"nodes\":[{\"name\":\"PC9\",\"node_type\":\"vpcs\"},");
        given().contentType(ContentType.JSON).queryParam("dryRun", true).body(bigger)
                .when().put("/api/v1/projects/" + id + "/topology")
                .then().statusCode(200).body("summary.nodesToCreate", equalTo(1))
                .body("nodes.find { it.action == 'CREATE' }.name", equalTo("PC9"));
    }

    @Test
    void invalidSpecsAndUnknownLabsAreProblems() {
        String id = lab();
        given().contentType("application/yaml").queryParam("dryRun", true)
                .body("nodes:\n  - name: A\n    node_type: toaster\n  - name: A\n    node_type: vpcs\n"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().put("/api/v1/projects/" + id + "/topology")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(2));
        given().when().get("/api/v1/projects/" + UUID.randomUUID() + "/topology").then().statusCode(404);
    }
}
