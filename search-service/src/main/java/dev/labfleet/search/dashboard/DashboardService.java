package dev.labfleet.search.dashboard;

import dev.labfleet.support.guard.BanStore;
import dev.labfleet.search.security.AuditIndex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.search.client.SourceClient;
import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.search.index.IndexSchema;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Computes the four fleet dashboards. Every section is computed in parallel from its own source (the index, another
 * service's API, Kafka) under its own deadline ({@code labfleet.search.dashboards.source-timeout}); a source that
 * fails or is late makes its section {@code unavailable} with the reason, and the dashboard still answers.
 */
@ApplicationScoped
public class DashboardService {

    public static final List<String> NAMES = List.of("system", "network", "monitoring", "security");

    private final Pool pool;
    private final IndexSchema schema;
    private final SourceClient client;
    private final SearchConfig config;
    private final String bootstrap;
    private volatile Admin admin;
    private final AuditIndex audit;
    private final BanStore bans;

    public DashboardService(Pool pool, IndexSchema schema, SourceClient client, SearchConfig config,
                            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, AuditIndex audit,
                            BanStore bans) {
        this.audit = audit;
        this.bans = bans;
        this.pool = pool;
        this.schema = schema;
        this.client = client;
        this.config = config;
        this.bootstrap = bootstrap;
    }

    public Uni<Dashboard> compute(String name) {
        Map<String, Supplier<Uni<Section>>> sections = switch (name) {
            case "system" -> system();
            case "network" -> network();
            case "monitoring" -> monitoring();
            case "security" -> security();
            default -> throw new IllegalArgumentException(name);
        };
        List<String> keys = new ArrayList<>(sections.keySet());
        List<Uni<Section>> unis = new ArrayList<>();
        for (String key : keys) {
            unis.add(guard(sections.get(key), sourceOf(key)));
        }
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        return Uni.combine().all().unis(unis).with(results -> {
            Map<String, Section> out = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                out.put(keys.get(i), (Section) results.get(i));
            }
            return new Dashboard(name, at, out, null);
        });
    }

    /** A section under its deadline; any failure is its {@code unavailable} reason. */
    private Uni<Section> guard(Supplier<Uni<Section>> section, String source) {
        Duration timeout = config.dashboards().sourceTimeout();
        return Uni.createFrom().<Section>deferred(section::get)
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().recoverWithItem(e -> Section.unavailable(source, e instanceof TimeoutException
                        ? "timed out after " + timeout.toMillis() + " ms"
                        : e instanceof SourceClient.SourceException ? e.getMessage() : "failed"));
    }

    private static String sourceOf(String section) {
        return switch (section) {
            case "services" -> "services";
            case "kafkaLag" -> "kafka";
            case "outbox" -> "services";
            case "servers", "trafficTop", "busiestLinks" -> "monitoring-service";
            case "bans" -> "redis";
            default -> "index";
        };
    }

    // ---------------------------------------------------------------- system

    private Map<String, Supplier<Uni<Section>>> system() {
        Map<String, Supplier<Uni<Section>>> s = new LinkedHashMap<>();
        s.put("services", this::services);
        s.put("kafkaLag", this::kafkaLag);
        s.put("outbox", this::outbox);
        s.put("index", () -> rows("SELECT kind, count(*) AS n, max(indexed_at) AS last FROM search_document"
                + " WHERE NOT deleted GROUP BY kind ORDER BY kind", row -> Map.of("kind", row.getString("kind"),
                "documents", row.getLong("n"), "lastIndexedAt", row.getOffsetDateTime("last").toString())));
        return s;
    }

    private Map<String, String> serviceUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("gns3-gateway-service", config.sources().gateway());
        urls.put("project-service", config.sources().project());
        urls.put("topology-service", config.sources().topology());
        urls.put("automation-service", config.sources().automation());
        urls.put("monitoring-service", config.sources().monitoring());
        return urls;
    }

    /** Each service's readiness, each under the section's deadline less a margin (a late one is "timed out"). */
    private Uni<Section> services() {
        Duration each = config.dashboards().sourceTimeout().multipliedBy(3).dividedBy(4);
        List<Uni<Map<String, Object>>> checks = new ArrayList<>();
        serviceUrls().forEach((service, url) -> checks.add(client.get(url, "/q/health/ready", each)
                .map(body -> Map.<String, Object>of("service", service, "status", body.path("status").asText("UNKNOWN")))
                .onFailure().recoverWithItem(e -> Map.of("service", service, "status", "DOWN",
                        "reason", e.getMessage() == null ? "failed" : e.getMessage()))));
        return Uni.combine().all().unis(checks).with(list -> Section.ok("services", list));
    }

    private Uni<Section> kafkaLag() {
        Admin a = admin();
        List<Uni<Map<String, Object>>> groups = new ArrayList<>();
        for (String group : config.dashboards().consumerGroups()) {
            groups.add(Uni.createFrom().completionStage(() -> a.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().toCompletionStage())
                    .chain(committed -> {
                        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
                        committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                        if (latest.isEmpty()) {
                            return Uni.createFrom().item(Map.<String, Object>of("group", group, "lag", 0L,
                                    "topics", Map.of()));
                        }
                        return Uni.createFrom().completionStage(() -> a.listOffsets(latest).all().toCompletionStage())
                                .map(ends -> lag(group, committed, ends));
                    }));
        }
        return Uni.combine().all().unis(groups).with(list -> Section.ok("kafka", list));
    }

    private static Map<String, Object> lag(String group, Map<TopicPartition, OffsetAndMetadata> committed,
                                           Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends) {
        Map<String, Long> perTopic = new TreeMap<>();
        long total = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> c : committed.entrySet()) {
            ListOffsetsResult.ListOffsetsResultInfo end = ends.get(c.getKey());
            if (c.getValue() == null || end == null) {
                continue;
            }
            long lag = Math.max(0, end.offset() - c.getValue().offset());
            perTopic.merge(c.getKey().topic(), lag, Long::sum);
            total += lag;
        }
        return Map.of("group", group, "lag", total, "topics", perTopic);
    }

    /** The outbox figures each service exposes in its metrics (published, failures, and pending where exposed). */
    private Uni<Section> outbox() {
        Duration each = config.dashboards().sourceTimeout().multipliedBy(3).dividedBy(4);
        List<Uni<Map<String, Object>>> all = new ArrayList<>();
        serviceUrls().forEach((service, url) -> all.add(client.getText(url, "/q/metrics", each)
                .map(text -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("service", service);
                    for (String line : text.split("\n")) {
                        if (line.startsWith("labfleet_outbox_")) {
                            int space = line.lastIndexOf(' ');
                            String metric = line.substring(0, space).replaceAll("\\{.*}", "");
                            try {
                                row.merge(metric, Double.parseDouble(line.substring(space + 1)),
                                        (x, y) -> (Double) x + (Double) y);
                            } catch (NumberFormatException ignored) {
                                // not a sample line
                            }
                        }
                    }
                    return row;
                })
                .onFailure().recoverWithItem(e -> Map.of("service", service, "status", "DOWN",
                        "reason", e.getMessage() == null ? "failed" : e.getMessage()))));
        return Uni.combine().all().unis(all).with(list -> Section.ok("services", list));
    }

    // ---------------------------------------------------------------- network

    private Map<String, Supplier<Uni<Section>>> network() {
        Map<String, Supplier<Uni<Section>>> s = new LinkedHashMap<>();
        s.put("servers", () -> client.get(config.sources().monitoring(), "/api/v1/monitoring/fleet",
                config.dashboards().sourceTimeout()).map(body -> Section.ok("monitoring-service", servers(body))));
        s.put("serversIndexed", () -> rows("SELECT entity_id, name, status, data FROM search_document"
                + " WHERE kind = 'server' AND NOT deleted ORDER BY name LIMIT 200", row -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("serverId", row.getString("entity_id"));
            m.put("name", row.getString("name"));
            m.put("status", row.getString("status"));
            io.vertx.core.json.JsonObject data = row.getJsonObject("data");
            if (data != null) {
                m.put("cpuPercent", data.getValue("cpu_usage_percent"));
                m.put("memoryPercent", data.getValue("memory_usage_percent"));
                m.put("latencyMs", data.getValue("latencyMs"));
            }
            return m;
        }));
        s.put("labsByStatus", () -> counts("SELECT coalesce(status, 'unknown') AS k, count(*) AS n FROM search_document"
                + " WHERE kind = 'lab' AND NOT deleted GROUP BY 1 ORDER BY 2 DESC"));
        s.put("nodesByStatus", () -> counts("SELECT coalesce(status, 'unknown') AS k, count(*) AS n FROM search_document"
                + " WHERE kind = 'node' AND NOT deleted GROUP BY 1 ORDER BY 2 DESC"));
        s.put("nodesByType", () -> counts("SELECT coalesce(node_type, 'unknown') AS k, count(*) AS n FROM search_document"
                + " WHERE kind = 'node' AND NOT deleted GROUP BY 1 ORDER BY 2 DESC LIMIT 50"));
        s.put("busiestLinks", () -> optional(config.sources().monitoring(), "/api/v1/monitoring/traffic/links/top",
                "monitoring-service"));
        return s;
    }

    private static Object servers(JsonNode fleet) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode s : fleet.path("servers")) {
            Map<String, Object> m = new LinkedHashMap<>();
            s.fields().forEachRemaining(f -> {
                if (f.getValue().isValueNode()) {
                    m.put(f.getKey(), f.getValue().isNumber() ? f.getValue().numberValue() : f.getValue().asText());
                }
            });
            out.add(m);
        }
        return out;
    }

    // ---------------------------------------------------------------- monitoring

    private Map<String, Supplier<Uni<Section>>> monitoring() {
        Map<String, Supplier<Uni<Section>>> s = new LinkedHashMap<>();
        s.put("openAnomaliesBySeverity", () -> counts("SELECT coalesce(substr(l, 10), 'unknown') AS k, count(*) AS n"
                + " FROM search_document d LEFT JOIN LATERAL (SELECT l FROM unnest(d.labels) l WHERE l LIKE 'severity=%'"
                + " LIMIT 1) sev ON true WHERE d.kind = 'anomaly' AND NOT d.deleted"
                + " AND coalesce(d.status, 'open') NOT IN ('closed', 'resolved', 'cleared') GROUP BY 1 ORDER BY 2 DESC"));
        s.put("incidentsByStatus", () -> counts("SELECT coalesce(status, 'unknown') AS k, count(*) AS n"
                + " FROM search_document WHERE kind = 'incident' AND NOT deleted GROUP BY 1 ORDER BY 2 DESC"));
        s.put("healingsLast24h", () -> counts("SELECT data->>'type' AS k, count(*) AS n FROM search_document"
                + " WHERE kind = 'event' AND NOT deleted AND occurred_at > now() - interval '24 hours'"
                + " AND data->>'type' LIKE 'lab.monitoring.%heal%' GROUP BY 1 ORDER BY 2 DESC"));
        s.put("trafficTop", () -> optional(config.sources().monitoring(), "/api/v1/monitoring/traffic/top",
                "monitoring-service"));
        return s;
    }

    // ---------------------------------------------------------------- security

    private Map<String, Supplier<Uni<Section>>> security() {
        Map<String, Supplier<Uni<Section>>> s = new LinkedHashMap<>();
        // denials and bans come from the audit index (lab.audit) and the guard's ban store (Redis)
        s.put("authenticationFailures", () -> audit.failures(Duration.ofHours(1)).map(f -> Section.ok("index", f)));
        s.put("rateLimitHits", () -> audit.search(null, null, "rate-limited", null,
                OffsetDateTime.now(ZoneOffset.UTC).minusHours(1), 20).map(r -> Section.ok("index", r)));
        s.put("bans", () -> bans.list().map(b -> Section.ok("redis", b)));
        s.put("scansAndFloods", () -> counts("SELECT data->>'type' AS k, count(*) AS n FROM search_document"
                + " WHERE kind = 'event' AND NOT deleted AND occurred_at > now() - interval '24 hours'"
                + " AND (data->>'type' LIKE 'lab.monitoring.%scan%' OR data->>'type' LIKE 'lab.monitoring.%flood%')"
                + " GROUP BY 1 ORDER BY 2 DESC"));
        s.put("recentAdminActions", () -> audit.adminActions(20).map(a -> Section.ok("index", a)));
        return s;
    }

    // ---------------------------------------------------------------- helpers

    /** A section from a service that may not offer it yet: 404 is {@code empty}, other failures unavailable. */
    private Uni<Section> optional(String base, String path, String source) {
        return client.get(base, path, config.dashboards().sourceTimeout())
                .map(body -> Section.ok(source, body))
                .onFailure(e -> e instanceof SourceClient.SourceException s && s.status() == 404)
                .recoverWithItem(Section.empty(source, source + " does not offer " + path + " yet"));
    }

    private Uni<Section> counts(String sql) {
        return schema.ready().chain(() -> pool.query(sql).execute()).map(rows -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (Row row : rows) {
                out.put(row.getString("k"), row.getLong("n"));
            }
            return Section.ok("index", out);
        });
    }

    private Uni<Section> rows(String sql, java.util.function.Function<Row, Object> map) {
        return schema.ready().chain(() -> pool.query(sql).execute()).map(rows -> {
            List<Object> out = new ArrayList<>();
            for (Row row : rows) {
                out.add(map.apply(row));
            }
            return Section.ok("index", out);
        });
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
                }
            }
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    static Set<String> names() {
        return Set.copyOf(NAMES);
    }
}
