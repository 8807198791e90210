package dev.labfleet.automation.bench;

import dev.labfleet.automation.support.LabStandIn;
import dev.labfleet.automation.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The benchmark, in one run: one script of 5 commands on 200 simulated VPCS at concurrency 50 through
 * automation-service, against the same commands sent by a plain sequential-per-node Java telnet client (blocking
 * sockets, 50 threads). Not part of the suite (the name does not end in Test): run it with
 * {@code ./mvnw -pl automation-service -am verify -Dtest=ConsoleBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * It prints the figures; the heap figure is the whole test JVM's (service, simulator and the plain client share it),
 * an upper bound of the service's own.
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class ConsoleBenchmark {

    private static final int NODES = Integer.getInteger("bench.nodes", 200);
    private static final int CONCURRENCY = 50;
    private static final List<String> COMMANDS = List.of("ip 10.30.{i}/16", "show ip", "?", "show ip", "save");

    @Test
    void fiveCommandsOnTwoHundredVpcs() throws Exception {
        SimLabs.Lab lab = SimLabs.pairs(NODES);
        Map<String, Object> script = new HashMap<>();
        script.put("name", "bench-" + UUID.randomUUID());
        script.put("kind", "vpcs");
        script.put("body", "ip 10.30.{hi}.{lo}/16\nshow ip\n?\nshow ip\nsave\n");
        script.put("variables", List.of(Map.of("name", "hi", "type", "integer", "required", true),
                Map.of("name", "lo", "type", "integer", "required", true)));
        String id = given().contentType(ContentType.JSON).body(script).when().post("/api/v1/scripts")
                .then().statusCode(201).extract().path("id");
        Map<String, Object> perNode = new HashMap<>();
        for (int i = 1; i <= NODES; i++) {
            perNode.put("PC" + i, Map.of("hi", i / 250, "lo", i % 250 + 1));
        }
        // warm-up of both paths on a few nodes, so neither pays for class loading in the timed run
        plain(lab, 4);

        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = heapSampler(peakHeap);
        sampler.start();
        long start = System.nanoTime();
        String execution = given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId(),
                        "nodeVariables", perNode, "concurrency", CONCURRENCY))
                .when().post("/api/v1/scripts/" + id + "/executions").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> !"running".equals(
                given().when().get("/api/v1/executions/" + execution + "?nodes=false").then().extract().path("status")));
        long service = System.nanoTime() - start;
        sampler.interrupt();
        String status = given().when().get("/api/v1/executions/" + execution).then().extract().path("status");

        long plainStart = System.nanoTime();
        int ok = plain(lab, NODES);
        long plain = System.nanoTime() - plainStart;

        System.out.printf("%n| run | nodes | concurrency | wall time (s) | status |%n|---|---|---|---|---|%n");
        System.out.printf("| automation-service | %d | %d | %.2f | %s |%n", NODES, CONCURRENCY, service / 1e9, status);
        System.out.printf("| plain sequential-per-node telnet client | %d | %d | %.2f | %d/%d ok |%n", NODES, CONCURRENCY,
                plain / 1e9, ok, NODES);
        System.out.printf("ratio service/plain: %.2f; peak heap used of the whole test JVM during the service run: %d MB%n",
                (double) service / plain, peakHeap.get() / (1024 * 1024));
        assertThat(status).isEqualTo("succeeded");
    }

    private static Thread heapSampler(AtomicLong peak) {
        return new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP) {
                        used += pool.getUsage().getUsed();
                    }
                }
                peak.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** The plain client: one blocking telnet connection per node, the 5 commands one after another, 50 at a time. */
    private static int plain(SimLabs.Lab lab, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<Boolean>> done = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                int port = SimLabs.console(lab, "PC" + i);
                int n = i;
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
            String s = text.toString();
            if (s.endsWith("> ")) {
                return;
            }
        }
    }
}
