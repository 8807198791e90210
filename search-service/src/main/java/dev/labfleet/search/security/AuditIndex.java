package dev.labfleet.search.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.search.config.SearchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit index: every {@code lab.audit} event, one row each (deduplicated on the event id: delivery is at least
 * once), for the audit search and the security dashboard. Its table is Flyway's, like the search index's.
 */
@ApplicationScoped
public class AuditIndex {

    private static final Logger LOG = Logger.getLogger(AuditIndex.class);
    /** Denials: what the security dashboard counts as failures. */
    static final List<String> DENIALS = List.of("unauthenticated", "forbidden", "rate-limited", "banned");
    /** Admin routes (the server registry, healing, alert rules, reindex, bans): their changes are admin actions. */
    static final String ADMIN_PATHS = "^/api/v1/(servers|security|search/reindex|monitoring/(healing|alert-rules))";

    private final Pool pool;
    private final SearchConfig config;
    /** The table is Flyway's (db/migration V2__security_audit.sql), migrated before the service serves. */
    private final Uni<Void> ready = Uni.createFrom().voidItem();

    public AuditIndex(Pool pool, SearchConfig config) {
        this.pool = pool;
        this.config = config;
    }

    public Uni<Void> ready() {
        return ready;
    }

    /** Stores a batch of audit events; one already stored is skipped. */
    public Uni<Void> record(List<CloudEvent> events) {
        List<Tuple> rows = new ArrayList<>();
        for (CloudEvent e : events) {
            if (e == null || e.type() == null || !e.type().startsWith("lab.audit.") || e.data() == null) {
                continue;
            }
            JsonNode d = e.data();
            OffsetDateTime at = e.time() != null ? e.time() : OffsetDateTime.now(ZoneOffset.UTC);
            rows.add(Tuple.tuple(List.of(e.id(), e.type(), at)).addString(text(d, "service"))
                    .addString(text(d, "principal") != null ? text(d, "principal") : text(d, "by"))
                    .addString(text(d, "method")).addString(text(d, "path")).addString(text(d, "objectType"))
                    .addString(text(d, "objectId")).addString(text(d, "projectId"))
                    .addInteger(d.hasNonNull("status") ? d.get("status").asInt() : null)
                    .addString(outcome(e.type(), d)).addString(text(d, "address")).addString(text(d, "traceId"))
                    .addValue(new JsonObject(d.toString())));
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return ready.chain(() -> pool.preparedQuery("""
                INSERT INTO security_audit (id, type, at, service, principal, method, path, object_type, object_id,
                  project_id, status, outcome, address, trace_id, data)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                ON CONFLICT (id) DO NOTHING""").executeBatch(rows)).replaceWithVoid();
    }

    private static String outcome(String type, JsonNode d) {
        return switch (type) {
            case "lab.audit.address-banned" -> "ban-imposed";
            case "lab.audit.ban-lifted" -> "ban-lifted";
            default -> text(d, "outcome");
        };
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Audit entries, newest first, matching every given filter (null: any). */
    public Uni<List<Map<String, Object>>> search(String principal, String address, String outcome, String projectId,
                                                 OffsetDateTime since, int limit) {
        return ready.chain(() -> pool.preparedQuery("""
                SELECT data, type, at FROM security_audit
                WHERE ($1::text IS NULL OR principal = $1) AND ($2::text IS NULL OR address = $2)
                  AND ($3::text IS NULL OR outcome = $3) AND ($4::text IS NULL OR project_id = $4)
                  AND ($5::timestamptz IS NULL OR at >= $5)
                ORDER BY at DESC, id LIMIT $6""")
                .execute(Tuple.of(principal, address, outcome, projectId, since, limit)))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row row : rows) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("type", row.getString("type"));
                        entry.putAll(((JsonObject) row.getValue("data")).getMap());
                        out.add(entry);
                    }
                    return out;
                });
    }

    /** Denials in the last {@code window}: by outcome, the addresses with most, and the latest ones. */
    public Uni<Map<String, Object>> failures(Duration window) {
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minus(window);
        Uni<Map<String, Object>> byOutcome = ready.chain(() -> pool.preparedQuery("""
                SELECT outcome, count(*) AS n FROM security_audit
                WHERE at >= $1 AND outcome = ANY($2) GROUP BY outcome ORDER BY 2 DESC""")
                .execute(Tuple.of(since, DENIALS.toArray(String[]::new)))).map(rows -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        out.put(r.getString("outcome"), r.getLong("n"));
                    }
                    return out;
                });
        Uni<List<Map<String, Object>>> byAddress = ready.chain(() -> pool.preparedQuery("""
                SELECT address, count(*) AS n, max(at) AS last FROM security_audit
                WHERE at >= $1 AND outcome = ANY($2) GROUP BY address ORDER BY 2 DESC LIMIT 10""")
                .execute(Tuple.of(since, DENIALS.toArray(String[]::new)))).map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row r : rows) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("address", r.getString("address"));
                        m.put("count", r.getLong("n"));
                        m.put("last", r.getOffsetDateTime("last"));
                        out.add(m);
                    }
                    return out;
                });
        return Uni.combine().all().unis(byOutcome, byAddress).asTuple().map(t -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("since", since);
            out.put("byOutcome", t.getItem1());
            out.put("topAddresses", t.getItem2());
            return out;
        });
    }

    /** The latest changes made on admin routes (the server registry, healing, alert rules, reindex, bans). */
    public Uni<List<Map<String, Object>>> adminActions(int limit) {
        return ready.chain(() -> pool.preparedQuery("""
                SELECT data, type FROM security_audit
                WHERE (outcome = 'succeeded' AND path ~ $1) OR type IN ('lab.audit.address-banned', 'lab.audit.ban-lifted')
                ORDER BY at DESC LIMIT $2""").execute(Tuple.of(ADMIN_PATHS, limit)))
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row row : rows) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("type", row.getString("type"));
                        entry.putAll(((JsonObject) row.getValue("data")).getMap());
                        out.add(entry);
                    }
                    return out;
                });
    }
}
