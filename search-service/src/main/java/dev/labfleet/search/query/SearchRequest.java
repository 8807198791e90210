package dev.labfleet.search.query;

import dev.labfleet.search.index.Kind;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A validated search: what {@code GET /api/v1/search} and GraphQL ask for.
 *
 * @param kinds   the kinds to search; empty: every kind but events
 * @param facets  the facets to count
 * @param afterKey the decoded cursor (the sort key of the previous page's last hit), or null
 */
public record SearchRequest(QueryParser.Parsed query, Set<Kind> kinds, UUID serverId, UUID projectId,
                            List<String> statuses, List<String> labels, OffsetDateTime from, OffsetDateTime to,
                            Sort sort, String afterKey, int limit, Set<String> facets) {

    public static final Set<String> FACETS = Set.of("kind", "server", "status", "type", "template", "label");

    /** Hit order. Every order ends with the document id, so pages are stable. */
    public enum Sort {
        RELEVANCE, NEWEST, OLDEST, NAME;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
