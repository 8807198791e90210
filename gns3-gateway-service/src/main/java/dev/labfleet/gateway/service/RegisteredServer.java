package dev.labfleet.gateway.service;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * A registered GNS3 server as the service layer shows it, without its password ({@code passwordSet} says whether
 * one is stored).
 *
 * @param timeouts     the server's own timeouts, null when it has none
 * @param breakerState this replica's circuit breaker for the server: CLOSED, OPEN or HALF_OPEN
 */
public record RegisteredServer(
        UUID id,
        String name,
        String url,
        String apiVersion,
        String gns3Version,
        String username,
        boolean passwordSet,
        boolean verifyTls,
        ServerSettings.Timeouts timeouts,
        Integer maxConcurrent,
        double capacityWeight,
        Map<String, String> labels,
        boolean enabled,
        String status,
        String breakerState,
        OffsetDateTime lastSeen,
        int consecutiveFailures,
        Long latencyMs,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt,
        boolean draining,
        OffsetDateTime drainingSince) {
}
