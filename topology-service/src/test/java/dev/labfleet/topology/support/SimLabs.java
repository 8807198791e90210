package dev.labfleet.topology.support;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Labs made straight on the simulated GNS3, as a GNS3 user would, for tests to work on. */
public final class SimLabs {

    private SimLabs() {
    }

    public static RequestSpecification gns3() {
        return given().baseUri(LabStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    /** A new empty, opened project; its id. */
    public static String project() {
        return gns3().body(Map.of("name", "topo-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
    }

    /** A node made on GNS3; its id. */
    public static String node(String projectId, String name, String nodeType) {
        return gns3().body(Map.of("name", name, "node_type", nodeType, "compute_id", "local"))
                .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201).extract().path("node_id");
    }

    /** A link made on GNS3; its id. */
    public static String link(String projectId, String nodeA, int adapterA, int portA, String nodeB, int adapterB,
                              int portB) {
        return gns3().body(Map.of("nodes", List.of(
                        Map.of("node_id", nodeA, "adapter_number", adapterA, "port_number", portA),
                        Map.of("node_id", nodeB, "adapter_number", adapterB, "port_number", portB))))
                .when().post("/v2/projects/" + projectId + "/links").then().statusCode(201).extract().path("link_id");
    }
}
