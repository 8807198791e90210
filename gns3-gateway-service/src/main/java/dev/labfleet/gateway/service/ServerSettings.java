package dev.labfleet.gateway.service;

import java.util.Map;

/**
 * What a caller sets on a registered GNS3 server, the service layer's own record (the REST layer maps its requests to
 * it). On registration a null field takes its default; on a change it leaves the field as it is.
 *
 * @param password HTTP basic auth password; stored encrypted, never shown; empty removes it on a change
 * @param timeouts per-operation-class timeouts, or null
 */
public record ServerSettings(
        String name,
        String url,
        String username,
        String password,
        Boolean verifyTls,
        Timeouts timeouts,
        Integer maxConcurrent,
        Double capacityWeight,
        Map<String, String> labels,
        Boolean enabled) {

    /** Per-server timeouts in milliseconds per class of GNS3 operation; null means the gateway's default. */
    public record Timeouts(Long readMs, Long writeMs, Long lifecycleMs, Long transferMs) {
    }
}
