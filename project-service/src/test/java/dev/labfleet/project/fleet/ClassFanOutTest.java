package dev.labfleet.project.fleet;

import dev.labfleet.project.support.FleetStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.labfleet.project.support.FleetStandIn.A;
import static dev.labfleet.project.support.FleetStandIn.B;
import static dev.labfleet.project.support.FleetStandIn.C;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * Classes: a lab copied 30 times over three simulated servers under a group quota of 30 labs (the 31st refused with
 * a problem naming the quota), a retried request making no further copy, copies that failed made again under the
 * same ids, pack placement, bad input refused before anything is copied, and the teardown of a class.
 */
@QuarkusTest
@QuarkusTestResource(value = FleetStandIn.class, restrictToAnnotatedClass = true)
class ClassFanOutTest {

    private static RequestSpecification gns3(UUID server) {
        return given().baseUri(FleetStandIn.simulator(server).baseUrl()).contentType(ContentType.JSON);
    }

    private static RequestSpecification gateway() {
        return given().baseUri(FleetStandIn.facade().baseUrl()).contentType(ContentType.JSON);
    }

    @AfterEach
    void clearFaults() {
        for (UUID s : new UUID[] {A, B, C}) {
            gateway().post("/api/v1/servers/" + s + "/undrain").then().statusCode(200);
            FleetStandIn.simulator(s).faults().clear();
        }
    }

    /** A lab on A with two VPCS linked: the source of a class. */
    private static String source(String name) {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", name, "serverId", A.toString()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        String pc1 = gns3(A).body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                .post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
        String pc2 = gns3(A).body(Map.of("name", "PC2", "node_type", "vpcs", "compute_id", "local"))
                .post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
        gns3(A).body(Map.of("nodes", List.of(Map.of("node_id", pc1, "adapter_number", 0, "port_number", 0),
                        Map.of("node_id", pc2, "adapter_number", 0, "port_number", 0))))
                .post("/v2/projects/" + id + "/links").then().statusCode(201);
        return id;
    }

    private static Map<String, Object> awaitClass(String classId, String state) {
        return await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(
                () -> given().when().get("/api/v1/classes/" + classId).then().statusCode(200).extract().jsonPath()
                        .getMap(""),
                c -> state.equals(c.get("state")));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> copies(Map<String, Object> view) {
        return (List<Map<String, Object>>) view.get("copies");
    }

    private static int labsTagged(String tag) {
        return given().queryParam("tag", tag).queryParam("limit", 200).when().get("/api/v1/projects")
                .then().statusCode(200).extract().jsonPath().getList("items").size();
    }

    @Test
    void thirtyCopiesWithinTheGroupQuotaTheThirtyFirstRefusedARetryMakesNoMoreAndTeardownRemovesThem() {
        String group = "ccna-" + UUID.randomUUID().toString().substring(0, 8);
        String lab = source("class-source-" + UUID.randomUUID());
        given().contentType(ContentType.JSON).body(Map.of("maxLabs", 30))
                .when().put("/api/v1/quotas/group/" + group).then().statusCode(200)
                .body("maxLabs", equalTo(30)).body("usage.labs", equalTo(0));

        String classId = UUID.randomUUID().toString();
        Map<String, Object> request = new HashMap<>(Map.of("classId", classId, "count", 30,
                "namePattern", group + "-lab-{n}", "group", group, "start", true, "startBatchSize", 2,
                "startDelayMs", 0, "placement", "spread"));
        given().contentType(ContentType.JSON).body(request)
                .when().post("/api/v1/projects/" + lab + "/copies")
                .then().statusCode(202).header("Location", containsString("/api/v1/classes/" + classId))
                .body("count", equalTo(30)).body("nodesPerCopy", equalTo(2)).body("copies.size()", equalTo(30));

        Map<String, Object> done = awaitClass(classId, "finished");
        assertThat(done.get("done")).as("class %s", done).isEqualTo(30);
        assertThat(done.get("failed")).isEqualTo(0);
        @SuppressWarnings("unchecked")
        Map<String, Integer> servers = (Map<String, Integer>) done.get("servers");
        assertThat(servers.keySet()).as("spread over every server").containsExactlyInAnyOrder(A.toString(),
                B.toString(), C.toString());
        assertThat(servers.values()).allSatisfy(n -> assertThat(n).isBetween(5, 15));

        Set<String> ids = new HashSet<>();
        for (Map<String, Object> copy : copies(done)) {
            String id = (String) copy.get("projectId");
            UUID server = UUID.fromString((String) copy.get("serverId"));
            ids.add(id);
            assertThat(copy.get("name")).isEqualTo(group + "-lab-" + copy.get("index"));
            boolean autoClose = gns3(server).get("/v2/projects/" + id).then().statusCode(200)
                    .body("status", equalTo("opened")).extract().path("auto_close");
            gns3(server).get("/v2/projects/" + id + "/nodes").then().statusCode(200).body("size()", equalTo(2))
                    .body("status", everyItem(equalTo("started")));
            gns3(server).get("/v2/projects/" + id + "/links").then().statusCode(200).body("size()", equalTo(1));
            // the record says what GNS3 imported from the source's archive (labs default to no auto-close)
            assertThat(autoClose).as("auto_close of copy %s on GNS3", id).isFalse();
            given().when().get("/api/v1/projects/" + id + "?counts=false").then().statusCode(200)
                    .body("autoClose", equalTo(false))
                    .body("serverId", equalTo(server.toString())).body("tags", org.hamcrest.Matchers.hasItems(
                            "group:" + group, "class:" + classId));
        }
        assertThat(ids).hasSize(30);
        given().when().get("/api/v1/quotas/group/" + group).then().statusCode(200)
                .body("usage.labs", equalTo(30)).body("usage.nodes", equalTo(60)).body("usage.runningNodes", equalTo(60));

        // the same request again (a client retrying after a lost answer): the same class, no further copy
        given().contentType(ContentType.JSON).body(request)
                .when().post("/api/v1/projects/" + lab + "/copies")
                .then().statusCode(200).body("classId", equalTo(classId)).body("done", equalTo(30));
        assertThat(labsTagged("class:" + classId)).isEqualTo(30);
        // the same class id for another request is refused
        Map<String, Object> other = new HashMap<>(request);
        other.put("count", 29);
        given().contentType(ContentType.JSON).body(other).when().post("/api/v1/projects/" + lab + "/copies")
                .then().statusCode(409).contentType("application/problem+json").body("field", equalTo("classId"));

        // the 31st lab of the group: refused, saying which quota and by how much, and nothing is copied
        given().contentType(ContentType.JSON).body(Map.of("count", 1, "namePattern", group + "-extra-{n}",
                        "group", group))
                .when().post("/api/v1/projects/" + lab + "/copies")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://labfleet.dev/problems/quota-exceeded"))
                .body("quota", equalTo("labs")).body("scope", equalTo("group")).body("name", equalTo(group))
                .body("limit", equalTo(30)).body("used", equalTo(30)).body("requested", equalTo(1))
                .body("exceededBy", equalTo(1)).body("detail", containsString("exceeded by 1"));
        // a lab created in the group is refused the same way
        given().contentType(ContentType.JSON).body(Map.of("name", group + "-by-hand", "tags", List.of("group:" + group)))
                .when().post("/api/v1/projects").then().statusCode(409).body("quota", equalTo("labs"));
        assertThat(labsTagged("group:" + group)).isEqualTo(30);

        // teardown: every copy deleted on its server and here
        given().when().delete("/api/v1/classes/" + classId).then().statusCode(202).body("state", equalTo("deleting"));
        Map<String, Object> gone = awaitClass(classId, "deleted");
        assertThat(gone.get("deleted")).isEqualTo(30);
        for (Map<String, Object> copy : copies(gone)) {
            gns3(UUID.fromString((String) copy.get("serverId"))).get("/v2/projects/" + copy.get("projectId"))
                    .then().statusCode(404);
            given().when().get("/api/v1/projects/" + copy.get("projectId")).then().statusCode(404);
        }
        given().when().get("/api/v1/quotas/group/" + group).then().statusCode(200).body("usage.labs", equalTo(0));
        given().when().delete("/api/v1/quotas/group/" + group).then().statusCode(204);
    }

    @Test
    void failedCopiesAreMadeAgainUnderTheSameIdsNeverTwice() {
        String lab = source("class-retry-" + UUID.randomUUID());
        String prefix = "retry-" + UUID.randomUUID().toString().substring(0, 8);
        FleetStandIn.simulator(C).faults().errors("POST /v2/projects/*/import", 1.0);
        String classId = given().contentType(ContentType.JSON).body(Map.of("count", 6, "namePattern", prefix + "-{n}"))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(202).extract().path("classId");
        Map<String, Object> first = awaitClass(classId, "finished");
        List<Map<String, Object>> failed = copies(first).stream().filter(c -> "failed".equals(c.get("state"))).toList();
        assertThat(failed).as("copies placed on C fail: %s", first).isNotEmpty();
        assertThat(failed).allSatisfy(c -> {
            assertThat(c.get("serverId")).isEqualTo(C.toString());
            assertThat((String) c.get("error")).startsWith("import:");
        });
        assertThat(copies(first).stream().filter(c -> "done".equals(c.get("state"))).count())
                .isEqualTo(6 - failed.size());

        FleetStandIn.simulator(C).faults().clear();
        given().when().post("/api/v1/classes/" + classId + "/retry").then().statusCode(200);
        Map<String, Object> second = awaitClass(classId, "finished");
        assertThat(second.get("done")).as("class %s", second).isEqualTo(6);
        for (Map<String, Object> before : failed) {
            Map<String, Object> after = copies(second).stream().filter(c -> c.get("index").equals(before.get("index")))
                    .findFirst().orElseThrow();
            assertThat(after.get("projectId")).isEqualTo(before.get("projectId"));
            gns3(C).get("/v2/projects/" + after.get("projectId") + "/nodes").then().statusCode(200)
                    .body("size()", equalTo(2));
        }
        assertThat(labsTagged("class:" + classId)).isEqualTo(6);
        // copies left closed when not started
        gns3(C).get("/v2/projects/" + failed.get(0).get("projectId")).then().body("status", equalTo("closed"));
        long onC = gns3(C).get("/v2/projects").then().extract().jsonPath().getList("name", String.class).stream()
                .filter(n -> n.startsWith(prefix + "-")).count();
        assertThat(onC).isEqualTo(failed.size());
    }

    @Test
    void packFillsOneServerFirstAndBadInputCopiesNothing() {
        String lab = source("class-pack-" + UUID.randomUUID());
        String prefix = "pack-" + UUID.randomUUID().toString().substring(0, 8);
        String classId = given().contentType(ContentType.JSON).body(Map.of("count", 3, "namePattern", prefix + "-{n}",
                        "placement", "pack", "serverIds", List.of(B.toString(), C.toString())))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(202).extract().path("classId");
        Map<String, Object> done = awaitClass(classId, "finished");
        @SuppressWarnings("unchecked")
        Map<String, Integer> servers = (Map<String, Integer>) done.get("servers");
        assertThat(servers).as("pack: one server takes them all").hasSize(1);
        assertThat(servers.keySet()).allSatisfy(s -> assertThat(s).isIn(B.toString(), C.toString()));

        // the same names again without a class id: refused, naming them, nothing copied
        given().contentType(ContentType.JSON).body(Map.of("count", 3, "namePattern", prefix + "-{n}"))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(409)
                .body("field", equalTo("namePattern")).body("detail", containsString(prefix + "-1"));
        given().contentType(ContentType.JSON).body(Map.of("count", 3, "namePattern", "no-number"))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(400)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("count", 2, "namePattern", "x-{n}",
                        "owners", List.of("alice")))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(400)
                .body("detail", containsString("owners"));
        given().contentType(ContentType.JSON).body(Map.of("count", 2, "namePattern", "x-{n}", "placement", "random"))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("count", 2, "namePattern", "x-{n}"))
                .when().post("/api/v1/projects/" + UUID.randomUUID() + "/copies").then().statusCode(404);
        gateway().post("/api/v1/servers/" + B + "/drain").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("count", 2, "namePattern", prefix + "-d{n}",
                        "serverIds", List.of(B.toString())))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(409)
                .body("field", equalTo("serverIds[0]")).body("detail", containsString("draining"));
        given().contentType(ContentType.JSON).body(Map.of("count", 2, "namePattern", prefix + "-u{n}",
                        "serverIds", List.of(UUID.randomUUID().toString())))
                .when().post("/api/v1/projects/" + lab + "/copies").then().statusCode(404)
                .body("field", equalTo("serverIds[0]"));
        assertThat(labsTagged("class:" + classId)).isEqualTo(3);
        given().when().get("/api/v1/quotas/owner/nobody-" + prefix).then().statusCode(200)
                .body("maxLabs", org.hamcrest.Matchers.nullValue()).body("usage.labs", equalTo(0));
        given().when().get("/api/v1/quotas/team/x").then().statusCode(400);
    }
}
