package dev.labfleet.monitoring.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A GNS3 server as monitoring sees it.
 *
 * @param status        the gateway's health status ({@code UP}, {@code DEGRADED}, {@code DOWN}) or {@code UNKNOWN}
 * @param cpuPercent    GNS3's last reported CPU use
 * @param memoryPercent GNS3's last reported memory use
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerState(String serverId, String name, String url, String status, Long latencyMs, Double cpuPercent,
                          Double memoryPercent, String breaker, String error) {

    public ServerState withLoad(Double cpu, Double memory) {
        return new ServerState(serverId, name, url, status, latencyMs, cpu == null ? cpuPercent : cpu,
                memory == null ? memoryPercent : memory, breaker, error);
    }

    public ServerState withHealth(String newStatus, Long latency, String newBreaker, String newError) {
        return new ServerState(serverId, name, url, newStatus == null ? status : newStatus,
                latency == null ? latencyMs : latency, cpuPercent, memoryPercent,
                newBreaker == null ? breaker : newBreaker, newError);
    }

    public ServerState named(String newName, String newUrl) {
        return new ServerState(serverId, newName == null ? name : newName, newUrl == null ? url : newUrl, status,
                latencyMs, cpuPercent, memoryPercent, breaker, error);
    }
}
