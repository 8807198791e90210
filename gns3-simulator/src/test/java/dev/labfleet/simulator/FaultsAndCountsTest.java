package dev.labfleet.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Injected faults behave as documented, and requests are counted per route template. */
class FaultsAndCountsTest {

    private static Gns3Simulator simulator;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void fresh() {
        simulator.reset();
    }

    private static HttpResponse<String> send(String method, String path, String body, Duration timeout) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, Duration.ofSeconds(5));
    }

    @Test
    void requestsAreCountedPerRouteTemplateAndWritesSeparately() throws Exception {
        String id = send("POST", "/v2/projects", "{\"name\":\"counted\"}").body().split("\"project_id\":\"")[1].substring(0, 36);
        send("GET", "/v2/projects/" + id + "/nodes", null);
        send("GET", "/v2/projects/" + id + "/nodes", null);

        assertThat(simulator.requests().count("POST /v2/projects")).isEqualTo(1);
        assertThat(simulator.requests().count("GET /v2/projects/{project_id}/nodes")).isEqualTo(2);
        assertThat(simulator.requests().writes()).isEqualTo(1);
        assertThat(send("GET", "/_sim/requests", null).body()).contains("\"writes\":1");
    }

    @Test
    void injectedErrorIsGns3sFiveHundredWithATraceback() throws Exception {
        simulator.faults().errors("POST /v2/projects", 1.0);

        HttpResponse<String> response = send("POST", "/v2/projects", "{\"name\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("Traceback (most recent call last)").contains("\"status\":500");
        assertThat(send("GET", "/v2/projects", null).statusCode()).isEqualTo(200);
    }

    @Test
    void latencyDelaysOnlyMatchingRoutes() throws Exception {
        simulator.faults().latency("GET /v2/projects/*/nodes", 400);
        String id = send("POST", "/v2/projects", "{\"name\":\"slow\"}").body().split("\"project_id\":\"")[1].substring(0, 36);

        long start = System.nanoTime();
        assertThat(send("GET", "/v2/projects/" + id + "/nodes", null).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void hangingRouteNeverAnswers() {
        simulator.faults().hang("GET /v2/version");
        assertThatThrownBy(() -> send("GET", "/v2/version", null, Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void faultsCanBeSetOverHttp() throws Exception {
        assertThat(send("POST", "/_sim/faults/errors", "{\"route\":\"GET /v2/computes\",\"rate\":1}").statusCode()).isEqualTo(201);
        assertThat(send("GET", "/v2/computes", null).statusCode()).isEqualTo(500);
        assertThat(send("DELETE", "/_sim/faults", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/v2/computes", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/_sim/faults/latency", "{\"ms\":5}").statusCode()).isEqualTo(400);
    }

    @Test
    void outageRefusesConnectionsAndRestoreListensOnTheSamePort() throws Exception {
        int port = simulator.port();
        simulator.faults().outage();
        assertThatThrownBy(() -> send("GET", "/v2/version", null))
                .isInstanceOfAny(ConnectException.class, IOException.class);

        simulator.faults().restore();

        assertThat(simulator.port()).isEqualTo(port);
        assertThat(send("GET", "/v2/version", null).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAndMethodsAnswerLikeGns3() throws Exception {
        HttpResponse<String> notFound = send("GET", "/v2/nope", null);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("404: Not Found");
        assertThat(notFound.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(send("PATCH", "/v2/projects", "{}").body()).isEqualTo("405: Method Not Allowed");
        HttpResponse<String> malformed = send("POST", "/v2/projects", "{\"name\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed_json").doesNotContain("at io.vertx");
    }
}
