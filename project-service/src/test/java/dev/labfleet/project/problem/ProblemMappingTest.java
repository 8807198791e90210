package dev.labfleet.project.problem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/** Every failure a client can cause is a precise 4xx problem; upstream and internal failures never leak details. */
@QuarkusTest
class ProblemMappingTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void beanValidationListsEveryFieldPath() {
        given().contentType(ContentType.JSON)
                .body("{\"name\":\" \",\"kind\":\"vpcs\",\"ports\":[{\"adapterNumber\":1},{\"adapterNumber\":9},{\"adapterNumber\":0}]}")
                .when().post("/test/problems/validate")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://labfleet.dev/problems/validation"))
                .body("instance", equalTo("/test/problems/validate"))
                .body("violations.field", containsInAnyOrder("name", "ports", "ports[1].adapterNumber"));
    }

    @Test
    void queryParameterViolationNamesTheParameter() {
        given().when().get("/test/problems/query?limit=99")
                .then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", containsInAnyOrder("limit"));
    }

    @Test
    void malformedJsonIsA400() {
        given().contentType(ContentType.JSON).body("{\"name\": ")
                .when().post("/test/problems/validate")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://labfleet.dev/problems/malformed-request"))
                .body("detail", containsString("malformed JSON"));
    }

    @Test
    void wrongTypeNamesTheFieldAndTheExpectedType() {
        given().contentType(ContentType.JSON).body("{\"name\":\"a\",\"kind\":\"router\"}")
                .when().post("/test/problems/validate")
                .then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("kind"))
                .body("detail", containsString("one of vpcs, qemu"));
        given().contentType(ContentType.JSON).body("{\"name\":\"a\",\"kind\":\"vpcs\",\"ports\":[{\"adapterNumber\":\"x\"}]}")
                .when().post("/test/problems/validate")
                .then().statusCode(400).contentType(PROBLEM)
                .body("violations.field", hasItem("ports[0].adapterNumber"))
                .body("detail", containsString("expected an integer"));
    }

    @Test
    void problemExceptionKeepsItsStatusDetailAndContext() {
        given().when().get("/test/problems/conflict")
                .then().statusCode(409).contentType(PROBLEM)
                .body("detail", equalTo("Port is already used"))
                .body("projectId", equalTo("p1"));
    }

    @Test
    void openBreakerIs503WithRetryAfter() {
        given().when().get("/test/problems/breaker")
                .then().statusCode(503).contentType(PROBLEM)
                .header("Retry-After", notNullValue())
                .body("type", equalTo("https://labfleet.dev/problems/upstream-unavailable"));
    }

    @Test
    void concurrentModificationIsAConflictNotAServerError() {
        given().when().get("/test/problems/stale")
                .then().statusCode(409).contentType(PROBLEM)
                .body("detail", containsString("changed by another request"));
    }

    @Test
    void unexpectedFailureIs500WithTraceIdAndNoInternals() {
        given().when().get("/test/problems/boom")
                .then().statusCode(500).contentType(PROBLEM)
                .body("traceId", matchesPattern("[0-9a-f]{32}"))
                .body(not(containsString("Foo.java")))
                .body(not(containsString("IllegalStateException")));
    }

    @Test
    void wrongMethodIs405Problem() {
        given().contentType(ContentType.JSON).body("{}").when().delete("/test/problems/validate")
                .then().statusCode(405).contentType(PROBLEM);
    }
}
