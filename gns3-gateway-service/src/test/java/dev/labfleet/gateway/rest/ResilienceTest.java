package dev.labfleet.gateway.rest;

import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Per-server isolation: faults are injected on simulators B and C only; A must keep answering. Test config: read
 * timeout 1.5 s, breaker opens after half of a 4-call window fails and half-opens after 2 s.
 */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class ResilienceTest {

    @Inject
    Gns3Client client;

    @AfterEach
    void heal() {
        Simulators.b().faults().restore();
        Simulators.c().faults().clear();
    }

    @Test
    void outageOpensOnlyThatServersBreakerFailsFastAndRecoversThroughHalfOpen() {
        UUID a = Api.server("sim-a", Simulators.a().baseUrl());
        UUID b = Api.server("sim-b", Simulators.b().baseUrl());
        client.forget(b);
        Api.json().get("/api/v1/servers/" + b + "/version").then().statusCode(200);

        Simulators.b().faults().outage();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                Api.json().get("/api/v1/servers/" + b + "/version").then().extract().statusCode() == 503
                        && "OPEN".equals(Api.json().get("/api/v1/servers/" + b).then().extract().path("breakerState")));

        long reachedBefore = Simulators.b().requests().count("GET /v2/projects");
        for (int i = 0; i < 5; i++) {
            Response open = Api.json().get("/api/v1/servers/" + b + "/projects");
            open.then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("detail", containsString("circuit breaker open"))
                    .body("serverId", equalTo(b.toString()));
        }
        // failing fast: no call reached (or waited for) the server; a wall-clock bound would only measure how busy
        // the machine is
        assertThat(Simulators.b().requests().count("GET /v2/projects")).isEqualTo(reachedBefore);
        // the other server is not affected
        Api.json().get("/api/v1/servers/" + a + "/version").then().statusCode(200);
        Api.json().get("/api/v1/servers/" + a + "/projects").then().statusCode(200);
        assertThat(Api.json().get("/api/v1/servers/" + a).then().extract().<String>path("breakerState"))
                .isEqualTo("CLOSED");

        Simulators.b().faults().restore();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                Api.json().get("/api/v1/servers/" + b + "/version").then().statusCode(200));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                Api.json().get("/api/v1/servers/" + b).then().body("breakerState", equalTo("CLOSED")));
        assertThat(metrics()).contains("gns3_circuit_breaker_state{server=\"sim-b\"}");
    }

    @Test
    void latencyBeyondTheTimeoutIsA504() {
        UUID c = Api.server("sim-c", Simulators.c().baseUrl());
        client.forget(c);
        // a route only this test calls: the notification bridge's resync reads GET /v2/projects (and the health
        // monitor /version and /computes) in the background; a second timeout of theirs would be a second breaker
        // failure in the 4-call window and open the breaker, which is right, but not what this test is about
        Simulators.c().requests().clear();
        // the server would answer after 30 s: a 504 well before that can only come from the gateway's own timeout
        Simulators.c().faults().latency("GET /v2/templates", 30_000);
        long start = System.nanoTime();
        Api.json().get("/api/v1/servers/" + c + "/templates").then().statusCode(504)
                .contentType("application/problem+json")
                .body("detail", containsString("1500 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        // a timeout is not retried (a slow server stays slow): one call reached GNS3
        assertThat(Simulators.c().requests().count("GET /v2/templates")).isEqualTo(1);
        // one timeout alone does not open the breaker
        Api.json().get("/api/v1/servers/" + c + "/version").then().log().ifValidationFails().statusCode(200);
    }

    @Test
    void gns3TracebacksNeverLeak() {
        UUID c = Api.server("sim-c", Simulators.c().baseUrl());
        client.forget(c);
        // a route the health monitor never calls (it reads /version and /computes): its checks must not add
        // failures to this server's breaker while the test counts on the retries' final 500
        Simulators.c().requests().clear();
        Simulators.c().faults().errors("GET /v2/templates", 1.0);
        Api.json().get("/api/v1/servers/" + c + "/templates").then().statusCode(502)
                .contentType("application/problem+json")
                .body("detail", containsString("sim-c"))
                .body("gns3Status", equalTo(500))
                .body(not(containsString("Traceback")))
                .body(not(containsString("File \"")));
        // retried (GET is idempotent), then given up
        assertThat(Simulators.c().requests().count("GET /v2/templates")).isGreaterThanOrEqualTo(2);
        assertThat(metrics()).contains("gns3_api_requests_total{operation=\"templates.list\",server=\"sim-c\",status=\"500\"}");
    }

    @Test
    void aBreakerOpeningDuringACallsRetriesAnswersTheServersFaultNotTheRefusal() {
        UUID c = Api.server("sim-c", Simulators.c().baseUrl());
        client.forget(c);
        // two good calls, then a route that always fails: its first two attempts make 2 faults in the last 4 calls
        // (the test profile's window, ratio 0.5), so the breaker opens before the third attempt; that attempt is
        // refused, and the caller must still hear what the server did (a 502 with GNS3's 500), as the log will
        Api.json().get("/api/v1/servers/" + c + "/version").then().statusCode(200);
        Api.json().get("/api/v1/servers/" + c + "/version").then().statusCode(200);
        Simulators.c().requests().clear();
        Simulators.c().faults().errors("GET /v2/templates", 1.0);
        Api.json().get("/api/v1/servers/" + c + "/templates").then().statusCode(502)
                .contentType("application/problem+json")
                .body("gns3Status", equalTo(500))
                .body("detail", not(containsString("circuit breaker")));
        assertThat(Simulators.c().requests().count("GET /v2/templates")).isBetween(1L, 3L);
        // the calls after it are refused without reaching the server
        Api.json().get("/api/v1/servers/" + c + "/templates").then().statusCode(503)
                .body("detail", containsString("circuit breaker open"));
    }

    @Test
    void nonIdempotentCallsAreNotRetried() {
        UUID c = Api.server("sim-c", Simulators.c().baseUrl());
        client.forget(c);
        Simulators.c().requests().clear();
        Simulators.c().faults().errors("POST /v2/projects", 1.0);
        Api.json().body("{\"name\":\"no-retry\"}").post("/api/v1/servers/" + c + "/projects").then().statusCode(502);
        assertThat(Simulators.c().requests().count("POST /v2/projects")).isEqualTo(1);
    }

    private static String metrics() {
        return io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
