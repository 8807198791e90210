package dev.labfleet.project.fleet;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What a lab looked like on its source server before the move, stored with the move: what the target must match
 * (counts), what to bring back there (link conditions, suspension, running nodes), and what a rollback restores.
 *
 * @param opened    the lab was opened (a closed lab is moved closed)
 * @param nodes     every node: name, source node id, whether it ran
 * @param links     every link with its ends by node name, its filters and suspension
 * @param snapshots snapshot names (compared on the target when snapshots come along)
 */
public record MovePlan(String name, boolean opened, List<PlannedNode> nodes, List<PlannedLink> links,
                       List<String> snapshots) {

    public record PlannedNode(String name, String nodeId, String nodeType, boolean running) {
    }

    /** {@code key}: both ends as {@code nodeName/adapter/port}, sorted, which survives GNS3's new ids on import. */
    public record PlannedLink(String key, JsonNode filters, boolean suspended) {

        boolean conditioned() {
            return suspended || filters != null && filters.isObject() && !filters.isEmpty();
        }
    }

    long running() {
        return nodes.stream().filter(PlannedNode::running).count();
    }
}
