package dev.labfleet.project.fleet;

import dev.labfleet.project.support.BenchFleetStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Benchmark, not a test (its name matches no Surefire pattern; {@code scripts/bench-fleet.sh} runs it on the
 * {@code labfleet_project_bench} database): a class of 50 copies of a 20-node lab over 4 simulated servers against
 * the same over 1 server, alternating in one run, then the evacuation of a server holding 20 labs. Prints the
 * figures for docs/benchmarks.md.
 */
@QuarkusTest
@QuarkusTestResource(value = BenchFleetStandIn.class, restrictToAnnotatedClass = true)
class FleetBenchmark {

    private static final int COPIES = Integer.getInteger("bench.copies", 50);
    private static final int NODES = Integer.getInteger("bench.nodes", 20);
    private static final int LABS = Integer.getInteger("bench.labs", 20);

    private static RequestSpecification gns3(int server) {
        return given().baseUri(BenchFleetStandIn.simulator(server).baseUrl()).contentType(ContentType.JSON);
    }

    /** A lab of {@code nodes} VPCS in a chain on server {@code server}. */
    private static String lab(int server, String name, int nodes) {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", name,
                        "serverId", BenchFleetStandIn.SERVERS.get(server).toString()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        String previous = null;
        for (int i = 1; i <= nodes; i++) {
            String node = gns3(server).body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .post("/v2/projects/" + id + "/nodes").then().statusCode(201).extract().path("node_id");
            if (previous != null) {
                gns3(server).body(Map.of("nodes", List.of(
                                Map.of("node_id", previous, "adapter_number", 0, "port_number", 0),
                                Map.of("node_id", node, "adapter_number", 0, "port_number", 0))))
                        .post("/v2/projects/" + id + "/links").then().statusCode(201);
                // a VPCS has one port: the chain alternates which end a node gives, so build pairs instead
                previous = null;
            } else {
                previous = node;
            }
        }
        return id;
    }

    private static long fanOut(String source, List<UUID> servers, String prefix) {
        long t0 = System.nanoTime();
        String classId = given().contentType(ContentType.JSON).body(Map.of("count", COPIES, "namePattern",
                        prefix + "-{n}", "serverIds", servers.stream().map(UUID::toString).toList()))
                .when().post("/api/v1/projects/" + source + "/copies").then().statusCode(202).extract().path("classId");
        Map<String, Object> done = await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).until(
                () -> given().when().get("/api/v1/classes/" + classId).then().statusCode(200).extract().jsonPath()
                        .getMap(""), c -> "finished".equals(c.get("state")));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!Integer.valueOf(COPIES).equals(done.get("done"))) {
            throw new IllegalStateException("class " + classId + " made " + done.get("done") + " of " + COPIES);
        }
        long t1 = System.nanoTime();
        given().when().delete("/api/v1/classes/" + classId).then().statusCode(202);
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).until(
                () -> given().when().get("/api/v1/classes/" + classId).then().extract().path("state"),
                "deleted"::equals);
        System.out.printf("note teardown of %d copies over %d server(s): %d ms%n", COPIES, servers.size(),
                (System.nanoTime() - t1) / 1_000_000);
        return ms;
    }

    @Test
    void fanOutOverFourServersVersusOneAndEvacuation() {
        String source = lab(0, "bench-source-" + UUID.randomUUID(), NODES);
        List<UUID> four = BenchFleetStandIn.SERVERS.subList(1, 5);
        List<UUID> one = BenchFleetStandIn.SERVERS.subList(1, 2);
        int rounds = Integer.getInteger("bench.rounds", 2);
        List<long[]> figures = new ArrayList<>();
        // one unmeasured round each side first: the JIT and the pools warm up
        for (int round = 0; round <= rounds; round++) {
            long overFour;
            long overOne;
            String p = "bench-" + round + "-" + UUID.randomUUID().toString().substring(0, 6);
            if (round % 2 == 0) {
                overFour = fanOut(source, four, p + "-four");
                overOne = fanOut(source, one, p + "-one");
            } else {
                overOne = fanOut(source, one, p + "-one");
                overFour = fanOut(source, four, p + "-four");
            }
            System.out.printf("round %d%s: %d copies of a %d-node lab: 4 servers %d ms, 1 server %d ms (%.2fx)%n",
                    round, round == 0 ? " (warm-up)" : "", COPIES, NODES, overFour, overOne,
                    overOne / (double) overFour);
            if (round > 0) {
                figures.add(new long[] {overFour, overOne});
            }
        }
        long four4 = figures.stream().mapToLong(f -> f[0]).sorted().toArray()[figures.size() / 2];
        long one1 = figures.stream().mapToLong(f -> f[1]).sorted().toArray()[figures.size() / 2];

        // evacuation: LABS labs on server S0 (the source server; the class source goes first) to S1-S4
        given().when().delete("/api/v1/projects/" + source).then().statusCode(204);
        for (int i = 0; i < LABS; i++) {
            lab(0, "bench-evac-" + i + "-" + UUID.randomUUID().toString().substring(0, 6), 6);
        }
        int concurrency = Integer.getInteger("bench.evacuate-concurrency", 4);
        long t0 = System.nanoTime();
        String location = given().contentType(ContentType.JSON).body(Map.of("concurrency", concurrency))
                .when().post("/api/v1/servers/" + BenchFleetStandIn.SERVERS.get(0) + "/evacuate")
                .then().statusCode(202).extract().header("Location");
        Map<String, Object> evacuation = await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().when().get(location).then().statusCode(200).extract().jsonPath().getMap(""),
                        e -> "finished".equals(e.get("state")));
        long evacuateMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("RESULT fan-out of %d copies of a %d-node lab (median of %d rounds): 4 servers %d ms, "
                        + "1 server %d ms, %.2fx faster over 4; evacuation of %d labs (6 nodes each, concurrency %d): "
                        + "%d ms, %s moved, %s failed%n", COPIES, NODES, figures.size(), four4, one1,
                one1 / (double) four4, LABS, concurrency, evacuateMs, evacuation.get("moved"), evacuation.get("failed"));
    }
}
