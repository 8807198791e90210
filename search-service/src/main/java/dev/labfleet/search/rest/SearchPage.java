package dev.labfleet.search.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * A page of hits.
 *
 * @param total      how many documents match (all pages)
 * @param facets     facet -> value -> count over all matching documents, most frequent first (top 20 each)
 * @param nextCursor pass it as {@code cursor} for the next page (same q, filters and sort); absent on the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchPage(List<SearchHit> items, String nextCursor, int limit, Long total,
                         Map<String, Map<String, Long>> facets) {
}
