package dev.labfleet.gateway.rest;

import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * Input GNS3 could store but no reader could hold, or that GNS3 should never see, is refused before anything is sent
 * (a 400 naming the field); and what GNS3 already holds, whoever wrote it, is read tolerantly.
 */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class BadInputTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String HUGE = "99999999999999999999";

    String base;
    String project;

    @BeforeEach
    void lab() {
        base = "/api/v1/servers/" + Api.server("sim-a", Simulators.a().baseUrl());
        project = base + "/projects/" + Api.project(base, "bad-input-");
    }

    private String node(String name) {
        return Api.json().body(Map.of("name", name, "node_type", "vpcs", "compute_id", "local"))
                .post(project + "/nodes").then().statusCode(201).extract().path("node_id");
    }

    private long writes() {
        return Simulators.a().requests().writes();
    }

    @Test
    void positionsBeyond32BitsAreRefusedBeforeGns3SeesThem() {
        String pc = node("PC1");
        long before = writes();
        for (String field : new String[]{"x", "y", "z"}) {
            Api.json().body("{\"" + field + "\": " + HUGE + "}").put(project + "/nodes/" + pc)
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("violations.field", hasItem(field))
                    .body("detail", equalTo(field + ": must be an integer from -2147483648 to 2147483647"));
        }
        String drawing = Api.json().body(Map.of("svg", "<svg height=\"10\" width=\"10\"></svg>", "x", 1, "y", 2))
                .post(project + "/drawings").then().statusCode(201).extract().path("drawing_id");
        long afterDrawing = writes();
        Api.json().body("{\"z\": " + HUGE + "}").put(project + "/drawings/" + drawing)
                .then().statusCode(400).contentType(PROBLEM).body("violations.field", hasItem("z"));
        Api.json().body("{\"svg\": \"<svg/>\", \"z\": " + HUGE + "}").post(project + "/drawings")
                .then().statusCode(400).contentType(PROBLEM).body("violations.field", hasItem("z"));
        assertThat(writes()).isEqualTo(afterDrawing);
        assertThat(afterDrawing - before).isEqualTo(1); // only the drawing's create reached GNS3
        Api.json().get(project + "/nodes/" + pc).then().statusCode(200).body("x", equalTo(0));
    }

    @Test
    void aBatchCallWithAnOutOfRangeFieldFailsTheBatchBeforeAnyRuns() {
        String pc = node("PC1");
        long before = writes();
        String path = project.substring(base.length());
        Api.json().body("{\"operations\": [{\"id\": \"ok\", \"method\": \"PUT\", \"path\": \"" + path + "/nodes/" + pc
                        + "\", \"body\": {\"x\": 5}}, {\"id\": \"bad\", \"method\": \"PUT\", \"path\": \"" + path
                        + "/nodes/" + pc + "\", \"body\": {\"y\": " + HUGE + "}}]}")
                .post(base + "/batch").then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("operations[1].body.y"));
        assertThat(writes()).isEqualTo(before);
    }

    @Test
    void aNodeHoldingAHugeValueWrittenByAnotherClientStaysReadable() {
        String pc = node("PC1");
        // another GNS3 client (not the gateway) stores what GNS3's schema lets through
        RestAssured.given().contentType("application/json").body("{\"x\": " + HUGE + ", \"z\": " + HUGE + "}")
                .put(Simulators.a().baseUrl() + "/v2/projects/" + project.substring(project.lastIndexOf('/') + 1)
                        + "/nodes/" + pc).then().statusCode(200);

        Api.json().get(project + "/nodes/" + pc + "/console").then().statusCode(200)
                .body("node_id", equalTo(pc)).body("console_type", equalTo("telnet"));
        Api.json().get(project + "/nodes/" + pc).then().statusCode(200).body("name", equalTo("PC1"));
        Api.json().get(project + "/nodes").then().statusCode(200).body("node_id", hasItem(pc));
        // and the lab can be put right through the gateway
        Api.json().body(Map.of("x", 10, "z", 1)).put(project + "/nodes/" + pc).then().statusCode(200)
                .body("x", equalTo(10));
    }

    @Test
    void namesWithControlCharactersOrOfAnyLengthNeverReachGns3() {
        long before = writes();
        Api.json().body(Map.of("name", "PC\u00001", "node_type", "vpcs", "compute_id", "local"))
                .post(project + "/nodes").then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("name")).body("detail", containsString("U+0000"));
        Api.json().body(Map.of("name", "n".repeat(100_000), "node_type", "vpcs", "compute_id", "local"))
                .post(project + "/nodes").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("at most 100 characters"))
                .body(not(containsString("nnnnnnnnnn")));
        Api.json().body(Map.of("name", "lab\u202e")).put(project).then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("name"));
        assertThat(writes()).isEqualTo(before);
    }

    @Test
    void aSnapshotNameOfTheWrongTypeIsA400NotAGns3Failure() {
        long before = writes();
        Api.json().body("{\"name\": {\"a\": 1}}").post(project + "/snapshots")
                .then().statusCode(400).contentType(PROBLEM)
                .body("detail", equalTo("name: must be a name (a string)"))
                .body("traceId", not(nullValue()));
        Api.json().body("{}").post(project + "/snapshots").then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("name"));
        assertThat(writes()).isEqualTo(before);
        Api.json().body(Map.of("name", "snap-" + UUID.randomUUID())).post(project + "/snapshots")
                .then().statusCode(201);
    }

    @Test
    void importsAreNamedByTheRuleAndHeldToTheUploadLimitWithProblems() {
        String target = base + "/projects/" + UUID.randomUUID() + "/import";
        RestAssured.given().contentType("application/zip").body(new byte[]{1, 2, 3}).queryParam("name", "a\u0000b")
                .post(target).then().statusCode(400).contentType(PROBLEM).body("violations.field", hasItem("name"));
        // the test profile's upload limit is 1M
        RestAssured.given().contentType("application/zip").body(new byte[1536 * 1024]).queryParam("name", "big")
                .post(target).then().statusCode(413).contentType(PROBLEM).body("status", equalTo(413));
    }

    @Test
    void longUrisAndUnknownPathsAreProblemsWithTheClientsTextEscaped() {
        Api.json().get(base + "/projects/" + "p".repeat(5000)).then().statusCode(414).contentType(PROBLEM);
        RestAssured.given().urlEncodingEnabled(false).get("/api/v1/servers/x/%22%E2%80%8F/zzz")
                .then().statusCode(404).contentType(PROBLEM)
                .body("detail", equalTo("no resource at \"/api/v1/servers/x/\\\"\\u200f/zzz\""));
    }
}
