package dev.labfleet.gateway.service;

import dev.labfleet.gateway.domain.ServerStatus;

import java.time.Duration;

/** How one health check moves a server's status: pure, so it is tested alone. */
public final class HealthRules {

    private HealthRules() {
    }

    /**
     * @param ok                  the check got GNS3's version
     * @param latency             how long it took
     * @param failuresBefore      consecutive failed checks before this one
     * @param downAfter           consecutive failures that make a server DOWN
     * @param degradedLatency     slower successful checks make it DEGRADED
     */
    public static ServerStatus next(boolean ok, Duration latency, int failuresBefore, int downAfter,
                                    Duration degradedLatency) {
        if (ok) {
            return latency.compareTo(degradedLatency) > 0 ? ServerStatus.DEGRADED : ServerStatus.UP;
        }
        return failuresBefore + 1 >= downAfter ? ServerStatus.DOWN : ServerStatus.DEGRADED;
    }
}
