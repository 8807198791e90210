package dev.labfleet.search.graphql;

import dev.labfleet.search.rest.SearchHit;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An anomaly found by monitoring-service. */
@Description("An anomaly found by monitoring-service")
public record Anomaly(
        @NonNull @Id String id,
        String name,
        String status,
        UUID projectId,
        UUID serverId,
        @NonNull List<@NonNull String> labels,
        @Description("info, warning or critical") String severity,
        @Description("when it last changed") OffsetDateTime updatedAt,
        @Description("its resource in its owning service") String link,
        @NonNull List<@NonNull Field> fields) {

    static Anomaly of(SearchHit h) {
        return new Anomaly(h.id(), h.name(), h.status(), h.projectId(), h.serverId(), h.labels() == null ? List.of() : h.labels(), severity(h), h.occurredAt(), h.link(), Field.of(h.fields()));
    }

    private static String severity(SearchHit h) {
        if (h.labels() != null) {
            for (String label : h.labels()) {
                if (label.startsWith("severity=")) {
                    return label.substring("severity=".length());
                }
            }
        }
        return h.fields() != null && h.fields().get("severity") instanceof String s ? s : null;
    }
}
