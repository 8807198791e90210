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
    void aHeldRouteAnswersOnlyOnceReleasedAndOthersGoOn() throws Exception {
        String id = send("POST", "/v2/projects", "{\"name\":\"held\"}").body().split("\"project_id\":\"")[1].substring(0, 36);
        String pattern = "POST /v2/projects/" + id + "/nodes";
        simulator.faults().hold(pattern);
        java.util.concurrent.CompletableFuture<HttpResponse<String>> create = HTTP.sendAsync(HttpRequest.newBuilder(
                        URI.create(simulator.baseUrl() + "/v2/projects/" + id + "/nodes")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"PC1\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> simulator.faults().heldCount() == 1);

        // other routes answer meanwhile, and the held request has not been handled
        assertThat(send("GET", "/v2/projects/" + id + "/nodes", null).body()).isEqualTo("[]");
        assertThat(create).isNotDone();

        assertThat(send("POST", "/_sim/faults/release", "{\"route\":\"" + pattern + "\"}").statusCode()).isEqualTo(201);
        assertThat(create.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(201);
        assertThat(simulator.faults().heldCount()).isZero();
        assertThat(send("GET", "/v2/projects/" + id + "/nodes", null).body()).contains("\"PC1\"");
        // released: the route is no longer held
        assertThat(send("POST", "/v2/projects/" + id + "/nodes",
                "{\"name\":\"PC2\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}").statusCode()).isEqualTo(201);
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

    @Test
    void aNodesStartTakesItsTimeOnAComputeThatStartsAFewAtOnce() throws Exception {
        String id = send("POST", "/v2/projects", "{\"name\":\"starting\"}").body()
                .split("\"project_id\":\"")[1].substring(0, 36);
        java.util.List<String> nodes = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            nodes.add(send("POST", "/v2/projects/" + id + "/nodes",
                    "{\"name\":\"PC" + i + "\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}").body()
                    .split("\"node_id\":\"")[1].substring(0, 36));
        }
        simulator.faults().nodeStartTime(1000, 0, 2);

        // the bulk start hands all four to the compute, which starts two at a time: two are started, then four
        java.util.concurrent.CompletableFuture<HttpResponse<String>> bulk = HTTP.sendAsync(HttpRequest.newBuilder(
                        URI.create(simulator.baseUrl() + "/v2/projects/" + id + "/nodes/start"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> started(id) == 2);
        assertThat(bulk.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(204);
        assertThat(started(id)).isEqualTo(4);

        // one node's start answers once the node has started
        send("POST", "/v2/projects/" + id + "/nodes/" + nodes.get(0) + "/stop", null);
        HttpResponse<String> one = send("POST", "/v2/projects/" + id + "/nodes/" + nodes.get(0) + "/start", null,
                Duration.ofSeconds(30));
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).containsPattern("\"status\": ?\"started\"");
        assertThat(send("POST", "/_sim/faults/node-start-time", "{\"ms\":-1}").statusCode()).isEqualTo(400);

        // with a status lag, as on a real GNS3: the answer still shows the node stopped, and it shows started later
        simulator.faults().nodeStartTime(10, 0, 1, 300);
        send("POST", "/v2/projects/" + id + "/nodes/" + nodes.get(1) + "/stop", null);
        HttpResponse<String> lagging = send("POST", "/v2/projects/" + id + "/nodes/" + nodes.get(1) + "/start", null,
                Duration.ofSeconds(30));
        assertThat(lagging.statusCode()).isEqualTo(200);
        assertThat(lagging.body()).containsPattern("\"status\": ?\"stopped\"");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> started(id) == 4);
    }

    private static long started(String projectId) throws Exception {
        String body = send("GET", "/v2/projects/" + projectId + "/nodes", null).body();
        return java.util.regex.Pattern.compile("\"status\": ?\"started\"").matcher(body).results().count();
    }
}
