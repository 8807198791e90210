package dev.labfleet.search.graphql;

import dev.labfleet.search.rest.SearchHit;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;

import java.time.OffsetDateTime;
import java.util.List;

/** A GNS3 server of the fleet, from the index (gateway registry, health and load events). */
@Description("A GNS3 server of the fleet, from the index (gateway registry, health and load events)")
public record Server(
        @NonNull @Id String id,
        String name,
        String status,
        @NonNull List<@NonNull String> labels,
        @Description("when it last changed") OffsetDateTime updatedAt,
        @Description("its resource in its owning service") String link,
        @NonNull List<@NonNull Field> fields) {

    static Server of(SearchHit h) {
        return new Server(h.id(), h.name(), h.status(), h.labels() == null ? List.of() : h.labels(), h.occurredAt(), h.link(), Field.of(h.fields()));
    }
}
