package dev.labfleet.search.graphql;

import dev.labfleet.search.rest.SearchHit;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A search hit of any kind, as {@code GET /api/v1/search} answers it. */
@Description("A search hit of any kind, ranked and highlighted, linking to the entity in its owning service")
public record Hit(@NonNull String kind, @NonNull @Id String id, String name, String status, UUID serverId,
                  UUID projectId, String nodeType, String template, @NonNull List<@NonNull String> labels,
                  @Description("when the entity last changed (events: when they happened)") OffsetDateTime occurredAt,
                  @Description("the entity's resource in its owning service") String link,
                  @Description("relevance; absent without words") Float score,
                  @NonNull List<@NonNull Highlight> highlights, @NonNull List<@NonNull Field> fields) {

    static Hit of(SearchHit h) {
        List<Highlight> highlights = h.highlights() == null ? List.of()
                : h.highlights().entrySet().stream().map(e -> new Highlight(e.getKey(), e.getValue())).toList();
        return new Hit(h.kind(), h.id(), h.name(), h.status(), h.serverId(), h.projectId(), h.nodeType(), h.template(),
                h.labels() == null ? List.of() : h.labels(), h.occurredAt(), h.link(), h.score(), highlights,
                Field.of(h.fields()));
    }
}
