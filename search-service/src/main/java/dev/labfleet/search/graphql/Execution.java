package dev.labfleet.search.graphql;

import dev.labfleet.search.rest.SearchHit;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A script or workflow execution of automation-service. */
@Description("A script or workflow execution of automation-service")
public record Execution(
        @NonNull @Id String id,
        String name,
        String status,
        UUID projectId,
        @NonNull List<@NonNull String> labels,
        @Description("when it last changed") OffsetDateTime updatedAt,
        @Description("its resource in its owning service") String link,
        @NonNull List<@NonNull Field> fields) {

    static Execution of(SearchHit h) {
        return new Execution(h.id(), h.name(), h.status(), h.projectId(), h.labels() == null ? List.of() : h.labels(), h.occurredAt(), h.link(), Field.of(h.fields()));
    }
}
