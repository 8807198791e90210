package dev.labfleet.automation.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Issue 11's bad input, on every route that takes a body: malformed JSON, values of the wrong type, bodies over the
 * limit, regexes that do not compile and templates with syntax errors are 4xx problems naming what is wrong, never a
 * 5xx, an empty body or a Java name; and nothing is saved.
 */
@QuarkusTest
class BadInputTest {

    private static final String PROBLEM = "application/problem+json";

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String script() {
        return given().contentType(ContentType.JSON).body(Map.of("name", unique("bad-input"), "kind", "vpcs",
                        "body", "show ip\n")).when().post("/api/v1/scripts").then().statusCode(201).extract().path("id");
    }

    @Test
    void malformedJsonIsA400ProblemOnEveryRoute() {
        String id = script();
        String workflow = given().contentType(ContentType.JSON).body(Map.of("name", unique("wf"), "steps",
                        List.of(Map.of("id", "w", "kind", "wait", "seconds", 1)))).when().post("/api/v1/workflows")
                .then().statusCode(201).extract().path("id");
        for (String path : List.of("/api/v1/scripts", "/api/v1/scripts/" + id + "/executions",
                "/api/v1/scripts/" + id + "/instantiate", "/api/v1/workflows",
                "/api/v1/workflows/" + workflow + "/executions")) {
            given().contentType(ContentType.JSON).body("{\"name\": \"x\",\n \"steps\": [").when().post(path)
                    .then().statusCode(400).contentType(PROBLEM).body("status", equalTo(400))
                    .body("detail", containsString("line 2"))
                    .body(not(containsString("Exception"))).body(not(containsString("com.fasterxml")));
        }
        given().contentType(ContentType.JSON).body("{\"name\": ").when().put("/api/v1/scripts/" + id)
                .then().statusCode(400).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body("[").when().put("/api/v1/workflows/" + workflow)
                .then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void valuesOfTheWrongTypeNameTheirField() {
        String id = script();
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"kind\": \"vpcs\", \"body\": [1, 2]}")
                .when().post("/api/v1/scripts").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("body")).body(not(containsString("ScriptRequest")));
        given().contentType(ContentType.JSON).body("{\"projectId\": \"" + UUID.randomUUID() + "\", \"concurrency\": \"many\"}")
                .when().post("/api/v1/scripts/" + id + "/executions").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("concurrency")).body(not(containsString("ExecutionRequest")));
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"steps\": {\"id\": \"a\"}}")
                .when().post("/api/v1/workflows").then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("steps")).body(not(containsString("WorkflowDefinition")));
    }

    @Test
    void regexesThatDoNotCompileAreA400NamingTheField() {
        given().contentType(ContentType.JSON).body(Map.of("name", unique("re"), "kind", "vpcs", "body", "show ip\n",
                        "assertions", List.of(Map.of("type", "notMatch", "pattern", "(unclosed"))))
                .when().post("/api/v1/scripts").then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("assertions[0].pattern"));
        String id = script();
        given().contentType(ContentType.JSON).body(Map.of("name", unique("wf"), "steps", List.of(
                        Map.of("id", "check", "kind", "validate", "script", id, "assertions",
                                List.of(Map.of("type", "match", "pattern", "*ip"))))))
                .when().post("/api/v1/workflows").then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("steps[0] (check).assertions[0].pattern"));
    }

    @Test
    void aTemplateWithASyntaxErrorInAnImportedLibraryIsA400NamingTheScript() {
        String name = unique("imported");
        String yaml = "scripts:\n  - name: " + name + "\n    kind: vpcs\n    body: |\n      ip {ip\n";
        // (as bytes: RestAssured has no encoder of its own for application/yaml)
        given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/scripts/import")
                .then().statusCode(400).contentType(PROBLEM).body(not(containsString("Exception")));
        given().contentType("application/yaml").body("scripts: [ {name: ".getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/scripts/import")
                .then().statusCode(400).contentType(PROBLEM).body(not(containsString("Exception")));
        given().when().get("/api/v1/scripts?name=" + name).then().statusCode(200).body("name", not(hasItem(name)));
    }

    /**
     * A body whose declared length is over the limit is a 413 problem, answered before the body is read (HttpLimits).
     * (A chunked body over the limit is stopped by RESTEasy Reactive's own reader, VertxInputStream, which answers an
     * empty 413 and closes the connection while the client may still be sending, so a client sees either that 413 or
     * a broken connection: not a problem document, and not asserted here; left open, see the commit.)
     */
    @Test
    void aBodyOverTheLimitIsA413Problem() throws Exception {
        // the limit is 4M (LABFLEET_AUTOMATION_MAX_BODY): a script body of 5 MB
        String big = "{\"name\": \"" + unique("big") + "\", \"kind\": \"vpcs\", \"body\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}";
        given().contentType(ContentType.JSON).body(big).when().post("/api/v1/scripts")
                .then().statusCode(413).contentType(PROBLEM).body("status", equalTo(413));
    }
}
