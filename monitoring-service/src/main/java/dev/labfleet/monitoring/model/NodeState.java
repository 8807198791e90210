package dev.labfleet.monitoring.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A node of a lab: GNS3's status ({@code started}, {@code stopped}, {@code suspended}) and where it is drawn. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeState(String nodeId, String projectId, String name, String nodeType, String status, Integer x,
                        Integer y) {
}
