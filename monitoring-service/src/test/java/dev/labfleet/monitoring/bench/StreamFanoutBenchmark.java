package dev.labfleet.monitoring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.monitoring.stream.StreamHub;
import dev.labfleet.monitoring.stream.StreamMetrics;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Issue #12's stream benchmark (prints figures; not part of the suite: Surefire runs *Test only). {@code BENCH_CLIENTS}
 * (1,000) WebSocket clients follow one lab's stream on this replica while {@code BENCH_RATE} (1,000) GNS3 node
 * notifications per second arrive on {@code gns3.events} for {@code BENCH_SECONDS} (60 s), as the gateway's
 * notification bridge publishes them (the bridge's own hop from GNS3 is not in the figure). Each notification moves
 * one of 100 nodes to x = its sequence number; latency is from the producer's send to a client reading that delta.
 * {@code BENCH_MEASURED} (50) clients parse every frame and record latencies; the others read and count bytes (so the
 * load generator's JSON parsing does not take the service's CPU). Heap: the JVM's used heap sampled each second and
 * after a full GC at the end; it hosts the service, the clients and the producer, so it is an upper bound of the
 * service's. Run: {@code TEST_DB_URL=... ./mvnw -B -ntp -o -pl monitoring-service -am verify
 * -Dtest=StreamFanoutBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class StreamFanoutBenchmark {

    private static final int NODES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StreamHub hub;
    @Inject
    StreamMetrics metrics;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void oneThousandClientsAtOneThousandEventsPerSecond() throws Exception {
        int clients = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLIENTS", "1000"));
        int rate = Integer.parseInt(System.getenv().getOrDefault("BENCH_RATE", "1000"));
        int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "60"));
        int measured = Math.min(clients, Integer.parseInt(System.getenv().getOrDefault("BENCH_MEASURED", "50")));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        String projectId = UUID.randomUUID().toString();
        URI source = URI.create("urn:labfleet:gns3-server:" + MonitoringStandIn.SERVER_ID);
        int total = rate * seconds;
        AtomicLongArray sentAt = new AtomicLongArray(total + 1);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong frames = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong closedEarly = new AtomicLong();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<WebSocket> sockets = new ArrayList<>();
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 2),
                new StringSerializer(), new CloudEventSerializer())) {
            for (int i = 0; i < NODES; i++) {
                producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                        "gns3.node.created", "n" + i, node(projectId, "n" + i, 0))));
            }
            producer.flush();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    given().get("/api/v1/monitoring/labs/" + projectId).then().extract().path("nodes.size()")
                            .equals(NODES));
            WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setMaxConnections(clients + 10).setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20));
            for (int c = 0; c < clients; c++) {
                boolean parse = c < measured;
                WebSocket ws = wsClient.connect(RestAssured.port, "127.0.0.1", "/api/v1/monitoring/stream/projects/"
                        + projectId).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                ws.textMessageHandler(text -> {
                    long now = System.nanoTime();
                    frames.incrementAndGet();
                    bytes.addAndGet(text.length());
                    if (parse) {
                        record(text, now, sentAt, latencies);
                    }
                });
                ws.closeHandler(v -> closedEarly.incrementAndGet());
                sockets.add(ws);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> hub.clientCount() >= clients);
            System.gc();
            long heapIdle = heapUsed();
            long maxHeap = heapIdle;
            double coalescedBefore = metrics.coalescedCount();
            long started = System.nanoTime();
            int perTick = Math.max(1, rate / 100);
            int seq = 0;
            long nextSample = started + 1_000_000_000L;
            for (int tick = 0; seq < total; tick++) {
                long wait = started + tick * 10_000_000L - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the load generator itself
                }
                for (int k = 0; k < perTick && seq < total; k++) {
                    seq++;
                    String id = "n" + (seq % NODES);
                    sentAt.set(seq, System.nanoTime());
                    producer.send(new ProducerRecord<>(TestTopics.of(Topics.GNS3_EVENTS), projectId, CloudEvent.of(source,
                            "gns3.node.updated", id, node(projectId, id, seq))));
                }
                if (System.nanoTime() >= nextSample) {
                    maxHeap = Math.max(maxHeap, heapUsed());
                    nextSample += 1_000_000_000L;
                }
            }
            producer.flush();
            double sendSeconds = (System.nanoTime() - started) / 1e9;
            // the last update of every node reaches the measured clients
            int last = total;
            // (a run where they never do still prints its figures: what arrived, and how far the clients got)
            boolean complete = true;
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> latencies.stream().anyMatch(x -> x < 0) || lastSeen.get() >= last);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                complete = false;
            }
            System.out.printf(Locale.ROOT, "%nSTREAM FANOUT delivery: %s; newest update seen by a measuring client: "
                            + "%d of %d; %.1f s after the last send%n",
                    complete ? "every update's latest state reached the measuring clients"
                            : "NOT every update reached the measuring clients within 120 s",
                    lastSeen.get(), last, (System.nanoTime() - started) / 1e9 - sendSeconds);
            System.gc();
            long heapEnd = heapUsed();
            List<Long> sorted = new ArrayList<>(latencies);
            sorted.removeIf(x -> x < 0);
            sorted.sort(null);
            System.out.printf(Locale.ROOT, "%nSTREAM FANOUT: %d clients (%d measuring), %d notifications in %.1f s "
                            + "(%.0f/s offered); %d frames, %.1f MB to clients; %d latencies: p50 %.1f ms, p99 %.1f ms, "
                            + "max %.1f ms; coalesced updates %.0f; clients closed %d; heap used: %d MB before the "
                            + "load, max %d MB sampled during, %d MB after a full GC (JVM max %d MB)%n", clients,
                    measured, total, sendSeconds, total / sendSeconds, frames.get(), bytes.get() / 1e6, sorted.size(),
                    pct(sorted, 50), pct(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6,
                    metrics.coalescedCount() - coalescedBefore, closedEarly.get(), heapIdle >> 20, maxHeap >> 20,
                    heapEnd >> 20, Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            for (WebSocket ws : sockets) {
                ws.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static final AtomicLong lastSeen = new AtomicLong();

    private static void record(String text, long now, AtomicLongArray sentAt, ConcurrentLinkedQueue<Long> out) {
        try {
            JsonNode frame = JSON.readTree(text);
            for (JsonNode item : frame.path("items")) {
                if (!"node".equals(item.path("kind").asText())) {
                    continue;
                }
                int x = item.path("state").path("x").asInt(0);
                if (x > 0 && x < sentAt.length()) {
                    long sent = sentAt.get(x);
                    if (sent > 0) {
                        out.add(now - sent);
                        lastSeen.accumulateAndGet(x, Math::max);
                    }
                }
            }
        } catch (Exception e) {
            out.add(-1L);
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }

    private static ObjectNode node(String projectId, String id, int x) {
        return JsonNodeFactory.instance.objectNode().put("project_id", projectId).put("node_id", id)
                .put("name", id).put("node_type", "vpcs").put("status", "started").put("x", x).put("y", 0);
    }
}
