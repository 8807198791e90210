package dev.labfleet.search.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.search.cache.DashboardCache;
import dev.labfleet.search.dashboard.DashboardService;
import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static dev.labfleet.search.support.Events.gns3Node;
import static dev.labfleet.search.support.Events.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13's benchmark of the index lag and the dashboards, side by side in one run (prints figures; not part of
 * the suite: Surefire runs *Test only). Run:
 * {@code TEST_DB_URL=... ./mvnw -B -ntp -o -pl search-service -am verify -Dtest=IndexLagAndDashboardBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (env {@code BENCH_SECONDS}, {@code BENCH_RATE}).
 * <ul>
 *   <li>Index lag: {@code BENCH_RATE} (1,000) events/s for {@code BENCH_SECONDS} (30 s) onto {@code lab.topology}
 *   (node-created, each its own node), through Kafka and the service's consumers into PostgreSQL; the lag of each
 *   event is its document's {@code indexed_at} (the database's clock when the row was written) minus the event's time
 *   (when the producer made it), p50/p95/p99 over all of them, in SQL.</li>
 *   <li>Dashboards: each of the four fleet dashboards cold (both cache tiers emptied, then one GET over HTTP: the
 *   computation) and warm (GETs over HTTP answered by the local tier), p50/p95.</li>
 * </ul>
 */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class IndexLagAndDashboardBenchmark {

    @Inject
    Pool pool;

    @Inject
    DashboardCache cache;

    @Test
    void indexLagUnderLoadAndDashboardsColdVsWarm() throws Exception {
        int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "30"));
        int rate = Integer.parseInt(System.getenv().getOrDefault("BENCH_RATE", "1000"));
        Events.awaitConsumersReady();
        SourcesStandIn.put("monitoring", "/api/v1/monitoring/fleet",
                "{\"servers\":[{\"serverId\":\"s1\",\"name\":\"gns3-a\",\"status\":\"UP\",\"cpuPercent\":12.5}],\"labs\":[]}");

        UUID projectId = UUID.randomUUID();
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        int total = seconds * rate;
        long started;
        long sentAt;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            // 10 ms ticks, rate/100 events each, paced against the wall clock (no drift)
            int perTick = Math.max(1, rate / 100);
            started = System.nanoTime();
            int sent = 0;
            for (int tick = 0; sent < total; tick++) {
                long due = started + tick * 10_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing the load generator itself
                }
                for (int k = 0; k < perTick && sent < total; k++, sent++) {
                    ObjectNode node = gns3Node(projectId, UUID.randomUUID(), "lagbench-" + sent, "vpcs", "started");
                    node.putObject("labels").put("bench", "lag");
                    CloudEvent e = Events.event("/labfleet/topology-service", "lab.topology.node-created",
                            node.get("node_id").asText(), node, now());
                    // keyed by node: spread over the topic's partitions as a fleet's many labs would be
                    producer.send(new ProducerRecord<>("lab.topology", e.subject(), CloudEventCodec.toBytes(e)));
                }
            }
            producer.flush();
            sentAt = System.nanoTime();
        }
        double sendSeconds = (sentAt - started) / 1e9;
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> count(projectId) >= total);
        Row lag = pool.preparedQuery("SELECT count(*) AS n, "
                        + "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - occurred_at)) AS p50, "
                        + "percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - occurred_at)) AS p95, "
                        + "percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM indexed_at - occurred_at)) AS p99, "
                        + "max(extract(epoch FROM indexed_at - occurred_at)) AS worst "
                        + "FROM search_document WHERE kind = 'node' AND project_id = $1")
                .execute(Tuple.of(projectId)).await().atMost(Duration.ofSeconds(30)).iterator().next();
        long docs = pool.query("SELECT count(*) FROM search_document").execute().await().atMost(Duration.ofSeconds(30))
                .iterator().next().getLong(0);
        System.out.printf(Locale.ROOT, "%nINDEX LAG: %d events in %.1f s (%.0f events/s offered), lag p50 %.0f ms, "
                        + "p95 %.0f ms, p99 %.0f ms, worst %.0f ms; index holds %d documents%n", lag.getLong("n"),
                sendSeconds, total / sendSeconds, lag.getDouble("p50") * 1000, lag.getDouble("p95") * 1000,
                lag.getDouble("p99") * 1000, lag.getDouble("worst") * 1000, docs);

        for (String name : DashboardService.NAMES) {
            List<Double> cold = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cache.evict(name).await().atMost(Duration.ofSeconds(10));
                long t = System.nanoTime();
                String tier = RestAssured.given().get("/api/v1/dashboards/" + name).then().statusCode(200).extract()
                        .path("cache.tier");
                cold.add((System.nanoTime() - t) / 1e6);
                assertThat(tier).isEqualTo("computed");
            }
            cache.refresh(name).await().atMost(Duration.ofSeconds(10));
            List<Double> warm = new ArrayList<>();
            int local = 0;
            for (int i = 0; i < 500; i++) {
                long t = System.nanoTime();
                String tier = RestAssured.given().get("/api/v1/dashboards/" + name).then().statusCode(200).extract()
                        .path("cache.tier");
                warm.add((System.nanoTime() - t) / 1e6);
                local += "local".equals(tier) ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "DASHBOARD %-10s cold p50 %.1f ms p95 %.1f ms | warm p50 %.2f ms p95 %.2f ms "
                    + "(%d of 500 from the local tier, the rest from Redis)%n", name, pct(cold, 50), pct(cold, 95),
                    pct(warm, 50), pct(warm, 95), local);
        }
    }

    private long count(UUID projectId) {
        return pool.preparedQuery("SELECT count(*) FROM search_document WHERE kind = 'node' AND project_id = $1")
                .execute(Tuple.of(projectId)).await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
