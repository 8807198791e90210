package dev.labfleet.search.graphql;

import dev.labfleet.search.rest.SearchHit;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A link between two nodes of a lab, named after its nodes (R1 - SW1). */
@Description("A link between two nodes of a lab, named after its nodes (R1 - SW1)")
public record Link(
        @NonNull @Id String id,
        String name,
        String status,
        UUID projectId,
        UUID serverId,
        @NonNull List<@NonNull String> labels,
        @Description("when it last changed") OffsetDateTime updatedAt,
        @Description("its resource in its owning service") String link,
        @NonNull List<@NonNull Field> fields) {

    static Link of(SearchHit h) {
        return new Link(h.id(), h.name(), h.status(), h.projectId(), h.serverId(), h.labels() == null ? List.of() : h.labels(), h.occurredAt(), h.link(), Field.of(h.fields()));
    }
}
