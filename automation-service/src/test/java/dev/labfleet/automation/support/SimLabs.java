package dev.labfleet.automation.support;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Labs made straight on the simulated GNS3, as a GNS3 user would, for tests to run scripts on. */
public final class SimLabs {

    private SimLabs() {
    }

    public static RequestSpecification gns3() {
        return given().baseUri(LabStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    /** A lab: its id and its VPCS' ids by name ({@code PC1}...). */
    public record Lab(String projectId, Map<String, String> nodes) {
        public String node(String name) {
            return nodes.get(name);
        }
    }

    /**
     * {@code count} VPCS named PC1..PCn, wired in pairs (PC1-PC2, PC3-PC4...) and started: each can ping its pair.
     */
    public static Lab pairs(int count) {
        String projectId = gns3().body(Map.of("name", "auto-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        Map<String, String> nodes = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            String id = gns3().body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201).extract().path("node_id");
            nodes.put("PC" + i, id);
        }
        List<String> ids = new ArrayList<>(nodes.values());
        for (int i = 0; i + 1 < ids.size(); i += 2) {
            gns3().body(Map.of("nodes", List.of(
                            Map.of("node_id", ids.get(i), "adapter_number", 0, "port_number", 0),
                            Map.of("node_id", ids.get(i + 1), "adapter_number", 0, "port_number", 0))))
                    .when().post("/v2/projects/" + projectId + "/links").then().statusCode(201);
        }
        gns3().when().post("/v2/projects/" + projectId + "/nodes/start").then().statusCode(204);
        return new Lab(projectId, nodes);
    }

    public static void stop(Lab lab, String name) {
        gns3().when().post("/v2/projects/" + lab.projectId() + "/nodes/" + lab.node(name) + "/stop")
                .then().statusCode(200);
    }

    /** The node's telnet console port. */
    public static int console(Lab lab, String name) {
        return gns3().when().get("/v2/projects/" + lab.projectId() + "/nodes/" + lab.node(name))
                .then().statusCode(200).extract().path("console");
    }
}
