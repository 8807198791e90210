package dev.labfleet.monitoring.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A lab (GNS3 project) with its live counts.
 *
 * @param status GNS3's {@code opened} or {@code closed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabState(String projectId, String serverId, String name, String status, int nodes, int links,
                       int runningNodes, List<String> tags) {
}
