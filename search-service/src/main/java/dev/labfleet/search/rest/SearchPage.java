package dev.labfleet.search.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * A page of hits.
 *
 * @param total           how many documents match (all pages), at most the count limit; absent without facets
 * @param facets          facet -> value -> count over the counted matches, most frequent first (top 20 each)
 * @param nextCursor      pass it as {@code cursor} for the next page (same q, filters and sort); absent on the last page
 * @param totalExact      false when more documents match than a search counts ({@code labfleet.search.query.count-limit}):
 *                        {@code total} is then that limit, a lower bound
 * @param facetsTruncated true when the facets counted only the first {@code total} matches (then {@code totalExact}
 *                        is false)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchPage(List<SearchHit> items, String nextCursor, int limit,
                         @Schema(description = "How many documents match (all pages), counted up to the count limit "
                                 + "(5,000 by default); absent with facets=none. See totalExact.") Long total,
                         @Schema(description = "facet -> value -> count, most frequent first (top 20 each), over the "
                                 + "counted matches. See facetsTruncated.") Map<String, Map<String, Long>> facets,
                         @Schema(description = "false when more documents match than a search counts: total is then "
                                 + "the count limit, a lower bound (\"5,000+\"); the hits are still ranked and paged "
                                 + "over every match") Boolean totalExact,
                         @Schema(description = "true when more documents match than a search counts: each facet "
                                 + "then counts only the first `total` matches the index yields (not a random "
                                 + "sample), so its counts are lower bounds") Boolean facetsTruncated) {
}
