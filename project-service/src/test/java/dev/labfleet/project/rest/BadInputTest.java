package dev.labfleet.project.rest;

import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * Input a fuzz run found answered with 500s, empty bodies or leaked internals: names with control characters,
 * identity headers of any length, bodies over the limit, long URIs, malformed JSON, odd paths.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class BadInputTest {

    private static final String PROBLEM = "application/problem+json";

    @TestHTTPResource("/")
    URL root;

    private static String createLab() {
        return given().contentType(ContentType.JSON).body(Map.of("name", "bad-input-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
    }

    private static int gns3Projects() {
        return given().baseUri(GatewayStandIn.simulator().baseUrl()).get("/v2/projects").then().statusCode(200)
                .extract().jsonPath().getList("$").size();
    }

    @Test
    void namesWithNulOrOtherControlCharactersAreA400NamingTheField() {
        String lab = createLab();
        for (String name : new String[]{"a\u0000b", "line\nbreak", "rtl\u200f", "x".repeat(101)}) {
            given().contentType(ContentType.JSON).body(Map.of("name", name))
                    .when().post("/api/v1/projects/" + lab + "/duplicate").then().statusCode(400).contentType(PROBLEM)
                    .body("violations.field", hasItem("name"));
            given().contentType(ContentType.JSON).body(Map.of("name", name))
                    .when().post("/api/v1/projects/" + lab + "/snapshots").then().statusCode(400).contentType(PROBLEM)
                    .body("violations.field", hasItem("name"));
            given().contentType(ContentType.JSON).body(Map.of("name", name))
                    .when().post("/api/v1/projects").then().statusCode(400).contentType(PROBLEM)
                    .body("violations.field", hasItem("name"));
            given().contentType(ContentType.JSON).body(Map.of("name", name))
                    .when().put("/api/v1/projects/" + lab).then().statusCode(400).contentType(PROBLEM)
                    .body("violations.field", hasItem("name"));
            given().contentType("application/gns3project").body(new byte[]{1, 2, 3}).queryParam("name", name)
                    .when().post("/api/v1/projects/import").then().statusCode(400).contentType(PROBLEM)
                    .body("violations.field", hasItem("name"));
        }
        given().contentType(ContentType.JSON).body(Map.of("name", "ok", "description", "two\nlines\u0000"))
                .when().post("/api/v1/projects").then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("description")).body("detail", containsString("U+0000"));
        given().queryParam("name", "x\u0000").when().get("/api/v1/projects").then().statusCode(400)
                .contentType(PROBLEM).body("violations.field", hasItem("name"));
    }

    @Test
    void theIdentityHeaderIsCheckedLikeAField() {
        String lab = createLab();
        String snapshot = given().contentType(ContentType.JSON).header("X-Labfleet-User", "alice")
                .body(Map.of("name", "s1")).when().post("/api/v1/projects/" + lab + "/snapshots")
                .then().statusCode(201).extract().path("snapshotId");
        // (a tab is the one control character HTTP clients send in a header value)
        for (String user : new String[]{"u".repeat(10_000), "e\tve"}) {
            given().contentType(ContentType.JSON).header("X-Labfleet-User", user).body(Map.of("name", "s2"))
                    .when().post("/api/v1/projects/" + lab + "/snapshots").then().log().ifValidationFails()
                    .statusCode(400).contentType(PROBLEM)
                    .body("violations.field", hasItem("X-Labfleet-User")).body(not(containsString("uuuuuuuuuu")));
            given().header("X-Labfleet-User", user)
                    .when().post("/api/v1/projects/" + lab + "/snapshots/" + snapshot + "/restore")
                    .then().statusCode(400).contentType(PROBLEM).body("violations.field", hasItem("X-Labfleet-User"));
        }
    }

    @Test
    void anImportOverTheLimitIsA413ProblemAndNothingIsImported() throws Exception {
        int before = gns3Projects();
        byte[] big = new byte[1536 * 1024]; // the test profile's upload limit is 1M
        // declared too large: refused before a byte is read
        given().contentType("application/gns3project").body(big).queryParam("name", "big-" + UUID.randomUUID())
                .when().post("/api/v1/projects/import").then().statusCode(413).contentType(PROBLEM)
                .body("detail", startsWith("the body is 1572864 bytes"));
        // sent without a length: refused while it streams
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(root + "api/v1/projects/import?name=chunked-" + UUID.randomUUID()))
                .header("Content-Type", "application/gns3project")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> (InputStream) new ByteArrayInputStream(big)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
        assertThat(chunked.headers().firstValue("Content-Type")).hasValue(PROBLEM);
        assertThat(chunked.body()).contains("the archive is larger than 1048576 bytes").doesNotContain("Exception");
        assertThat(gns3Projects()).isEqualTo(before);
    }

    @Test
    void httpLayerRefusalsAreProblemsToo() {
        given().contentType(ContentType.JSON).body("{\"name\": \"" + "n".repeat(1_100_000) + "\"}")
                .when().post("/api/v1/projects").then().statusCode(413).contentType(PROBLEM)
                .body("status", equalTo(413));
        given().when().get("/api/v1/projects/" + "a".repeat(5000)).then().statusCode(414).contentType(PROBLEM)
                .body("status", equalTo(414));
        given().when().get("/api/v1/projects?name=" + "q".repeat(5000)).then().statusCode(414).contentType(PROBLEM);
        given().urlEncodingEnabled(false).when().get("/api/v1/nothing/%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%E2%80%8F")
                .then().statusCode(404).contentType(PROBLEM)
                .body("detail", equalTo("no resource at \"/api/v1/nothing/<script>alert(1)</script>\\\"\\u200f\""));
    }

    @Test
    void malformedOrMistypedJsonIsDescribedInTheApisWords() {
        given().contentType(ContentType.JSON).body("{\"name\": \"lab\",\n \"tags\": [")
                .when().post("/api/v1/projects").then().statusCode(400).contentType(PROBLEM)
                .body("detail", startsWith("malformed JSON at line 2"))
                .body(not(containsString("Source"))).body(not(containsString("REDACTED")));
        given().contentType(ContentType.JSON).body("{\"name\": {\"a\": 1}}")
                .when().post("/api/v1/projects/" + createLab() + "/snapshots").then().statusCode(400)
                .contentType(PROBLEM).body("violations.field", hasItem("name"))
                .body("detail", startsWith("name: expected a string, found an object"))
                .body(not(containsString("java"))).body(not(containsString("CreateSnapshotRequest")));
        given().contentType(ContentType.JSON).body("[1]")
                .when().post("/api/v1/projects").then().statusCode(400).contentType(PROBLEM)
                .body("detail", startsWith("the body: expected an object, found a list"))
                .body(not(containsString("CreateProjectRequest")));
    }
}
