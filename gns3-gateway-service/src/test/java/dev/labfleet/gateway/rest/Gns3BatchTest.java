package dev.labfleet.gateway.rest;

import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** {@code POST /api/v1/servers/{id}/batch}: many GNS3 calls in one request, each with its own result. */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class Gns3BatchTest {

    String base;
    String projectId;

    @BeforeEach
    void project() {
        base = "/api/v1/servers/" + Api.server("sim-a", Simulators.a().baseUrl());
        projectId = Api.project(base, "batch-");
    }

    @AfterEach
    void clear() {
        Simulators.a().faults().clear();
    }

    private static Map<String, Object> op(String id, String method, String path, Object body) {
        Map<String, Object> op = new java.util.LinkedHashMap<>(Map.of("id", id, "method", method, "path", path));
        if (body != null) {
            op.put("body", body);
        }
        return op;
    }

    private static Map<String, Object> end(String nodeId, int port) {
        return Map.of("node_id", nodeId, "adapter_number", 0, "port_number", port);
    }

    /** A caller that closes its connection (its replica died, its client gave up) stops the batch at the gateway. */
    @Test
    void aBatchWhoseCallerWentAwaySendsNoFurtherCall() throws Exception {
        String p = "/projects/" + projectId;
        Simulators.a().faults().latency("POST /v2/projects/" + projectId + "/nodes", 1_000);
        List<Map<String, Object>> ops = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ops.add(op("pc" + i, "POST", p + "/nodes", Map.of("node_id", UUID.randomUUID().toString(),
                    "name", "PC" + i, "node_type", "vpcs", "compute_id", "local")));
        }
        byte[] body = new com.fasterxml.jackson.databind.ObjectMapper()
                .writeValueAsBytes(Map.of("operations", ops, "concurrency", 1));
        String creates = "POST /v2/projects/{project_id}/nodes";
        long before = Simulators.a().requests().count(creates);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST " + base + "/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> Simulators.a().requests().count(creates) - before >= 1);
        }
        // one call a second if the batch went on; the one in flight (and at most one racing the close) ends
        org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(5)).atMost(java.time.Duration.ofSeconds(7))
                .until(() -> Simulators.a().requests().count(creates) - before <= 2);
        Api.json().get(base + "/projects/" + projectId + "/nodes").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.lessThanOrEqualTo(2));
    }

    @Test
    void nodesThenTheirLinksInOneBatchEachCallAnswered() {
        String p = "/projects/" + projectId;
        String pc1 = UUID.randomUUID().toString();
        String pc2 = UUID.randomUUID().toString();
        String sw = UUID.randomUUID().toString();
        List<Map<String, Object>> ops = new ArrayList<>(List.of(
                op("pc1", "POST", p + "/nodes", Map.of("node_id", pc1, "name", "PC1", "node_type", "vpcs",
                        "compute_id", "local")),
                op("pc2", "POST", p + "/nodes", Map.of("node_id", pc2, "name", "PC2", "node_type", "vpcs",
                        "compute_id", "local")),
                op("sw", "POST", p + "/nodes", Map.of("node_id", sw, "name", "SW1", "node_type", "ethernet_switch",
                        "compute_id", "local")),
                // each link waits for the creates of its nodes, listed before it (calls on one node run in order)
                op("l1", "POST", p + "/links", Map.of("link_id", UUID.randomUUID().toString(),
                        "nodes", List.of(end(pc1, 0), end(sw, 1)))),
                op("l2", "POST", p + "/links", Map.of("nodes", List.of(end(pc2, 0), end(sw, 2)))),
                // PC1's only port is taken by l1: GNS3's 409, for this call only
                op("used", "POST", p + "/links", Map.of("nodes", List.of(end(pc1, 0), end(sw, 3)))),
                op("missing", "GET", p + "/nodes/" + UUID.randomUUID(), null),
                op("move", "PUT", p + "/nodes/" + pc2, Map.of("x", 40, "y", -20))));

        Api.json().body(Map.of("operations", ops, "concurrency", 4)).post(base + "/batch").then().statusCode(200)
                .body("succeeded", equalTo(6)).body("failed", equalTo(2))
                .body("results.id", equalTo(List.of("pc1", "pc2", "sw", "l1", "l2", "used", "missing", "move")))
                .body("results.status", equalTo(List.of(201, 201, 201, 201, 201, 409, 404, 200)))
                .body("results[0].body.node_id", equalTo(pc1))
                .body("results[0].body.console_type", equalTo("telnet"))
                .body("results[3].body.nodes.node_id", containsInAnyOrder(pc1, sw))
                .body("results[5].problem.status", equalTo(409))
                .body("results[5].problem.detail", containsString("Port is already used"))
                .body("results[5].body", nullValue())
                .body("results[6].problem.status", equalTo(404))
                .body("results[7].body.x", equalTo(40));

        Api.json().get(base + p + "/nodes").then().statusCode(200).body("name", containsInAnyOrder("PC1", "PC2", "SW1"));
        Api.json().get(base + p + "/links").then().statusCode(200).body("$", hasSize(2));
        // every call of a batch is metered as the single call would be
        assertThat(metrics()).containsPattern("gns3_api_requests_total\\{operation=\"links.create\",server=\"[^\"]+\",status=\"409\"} 1");
    }

    @Test
    void anInvalidOperationFailsTheWholeBatchWithEveryPathAndRunsNothing() {
        String p = "/projects/" + projectId;
        // the health monitor keeps reading /version and /computes meanwhile: count what a batch could have called
        long writes = Simulators.a().requests().writes();
        long nodeReads = Simulators.a().requests().count("GET /v2/projects/{project_id}/nodes/{node_id}");
        Api.json().body(Map.of("operations", List.of(
                        op("a", "POST", p + "/nodes", Map.of("name", "X", "node_type", "vpcs", "compute_id", "local")),
                        op("a", "PATCH", p + "/nodes", null),
                        op("c", "GET", "/projects/" + projectId + "/../../computes", null),
                        op("d", "DELETE", "/projects/" + projectId, null),
                        op(" ", "POST", p + "/links", List.of(1, 2))),
                "concurrency", 0)).post(base + "/batch")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItems("concurrency", "operations[1].id", "operations[1].method",
                        "operations[2].path", "operations[3].path", "operations[4].id", "operations[4].body"))
                .body("violations.field", not(hasItems("operations[0].id")));
        Api.json().body(Map.of("operations", List.of())).post(base + "/batch").then().statusCode(400)
                .body("violations[0].field", equalTo("operations"));
        Api.json().body("{\"operations\": [{\"id\": \"a\",").post(base + "/batch").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("malformed JSON"));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i <= 5_000; i++) {
            tooMany.add(op("n" + i, "GET", p + "/nodes/" + UUID.randomUUID(), null));
        }
        Api.json().body(Map.of("operations", tooMany)).post(base + "/batch").then().statusCode(400)
                .body("violations[0].field", equalTo("operations"))
                .body("violations[0].message", containsString("at most 5000"));
        Api.json().body(Map.of("operations", List.of(op("x", "GET", p + "/nodes/" + UUID.randomUUID(), null))))
                .post("/api/v1/servers/" + UUID.randomUUID() + "/batch").then().statusCode(404);
        assertThat(Simulators.a().requests().writes() - writes).as("GNS3 writes made by rejected batches").isZero();
        assertThat(Simulators.a().requests().count("GET /v2/projects/{project_id}/nodes/{node_id}") - nodeReads)
                .as("GNS3 node reads made by rejected batches").isZero();
        Api.json().get(base + p + "/nodes").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void fieldsKeepOnlyTheAskedForKeysOfEachAnswerBody() {
        String p = "/projects/" + projectId;
        String pc = UUID.randomUUID().toString();
        Api.json().body(Map.of("fields", List.of("node_id", "name"), "operations", List.of(
                        op("pc", "POST", p + "/nodes", Map.of("node_id", pc, "name", "PC1", "node_type", "vpcs",
                                "compute_id", "local")),
                        op("again", "POST", p + "/nodes", Map.of("node_id", pc, "name", "PC1", "node_type", "vpcs",
                                "compute_id", "local")),
                        op("read", "GET", p + "/nodes/" + pc, null))))
                .post(base + "/batch").then().statusCode(200)
                .body("results.status", equalTo(List.of(201, 409, 200)))
                .body("results[0].body.keySet()", containsInAnyOrder("node_id", "name"))
                .body("results[0].body.node_id", equalTo(pc))
                .body("results[2].body.name", equalTo("PC1"))
                // a problem is never cut
                .body("results[1].problem.detail", not(nullValue()));
        Api.json().body(Map.of("fields", java.util.Arrays.asList("name", " "), "operations",
                        List.of(op("read", "GET", p + "/nodes/" + pc, null))))
                .post(base + "/batch").then().statusCode(400).body("violations.field", equalTo(List.of("fields[1]")));
    }

    @Test
    void aFailingCallIsA502WithoutGns3sTracebackAndTheOthersSucceed() {
        String p = "/projects/" + projectId;
        Simulators.a().faults().errors("POST /v2/projects/*/drawings", 1.0);
        Api.json().body(Map.of("operations", List.of(
                        op("drawing", "POST", p + "/drawings", Map.of("svg", "<svg></svg>", "x", 1, "y", 1)),
                        op("node", "POST", p + "/nodes", Map.of("name", "PC9", "node_type", "vpcs",
                                "compute_id", "local")))))
                .post(base + "/batch").then().statusCode(200)
                .body("results.status", equalTo(List.of(502, 201)))
                .body("results[0].problem.detail", containsString("failed on drawings.create"))
                .body(not(containsString("Traceback")))
                .body(not(containsString("File \"")));
        // a create without a client-chosen id is not retried: exactly one attempt reached GNS3
        assertThat(Simulators.a().requests().count("POST /v2/projects/{project_id}/drawings")).isGreaterThanOrEqualTo(1);
    }

    private static String metrics() {
        return io.restassured.RestAssured.given().get("/q/metrics").asString();
    }
}
