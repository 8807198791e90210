package dev.labfleet.gateway.service;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A server's health: its current status and the recent checks behind it.
 *
 * @param uptimePercent24h share of checks of the last 24 h that found the server UP or DEGRADED (null: no checks)
 * @param recent           the latest checks, newest first
 */
public record ServerHealth(UUID serverId, String name, String status, Long latencyMs, OffsetDateTime lastSeen,
                           int consecutiveFailures, Double uptimePercent24h, String breakerState, List<Check> recent) {

    /** One health check. */
    public record Check(OffsetDateTime at, String status, Long latencyMs, Double cpuPercent, Double memoryPercent,
                        String error) {
    }
}
