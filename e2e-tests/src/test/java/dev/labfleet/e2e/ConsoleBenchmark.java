package dev.labfleet.e2e;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Benchmark, not a test (run it with {@code -Dit.test=ConsoleBenchmark}): issue 11's figure, one script of 5
 * commands on 200 simulated VPCS at concurrency 50 through automation-service, against the same commands from a
 * plain sequential-per-node Java telnet client (blocking sockets, 50 threads), alternating in one run after a
 * warm-up of both. automation-service runs as its own process (its fast-jar, {@code -Xms16m -Xmx384m
 * -XX:+UseSerialGC} as {@code ./labfleet up} starts it unless {@code e2e.jvm-args} says otherwise), so its heap is
 * its own: sampled every 200 ms from its {@code /q/metrics} ({@code jvm_memory_used_bytes{area="heap"}}) during its
 * rounds. The simulator (200 VPCS consoles), the gateway/project-service stand-in and the plain client share the test
 * JVM. Prints the figures for docs/benchmarks.md.
 */
class ConsoleBenchmark {

    private static final int NODES = Integer.getInteger("bench.nodes", 200);
    private static final int CONCURRENCY = 50;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final List<String> COMMANDS = List.of("ip 10.30.{i}/16", "show ip", "?", "show ip", "save");
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);

    @Test
    void fiveCommandsOnTwoHundredVpcs() throws Exception {
        try (Gns3Simulator simulator = Gns3Simulator.start();
             LabfleetFacade facade = LabfleetFacade.start(simulator)) {
            int port = 18184 + E2e.PORT_OFFSET;
            String jvm = System.getProperty("e2e.jvm-args", "");
            if (jvm.isBlank()) {
                System.setProperty("e2e.jvm-args", "-Xms16m -Xmx384m");
            }
            ServiceProcess automation = new ServiceProcess("automation-service", "automation", port, Map.of(
                    "LABFLEET_GATEWAY_URL", facade.baseUrl(), "LABFLEET_PROJECT_URL", facade.baseUrl(),
                    "MALLOC_ARENA_MAX", "2",
                    // the benchmark database scripts/infra.sh makes (never the suite's or a test run's)
                    "DB_URL", "postgresql://127.0.0.1:" + E2e.env("PG_PORT", "5432") + "/labfleet_automation_bench")).start();
            try {
                automation.awaitReady(Duration.ofSeconds(Long.parseLong(E2e.env("LABFLEET_E2E_START_SECONDS", "180"))));
                run(simulator, automation.baseUrl());
            } finally {
                automation.close();
                System.setProperty("e2e.jvm-args", jvm);
            }
        }
    }

    private void run(Gns3Simulator simulator, String service) throws Exception {
        Map<String, Integer> consoles = lab(simulator);
        String projectId = consoles.keySet().iterator().next().split("/")[0];
        Map<String, Object> script = new HashMap<>();
        script.put("name", "bench-" + UUID.randomUUID());
        script.put("kind", "vpcs");
        script.put("body", "ip 10.30.{hi}.{lo}/16\nshow ip\n?\nshow ip\nsave\n");
        script.put("variables", List.of(Map.of("name", "hi", "type", "integer", "required", true),
                Map.of("name", "lo", "type", "integer", "required", true)));
        String id = api(service).body(script).when().post("/api/v1/scripts").then().statusCode(201).extract().path("id");
        Map<String, Object> perNode = new HashMap<>();
        for (int i = 1; i <= NODES; i++) {
            perNode.put("PC" + i, Map.of("hi", i / 250, "lo", i % 250 + 1));
        }
        List<Integer> ports = new ArrayList<>(consoles.values());

        // warm-up: both paths once on 20 nodes, so neither pays for class loading and JIT in a timed round
        viaService(service, id, projectId, perNode, names(20), new AtomicLong());
        plain(ports.subList(0, 20));

        List<Double> serviceTimes = new ArrayList<>();
        List<Double> plainTimes = new ArrayList<>();
        long peakHeap = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            // who goes first alternates, so neither side always runs after the other's garbage
            for (int side = 0; side < 2; side++) {
                if ((round + side) % 2 == 1) {
                    AtomicLong peak = new AtomicLong();
                    serviceTimes.add(viaService(service, id, projectId, perNode, null, peak));
                    peakHeap = Math.max(peakHeap, peak.get());
                } else {
                    long start = System.nanoTime();
                    int ok = plain(ports);
                    plainTimes.add((System.nanoTime() - start) / 1e9);
                    assertThat(ok).isEqualTo(NODES);
                }
            }
        }
        double serviceMedian = median(serviceTimes);
        double plain = median(plainTimes);
        System.out.printf("%n| run | nodes | concurrency | wall time per round (s) | median (s) |%n|---|---|---|---|---|%n");
        System.out.printf("| automation-service | %d | %d | %s | %.2f |%n", NODES, CONCURRENCY, serviceTimes, serviceMedian);
        System.out.printf("| plain sequential-per-node telnet client | %d | %d | %s | %.2f |%n", NODES, CONCURRENCY,
                plainTimes, plain);
        System.out.printf("ratio of medians service/plain: %.2f; automation-service's peak heap used during its rounds:"
                + " %d MiB (its own process)%n", serviceMedian / plain, peakHeap / (1024 * 1024));
    }

    private static List<String> names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add("PC" + i);
        }
        return names;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static RequestSpecification api(String base) {
        return given().baseUri(base).contentType(ContentType.JSON);
    }

    /** One execution through the service, timed from the POST to its end as seen by polling every 50 ms. */
    private static double viaService(String service, String scriptId, String projectId, Map<String, Object> perNode,
                                     List<String> nodes, AtomicLong peakHeap) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("projectId", projectId);
        body.put("nodeVariables", perNode);
        body.put("concurrency", CONCURRENCY);
        if (nodes != null) {
            body.put("nodes", nodes);
        }
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    String metrics = given().baseUri(service).when().get("/q/metrics").asString();
                    long used = 0;
                    Matcher m = HEAP.matcher(metrics);
                    while (m.find()) {
                        used += (long) Double.parseDouble(m.group(1));
                    }
                    peakHeap.accumulateAndGet(used, Math::max);
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a scrape that failed under load: the next one counts
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        String execution = api(service).body(body).when().post("/api/v1/scripts/" + scriptId + "/executions")
                .then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> !"running".equals(
                api(service).when().get("/api/v1/executions/" + execution + "?nodes=false").then().extract().path("status")));
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        sampler.join();
        String status = api(service).when().get("/api/v1/executions/" + execution).then().extract().path("status");
        assertThat(status).as("execution " + execution).isEqualTo("succeeded");
        return seconds;
    }

    /** {@code NODES} started VPCS named PC1..PCn on the simulator: "projectId/nodeName" to console port. */
    private static Map<String, Integer> lab(Gns3Simulator simulator) {
        RequestSpecification gns3 = api(simulator.baseUrl());
        String projectId = gns3.body(Map.of("name", "bench-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
        Map<String, Integer> consoles = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            ids.add(api(simulator.baseUrl()).body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201).extract()
                    .path("node_id"));
        }
        api(simulator.baseUrl()).when().post("/v2/projects/" + projectId + "/nodes/start").then().statusCode(204);
        for (int i = 0; i < ids.size(); i++) {
            int console = api(simulator.baseUrl()).when().get("/v2/projects/" + projectId + "/nodes/" + ids.get(i))
                    .then().statusCode(200).extract().path("console");
            consoles.put(projectId + "/PC" + (i + 1), console);
        }
        return consoles;
    }

    /** The plain client: one blocking telnet connection per node, the 5 commands one after another, 50 at a time. */
    private static int plain(List<Integer> ports) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                int port = ports.get(i);
                int n = i + 1;
                done.add(pool.submit(() -> session(port, n)));
            }
            int ok = 0;
            for (Future<Boolean> f : done) {
                ok += f.get() ? 1 : 0;
            }
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean session(int port, int n) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            out.write("\n".getBytes(StandardCharsets.US_ASCII));
            readPrompt(in);
            Thread.sleep(150); // the same settle as the service: a banner's prompt and ours
            in.skip(in.available());
            for (String command : COMMANDS) {
                out.write((command.replace("{i}", (n / 250) + "." + (n % 250 + 1)) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                readPrompt(in);
            }
            return true;
        }
    }

    private static void readPrompt(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (true) {
            int read = in.read(buffer);
            if (read < 0) {
                throw new IllegalStateException("console closed");
            }
            for (int i = 0; i < read; i++) {
                int b = buffer[i] & 0xff;
                if (b != 0xff && b < 0xf0) {
                    text.append((char) b);
                }
            }
            if (text.toString().endsWith("> ")) {
                return;
            }
        }
    }
}
