package dev.labfleet.common.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * What every Labfleet service guarantees, run by each service's {@code @QuarkusTest} against its real PostgreSQL,
 * Redis and Kafka: readiness that really checks them (PostgreSQL as a readiness condition, Kafka and Redis as
 * reported dependencies), Prometheus metrics, an OpenAPI document, Swagger UI, and
 * problem+json answers for unknown routes.
 */
public interface ServiceBasicsContract {

    /**
     * The readiness checks this service must report, by name: its PostgreSQL (which makes it not ready), and the
     * degrading dependencies Kafka and Redis (reported in the check's data, never not-ready).
     */
    default List<String> expectedReadinessChecks() {
        return List.of("Reactive PostgreSQL connections health check", "Degrading dependencies (reported, never not-ready)");
    }

    /** The degrading dependencies this service reports in its readiness data. */
    default List<String> expectedDegradingDependencies() {
        return List.of("kafka", "redis");
    }

    @Test
    default void readinessChecksTheRealDependenciesAndIsUp() {
        RestAssured.given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(expectedReadinessChecks().toArray(String[]::new)))
                .body("checks.findAll { it.status != 'UP' }.size()", equalTo(0));
        for (String dependency : expectedDegradingDependencies()) {
            RestAssured.given().when().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'Degrading dependencies (reported, never not-ready)' }.data." + dependency,
                            startsWith("UP"));
        }
    }

    @Test
    default void livenessIsUp() {
        RestAssured.given().when().get("/q/health/live")
                .then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    default void prometheusMetricsAreExposed() {
        RestAssured.given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("# TYPE"));
    }

    @Test
    default void openApiDocumentAndSwaggerUiAreServed() {
        RestAssured.given().accept(ContentType.JSON).when().get("/q/openapi")
                .then().statusCode(200)
                .body("openapi", notNullValue())
                .body("info.title", containsString("Labfleet"));
        RestAssured.given().when().get("/q/swagger-ui/")
                .then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    default void unknownRouteIsAProblemDocument() {
        RestAssured.given().accept(ContentType.JSON).when().get("/api/v1/no-such-thing")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("type", equalTo("https://labfleet.dev/problems/not-found"))
                .body("detail", containsString("/api/v1/no-such-thing"))
                .body("traceId", notNullValue());
    }
}
