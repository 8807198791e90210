package dev.labfleet.e2e;

import dev.labfleet.simulator.Gns3Simulator;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * A replica dies (SIGKILL: no shutdown code runs) in the middle of a long operation, and the suite's replica of the
 * same service, on the same database, takes over (#19 item 4 and 5's acceptance): a staggered start is resumed and
 * ends with every node started once; an apply is reported INTERRUPTED, its lab is free again well within a minute,
 * the gateway sent no further call of the dead replica's batch, and a re-apply finishes the lab with no duplicate
 * GNS3 object; an import ends failed with nothing left behind (no lab, no GNS3 project) and uploads again.
 */
@ExtendWith(Suite.Extension.class)
class ReplicaCrashIT {

    private static final String START = "POST /v2/projects/{project_id}/nodes/{node_id}/start";
    private static final String NODE_CREATE = "POST /v2/projects/{project_id}/nodes";
    private static final String LINK_CREATE = "POST /v2/projects/{project_id}/links";
    private static final Duration START_LIMIT =
            Duration.ofSeconds(Long.parseLong(E2e.env("LABFLEET_E2E_START_SECONDS", "180")));

    /** The replicas a test started (each test kills its own), closed in any case at the end. */
    private final List<ServiceProcess> started = new ArrayList<>();

    /**
     * A second replica of a suite service on the suite's database, Kafka groups and peers, on the service's port plus
     * {@code portShift}. It migrates nothing new and cleans nothing: the suite's replica made the schema.
     */
    private ServiceProcess replica(String shortName, int portShift) throws Exception {
        E2e.Service s = E2e.SERVICES.stream().filter(x -> x.shortName().equals(shortName)).findFirst().orElseThrow();
        Map<String, String> env = new HashMap<>();
        env.put("LABFLEET_GATEWAY_URL", Suite.current().service("gateway").baseUrl());
        env.put("LABFLEET_PROJECT_URL", Suite.current().service("project").baseUrl());
        env.put("LABFLEET_GNS3_URL", Suite.current().simulator().baseUrl());
        env.put("QUARKUS_FLYWAY_CLEAN_AT_START", "false");
        ServiceProcess p = new ServiceProcess(s.module(), shortName, s.port() + portShift, env).start();
        started.add(p);
        return p.awaitReady(START_LIMIT);
    }

    @AfterEach
    void stopReplicas() throws Exception {
        for (ServiceProcess p : started) {
            p.close();
        }
        started.clear();
        gns3().faults().clear();
    }

    private static Gns3Simulator gns3() {
        return Suite.current().simulator();
    }

    private static RequestSpecification at(String baseUrl) {
        return given().baseUri(baseUrl).contentType(ContentType.JSON);
    }

    private static String suite(String name) {
        return Suite.current().service(name).baseUrl();
    }

    private static String newLab(String prefix) {
        await("the simulator registered by the gateway").atMost(Duration.ofSeconds(30))
                .until(() -> at(suite("gateway")).get("/api/v1/servers").then().statusCode(200)
                        .extract().jsonPath().getList("items"), items -> !items.isEmpty());
        return at(suite("project")).body(Map.of("name", prefix + UUID.randomUUID())).post("/api/v1/projects")
                .then().statusCode(201).extract().path("projectId");
    }

    @Test
    void aStaggeredStartWhoseReplicaDiesIsResumedByTheOtherAndStartsEachNodeOnce() throws Exception {
        String lab = newLab("crash-start-");
        for (int i = 1; i <= 6; i++) {
            at(gns3().baseUrl()).body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .post("/v2/projects/" + lab + "/nodes").then().statusCode(201);
        }
        gns3().faults().latency("POST /v2/projects/" + lab + "/nodes/*/start", 2_000);
        try {
            long before = gns3().requests().count(START);
            ServiceProcess project2 = replica("project", 300);
            String operation = at(project2.baseUrl()).body(Map.of("batchSize", 2, "delayMs", 0))
                    .post("/api/v1/projects/" + lab + "/start").then().statusCode(202).extract().header("Location")
                    .replaceFirst("^https?://[^/]+", ""); // the path: the replica that answered is about to die
            await("the first batch under way").atMost(Duration.ofSeconds(30))
                    .until(() -> gns3().requests().count(START) - before >= 2);
            project2.kill();

            Map<String, Object> done = await("the operation resumed by the other replica")
                    .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> at(suite("project")).get(operation).then().statusCode(200).extract().jsonPath()
                            .getMap(""), op -> !"running".equals(op.get("status")));
            assertThat(done).as("operation %s", done).containsEntry("status", "succeeded").containsEntry("done", 6)
                    .containsEntry("failed", 0);
            assertThat((Integer) done.get("attempts")).isGreaterThanOrEqualTo(2);
            assertThat(gns3().requests().count(START) - before).as("node starts sent to GNS3").isEqualTo(6);
            at(gns3().baseUrl()).get("/v2/projects/" + lab + "/nodes").then()
                    .body("status", everyItem(equalTo("started")));
        } finally {
            gns3().faults().clear();
        }
    }

    @Test
    void anApplyWhoseReplicaDiesIsInterruptedFreesItsLabAndIsFinishedByAReapply() throws Exception {
        String lab = newLab("crash-apply-");
        StringBuilder spec = new StringBuilder("{\"nodes\":[{\"name\":\"SW1\",\"node_type\":\"ethernet_switch\"}");
        StringBuilder links = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            spec.append(",{\"name\":\"PC").append(i).append("\",\"node_type\":\"vpcs\"}");
            links.append(i == 1 ? "" : ",").append("{\"a\":\"PC").append(i).append(":e0\",\"b\":\"SW1:e").append(i)
                    .append("\"}");
        }
        spec.append("],\"links\":[").append(links).append("]}");
        // node creates take 3 s: the dead replica's batch still has every link to send when it dies
        gns3().faults().latency("POST /v2/projects/" + lab + "/nodes", 3_000);
        long nodesBefore = gns3().requests().count(NODE_CREATE);
        long linksBefore = gns3().requests().count(LINK_CREATE);
        ServiceProcess topology2 = replica("topology", 300);
        Response accepted = at(topology2.baseUrl()).header("X-Labfleet-User", "e2e").body(spec.toString())
                .put("/api/v1/projects/" + lab + "/topology");
        accepted.then().statusCode(202);
        String apply = accepted.header("Location").replaceFirst("^https?://[^/]+", "");
        await("node creates under way").atMost(Duration.ofSeconds(30))
                .until(() -> gns3().requests().count(NODE_CREATE) - nodesBefore >= 1);
        topology2.kill();
        long killedAt = System.nanoTime();

        Map<String, Object> ended = await("the apply reported interrupted").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> at(suite("topology")).get(apply).then().statusCode(200).extract().jsonPath().getMap(""),
                        op -> !"RUNNING".equals(op.get("status")));
        assertThat(ended).as("apply %s", ended).containsEntry("status", "INTERRUPTED");
        assertThat(gns3().requests().count(LINK_CREATE) - linksBefore)
                .as("link creates of the dead replica's batch the gateway sent after it died").isZero();
        gns3().faults().clear();

        Response reapplied = await("the lab free again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> at(suite("topology")).header("X-Labfleet-User", "e2e").queryParam("wait", "2m")
                        .body(spec.toString()).put("/api/v1/projects/" + lab + "/topology"), r -> r.statusCode() != 409);
        long freedAfter = Duration.ofNanos(System.nanoTime() - killedAt).toSeconds();
        reapplied.then().statusCode(200).body("status", equalTo("APPLIED"));
        System.out.printf("ReplicaCrashIT: apply interrupted and lab free again %d s after the replica died%n", freedAfter);
        assertThat(freedAfter).as("seconds the dead replica's lock held the lab").isLessThan(60);

        List<Map<String, Object>> nodes = at(gns3().baseUrl()).get("/v2/projects/" + lab + "/nodes").then()
                .statusCode(200).extract().jsonPath().getList("");
        assertThat(nodes).extracting(n -> n.get("name")).as("GNS3 nodes: each once")
                .containsExactlyInAnyOrder("SW1", "PC1", "PC2", "PC3", "PC4", "PC5", "PC6");
        at(gns3().baseUrl()).get("/v2/projects/" + lab + "/links").then().statusCode(200).body("size()", equalTo(6));
        at(suite("topology")).queryParam("wait", "2m").header("X-Labfleet-User", "e2e").body(spec.toString())
                .put("/api/v1/projects/" + lab + "/topology").then().statusCode(200).body("status", equalTo("UNCHANGED"));
    }

    @Test
    void anImportWhoseReplicaDiesEndsFailedLeavesNothingBehindAndUploadsAgain() throws Exception {
        String source = newLab("crash-import-src-");
        for (int i = 1; i <= 2; i++) {
            at(gns3().baseUrl()).body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .post("/v2/projects/" + source + "/nodes").then().statusCode(201);
        }
        byte[] archive = at(suite("project")).get("/api/v1/projects/" + source + "/export").then().statusCode(200)
                .extract().asByteArray();
        String name = "crash-import-" + UUID.randomUUID();
        UUID importId = UUID.randomUUID();
        ServiceProcess project2 = replica("project", 310);
        URI target = URI.create(project2.baseUrl());
        long killedAt;
        try (Socket socket = new Socket(target.getHost(), target.getPort())) {
            // half of the archive, then nothing: the import is under way when its replica dies
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/projects/import?name=" + name + "&importId=" + importId + " HTTP/1.1\r\n"
                    + "Host: " + target.getHost() + "\r\nAuthorization: Bearer " + E2e.token("e2e-admin", "admin")
                    + "\r\nContent-Type: application/gns3project\r\nContent-Length: " + archive.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(archive, 0, archive.length / 2);
            out.flush();
            await("the import recorded, as any replica reports it").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> at(suite("project")).get("/api/v1/projects/imports/" + importId).then().extract()
                            .statusCode() == 200);
            at(suite("project")).get("/api/v1/projects/imports/" + importId).then()
                    .body("status", equalTo("running"));
            project2.kill();
            killedAt = System.nanoTime();
        }

        Map<String, Object> ended = await("the import ended by the surviving replica").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> at(suite("project")).get("/api/v1/projects/imports/" + importId).then().statusCode(200)
                        .extract().jsonPath().getMap(""), view -> !"running".equals(view.get("status")));
        long endedAfter = Duration.ofNanos(System.nanoTime() - killedAt).toSeconds();
        System.out.printf("ReplicaCrashIT: import ended failed %d s after its replica died%n", endedAfter);
        assertThat(ended).as("import %s", ended).containsEntry("status", "failed").containsEntry("errorStatus", 503);
        assertThat((Integer) ended.get("attempts")).isGreaterThanOrEqualTo(2);
        assertThat((String) ended.get("error")).contains("upload the archive again");
        Object projectId = ended.get("projectId");
        at(gns3().baseUrl()).get("/v2/projects/" + projectId).then().statusCode(404);
        at(suite("project")).get("/api/v1/projects/" + projectId).then().statusCode(404);

        // resumable: the same archive uploaded again makes the lab, once
        at(suite("project")).contentType("application/gns3project").body(archive).queryParam("name", name)
                .queryParam("wait", "2m").post("/api/v1/projects/import").then().statusCode(201)
                .body("status", equalTo("succeeded"));
        List<Map<String, Object>> onGns3 = at(gns3().baseUrl()).get("/v2/projects").then().statusCode(200)
                .extract().jsonPath().getList("");
        assertThat(onGns3).filteredOn(p -> name.equals(p.get("name"))).as("GNS3 projects named %s", name).hasSize(1);
        assertThat(at(suite("project")).queryParam("name", name).get("/api/v1/projects").then().statusCode(200)
                .extract().jsonPath().getList("items")).hasSize(1);
    }
}
