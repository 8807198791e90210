package dev.labfleet.common.gns3;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * A registered GNS3 server as the gateway shows it. The password is never part of it: {@code passwordSet} says
 * whether one is stored.
 *
 * @param status         UNKNOWN (not checked yet), UP, DEGRADED or DOWN, from the health monitor
 * @param breakerState   this replica's circuit breaker for the server: CLOSED, OPEN or HALF_OPEN
 * @param latencyMs      the last health check's round trip
 * @param draining       placement skips the server (its labs keep working until moved); {@code drainingSince} when
 */
public record ServerView(
        UUID id,
        String name,
        String url,
        String apiVersion,
        String gns3Version,
        String username,
        boolean passwordSet,
        boolean verifyTls,
        ServerTimeouts timeouts,
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
