package dev.labfleet.search.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.Topics;
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
 *   computation) and warm (1,900 GETs over HTTP after 100 unmeasured, from one keep-alive client, timed to the whole
 *   body; the body is parsed afterwards), p50/p95/p99. An earlier version timed RestAssured calls, whose own
 *   per-call cost (a new connection, Groovy's JSON path) was most of its "warm" figure.</li>
 *   <li>Search: {@link #searchAtOneHundredThousandDocuments()} ({@code BENCH_DOCS}).</li>
 *   <li>Consumer batches: count, size and apply time of the batches the lag phase's events came in, and how many
 *   dashboards were computed meanwhile.</li>
 * </ul>
 */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class IndexLagAndDashboardBenchmark {

    @Inject
    Pool pool;

    @Inject
    DashboardCache cache;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    @org.junit.jupiter.api.Order(1)
    void indexLagUnderLoadAndDashboardsColdVsWarm() throws Exception {
        int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "30"));
        int rate = Integer.parseInt(System.getenv().getOrDefault("BENCH_RATE", "1000"));
        Events.awaitConsumersReady();
        SourcesStandIn.put("monitoring", "/api/v1/monitoring/fleet",
                "{\"servers\":[{\"serverId\":\"s1\",\"name\":\"gns3-a\",\"status\":\"UP\",\"cpuPercent\":12.5}],\"labs\":[]}");

        double computedBefore = registry.counter("labfleet_search_dashboard_computations").count();
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
                    producer.send(new ProducerRecord<>(TestTopics.of(Topics.LAB_TOPOLOGY), e.subject(), CloudEventCodec.toBytes(e)));
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
        io.micrometer.core.instrument.Timer batches = registry.timer("labfleet_search_index_batch_duration");
        io.micrometer.core.instrument.DistributionSummary sizes = registry.summary("labfleet_search_index_batch_events");
        System.out.printf(Locale.ROOT, "INDEX BATCHES: %d batches, %.0f events each on average (max %.0f), applied in "
                        + "%.1f ms on average (max %.0f ms), %.1f s in all; dashboards computed meanwhile: %.0f%n",
                batches.count(), sizes.mean(), sizes.max(), batches.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
                batches.max(java.util.concurrent.TimeUnit.MILLISECONDS),
                batches.totalTime(java.util.concurrent.TimeUnit.SECONDS),
                registry.counter("labfleet_search_dashboard_computations").count() - computedBefore);

        // the dashboards over HTTP from one keep-alive client (as a browser or a proxy would hold its connection);
        // each figure is the time from sending the request to having the whole body; the body is read afterwards
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        for (String name : DashboardService.NAMES) {
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/dashboards/" + name)).GET().build();
            List<Double> cold = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                cache.evict(name).await().atMost(Duration.ofSeconds(10));
                long t = System.nanoTime();
                java.net.http.HttpResponse<byte[]> response = http.send(request,
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                cold.add((System.nanoTime() - t) / 1e6);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(CloudEventCodec.mapper().readTree(response.body()).path("cache").path("tier").asText())
                        .isEqualTo("computed");
            }
            cache.refresh(name).await().atMost(Duration.ofSeconds(10));
            List<Double> warm = new ArrayList<>();
            Map<String, Integer> tiers = new java.util.TreeMap<>();
            for (int i = 0; i < 2000; i++) {
                long t = System.nanoTime();
                java.net.http.HttpResponse<byte[]> response = http.send(request,
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                double ms = (System.nanoTime() - t) / 1e6;
                assertThat(response.statusCode()).isEqualTo(200);
                String tier = CloudEventCodec.mapper().readTree(response.body()).path("cache").path("tier").asText();
                tiers.merge(tier, 1, Integer::sum);
                if (i >= 100) { // the first 100 warm the client's and the JIT's paths
                    warm.add(ms);
                }
            }
            System.out.printf(Locale.ROOT, "DASHBOARD %-10s cold p50 %.1f ms p95 %.1f ms | warm p50 %.2f ms p95 %.2f ms "
                    + "p99 %.2f ms over %d reads (tiers %s)%n", name, pct(cold, 50), pct(cold, 95),
                    pct(warm, 50), pct(warm, 95), pct(warm, 99), warm.size(), tiers);
        }
    }

    /**
     * Search over HTTP (page of 50 with every facet, as the API's default) once the index holds {@code BENCH_DOCS}
     * (100,000) documents: the lag phase's, topped up with generated node and lab documents written in SQL (names
     * {@code R<n>}, {@code leaf<n>}, {@code spine<n>}..., an IP address each; the same generated tsvector and GIN
     * indexes as indexed ones). Their terms are written as {@code Terms} makes them (lower case, split at {@code =}
     * and spaces, one lexeme each since V4): in {@code R1 R} and {@code role=core} as this wrote them before, no
     * query found {@code r1} or {@code core}, and those searches timed empty answers. Each query 200 times after 20
     * unmeasured, p50/p95.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void searchAtOneHundredThousandDocuments() throws Exception {
        int docs = Integer.parseInt(System.getenv().getOrDefault("BENCH_DOCS", "100000"));
        long have = pool.query("SELECT count(*) FROM search_document").execute().await().atMost(Duration.ofSeconds(60))
                .iterator().next().getLong(0);
        if (have < docs) {
            pool.query("INSERT INTO search_document (id, kind, entity_id, project_id, server_id, name, name_terms, tag_terms,"
                    + " body_terms, status, node_type, labels, data, link, occurred_at, version_time)"
                    + " SELECT CASE WHEN g % 10 = 0 THEN 'lab:' ELSE 'node:' END || 'gen' || g,"
                    + " CASE WHEN g % 10 = 0 THEN 'lab' ELSE 'node' END, 'gen' || g, md5('p' || (g / 50))::uuid,"
                    + " md5('s' || (g % 50))::uuid, n.name, n.terms,"
                    + " CASE WHEN g % 10 = 0 THEN 'lab opened' ELSE 'node ' || t.type || ' ' || st.status || ' role ' || r.role END,"
                    + " 'console 10.' || (g % 250) || '.' || (g / 250 % 250) || '.1 mgmt 10.' || (g % 250) || '.' || (g / 250 % 250) || '.1',"
                    + " CASE WHEN g % 10 = 0 THEN 'opened' ELSE st.status END, CASE WHEN g % 10 = 0 THEN NULL ELSE t.type END,"
                    + " ARRAY['role=' || r.role], '{}'::jsonb, '/api/v1/x', now() - (g || ' seconds')::interval, now() - interval '1 day'"
                    + " FROM generate_series(" + (have + 1) + ", " + docs + ") g,"
                    + " LATERAL (SELECT (ARRAY['R','leaf','spine','core','sw','pc'])[1 + g % 6] || (g % 997) AS name) b,"
                    + " LATERAL (SELECT b.name AS name, lower(b.name) AS terms) n,"
                    + " LATERAL (SELECT (ARRAY['qemu','vpcs','dynamips','iou','docker'])[1 + g % 5] AS type) t,"
                    + " LATERAL (SELECT (ARRAY['started','stopped','suspended'])[1 + g % 3] AS status) st,"
                    + " LATERAL (SELECT (ARRAY['core','edge','access','lab'])[1 + g % 4] AS role) r"
                    + " ON CONFLICT (id) DO NOTHING").execute().await().atMost(Duration.ofMinutes(10));
            pool.query("ANALYZE search_document").execute().await().atMost(Duration.ofMinutes(5));
        }
        long total = pool.query("SELECT count(*) FROM search_document WHERE NOT deleted").execute()
                .await().atMost(Duration.ofSeconds(60)).iterator().next().getLong(0);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        // the last two match more than the count limit (5,000): their total and facets are capped (totalExact false)
        for (String q : List.of("leaf3", "R1", "10.7", "spine core", "sw12 type:qemu", "\"core 5\"", "R", "lagbench")) {
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/search?limit=50&q="
                            + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8))).GET().build();
            List<Double> times = new ArrayList<>();
            long matches = -1;
            boolean exact = true;
            for (int i = 0; i < 220; i++) {
                long t = System.nanoTime();
                java.net.http.HttpResponse<byte[]> response = http.send(request,
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                double ms = (System.nanoTime() - t) / 1e6;
                assertThat(response.statusCode()).as(q).isEqualTo(200);
                if (i >= 20) {
                    times.add(ms);
                } else if (i == 0) {
                    com.fasterxml.jackson.databind.JsonNode body = CloudEventCodec.mapper().readTree(response.body());
                    matches = body.path("total").asLong(-1);
                    exact = body.path("totalExact").asBoolean(true);
                }
            }
            System.out.printf(Locale.ROOT, "SEARCH %,d documents, q=%-16s (%,d%s matches, page of 50 + all facets): "
                    + "p50 %.1f ms p95 %.1f ms p99 %.1f ms%n", total, q, matches, exact ? "" : "+", pct(times, 50),
                    pct(times, 95), pct(times, 99));
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
