package dev.labfleet.e2e;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** The whole suite as separate processes: every service becomes healthy, documents its API, and stops cleanly. */
class SuiteIT {

    private static final List<ServiceProcess> SERVICES = new ArrayList<>();

    @BeforeAll
    static void startSuite() throws Exception {
        for (E2e.Service s : E2e.SERVICES) {
            SERVICES.add(new ServiceProcess(s.module(), s.shortName(), s.port(),
                    Map.of("LABFLEET_GATEWAY_URL", "http://127.0.0.1:18081")).start());
        }
        for (ServiceProcess service : SERVICES) {
            service.awaitReady(Duration.ofSeconds(180));
        }
    }

    @AfterAll
    static void stopSuite() throws Exception {
        for (ServiceProcess service : SERVICES) {
            service.close();
        }
        for (ServiceProcess service : SERVICES) {
            assertThat(service.isAlive()).as(service.module() + " stopped").isFalse();
        }
    }

    @Test
    void everyServiceIsReadyWithItsDatabaseRedisAndKafka() {
        for (ServiceProcess service : SERVICES) {
            RestAssured.given().baseUri(service.baseUrl()).when().get("/q/health/ready")
                    .then().statusCode(200)
                    .body("status", equalTo("UP"))
                    .body("checks.find { it.name == 'Reactive PostgreSQL connections health check' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'Redis connection health check' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'Kafka connection health check' }.status", equalTo("UP"));
        }
    }

    @Test
    void everyServiceServesItsOpenApiDocumentAndMetrics() {
        for (ServiceProcess service : SERVICES) {
            RestAssured.given().baseUri(service.baseUrl()).accept(ContentType.JSON).when().get("/q/openapi")
                    .then().statusCode(200)
                    .body("openapi", notNullValue())
                    .body("info.title", containsString("Labfleet"));
            RestAssured.given().baseUri(service.baseUrl()).when().get("/q/metrics")
                    .then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        }
    }
}
