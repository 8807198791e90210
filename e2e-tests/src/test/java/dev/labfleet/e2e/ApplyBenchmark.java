package dev.labfleet.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;

/**
 * Benchmark, not a test (its name matches neither Surefire's nor Failsafe's patterns; {@code scripts/bench-apply.sh}
 * runs it): the 1,000-node / 1,500-link lab applied through the suite (topology-service, project-service and the
 * gateway as processes) versus a direct client making the same GNS3 calls, as many in flight as the apply, on the same simulator,
 * alternating, in one run. Prints the figures for docs/benchmarks.md.
 */
@ExtendWith(Suite.Extension.class)
class ApplyBenchmark {

    private static final int SWITCHES = 100;
    private static final int HOSTS = 900;
    /** The direct client's threads: as many calls in flight as an apply keeps (topology-service's default). */
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void applyThroughTheSuiteVersusADirectClient() throws Exception {
        String gns3 = Suite.current().simulator().baseUrl();
        String projects = Suite.current().service("project").baseUrl();
        String topology = Suite.current().service("topology").baseUrl();
        given().baseUri(Suite.current().service("gateway").baseUrl()).when().get("/api/v1/servers").then()
                .statusCode(200);
        int rounds = Integer.getInteger("bench.rounds", 3);
        // the three service JVMs start cold while the direct client shares the test JVM with the simulator: a few
        // unmeasured rounds let both sides' JIT settle before anything is measured
        int warmup = Integer.getInteger("bench.warmup", 3);
        List<long[]> figures = new ArrayList<>();
        for (int round = 1 - warmup; round <= rounds; round++) {
            // who goes first alternates, so neither side always runs after the other's garbage
            long direct;
            long suite;
            Map<String, Long> before;
            Map<String, Long> directCpu;
            Map<String, Long> suiteCpu;
            if (Math.floorMod(round, 2) == 0) {
                before = cpu();
                direct = direct(gns3);
                directCpu = since(before);
                settle();
                before = cpu();
                suite = suite(projects, topology);
                suiteCpu = since(before);
            } else {
                before = cpu();
                suite = suite(projects, topology);
                suiteCpu = since(before);
                settle();
                before = cpu();
                direct = direct(gns3);
                directCpu = since(before);
            }
            settle();
            if (round > 0) {
                figures.add(new long[]{direct, suite});
            }
            System.out.printf("round %d%s: direct %d ms, suite %d ms, ratio %.2f%n", round,
                    round <= 0 ? " (warm-up)" : "", direct, suite, suite / (double) direct);
            System.out.printf("cpu ms   direct %s%ncpu ms   suite  %s%n", directCpu, suiteCpu);
        }
        long directSum = figures.stream().mapToLong(f -> f[0]).sum();
        long suiteSum = figures.stream().mapToLong(f -> f[1]).sum();
        double[] ratios = figures.stream().mapToDouble(f -> f[1] / (double) f[0]).sorted().toArray();
        double median = ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
        System.out.printf("RESULT apply 1,000 nodes + 1,500 links: direct %.0f ms, suite %.0f ms (mean of %d), "
                        + "ratio of means %.2f, median of round ratios %.2f%n", directSum / (double) rounds,
                suiteSum / (double) rounds, rounds, suiteSum / (double) directSum, median);
    }

    /**
     * Waits until the notifications of the last run are bridged and consumed: the consumer groups on
     * {@code gns3.events} have committed (nearly) up to the topic's end, and the end no longer moves. Either side would
     * otherwise pay for the other's backlog (the bridge serves every project on the server, the direct client's
     * too).
     */
    private static void settle() {
        String[] state = {""};
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                E2e.env("KAFKA_BOOTSTRAP", "127.0.0.1:9092")))) {
            long[] lastEnd = {-1};
            org.awaitility.Awaitility.await("gns3.events drained").atMost(java.time.Duration.ofSeconds(60))
                    .pollInterval(java.time.Duration.ofMillis(250)).until(() -> {
                        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                                new java.util.HashMap<>();
                        admin.describeTopics(List.of("gns3.events")).allTopicNames().get().get("gns3.events")
                                .partitions().forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(
                                        "gns3.events", p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
                        Map<org.apache.kafka.common.TopicPartition, Long> ends = new java.util.HashMap<>();
                        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
                        long end = ends.values().stream().mapToLong(Long::longValue).sum();
                        long lag = 0;
                        for (String group : List.of("project-service", "topology-service")) {
                            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
                                    committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                            for (var e : ends.entrySet()) {
                                var at = committed.get(e.getKey());
                                lag += e.getValue() - (at == null ? 0 : at.offset());
                            }
                        }
                        state[0] = "end " + end + ", lag " + lag;
                        boolean still = end == lastEnd[0];
                        lastEnd[0] = end;
                        // a few stragglers may stay uncommitted on a partition nothing new arrives on: a run's
                        // backlog is thousands of notifications, so a few dozen left are noise
                        return still && lag <= 50;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("gns3.events did not drain: " + state[0], e);
        } catch (RuntimeException e) {
            throw e;
        }
    }

    /**
     * CPU time (user + system, in ms) each process of the run has used so far, from /proc: the test JVM (simulator
     * and direct client), each service, Kafka, PostgreSQL (all its backends) and Redis. Where the 2 cores go.
     */
    private static Map<String, Long> cpu() {
        Map<String, Long> used = new java.util.TreeMap<>();
        long self = ProcessHandle.current().pid();
        long tick = 100; // USER_HZ on Linux
        try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = java.nio.file.Files.readString(dir.resolve("cmdline")).replace('\0', ' ');
                    String name = Long.parseLong(dir.getFileName().toString()) == self ? "simulator+client"
                            : cmd.contains("kafka.Kafka") ? "kafka"
                            : cmd.contains("quarkus-run.jar") ? cmd.replaceAll(".*/([a-z0-9-]+)/target/quarkus-app/.*", "$1")
                                    .replace("-service", "")
                            : cmd.startsWith("postgres") || cmd.contains("/postgres ") ? "postgresql"
                            : cmd.startsWith("redis-server") ? "redis" : null;
                    if (name == null) {
                        continue;
                    }
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    used.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / tick, Long::sum);
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return used;
        }
        return used;
    }

    private static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> now = cpu();
        now.replaceAll((name, ms) -> ms - before.getOrDefault(name, 0L));
        now.values().removeIf(ms -> ms == 0);
        return now;
    }

    /** The same GNS3 calls as the apply makes: read the empty lab, 1,000 node creates, then 1,500 link creates. */
    private long direct(String gns3) throws Exception {
        String projectId = post(gns3 + "/v2/projects", JSON.createObjectNode().put("name", "direct-" + UUID.randomUUID()))
                .get("project_id").asText();
        String base = gns3 + "/v2/projects/" + projectId;
        long start = System.nanoTime();
        get(base + "/nodes");
        get(base + "/links");
        Map<String, String> ids = new java.util.HashMap<>();
        List<ObjectNode> nodes = new ArrayList<>();
        for (int s = 0; s < SWITCHES; s++) {
            ObjectNode n = node("sw" + s, "ethernet_switch", s * 100, 0, ids);
            ArrayNode mapping = n.putObject("properties").putArray("ports_mapping");
            for (int p = 0; p < 32; p++) {
                mapping.addObject().put("name", "Ethernet" + p).put("port_number", p).put("type", "access")
                        .put("vlan", 1);
            }
            nodes.add(n);
        }
        for (int h = 0; h < HOSTS; h++) {
            nodes.add(node("pc" + h, "vpcs", (h / 9) * 100, 200 + (h % 9) * 60, ids));
        }
        List<ObjectNode> links = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
            links.add(link(ids.get("pc" + h), 0, ids.get("sw" + (h / 9)), h % 9));
        }
        for (int s = 0; s < SWITCHES; s++) {
            for (int k = 1; k <= 6; k++) {
                links.add(link(ids.get("sw" + s), 8 + k, ids.get("sw" + (s + k) % SWITCHES), 14 + k));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            runAll(pool, nodes, body -> post(base + "/nodes", body));
            runAll(pool, links, body -> post(base + "/links", body));
        } finally {
            pool.shutdown();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        delete(base);
        return millis;
    }

    /** The same lab as a spec, applied through the suite to a lab project-service placed on the simulator. */
    private long suite(String projects, String topology) throws Exception {
        String projectId = given().baseUri(projects).contentType(ContentType.JSON)
                .body(Map.of("name", "suite-" + UUID.randomUUID())).post("/api/v1/projects")
                .then().statusCode(201).extract().path("projectId");
        String spec = spec();
        // the same HTTP client as the direct side, so neither pays for a heavier client library
        HttpRequest apply = HttpRequest.newBuilder(URI.create(topology + "/api/v1/projects/" + projectId + "/topology?wait=10m"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + E2e.token("bench", "admin"))
                .PUT(HttpRequest.BodyPublishers.ofString(spec)).build();
        long writes = Suite.current().simulator().requests().writes();
        long start = System.nanoTime();
        HttpResponse<byte[]> report = http.send(apply, HttpResponse.BodyHandlers.ofByteArray());
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (report.statusCode() != 200) {
            throw new IllegalStateException("apply answered " + report.statusCode() + ": " + new String(report.body()));
        }
        long made = Suite.current().simulator().requests().writes() - writes;
        if (made != SWITCHES + HOSTS + HOSTS + SWITCHES * 6L) {
            // retried calls (or calls of something else) would make the two sides' work differ: say so
            System.out.printf("note: the suite's apply made %d GNS3 writes%n", made);
        }
        given().baseUri(projects).delete("/api/v1/projects/" + projectId).then().statusCode(204);
        return millis;
    }

    private static String spec() throws Exception {
        ObjectNode spec = JSON.createObjectNode().put("name", "scale");
        ArrayNode nodes = spec.putArray("nodes");
        ArrayNode links = spec.putArray("links");
        for (int s = 0; s < SWITCHES; s++) {
            ObjectNode n = nodes.addObject().put("name", "sw" + s).put("node_type", "ethernet_switch");
            n.putObject("position").put("x", s * 100).put("y", 0);
            ArrayNode mapping = n.putObject("properties").putArray("ports_mapping");
            for (int p = 0; p < 32; p++) {
                mapping.addObject().put("name", "Ethernet" + p).put("port_number", p).put("type", "access")
                        .put("vlan", 1);
            }
        }
        for (int h = 0; h < HOSTS; h++) {
            ObjectNode n = nodes.addObject().put("name", "pc" + h).put("template", "VPCS");
            n.putObject("position").put("x", (h / 9) * 100).put("y", 200 + (h % 9) * 60);
            links.addObject().put("a", "pc" + h + ":e0").put("b", "sw" + (h / 9) + ":e" + (h % 9));
        }
        for (int s = 0; s < SWITCHES; s++) {
            for (int k = 1; k <= 6; k++) {
                links.addObject().put("a", "sw" + s + ":e" + (8 + k)).put("b", "sw" + (s + k) % SWITCHES + ":e" + (14 + k));
            }
        }
        return JSON.writeValueAsString(spec);
    }

    private static ObjectNode node(String name, String type, int x, int y, Map<String, String> ids) {
        String id = UUID.randomUUID().toString();
        ids.put(name, id);
        return JSON.createObjectNode().put("node_id", id).put("name", name).put("node_type", type)
                .put("compute_id", "local").put("x", x).put("y", y);
    }

    private static ObjectNode link(String a, int portA, String b, int portB) {
        ObjectNode link = JSON.createObjectNode().put("link_id", UUID.randomUUID().toString());
        ArrayNode ends = link.putArray("nodes");
        ends.addObject().put("node_id", a).put("adapter_number", 0).put("port_number", portA);
        ends.addObject().put("node_id", b).put("adapter_number", 0).put("port_number", portB);
        return link;
    }

    private interface Call {
        Object run(ObjectNode body) throws Exception;
    }

    private static void runAll(ExecutorService pool, List<ObjectNode> bodies, Call call) throws Exception {
        List<Future<Object>> futures = new ArrayList<>();
        for (ObjectNode body : bodies) {
            futures.add(pool.submit(() -> call.run(body)));
        }
        for (Future<Object> f : futures) {
            f.get();
        }
    }

    private com.fasterxml.jackson.databind.JsonNode post(String url, ObjectNode body) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + new String(r.body()));
        }
        return JSON.readTree(r.body());
    }

    private void get(String url) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void delete(String url) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(url)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }
}
