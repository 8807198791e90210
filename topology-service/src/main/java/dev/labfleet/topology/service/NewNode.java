package dev.labfleet.topology.service;

import java.util.Map;
import java.util.UUID;

/**
 * A node to add to a lab, checked by the REST layer: exactly one of {@code template} (a template of the fleet
 * catalogue, by name or id) or {@code nodeType} (a GNS3 node type) is expected.
 *
 * @param nodeId     optional, for safe retries (with {@code nodeType} only)
 * @param properties GNS3 node properties, sent as they are
 * @param labels     Labfleet's own metadata about the node (not sent to GNS3)
 * @param computeId  the GNS3 compute, {@code local} when null
 */
public record NewNode(UUID nodeId, String name, String template, String nodeType, String computeId, Integer x,
                      Integer y, Map<String, Object> properties, Map<String, String> labels) {
}
