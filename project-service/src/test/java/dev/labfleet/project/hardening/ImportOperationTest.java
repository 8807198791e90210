package dev.labfleet.project.hardening;

import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Imports are operations (#19 item 4): answered 202 once the archive was received, reported by any replica, and
 * whichever way one fails (GNS3 refusing the archive, the client gone mid-upload, the receiving replica dead) it
 * ends failed with nothing left behind: no lab recorded, no project on GNS3. The dead replica is a row written as it
 * would have left it.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class ImportOperationTest {

    @Inject
    Pool pool;

    @TestHTTPResource("/")
    URL root;

    private static RequestSpecification gns3() {
        return given().baseUri(GatewayStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    private static byte[] archiveOfANewLab() {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", "source-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        gns3().body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                .when().post("/v2/projects/" + id + "/nodes").then().statusCode(201);
        return given().when().get("/api/v1/projects/" + id + "/export").then().statusCode(200).extract().asByteArray();
    }

    private static Map<String, Object> ended(String location) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(
                () -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                view -> !"running".equals(view.get("status")));
    }

    private static int gns3Projects() {
        return gns3().when().get("/v2/projects").then().statusCode(200).extract().jsonPath().getList("$").size();
    }

    private static int onGns3(Object projectId) {
        return gns3().when().get("/v2/projects/" + projectId).then().extract().statusCode();
    }

    private List<Row> sql(String sql, Tuple args) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
        return rows;
    }

    @Test
    void anImportIsAnsweredOnceReceivedAndReportedUntilItsLabIsRecorded() {
        byte[] archive = archiveOfANewLab();
        String name = "imported-" + UUID.randomUUID();
        ExtractableResponse<Response> accepted = given().contentType("application/gns3project").body(archive)
                .queryParam("name", name).when().post("/api/v1/projects/import")
                .then().statusCode(202).body("status", equalTo("running")).body("name", equalTo(name))
                .extract();
        String location = accepted.header("Location").replaceFirst("^https?://[^/]+", "");
        assertThat(location).isEqualTo("/api/v1/projects/imports/" + accepted.path("importId"));

        Map<String, Object> done = ended(location);
        assertThat(done).containsEntry("status", "succeeded").containsEntry("attempts", 1)
                .containsEntry("receivedBytes", archive.length).doesNotContainKey("error");
        Object lab = done.get("projectId");
        assertThat(lab).isEqualTo(accepted.path("projectId"));
        given().when().get("/api/v1/projects/" + lab).then().statusCode(200).body("name", equalTo(name))
                .body("status", equalTo("closed"));
        assertThat(onGns3(lab)).isEqualTo(200);
        assertThat(sql("select owner, lease_until from lab_import where id = $1",
                Tuple.of(UUID.fromString(accepted.path("importId")))).get(0).getString("owner"))
                .as("an ended import is held by no replica").isNull();

        given().when().get("/api/v1/projects/imports/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");

        // the caller may name the import (to follow it before its answer); a name already used is refused
        UUID importId = UUID.randomUUID();
        given().contentType("application/gns3project").body(archive).queryParam("name", "named-" + importId)
                .queryParam("importId", importId.toString()).queryParam("wait", "60s")
                .when().post("/api/v1/projects/import").then().statusCode(201)
                .body("importId", equalTo(importId.toString())).body("status", equalTo("succeeded"));
        int labs = gns3Projects();
        given().contentType("application/gns3project").body(archive).queryParam("name", "again-" + importId)
                .queryParam("importId", importId.toString()).when().post("/api/v1/projects/import")
                .then().statusCode(409).contentType("application/problem+json")
                .body("importId", equalTo(importId.toString())).body("detail", containsString("succeeded"));
        given().contentType("application/gns3project").body(archive).queryParam("name", "bad-" + importId)
                .queryParam("importId", "nope").when().post("/api/v1/projects/import")
                .then().statusCode(400).body("violations[0].field", equalTo("importId"));
        assertThat(gns3Projects()).as("GNS3 projects after the refused imports").isEqualTo(labs);
        given().contentType("application/gns3project").body(archive).queryParam("name", "w-" + UUID.randomUUID())
                .queryParam("wait", "soon").when().post("/api/v1/projects/import").then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("wait"));
    }

    @Test
    void anArchiveGns3RefusesEndsFailedWithItsProblemAndLeavesNothing() {
        String name = "garbage-" + UUID.randomUUID();
        ExtractableResponse<Response> accepted = given().contentType("application/gns3project")
                .body("not a zip".getBytes()).queryParam("name", name).when().post("/api/v1/projects/import")
                .then().statusCode(202).extract();
        Map<String, Object> done = ended(accepted.header("Location").replaceFirst("^https?://[^/]+", ""));
        assertThat(done).containsEntry("status", "failed").containsEntry("errorStatus", 409);
        assertThat((String) done.get("error")).isNotBlank().doesNotContain("Exception");
        given().when().get("/api/v1/projects/" + done.get("projectId")).then().statusCode(404);
        assertThat(onGns3(done.get("projectId"))).isEqualTo(404);
        given().queryParam("name", name).when().get("/api/v1/projects").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void aClientThatGoesAwayMidUploadLeavesAFailedImportAndNothingElse() throws Exception {
        String name = "cut-" + UUID.randomUUID();
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/projects/import?name=" + name + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/gns3project\r\nContent-Length: 500000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[20_000]);
            out.flush();
            // the import is recorded before a byte of the archive is read
            await().atMost(Duration.ofSeconds(30)).until(() -> !sql("select id from lab_import where name = $1",
                    Tuple.of(name)).isEmpty());
        }
        Row row = sql("select id from lab_import where name = $1", Tuple.of(name)).get(0);
        Map<String, Object> done = ended("/api/v1/projects/imports/" + row.getUUID("id"));
        assertThat(done).containsEntry("status", "failed").containsEntry("errorStatus", 400);
        assertThat((String) done.get("error")).startsWith("the archive's upload ended early");
        assertThat(onGns3(done.get("projectId"))).isEqualTo(404);
        given().when().get("/api/v1/projects/" + done.get("projectId")).then().statusCode(404);
    }

    /** An import as a replica leaves it when it dies mid-upload: running, held by {@code owner} for {@code lease} s. */
    private UUID orphan(UUID projectId, String owner, int leaseSeconds) {
        UUID id = UUID.randomUUID();
        sql("insert into lab_import (id, project_id, server_id, name, lab_owner, status, owner, lease_until, attempts, "
                + "created_at, heartbeat_at) values ($1, $2, $3, $4, 'default', 'RUNNING', $5, "
                + "now() + make_interval(secs => $6), 1, now(), now())",
                Tuple.of(id, projectId, GatewayStandIn.SERVER_ID, "orphan-" + id, owner, leaseSeconds));
        return id;
    }

    /** The partial project a dead import left on GNS3. */
    private static UUID partialProject() {
        UUID id = UUID.randomUUID();
        gns3().body(Map.of("name", "partial-" + id, "project_id", id.toString())).when().post("/v2/projects")
                .then().statusCode(201);
        return id;
    }

    @Test
    void anImportWhoseReplicaDiedEndsFailedElsewhereAndItsPartialProjectIsRemoved() {
        UUID project = partialProject();
        UUID held = orphan(project, "project-alive", 3600);
        UUID partial = partialProject();
        UUID dead = orphan(partial, "project-dead", -1);

        Map<String, Object> done = ended("/api/v1/projects/imports/" + dead);
        assertThat(done).containsEntry("status", "failed").containsEntry("errorStatus", 503)
                .containsEntry("attempts", 2);
        assertThat((String) done.get("error")).contains("upload the archive again");
        assertThat(onGns3(partial)).as("the dead import's partial project").isEqualTo(404);
        given().when().get("/api/v1/projects/" + partial).then().statusCode(404);
        assertThat(sql("select owner from lab_import where id = $1", Tuple.of(dead)).get(0).getString("owner")).isNull();

        // an import whose lease holds is its replica's: left running, its project untouched
        given().when().get("/api/v1/projects/imports/" + held).then().statusCode(200)
                .body("status", equalTo("running")).body("error", org.hamcrest.Matchers.nullValue());
        assertThat(onGns3(project)).isEqualTo(200);
    }

    @Test
    void aBlockingCallerGetsTheFailedImportsProblem() {
        given().contentType("application/gns3project").body("still not a zip".getBytes())
                .queryParam("name", "blocking-" + UUID.randomUUID()).queryParam("wait", "60s")
                .when().post("/api/v1/projects/import").then().statusCode(409)
                .contentType("application/problem+json").body("importId", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.not(containsString("Exception")));
    }
}
