package dev.labfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Benchmark, not a test (its name matches neither Surefire's nor Failsafe's patterns; {@code scripts/bench-start.sh}
 * runs it), for #17 item 7: a 50-VPCS lab started through project-service's staggered start
 * ({@code POST /api/v1/projects/{id}/start {"batchSize":10,"delayMs":0}}, timed until the operation reports all 50
 * done) versus GNS3's own bulk start ({@code POST /v2/projects/{id}/nodes/start}, through the gateway), alternating, in
 * one run, on a simulator whose node starts take time as a real GNS3's do ({@code Faults.nodeStartTime}: by default
 * 250 ms ± 150 ms each, at most 3 at once on the compute, so that GNS3's own start of 50 takes about as long as the
 * 4.7 s the issue measured on a real GNS3 2.2; and the answer to a start shows the node's new status only 50 ms later,
 * as GNS3's controller learns it from its compute's notification). Each round also times the same start in waves
 * ({@code "delayMs":1}: a batch of 10, then the next once all of it is done, which is how every start ran before the
 * window of #17 item 7). Prints the figures for docs/benchmarks.md.
 */
@ExtendWith(Suite.Extension.class)
class StartBenchmark {

    private static final int NODES = Integer.getInteger("bench.nodes", 50);
    private static final long START_MS = Long.getLong("bench.start-ms", 250);
    private static final long JITTER_MS = Long.getLong("bench.jitter-ms", 150);
    private static final int SLOTS = Integer.getInteger("bench.slots", 3);
    private static final long LAG_MS = Long.getLong("bench.status-lag-ms", 50);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token = E2e.token("bench", "admin");

    @Test
    void staggeredStartVersusGns3sOwnBulkStart() throws Exception {
        String gns3 = Suite.current().simulator().baseUrl();
        String projects = Suite.current().service("project").baseUrl();
        String gateway = Suite.current().service("gateway").baseUrl();
        given().baseUri(gateway).when().get("/api/v1/servers").then().statusCode(200);
        String projectId = given().baseUri(projects).contentType(ContentType.JSON)
                .body(Map.of("name", "start-bench-" + UUID.randomUUID())).post("/api/v1/projects")
                .then().statusCode(201).extract().path("projectId");
        String serverId = given().baseUri(projects).get("/api/v1/projects/" + projectId).then().statusCode(200)
                .extract().path("serverId");
        for (int i = 1; i <= NODES; i++) {
            send("POST", gns3 + "/v2/projects/" + projectId + "/nodes", JSON.createObjectNode()
                    .put("name", "PC" + i).put("node_type", "vpcs").put("compute_id", "local").toString(), false);
        }
        Suite.current().simulator().faults().nodeStartTime(START_MS, JITTER_MS, SLOTS, LAG_MS);
        String nodes = gateway + "/api/v1/servers/" + serverId + "/projects/" + projectId + "/nodes";
        int rounds = Integer.getInteger("bench.rounds", 4);
        int warmup = Integer.getInteger("bench.warmup", 2);
        List<Timing[]> figures = new ArrayList<>();
        try {
            for (int round = 1 - warmup; round <= rounds; round++) {
                // three ways in a rotating order: GNS3's own bulk start, the staggered start as asked
                // ({"batchSize":10,"delayMs":0}) and the same in waves of 10 ({"delayMs":1}: each batch waits for its
                // slowest node, as every start did before #17 item 7)
                Timing[] t = new Timing[3];
                for (int k = 0; k < 3; k++) {
                    int which = Math.floorMod(round + k, 3);
                    t[which] = which == 0 ? own(nodes, gns3, projectId)
                            : suite(projects, gns3, projectId, which == 1 ? 0 : 1);
                    stopAll(nodes, gns3, projectId);
                }
                if (round > 0) {
                    figures.add(t);
                }
                System.out.printf("round %d%s: GNS3's own bulk start %d ms (first node started %d, all %d), "
                                + "staggered start %d ms (ratio %.2f; accepted %d, first started %d, all %d), "
                                + "in waves %d ms (ratio %.2f; accepted %d, first started %d, all %d)%n",
                        round, round <= 0 ? " (warm-up)" : "", t[0].total(), t[0].first(), t[0].all(),
                        t[1].total(), t[1].total() / (double) t[0].total(), t[1].accepted(), t[1].first(), t[1].all(),
                        t[2].total(), t[2].total() / (double) t[0].total(), t[2].accepted(), t[2].first(),
                        t[2].all());
            }
        } finally {
            Suite.current().simulator().faults().clear();
            given().baseUri(projects).delete("/api/v1/projects/" + projectId);
        }
        System.out.printf("RESULT start %d VPCS (start %d±%d ms, %d at once, status lag %d ms), %d rounds after %d "
                        + "warm-up rounds%n", NODES, START_MS, JITTER_MS, SLOTS, LAG_MS, rounds, warmup);
        for (int which = 0; which <= 2; which++) {
            int w = which;
            double total = figures.stream().mapToLong(f -> f[w].total()).average().orElse(0);
            double ownTotal = figures.stream().mapToLong(f -> f[0].total()).average().orElse(1);
            double[] ratios = figures.stream().mapToDouble(f -> f[w].total() / (double) f[0].total()).sorted().toArray();
            double median = ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                    : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
            System.out.printf("RESULT %s: mean %.0f ms (ratio of means %.2f, median of round ratios %.2f, worst %.2f); "
                            + "means: accepted %.0f, first node started %.0f, all started %.0f, then %.0f ms to the "
                            + "end%n",
                    w == 0 ? "GNS3's own bulk start" : w == 1 ? "staggered {batchSize 10, delayMs 0}"
                            : "waves {batchSize 10, delayMs 1}",
                    total, total / ownTotal, median, ratios[ratios.length - 1],
                    figures.stream().mapToLong(f -> f[w].accepted()).average().orElse(0),
                    figures.stream().mapToLong(f -> f[w].first()).average().orElse(0),
                    figures.stream().mapToLong(f -> f[w].all()).average().orElse(0),
                    figures.stream().mapToLong(f -> f[w].total() - f[w].all()).average().orElse(0));
        }
    }

    /**
     * What one start took, in ms from its request: {@code total} (GNS3's own: its answer; the staggered start: its
     * operation reporting every node done), {@code accepted} (the first answer: GNS3's own answers only at the end, the
     * staggered start's 202), {@code first} and {@code all}: when GNS3 first showed one node, then every node, started
     * (polled on GNS3 directly every 20 ms, about as often as the operation).
     */
    record Timing(long total, long accepted, long first, long all) {
    }

    /** GNS3's own bulk start through the gateway: it answers when every node has started. */
    private Timing own(String nodes, String gns3, String projectId) throws Exception {
        long start = System.nanoTime();
        java.util.concurrent.CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
                        URI.create(nodes + "/start")).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        java.util.concurrent.CompletableFuture<Long> answered = answer.thenApply(r -> since(start));
        long[] seen = {-1, -1};
        await("all " + NODES + " started").atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    watch(gns3, projectId, start, seen);
                    return answered.isDone() && seen[1] >= 0;
                });
        if (answer.get().statusCode() >= 400) {
            throw new IllegalStateException("GNS3's bulk start answered " + answer.get().statusCode() + ": "
                    + answer.get().body());
        }
        // (the nodes show started a status lag after the answer)
        return new Timing(answered.get(), answered.get(), seen[0], seen[1]);
    }

    /** Notes when GNS3 first shows one node started ({@code seen[0]}) and then all of them ({@code seen[1]}). */
    private void watch(String gns3, String projectId, long start, long[] seen) throws Exception {
        long started = started(gns3, projectId);
        long at = since(start);
        if (started > 0 && seen[0] < 0) {
            seen[0] = at;
        }
        if (started == NODES && seen[1] < 0) {
            seen[1] = at;
        }
    }

    private static long since(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** project-service's staggered start, until its operation reports every node done. */
    private Timing suite(String projects, String gns3, String projectId, int delayMs) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> accepted = send("POST", projects + "/api/v1/projects/" + projectId + "/start",
                "{\"batchSize\":10,\"delayMs\":" + delayMs + "}", true);
        long acceptedAt = since(start);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        URI operation = URI.create(projects).resolve(location);
        JsonNode[] last = {null};
        long[] seen = {-1, -1};
        long[] done = {-1};
        await("the start operation").atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    if (done[0] < 0) {
                        last[0] = JSON.readTree(send("GET", operation.toString(), null, true).body());
                        if (last[0].path("done").asInt() + last[0].path("failed").asInt()
                                + last[0].path("skipped").asInt() >= NODES) {
                            done[0] = since(start);
                        }
                    }
                    watch(gns3, projectId, start, seen);
                    return done[0] >= 0 && seen[1] >= 0;
                });
        if (last[0].path("done").asInt() != NODES || started(gns3, projectId) != NODES) {
            throw new IllegalStateException("the staggered start ended with " + last[0]);
        }
        return new Timing(done[0], acceptedAt, seen[0], seen[1]);
    }

    private void stopAll(String nodes, String gns3, String projectId) throws Exception {
        send("POST", nodes + "/stop", null, true);
        await().atMost(Duration.ofSeconds(30)).until(() -> started(gns3, projectId) == 0);
    }

    private long started(String gns3, String projectId) throws Exception {
        JsonNode nodes = JSON.readTree(send("GET", gns3 + "/v2/projects/" + projectId + "/nodes", null, false).body());
        long started = 0;
        for (JsonNode n : nodes) {
            if ("started".equals(n.path("status").asText())) {
                started++;
            }
        }
        return started;
    }

    private HttpResponse<String> send(String method, String url, String body, boolean authorized) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorized) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response;
    }
}
