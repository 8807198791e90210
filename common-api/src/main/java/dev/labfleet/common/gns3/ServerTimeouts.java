package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;

/**
 * Per-server timeouts in milliseconds, one per class of GNS3 operation; null means the gateway's configured default.
 *
 * @param readMs      GETs
 * @param writeMs     creates, updates, deletes of nodes, links, drawings, templates
 * @param lifecycleMs start, stop, suspend, reload, open, close, snapshots, duplicates, project deletes
 * @param transferMs  exports and imports
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerTimeouts(
        @Positive @Max(3_600_000) Long readMs,
        @Positive @Max(3_600_000) Long writeMs,
        @Positive @Max(3_600_000) Long lifecycleMs,
        @Positive @Max(3_600_000) Long transferMs) {
}
