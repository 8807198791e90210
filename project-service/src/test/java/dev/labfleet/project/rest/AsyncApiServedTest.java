package dev.labfleet.project.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The event contract for Kafka consumers is served at /asyncapi/ (the edge routes it here). */
@QuarkusTest
class AsyncApiServedTest {

    @Test
    void theAsyncApiDocumentAndItsSchemasAreServed() {
        given().when().get("/asyncapi/asyncapi.yaml").then().statusCode(200)
                .body(containsString("asyncapi: 3.0.0")).body(containsString("lab.project.created"));
        given().when().get("/asyncapi/schemas/events/lab.project.created.v1.json").then().statusCode(200)
                .body("title", equalTo("lab.project.created data, version 1"));
        given().when().get("/asyncapi/schemas/events/cloudevent.v1.json").then().statusCode(200)
                .body("required", org.hamcrest.Matchers.hasItems("dataschema", "subject", "time"));
    }
}
