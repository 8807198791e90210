package dev.labfleet.e2e;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** The whole suite as separate processes: every service becomes healthy and documents its API. */
@ExtendWith(Suite.Extension.class)
class SuiteIT {

    @Test
    void everyServiceIsReadyWithItsDatabaseRedisAndKafka() {
        for (ServiceProcess service : Suite.current().services()) {
            RestAssured.given().baseUri(service.baseUrl()).when().get("/q/health/ready")
                    .then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.find { it.name == 'Reactive PostgreSQL connections health check' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'Degrading dependencies (reported, never not-ready)' }.data.redis", startsWith("UP"))
                    .body("checks.find { it.name == 'Degrading dependencies (reported, never not-ready)' }.data.kafka", startsWith("UP"));
        }
    }

    @Test
    void everyServiceServesItsOpenApiDocumentAndMetrics() {
        for (ServiceProcess service : Suite.current().services()) {
            RestAssured.given().baseUri(service.baseUrl()).accept(ContentType.JSON).when().get("/q/openapi")
                    .then().statusCode(200)
                    .body("openapi", notNullValue())
                    .body("info.title", containsString("Labfleet"));
            RestAssured.given().baseUri(service.baseUrl()).when().get("/q/metrics")
                    .then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        }
    }
}
