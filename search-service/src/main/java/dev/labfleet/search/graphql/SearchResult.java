package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of search hits with the facets asked for. */
@Description("A page of hits. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record SearchResult(@NonNull List<@NonNull Hit> items, String nextCursor,
                           @Description("how many documents match (all pages); only when facets were asked for")
                           Long total, @NonNull List<@NonNull Facet> facets) {
}
