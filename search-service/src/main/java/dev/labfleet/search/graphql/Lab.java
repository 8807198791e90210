package dev.labfleet.search.graphql;

import dev.labfleet.search.rest.SearchHit;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A lab (a GNS3 project managed by project-service). */
@Description("A lab (a GNS3 project managed by project-service)")
public record Lab(
        @NonNull @Id String id,
        String name,
        String status,
        UUID serverId,
        @NonNull List<@NonNull String> labels,
        @Description("when it last changed") OffsetDateTime updatedAt,
        @Description("its resource in its owning service") String link,
        @NonNull List<@NonNull Field> fields) {

    static Lab of(SearchHit h) {
        return new Lab(h.id(), h.name(), h.status(), h.serverId(), h.labels() == null ? List.of() : h.labels(), h.occurredAt(), h.link(), Field.of(h.fields()));
    }
}
