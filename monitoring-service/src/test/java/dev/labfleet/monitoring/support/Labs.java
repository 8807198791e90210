package dev.labfleet.monitoring.support;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Labs on the simulated GNS3 for tests: made on GNS3 directly, driven through the gateway's API. */
public final class Labs {

    private Labs() {
    }

    public static RequestSpecification gns3() {
        return given().baseUri(MonitoringStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    /** The gateway's API for the simulated server. */
    public static RequestSpecification gateway() {
        return given().baseUri(MonitoringStandIn.gatewayUrl()).basePath("/api/v1/servers/" + MonitoringStandIn.SERVER_ID)
                .contentType(ContentType.JSON);
    }

    public static String project() {
        String id = gns3().body(Map.of("name", "mon-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        MonitoringStandIn.follow(id);
        return id;
    }

    public static String vpcs(String projectId, String name) {
        return gns3().body(Map.of("name", name, "node_type", "vpcs", "compute_id", "local"))
                .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201).extract().path("node_id");
    }

    public static String node(String projectId, String name, String type) {
        return gns3().body(Map.of("name", name, "node_type", type, "compute_id", "local"))
                .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201).extract().path("node_id");
    }

    public static String link(String projectId, String a, int portA, String b, int portB) {
        return gns3().body(Map.of("nodes", List.of(
                        Map.of("node_id", a, "adapter_number", 0, "port_number", portA),
                        Map.of("node_id", b, "adapter_number", 0, "port_number", portB))))
                .when().post("/v2/projects/" + projectId + "/links").then().statusCode(201).extract().path("link_id");
    }

    public static void start(String projectId, String nodeId) {
        gateway().body("{}").when().post("/projects/" + projectId + "/nodes/" + nodeId + "/start")
                .then().statusCode(200);
    }

    public static void stop(String projectId, String nodeId) {
        gateway().body("{}").when().post("/projects/" + projectId + "/nodes/" + nodeId + "/stop")
                .then().statusCode(200);
    }

    /** Stops a node on GNS3 directly: behind the suite's back. */
    public static void stopBehindTheBack(String projectId, String nodeId) {
        gns3().body("{}").when().post("/v2/projects/" + projectId + "/nodes/" + nodeId + "/stop").then().statusCode(200);
    }

    /** Types commands on a started VPCS' console (e.g. {@code ip 10.0.0.1/24}, {@code ping 10.0.0.2 -c 50}). */
    public static Socket console(String projectId, String nodeId, String... commands) throws Exception {
        int port = gns3().when().get("/v2/projects/" + projectId + "/nodes/" + nodeId).then().statusCode(200)
                .extract().path("console");
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        for (String c : commands) {
            out.write((c + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                while (in.read() >= 0) {
                    // drain: VPCS output is not checked here
                }
            } catch (Exception ignored) {
                // closed
            }
        });
        reader.setDaemon(true);
        reader.start();
        return socket;
    }
}
