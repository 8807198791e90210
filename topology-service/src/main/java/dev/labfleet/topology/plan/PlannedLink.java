package dev.labfleet.topology.plan;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A link to create, or the fields of a link to update (null leaves a field unchanged).
 *
 * @param linkId  the id to create it with (stable: derived from the project and its sorted endpoints)
 * @param a       one end (create only)
 * @param b       the other end (create only)
 * @param filters its GNS3 filters; GNS3's PUT replaces them all, so an update carries the full set
 * @param suspend whether it is suspended
 */
public record PlannedLink(UUID linkId, Endpoint a, Endpoint b, Map<String, List<Object>> filters, Boolean suspend) {

    /**
     * One end of a planned link. {@code nodeId} is the id the node has or will be created with; {@code nodeName}
     * lets an applier find the node when GNS3 gave it another id (nodes made from templates).
     */
    public record Endpoint(UUID nodeId, String nodeName, String portName, int adapterNumber, int portNumber) {
    }
}
