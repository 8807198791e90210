package dev.labfleet.topology.plan;

import java.util.Map;
import java.util.UUID;

/**
 * A node to create, or the fields of a node to update (null leaves a field unchanged, as in GNS3's PUT).
 *
 * @param nodeId     the id to create it with (stable: derived from the project and the node's name)
 * @param nodeType   its GNS3 node type (create only)
 * @param templateId its template, or null to create it by node type (create only)
 * @param properties the properties the spec manages; on update, the keys that differ
 */
public record PlannedNode(UUID nodeId, String name, String nodeType, UUID templateId, Map<String, Object> properties,
                          Integer x, Integer y) {
}
