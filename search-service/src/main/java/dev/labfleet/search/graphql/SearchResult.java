package dev.labfleet.search.graphql;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

import java.util.List;

/** A page of search hits with the facets asked for. */
@Description("A page of hits. Pass nextCursor as after for the next page (same arguments); absent on the last page")
public record SearchResult(@NonNull List<@NonNull Hit> items, String nextCursor,
                           @Description("how many documents match (all pages), counted up to the count limit "
                                   + "(see totalExact); only when facets were asked for")
                           Long total, @NonNull List<@NonNull Facet> facets,
                           @Description("false when more documents match than a search counts (5,000 by default): "
                                   + "total is then that limit, a lower bound; only when facets were asked for")
                           Boolean totalExact,
                           @Description("true when the facets counted only the first total matches (more match); "
                                   + "only when facets were asked for")
                           Boolean facetsTruncated) {
}
