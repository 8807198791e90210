package dev.labfleet.search.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A dashboard: its sections in a fixed order, when its figures were computed, and where this answer came from.
 *
 * @param cache {@code tier} (local, redis or computed), {@code ageMs} (now - computedAt) and {@code stale} (a
 *              refresh is under way; the figures are the previous ones)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Dashboard(String name, OffsetDateTime computedAt, Map<String, Section> sections, CacheInfo cache) {

    public record CacheInfo(String tier, long ageMs, boolean stale) {
    }

    public Dashboard with(CacheInfo info) {
        return new Dashboard(name, computedAt, sections, info);
    }
}
