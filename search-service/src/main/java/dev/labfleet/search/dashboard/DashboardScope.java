package dev.labfleet.search.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.search.index.Kind;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabAccess;
import dev.labfleet.support.security.SecuritySwitch;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fleet dashboards are computed once for everyone (as the suite's service account) and cached whole; most of
 * their figures are counts. The sections that name labs (the busiest links and labs, from monitoring-service) are cut
 * here, per reader, to the labs the reader may see, as a search is (docs/security.md): an admin sees every item; any
 * other caller the items of labs it owns or that carry one of its groups, as the labs' own index documents say.
 */
@ApplicationScoped
public class DashboardScope {

    /** Dashboard, then its sections whose items name a lab by {@code projectId}. */
    static final Map<String, List<String>> LAB_SECTIONS = Map.of(
            "network", List.of("busiestLinks"),
            "monitoring", List.of("trafficTop"));

    private static final String VISIBLE = "SELECT project_id::text AS id FROM search_document WHERE kind = '"
            + Kind.LAB.wire() + "' AND NOT deleted AND project_id::text = ANY($1)"
            + " AND (data->>'owner' = $2 OR labels && $3::text[])";

    private final Pool pool;

    public DashboardScope(Pool pool) {
        this.pool = pool;
    }

    /** The dashboard's JSON as {@code caller} may read it (the same bytes when nothing in it needs cutting). */
    public Uni<byte[]> forCaller(String name, byte[] body) {
        List<String> sections = LAB_SECTIONS.get(name);
        SecurityIdentity caller = Caller.current();
        if (sections == null || !SecuritySwitch.enabled() || caller != null && LabAccess.seesAll(caller)) {
            return Uni.createFrom().item(body);
        }
        ObjectNode dashboard = read(body);
        List<ArrayNode> lists = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (String section : sections) {
            JsonNode data = dashboard.path("sections").path(section).path("data");
            if (data instanceof ArrayNode items && !items.isEmpty()) {
                lists.add(items);
                items.forEach(item -> named.add(item.path("projectId").asText("")));
            }
        }
        if (lists.isEmpty()) {
            return Uni.createFrom().item(body);
        }
        Uni<Set<String>> visible = caller == null ? Uni.createFrom().item(Set.of())
                : pool.preparedQuery(VISIBLE).execute(Tuple.of(named.toArray(String[]::new), Caller.name(caller),
                        LabAccess.groupTags(caller).toArray(String[]::new))).map(rows -> {
                    Set<String> ids = new HashSet<>();
                    for (Row row : rows) {
                        ids.add(row.getString("id"));
                    }
                    return ids;
                });
        return visible.map(ids -> {
            for (ArrayNode items : lists) {
                for (int i = items.size() - 1; i >= 0; i--) {
                    if (!ids.contains(items.get(i).path("projectId").asText(""))) {
                        items.remove(i);
                    }
                }
            }
            return write(dashboard);
        });
    }

    private static ObjectNode read(byte[] body) {
        try {
            return (ObjectNode) CloudEventCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(JsonNode dashboard) {
        try {
            return CloudEventCodec.mapper().writeValueAsBytes(dashboard);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
